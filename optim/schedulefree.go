package optim

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/optim/internal/kernel"
)

// AdamWScheduleFree is the hyperparameters of Schedule-Free AdamW (Defazio
// et al. 2024, "The Road Less Scheduled"; facebookresearch/schedule_free's
// adamw_schedulefree_reference.py is the definition followed). It needs no
// learning-rate schedule: the parameters hold y, an interpolation between
// z (the SGD-like iterate) and x (its weighted average), and x is the
// point to evaluate. Build it with NewScheduleFree.
type AdamWScheduleFree struct {
	LR            float64
	Beta1         float64 // interpolation y = β₁·x + (1 − β₁)·z
	Beta2         float64
	Eps           float64
	WeightDecay   float64 // decoupled, applied to z at y (or at z with DecayAtZ)
	WarmupSteps   int     // linear warm-up of lr over this many steps
	R             float64 // polynomial weighting (k+1)^r of the average
	WeightLRPower float64 // the average weights lr_max^weight_lr_power
	DecayAtZ      bool
}

// DefaultAdamWScheduleFree returns the reference's defaults: lr 0.0025,
// betas (0.9, 0.999), eps 1e-8, no weight decay or warm-up, r 0,
// weight_lr_power 2.
func DefaultAdamWScheduleFree() AdamWScheduleFree {
	return AdamWScheduleFree{LR: 0.0025, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightLRPower: 2}
}

func (h *AdamWScheduleFree) fields() []field {
	return []field{
		lrField(&h.LR),
		num("beta1", &h.Beta1, unitOpen, wantUnitOpen, "interpolation between the average x and the iterate z: y = β₁·x + (1 − β₁)·z"),
		beta2Field(&h.Beta2),
		epsField(&h.Eps),
		num("weight_decay", &h.WeightDecay, nonNeg, wantNonNeg, "decoupled weight decay: z ← z − lr·weight_decay·y"),
		sfWarmupField(&h.WarmupSteps),
		sfRField(&h.R),
		sfWLPField(&h.WeightLRPower),
		boolean("decay_at_z", &h.DecayAtZ, "apply the weight decay at z instead of y"),
	}
}

// The fields of the average, the same in both schedule-free methods.
func sfWarmupField(p *int) field {
	return integer("warmup_steps", p, nonNeg, wantNonNeg, "steps of linear learning-rate warm-up")
}
func sfRField(p *float64) field {
	return num("r", p, nonNeg, wantNonNeg, "power r of the polynomial weighting (k+1)^r of the average")
}
func sfWLPField(p *float64) field {
	return num("weight_lr_power", p, nonNeg, wantNonNeg, "the average weights each step by lr_max^weight_lr_power")
}

var _ Hyper = AdamWScheduleFree{}

// SGDScheduleFree is the hyperparameters of Schedule-Free SGD (Defazio et
// al. 2024; facebookresearch/schedule_free's sgd_schedulefree_reference.py
// is the definition followed): z ← z − η·(g + λ·y), then x and y as in
// AdamWScheduleFree with Momentum for β₁. Build it with NewScheduleFree.
type SGDScheduleFree struct {
	LR            float64
	Momentum      float64 // in (0, 1): y = μ·x + (1 − μ)·z
	WeightDecay   float64 // L2: g ← g + weight_decay·y
	WarmupSteps   int
	R             float64
	WeightLRPower float64
}

// DefaultSGDScheduleFree returns the reference's defaults: lr 1, momentum
// 0.9, no weight decay or warm-up, r 0, weight_lr_power 2.
func DefaultSGDScheduleFree() SGDScheduleFree {
	return SGDScheduleFree{LR: 1, Momentum: 0.9, WeightLRPower: 2}
}

func (h *SGDScheduleFree) fields() []field {
	return []field{
		lrField(&h.LR),
		num("momentum", &h.Momentum, openUnit, wantOpenUnit,
			"interpolation between the average x and the iterate z: y = μ·x + (1 − μ)·z"),
		num("weight_decay", &h.WeightDecay, nonNeg, wantNonNeg, "L2 penalty at y: g ← g + weight_decay·y"),
		sfWarmupField(&h.WarmupSteps),
		sfRField(&h.R),
		sfWLPField(&h.WeightLRPower),
	}
}

var _ Hyper = SGDScheduleFree{}

// sfConfig is what a step reads of either schedule-free method.
type sfConfig struct {
	adam                      bool
	lr, beta1, beta2, eps, wd float64
	warmup                    int
	r, wlp                    float64
	decayAtZ                  bool
}

func sfConfigOf(h Hyper) (sfConfig, bool) {
	switch h := h.(type) {
	case AdamWScheduleFree:
		return sfConfig{true, h.LR, h.Beta1, h.Beta2, h.Eps, h.WeightDecay, h.WarmupSteps, h.R, h.WeightLRPower, h.DecayAtZ}, true
	case SGDScheduleFree:
		return sfConfig{false, h.LR, h.Momentum, 0, 0, h.WeightDecay, h.WarmupSteps, h.R, h.WeightLRPower, false}, true
	}
	return sfConfig{}, false
}

// ScheduleFree runs Schedule-Free AdamW or SGD. Its parameters are in one of two
// modes, as the reference's optimizer.train() and .eval(): Train (the
// default) holds y, where gradients must be taken and Step may be called;
// Eval holds x, the point to evaluate, test and save. Step allocates
// nothing after the first; it is not safe for concurrent use.
type ScheduleFree[T Float] struct {
	h         Hyper // AdamWScheduleFree or SGDScheduleFree
	c         sfConfig
	params    []*Param[T]
	z, v, x   [][]T
	y         [][]T // y while in Eval mode (the parameters hold x)
	k         int64
	weightSum float64
	lrMax     float64
	eval      bool
	started   bool
}

// NewScheduleFree returns a Schedule-Free optimizer over params; h is
// AdamWScheduleFree or SGDScheduleFree.
func NewScheduleFree[T Float](h Hyper, params ...*Param[T]) (*ScheduleFree[T], error) {
	c, ok := sfConfigOf(h)
	if !ok {
		return nil, fmt.Errorf("optim: NewScheduleFree runs sf_adamw or sf_sgd, not %T", h)
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	if err := CheckRange[T](h); err != nil {
		return nil, err
	}
	if err := checkParams(h.Method(), params); err != nil {
		return nil, err
	}
	o := &ScheduleFree[T]{h: h, c: c, params: append([]*Param[T](nil), params...), lrMax: -1}
	for _, p := range params {
		n := len(p.Value)
		o.z, o.v, o.x, o.y = append(o.z, make([]T, n)), append(o.v, make([]T, n)), append(o.x, make([]T, n)), append(o.y, make([]T, n))
	}
	return o, nil
}

// Hyper returns the hyperparameters.
func (o *ScheduleFree[T]) Hyper() Hyper { return o.h }

// SetLR sets lr (the warm-up and the bias correction scale it).
func (o *ScheduleFree[T]) SetLR(lr float64) error {
	if err := checkLR[T](o.h.Method(), lr); err != nil {
		return err
	}
	o.h, o.c.lr = withLR[T](o.h, lr), lr
	return nil
}

// Eval puts x, the point to evaluate, into the parameters (the reference's
// optimizer.eval()); Train puts y back. Both do nothing when already in
// that mode or before the first step (x = y = the initial values then).
func (o *ScheduleFree[T]) Eval() {
	if o.eval || !o.started {
		return
	}
	for i, p := range o.params {
		copy(o.y[i], p.Value)
		copy(p.Value, o.x[i])
	}
	o.eval = true
}

// Train puts y, the point where gradients are taken, back into the
// parameters.
func (o *ScheduleFree[T]) Train() {
	if !o.eval {
		return
	}
	for i, p := range o.params {
		copy(p.Value, o.y[i])
	}
	o.eval = false
}

// Step applies one update from the gradients (taken at y). It panics in
// Eval mode, as the reference raises "Not in train mode!".
func (o *ScheduleFree[T]) Step() {
	if o.eval {
		panic("optim: " + o.h.Method() + ": Step in Eval mode: call Train first")
	}
	h := o.c
	k := float64(o.k)
	sched := 1.0
	if o.k < int64(h.warmup) {
		sched = (k + 1) / float64(h.warmup)
	}
	lr := h.lr * sched
	if h.adam {
		lr *= math.Sqrt(1 - math.Pow(h.beta2, k+1))
	}
	if !(o.lrMax > lr) {
		o.lrMax = lr
	}
	weight := float64(math.Pow(k+1, h.r) * math.Pow(o.lrMax, h.wlp))
	o.weightSum += weight
	ckp1 := 0.0
	if o.weightSum != 0 {
		ckp1 = weight / o.weightSum
	}
	for i, p := range o.params {
		y, g := p.Value, p.Grad[:len(p.Value)]
		z, v, x := o.z[i][:len(y)], o.v[i][:len(y)], o.x[i][:len(y)]
		if !o.started {
			copy(z, y)
			copy(x, y)
		}
		if h.adam {
			kernel.SFAdamW(y, g, z, v, x, kernel.SFAdamWArgs{LR: lr, Decay: lr * h.wd, Beta1: h.beta1, Beta2: h.beta2,
				Eps: h.eps, C: ckp1, HasDecay: h.wd != 0, DecayAtZ: h.decayAtZ})
		} else {
			// sgd_schedulefree_reference: grad.add_(y, alpha=wd); z.sub_(grad, alpha=lr)
			kernel.SFSGD(y, g, z, x, kernel.SFSGDArgs{LR: lr, WeightDecay: h.wd, Beta1: h.beta1, C: ckp1})
		}
	}
	o.started = true
	o.k++
}

// X returns x, the evaluation point, of parameter i; do not modify it.
func (o *ScheduleFree[T]) X(i int) []T { return o.x[i] }
