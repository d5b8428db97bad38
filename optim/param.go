package optim

// Float is the element type of parameters: float32 (the speed path) or
// float64 (the precision path). The maths of every method is written once,
// generically, and instantiated for both. It is the module's one element
// constraint (clip uses it too); only optim/internal/kernel
// has a copy of its own, because optim imports it.
type Float interface{ ~float32 | ~float64 }

// Param is one named parameter tensor, flattened: its values, updated in
// place by Step, and its gradient, read by Step. Value and Grad must have
// the same length; the optimizer never retains Grad's contents between steps.
//
// Rows and Cols, when both are set (> 0, Rows·Cols = len(Value)), say the
// parameter is a Rows×Cols matrix stored row-major, as torch's 2-D weight
// tensors; methods that treat matrices apart (Adafactor factors their
// second moments) read them, the others ignore them. nn's weight matrices
// set them.
type Param[T Float] struct {
	Name  string
	Value []T
	Grad  []T
	Rows  int
	Cols  int
}

// Matrix reports whether p is a matrix: Rows and Cols set and matching its
// length.
func (p *Param[T]) Matrix() bool {
	return p.Rows > 0 && p.Cols > 0 && p.Rows*p.Cols == len(p.Value)
}

// NewParam returns a parameter with a zeroed gradient buffer of the same
// length as value.
func NewParam[T Float](name string, value []T) *Param[T] {
	return &Param[T]{Name: name, Value: value, Grad: make([]T, len(value))}
}

// ZeroGrad sets every element of the gradient to zero.
func (p *Param[T]) ZeroGrad() { clear(p.Grad) }
