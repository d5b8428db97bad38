package kernel

import "math"

// LAMBArgs are the constants of LAMB's element-wise pass (You et al. 2020,
// Algorithm 2): the moments' betas, ε, the decoupled decay λ, and the bias
// corrections 1 − β₁ᵗ, 1 − β₂ᵗ used when BiasCorrection is set.
type LAMBArgs struct {
	Beta1, Beta2, Eps, WeightDecay float64
	BC1, BC2                       float64
	BiasCorrection                 bool
}

// lambScalar is LAMB's element-wise pass: m ← β₁m + (1−β₁)g,
// v ← β₂v + (1−β₂)g², r = m̂/(√v̂ + ε) + λw (m̂ = m/(1−β₁ᵗ), v̂ likewise,
// when BiasCorrection). It leaves p alone: the trust ratio needs the norms
// of p and r first, and the step is then SGD's p ← p − (η·ratio)·r.
func lambScalar[T Float](p, g, m, v, r []T, a LAMBArgs) {
	b1, omb1, b2, omb2 := T(a.Beta1), T(1-a.Beta1), T(a.Beta2), T(1-a.Beta2)
	eps, wd, bc1, bc2 := T(a.Eps), T(a.WeightDecay), T(a.BC1), T(a.BC2)
	g, m, v, r = g[:len(p)], m[:len(p)], v[:len(p)], r[:len(p)]
	for j, gj := range g {
		mj := T(m[j]*b1) + T(gj*omb1)
		vj := T(v[j]*b2) + T(gj*gj*omb2)
		m[j], v[j] = mj, vj
		if a.BiasCorrection {
			mj, vj = mj/bc1, vj/bc2
		}
		rj := mj / (T(math.Sqrt(float64(vj))) + eps)
		if a.WeightDecay != 0 {
			rj += T(p[j] * wd)
		}
		r[j] = rj
	}
}
