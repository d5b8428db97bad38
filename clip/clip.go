package clip

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/vec"
	"github.com/descentlab/descent/optim"
)

// eps is torch's guard in clip_grad_norm_: coef = maxNorm/(total + 1e-6).
const eps = 1e-6

// Norm returns the L2 norm of all the gradients taken as one vector,
// accumulated in float64. It is +Inf if a gradient is ±Inf and NaN if one is
// NaN; otherwise it is finite and accurate even where the squares would
// overflow or underflow float64.
func Norm[T optim.Float](grads [][]T) float64 {
	var sum float64
	for _, g := range grads {
		sum += sumSquares(g)
	}
	// Below 2⁻⁸⁰⁰ squares of tiny values may have underflowed; +Inf may be
	// an overflow of finite values. Both are rare: redo them with scaling.
	if sum < 0x1p-800 || math.IsInf(sum, 1) {
		return scaledNorm(grads)
	}
	return math.Sqrt(sum)
}

// sumSquares is Σ g_i² in float64 with four accumulators, so that the
// additions do not wait on each other.
func sumSquares[T optim.Float](g []T) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(g); i += 4 {
		a, b, c, d := float64(g[i]), float64(g[i+1]), float64(g[i+2]), float64(g[i+3])
		s0 += float64(a * a)
		s1 += float64(b * b)
		s2 += float64(c * c)
		s3 += float64(d * d)
	}
	for ; i < len(g); i++ {
		a := float64(g[i])
		s0 += float64(a * a)
	}
	return (s0 + s1) + (s2 + s3)
}

// scaledNorm computes the norm as m·sqrt(Σ (g_i/m)²) with m = max |g_i|, as
// BLAS dnrm2 does, so that nothing overflows or underflows.
func scaledNorm[T optim.Float](grads [][]T) float64 {
	m := 0.0
	for _, g := range grads {
		for _, x := range g {
			a := math.Abs(float64(x))
			if math.IsNaN(a) {
				return a
			}
			m = max(m, a)
		}
	}
	if m == 0 || math.IsInf(m, 1) {
		return m
	}
	var sum float64
	for _, g := range grads {
		for _, x := range g {
			r := float64(x) / m
			sum += float64(r * r)
		}
	}
	return m * math.Sqrt(sum)
}

// GlobalNorm clips the gradients in place by their global L2 norm, as
// torch.nn.utils.clip_grad_norm_(params, maxNorm) with norm_type 2: if
// coef = maxNorm/(norm + 1e-6) is below 1, every gradient is multiplied by
// coef. It returns the norm before clipping.
//
// If the norm is not finite, GlobalNorm returns it and changes nothing, so
// that the caller can skip the step (see FirstNonFinite). maxNorm must be
// > 0; +Inf measures without clipping. On an error the gradients are left
// untouched and norm is 0.
func GlobalNorm[T optim.Float](grads [][]T, maxNorm float64) (norm float64, err error) {
	if !(maxNorm > 0) {
		return 0, fmt.Errorf("clip: GlobalNorm: maxNorm=%v, want a number > 0", maxNorm)
	}
	norm = Norm(grads)
	if coef, ok := clipCoef(norm, maxNorm); ok {
		for _, g := range grads {
			scale(g, T(coef))
		}
	}
	return norm, nil
}

// clipCoef is the factor GlobalNorm multiplies the gradients by, and
// whether it must: maxNorm/(norm + 1e-6) when the norm is finite and the
// factor below 1.
func clipCoef(norm, maxNorm float64) (coef float64, ok bool) {
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return 1, false
	}
	coef = maxNorm / (norm + eps)
	return coef, coef < 1
}

// scale multiplies g by c in place.
func scale[T optim.Float](g []T, c T) {
	for i := range g {
		g[i] *= c
	}
}

// Value clamps every gradient to [−clipValue, clipValue] in place, as
// torch.nn.utils.clip_grad_value_. NaN stays NaN; ±Inf becomes ±clipValue.
// clipValue must be > 0; on an error the gradients are left untouched.
func Value[T optim.Float](grads [][]T, clipValue float64) error {
	if !(clipValue > 0) {
		return fmt.Errorf("clip: Value: clipValue=%v, want a number > 0", clipValue)
	}
	if math.IsInf(clipValue, 1) {
		return nil
	}
	hi := T(clipValue)
	lo := -hi
	for _, g := range grads {
		for i, x := range g {
			g[i] = min(max(x, lo), hi) // Go's min and max keep NaN
		}
	}
	return nil
}

// anyNonFinite reports whether g holds a NaN or ±Inf: x·0 is 0 for every
// finite x and NaN otherwise, so the sum is NaN exactly when one is there.
// The loop has no branch, so it runs at memory speed.
func anyNonFinite[T optim.Float](g []T) bool {
	if g32, ok := any(g).([]float32); ok {
		return !vec.AllFinite(g32)
	}
	var s0, s1, s2, s3 T
	i := 0
	for ; i+4 <= len(g); i += 4 {
		s0 += g[i] * 0
		s1 += g[i+1] * 0
		s2 += g[i+2] * 0
		s3 += g[i+3] * 0
	}
	for ; i < len(g); i++ {
		s0 += g[i] * 0
	}
	s := s0 + s1 + s2 + s3
	return s != s
}

// AllFinite reports whether no gradient is NaN or ±Inf.
func AllFinite[T optim.Float](grads [][]T) bool {
	for _, g := range grads {
		if anyNonFinite(g) {
			return false
		}
	}
	return true
}

// FirstNonFinite finds the first NaN or ±Inf gradient, grads[slice][index],
// scanning slices in order; ok reports whether there is one. When ok is
// false, slice and index are −1.
func FirstNonFinite[T optim.Float](grads [][]T) (slice, index int, ok bool) {
	for s, g := range grads {
		if i := firstNonFiniteIn(g); i >= 0 {
			return s, i, true
		}
	}
	return -1, -1, false
}

// firstNonFiniteIn is the index of g's first NaN or ±Inf, or −1: the
// branch-free anyNonFinite scan first, the element search only if it fails.
func firstNonFiniteIn[T optim.Float](g []T) int {
	if !anyNonFinite(g) {
		return -1
	}
	for i, x := range g {
		if d := x - x; d != d { // x − x is NaN only for NaN and ±Inf
			return i
		}
	}
	return -1
}
