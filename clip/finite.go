package clip

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/optim"
)

// NonFiniteError reports a NaN or ±Inf in the loss, a gradient or a
// weight. For a loss or gradient the step was not applied: the weights and
// optimizer state are as before it. A weight (Weight set) turns non-finite
// only through an update with finite gradients and too large a learning
// rate; train's Trainer looks for it at the end of each epoch and before
// each step that it checkpoints, so the update that overflowed was this
// step or one since the last look, the weights are unusable, and nothing
// with them was saved. (The messages keep the words train has always
// printed.)
type NonFiniteError struct {
	Step   int     // the step that failed, counted from 1
	Param  string  // the parameter with the first bad gradient or weight; "" for the loss
	Index  int     // the element of Param
	Value  float64 // the bad value
	Weight bool    // Param[Index] is a weight, not a gradient
}

func (e *NonFiniteError) Error() string {
	if e.Weight {
		return fmt.Sprintf("train: step %d: weight %s[%d] is %v after the update (lower the learning rate)", e.Step, e.Param, e.Index, e.Value)
	}
	if e.Param == "" {
		return fmt.Sprintf("train: step %d: the training loss is %v (lower the learning rate, or use --clip)", e.Step, e.Value)
	}
	return fmt.Sprintf("train: step %d: gradient %s[%d] is %v (lower the learning rate, or use --clip)", e.Step, e.Param, e.Index, e.Value)
}

// CheckFinite is the guard train's Trainer runs before every optimizer
// step, for code that drives an optim.Optimizer itself: it returns nil if
// loss and every gradient of params are finite, and otherwise a
// *NonFiniteError for step naming the loss or the first parameter (in the
// order given) with a NaN or ±Inf gradient, its element and value. Call it
// after the backward pass and before Optimizer.Step; skipping the Step
// when it fails keeps the bad values out of the weights and the
// optimizer's state. It allocates nothing when all is finite.
func CheckFinite[T optim.Float](step int, loss float64, params []*optim.Param[T]) error {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return &NonFiniteError{Step: step, Value: loss}
	}
	for _, p := range params {
		if j := firstNonFiniteIn(p.Grad); j >= 0 {
			return &NonFiniteError{Step: step, Param: p.Name, Index: j, Value: float64(p.Grad[j])}
		}
	}
	return nil
}
