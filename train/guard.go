package train

import (
	"math"

	"github.com/descentlab/descent/clip"
	"github.com/descentlab/descent/optim"
)

// CheckFinite is the guard a Trainer runs before every optimizer step,
// for code that drives an optim.Optimizer itself: it returns nil if loss
// and every gradient of params are finite, and otherwise a
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
		if clip.AllFinite([][]T{p.Grad}) {
			continue
		}
		_, j, _ := clip.FirstNonFinite([][]T{p.Grad})
		return &NonFiniteError{Step: step, Param: p.Name, Index: j, Value: float64(p.Grad[j])}
	}
	return nil
}
