package optim

// Float is the element type of parameters: float32 (the speed path) or
// float64 (the precision path). The maths of every method is written once,
// generically, and instantiated for both.
type Float interface{ ~float32 | ~float64 }

// Param is one named parameter tensor, flattened: its values, updated in
// place by Step, and its gradient, read by Step. Value and Grad must have
// the same length; the optimizer never retains Grad's contents between steps.
type Param[T Float] struct {
	Name  string
	Value []T
	Grad  []T
}

// NewParam returns a parameter with a zeroed gradient buffer of the same
// length as value.
func NewParam[T Float](name string, value []T) *Param[T] {
	return &Param[T]{Name: name, Value: value, Grad: make([]T, len(value))}
}

// ZeroGrad sets every element of the gradient to zero.
func (p *Param[T]) ZeroGrad() { clear(p.Grad) }
