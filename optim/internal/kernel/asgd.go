package kernel

// ASGDArgs are the options of ASGD for one step: LR is the step's η (torch's
// state["eta"]), Decay = 1 − λ·η, and Mu the averaging weight μ (torch's
// state["mu"]; 1 copies the parameter into the average).
type ASGDArgs struct {
	Common
	Decay, Mu float64
}

// asgdScalar is torch.optim.ASGD's rule (Polyak & Juditsky 1992):
// w ← w·(1 − λη) − η·g (g with the L2 term of the old w);
// ax ← ax + μ·(w − ax), or ax ← w when μ = 1.
func asgdScalar[T Float](p, g, ax []T, a ASGDArgs) {
	lr, wd := T(a.LR), T(a.WeightDecay)
	decay, mu := T(a.Decay), T(a.Mu)
	g, ax = g[:len(p)], ax[:len(p)]
	for i := range p {
		d := grad(g[i], p[i], a.Maximize, wd)
		w := p[i]
		if a.Decay != 1 {
			w = w * decay
		}
		w = w + T((-lr)*d)
		p[i] = w
		if a.Mu != 1 {
			ax[i] = ax[i] + T((w-ax[i])*mu)
		} else {
			ax[i] = w
		}
	}
}
