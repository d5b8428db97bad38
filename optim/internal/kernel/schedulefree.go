package kernel

import "math"

// SFAdamWArgs are the per-step constants of Schedule-Free AdamW (Defazio et
// al. 2024, facebookresearch/schedule_free's reference code): LR is the
// step's ηₜ (warm-up and √(1−β₂ᵗ) applied), Decay = ηₜ·λ, C the weight
// cₜ of z in the average x, Beta1 the interpolation of y, Beta2 and Eps
// the second moment's. HasDecay is λ ≠ 0; DecayAtZ decays at z instead of y.
type SFAdamWArgs struct {
	LR, Decay, Beta1, Beta2, Eps, C float64
	HasDecay, DecayAtZ              bool
}

// sfAdamWScalar is one Schedule-Free AdamW step over y (the parameter), z,
// v and x: z ← z − ηλ·(y or z) − η·g/(√v + ε) with v ← β₂v + (1−β₂)g²;
// x ← (1−c)x + c·z; y ← β₁x + (1−β₁)z.
func sfAdamWScalar[T Float](p, g, z, v, x []T, a SFAdamWArgs) {
	wd := T(a.Decay)
	b2, omb2, eps := T(a.Beta2), T(1-a.Beta2), T(a.Eps)
	nlr, omc, c := T(-a.LR), T(1-a.C), T(a.C)
	b1, omb1 := T(a.Beta1), T(1-a.Beta1)
	g, z, v, x = g[:len(p)], z[:len(p)], v[:len(p)], x[:len(p)]
	for j := range p {
		zj := z[j]
		if a.HasDecay {
			pt := p[j]
			if a.DecayAtZ {
				pt = zj
			}
			zj = zj - T(wd*pt)
		}
		vj := T(v[j]*b2) + T(omb2*g[j]*g[j])
		v[j] = vj
		zj = zj + T(nlr*(g[j]/(T(math.Sqrt(float64(vj)))+eps)))
		z[j] = zj
		xj := T(x[j]*omc) + T(c*zj)
		x[j] = xj
		p[j] = T(xj*b1) + T(omb1*zj)
	}
}

// SFSGDArgs are the per-step constants of Schedule-Free SGD: LR is ηₜ
// (warm-up applied), WeightDecay the L2 term λ added to the gradient at y,
// Beta1 the momentum μ (y's interpolation), C as in SFAdamWArgs.
type SFSGDArgs struct {
	LR, WeightDecay, Beta1, C float64
}

// sfSGDScalar is one Schedule-Free SGD step over y (the parameter), z and
// x: z ← z − η(g + λy); x ← (1−c)x + c·z; y ← μx + (1−μ)z.
func sfSGDScalar[T Float](p, g, z, x []T, a SFSGDArgs) {
	wd, lr := T(a.WeightDecay), T(a.LR)
	omc, c := T(1-a.C), T(a.C)
	b1, omb1 := T(a.Beta1), T(1-a.Beta1)
	g, z, x = g[:len(p)], z[:len(p)], x[:len(p)]
	for j := range p {
		gj := g[j]
		if a.WeightDecay != 0 {
			gj = gj + T(wd*p[j])
		}
		zj := z[j] - T(lr*gj)
		z[j] = zj
		xj := T(x[j]*omc) + T(c*zj)
		x[j] = xj
		p[j] = T(xj*b1) + T(omb1*zj)
	}
}
