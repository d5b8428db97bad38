package kernel

// RpropArgs are the options of Rprop: the factors η₊ and η₋ and the bounds
// of the step sizes.
type RpropArgs struct {
	Maximize          bool
	EtaMinus, EtaPlus float64
	StepMin, StepMax  float64
}

// rpropScalar is torch.optim.Rprop's rule (Riedmiller & Braun 1993, the
// Rprop− variant torch implements): per element, the step size s grows by
// η₊ while g keeps its sign (g·prev > 0), shrinks by η₋ when it flips
// (g·prev < 0) and then the gradient counts as 0 for this step and the
// next; s is clamped to [StepMin, StepMax]; w ← w − sign(g)·s; prev ← g.
func rpropScalar[T Float](p, g, prev, step []T, a RpropArgs) {
	em, ep := T(a.EtaMinus), T(a.EtaPlus)
	lo, hi := T(a.StepMin), T(a.StepMax)
	g, prev, step = g[:len(p)], prev[:len(p)], step[:len(p)]
	for i := range p {
		d := g[i]
		if a.Maximize {
			d = -d
		}
		c := d * prev[i]
		s := step[i]
		switch {
		case c > 0:
			s = s * ep
		case c < 0:
			s = s * em
			d = 0
		}
		if s < lo {
			s = lo
		}
		if s > hi {
			s = hi
		}
		step[i] = s
		w := p[i]
		switch {
		case d > 0:
			w = w - s
		case d < 0:
			w = w + s
		}
		p[i] = w
		prev[i] = d
	}
}
