package optim

import (
	"math"
)

// Rprop is torch.optim.Rprop (Riedmiller & Braun 1993; the Rprop− variant
// torch implements): each element keeps its own step size, which grows by
// EtaPlus while the gradient keeps its sign and shrinks by EtaMinus when it
// flips, within [StepSizeMin, StepSizeMax]; the parameter moves by the step
// size against the sign of the gradient. The step sizes start at lr.
type Rprop struct {
	LR          float64 // the starting step size
	EtaMinus    float64 // shrink factor η₋ in (0, 1)
	EtaPlus     float64 // growth factor η₊ > 1
	StepSizeMin float64 // smallest step size
	StepSizeMax float64 // largest step size
	Maximize    bool
}

// DefaultRprop returns torch's defaults: lr 0.01, etas (0.5, 1.2), step_sizes (1e-6, 50).
func DefaultRprop() Rprop {
	return Rprop{LR: 0.01, EtaMinus: 0.5, EtaPlus: 1.2, StepSizeMin: 1e-6, StepSizeMax: 50}
}

func (h *Rprop) fields() []field {
	return []field{
		num("lr", &h.LR, nonNeg, wantNonNeg, "starting step size of every element (then adapted per element)"),
		num("etaminus", &h.EtaMinus, openUnit, wantOpenUnit,
			"factor η₋ that shrinks an element's step size when its gradient changes sign"),
		num("etaplus", &h.EtaPlus, func(v float64) bool { return v > 1 }, wantAboveOne,
			"factor η₊ that grows an element's step size while its gradient keeps its sign"),
		num("step_size_min", &h.StepSizeMin, nonNeg, wantNonNeg, "smallest allowed step size"),
		num("step_size_max", &h.StepSizeMax, nonNeg, wantNonNeg, "largest allowed step size"),
		maxField(&h.Maximize),
	}
}

// Validate implements Hyper.
func (h Rprop) Validate() error {
	if err := validate(h.Method(), h.fields()); err != nil {
		return err
	}
	if h.StepSizeMin > h.StepSizeMax {
		return hyperErrf("rprop", "step_size_min", formatNum(h.StepSizeMin), "step_size_min ≤ step_size_max",
			"rprop: invalid step_size_min=%s with step_size_max=%s: want step_size_min ≤ step_size_max",
			formatNum(h.StepSizeMin), formatNum(h.StepSizeMax))
	}
	return nil
}

// ASGD is torch.optim.ASGD, averaged stochastic gradient descent (Polyak &
// Juditsky 1992): SGD whose step η_t = lr/(1 + λ·lr·t)^α decays, with a
// weight decay λη on the parameter, and a running average ax of the
// parameters from step t0 on (state buffer "ax"). As in torch, η and the
// averaging weight μ are kept in float32 (torch's default dtype) for
// parameters of either type.
type ASGD struct {
	LR          float64
	Lambd       float64 // decay term λ
	Alpha       float64 // power α of the η decay
	T0          float64 // step from which the average starts
	WeightDecay float64
	Maximize    bool
}

// DefaultASGD returns torch's defaults: lr 0.01, lambd 1e-4, alpha 0.75, t0 1e6.
func DefaultASGD() ASGD { return ASGD{LR: 0.01, Lambd: 1e-4, Alpha: 0.75, T0: 1e6} }

func (h *ASGD) fields() []field {
	return []field{
		lrField(&h.LR),
		num("lambd", &h.Lambd, nonNeg, wantNonNeg, "decay term λ: w ← w·(1 − λη) and η_t = lr/(1 + λ·lr·t)^α"),
		num("alpha", &h.Alpha, nonNeg, wantNonNeg, "power α of the step-size decay η_t = lr/(1 + λ·lr·t)^α"),
		num("t0", &h.T0, nonNeg, wantNonNeg, "step after which the average ax starts (μ_t = 1/max(1, t − t0))"),
		wdField(&h.WeightDecay),
		maxField(&h.Maximize),
	}
}

var (
	_ Hyper = Rprop{}
	_ Hyper = ASGD{}
)

// loadASGDScalars sets ASGD's η and μ from saved scalars: a state past
// its first step must have both, finite (torch's state["eta"], state["mu"]).
func loadASGDScalars[T Float](h Hyper, name string, ps ParamState[T], st *paramState[T]) error {
	if _, ok := h.(ASGD); !ok || ps.Step == 0 {
		return nil
	}
	eta, ok1 := ps.Scalars["eta"]
	mu, ok2 := ps.Scalars["mu"]
	if !ok1 || !ok2 {
		return paramErr(name, "eta", "parameter %q: asgd state has no eta and mu scalars", name)
	}
	if math.IsNaN(eta) || math.IsInf(eta, 0) || math.IsNaN(mu) || math.IsInf(mu, 0) {
		return paramErr(name, "eta", "parameter %q: asgd state has eta=%s, mu=%s: want finite numbers", name, formatNum(eta), formatNum(mu))
	}
	st.eta, st.avgMu = eta, mu
	return nil
}
