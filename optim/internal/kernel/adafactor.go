package kernel

import "math"

// AdafactorArgs are the constants of Adafactor's element-wise pass over a
// parameter whose second moment is not factored (torch ≥ 2.5): W is the
// averaging weight t^τ (β₂_decay τ), Floor is ε₁², the smallest variance
// estimate the update divides by.
type AdafactorArgs struct {
	Maximize bool
	W, Floor float64
}

// adafactorVectorScalar is that pass: with x = g (−g when maximizing),
// v ← lerp(v, x², W) (torch's lerp: v + W(x² − v) for |W| < 0.5, else
// x² − (x² − v)(1 − W)) and u = 1/√max(v, Floor) · x. p is not read: the
// step needs the norm of u first.
func adafactorVectorScalar[T Float](p, g, v, u []T, a AdafactorArgs) {
	w, floor := T(a.W), T(a.Floor)
	small := w < 0.5 && w > -0.5
	g, v, u = g[:len(p)], v[:len(p)], u[:len(p)]
	for i, x := range g {
		if a.Maximize {
			x = -x
		}
		x2 := T(x * x)
		vi := v[i]
		if small {
			vi = vi + T(w*(x2-vi))
		} else {
			vi = x2 - T((x2-vi)*(1-w))
		}
		v[i] = vi
		u[i] = T(1) / T(math.Sqrt(float64(max(vi, floor)))) * x
	}
}
