package clip

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/optim"
)

// The functions below take an optimizer's parameters (optim.Param, as
// Optimizer.Params returns them) in place of [][]T and act on their Grad
// slices, with the same semantics as the [][]T forms they are named after.

// NormParams is Norm of the gradients of params.
func NormParams[T optim.Float](params []*optim.Param[T]) float64 {
	var sum float64
	for _, p := range params {
		sum += sumSquares(p.Grad)
	}
	if sum < 0x1p-800 || math.IsInf(sum, 1) { // rare: see Norm
		return scaledNorm(gradsOf(params))
	}
	return math.Sqrt(sum)
}

// gradsOf lists the gradients of params (for the rare paths only: it
// allocates).
func gradsOf[T optim.Float](params []*optim.Param[T]) [][]T {
	g := make([][]T, len(params))
	for i, p := range params {
		g[i] = p.Grad
	}
	return g
}

// GlobalNormParams is GlobalNorm of the gradients of params, as
// torch.nn.utils.clip_grad_norm_(model.parameters(), maxNorm):
//
//	norm, err := clip.GlobalNormParams(opt.Params(), 1.0)
//
// It returns the norm before clipping; a non-finite norm changes nothing.
func GlobalNormParams[T optim.Float](params []*optim.Param[T], maxNorm float64) (norm float64, err error) {
	if !(maxNorm > 0) {
		return 0, fmt.Errorf("clip: GlobalNormParams: maxNorm=%v, want a number > 0", maxNorm)
	}
	norm = NormParams(params)
	if coef, ok := clipCoef(norm, maxNorm); ok {
		for _, p := range params {
			scale(p.Grad, T(coef))
		}
	}
	return norm, nil
}

// ValueParams is Value of the gradients of params, as
// torch.nn.utils.clip_grad_value_.
func ValueParams[T optim.Float](params []*optim.Param[T], clipValue float64) error {
	if !(clipValue > 0) {
		return fmt.Errorf("clip: ValueParams: clipValue=%v, want a number > 0", clipValue)
	}
	for _, p := range params {
		if err := Value([][]T{p.Grad}, clipValue); err != nil {
			return err
		}
	}
	return nil
}

// FirstNonFiniteParams finds the first NaN or ±Inf gradient of params, in
// order: the parameter's name and the element's index; ok reports whether
// there is one (name is "" and index −1 if not).
func FirstNonFiniteParams[T optim.Float](params []*optim.Param[T]) (name string, index int, ok bool) {
	for _, p := range params {
		if i := firstNonFiniteIn(p.Grad); i >= 0 {
			return p.Name, i, true
		}
	}
	return "", -1, false
}
