package optim

import (
	"errors"
	"fmt"
	"math"

	"github.com/descentlab/descent/optim/internal/kernel"
)

// LAMB is the hyperparameters of LAMB (You et al. 2020, "Large Batch
// Optimization for Deep Learning: Training BERT in 76 minutes",
// Algorithm 2): Adam's ratio r = m̂/(√v̂ + ε) plus the decoupled decay λw,
// applied per parameter (layer) with the trust ratio φ(‖w‖)/‖r + λw‖, so
// that every layer moves by about lr times its own norm. Where the paper
// leaves a choice open, cybertronai/pytorch-lamb (and pytorch-optimizer's
// Lamb) decide: ε = 1e-6, φ(z) = min(z, clamp_value) with clamp_value 10,
// and a trust ratio of 1 when either norm is 0. Bias correction is the
// paper's (on by default; pytorch-lamb leaves it out, bias_correction=false).
// It is not element-wise (the norms are the whole parameter's): build it
// with NewLAMB.
type LAMB struct {
	LR, Beta1, Beta2, Eps float64
	WeightDecay           float64 // λ, added to the ratio inside the trust ratio
	ClampValue            float64 // φ(z) = min(z, clamp_value), z = ‖w‖
	BiasCorrection        bool    // divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ
}

// DefaultLAMB returns the defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-6,
// no weight decay, clamp_value 10, bias correction.
func DefaultLAMB() LAMB {
	return LAMB{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-6, ClampValue: 10, BiasCorrection: true}
}

func (h *LAMB) fields() []field {
	return []field{
		lrField(&h.LR),
		beta1Field(&h.Beta1),
		beta2Field(&h.Beta2),
		epsField(&h.Eps),
		num("weight_decay", &h.WeightDecay, nonNeg, wantNonNeg, "decoupled weight decay λ: the step is along r + λw, inside the trust ratio"),
		num("clamp_value", &h.ClampValue, positive, wantPositive, "upper bound of the weight norm in the trust ratio: φ(‖w‖) = min(‖w‖, clamp_value)"),
		boolean("bias_correction", &h.BiasCorrection, "divide the moments by 1 − β₁ᵗ and 1 − β₂ᵗ (the paper); false as pytorch-lamb"),
	}
}

const wantPositive = "a finite number > 0"

var _ Hyper = LAMB{}

var errLAMB = errors.New("optim: lamb scales each parameter's step by its norms: build it with NewLAMB")

// lambSlot is one parameter, its moments and the ratio's scratch.
type lambSlot[T Float] struct {
	p       *Param[T]
	step    int64
	m, v, r []T
}

// LAMBOptimizer runs LAMB over parameters of any shape (each is one
// layer of the trust ratio). It allocates its state in NewLAMB; Step
// allocates nothing. It is not safe for concurrent use.
type LAMBOptimizer[T Float] struct {
	h     LAMB
	slots []lambSlot[T]
}

// NewLAMB returns a LAMB optimizer over params. Parameter names must be
// unique and non-empty.
func NewLAMB[T Float](h LAMB, params ...*Param[T]) (*LAMBOptimizer[T], error) {
	if err := checkNew(h, params); err != nil {
		return nil, err
	}
	o := &LAMBOptimizer[T]{h: h}
	for _, p := range params {
		n := len(p.Value)
		o.slots = append(o.slots, lambSlot[T]{p: p, m: make([]T, n), v: make([]T, n), r: make([]T, n)})
	}
	return o, nil
}

// Hyper returns the hyperparameters.
func (o *LAMBOptimizer[T]) Hyper() LAMB { return o.h }

// SetLR sets lr, taking effect at the next Step.
func (o *LAMBOptimizer[T]) SetLR(lr float64) error {
	if err := checkLR[T]("lamb", lr); err != nil {
		return err
	}
	o.h.LR = lr
	return nil
}

// Step applies one update to every parameter from its gradient:
//
//	m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  r = m̂/(√v̂ + ε) + λw
//	w ← w − η·φ(‖w‖)/‖r‖ · r      (ratio 1 if ‖w‖ or ‖r‖ is 0)
func (o *LAMBOptimizer[T]) Step() {
	for i := range o.slots {
		s := &o.slots[i]
		if len(s.p.Value) != len(s.m) || len(s.p.Grad) != len(s.m) {
			panic(fmt.Sprintf("optim: lamb: parameter %q changed length", s.p.Name))
		}
	}
	h := o.h
	for i := range o.slots {
		s := &o.slots[i]
		s.step++
		a := kernel.LAMBArgs{Beta1: h.Beta1, Beta2: h.Beta2, Eps: h.Eps, WeightDecay: h.WeightDecay, BiasCorrection: h.BiasCorrection}
		if h.BiasCorrection {
			t := float64(s.step)
			a.BC1, a.BC2 = 1-math.Pow(h.Beta1, t), 1-math.Pow(h.Beta2, t)
		}
		w, g := s.p.Value, s.p.Grad[:len(s.m)]
		kernel.LAMB(w, g, s.m, s.v, s.r, a)
		var wss, rss T
		for j, r := range s.r {
			wss += sq(w[j])
			rss += sq(r)
		}
		wn, rn := T(math.Sqrt(float64(wss))), T(math.Sqrt(float64(rss)))
		trust := T(1)
		if wn != 0 && rn != 0 {
			trust = min(wn, T(h.ClampValue)) / rn
		}
		kernel.SGD(w, s.r, kernel.Common{LR: h.LR * float64(trust)}) // w ← w − (η·ratio)·r
	}
}

// sq is x², rounded (the conversion keeps a compiler from fusing it into
// the sum it is added to).
func sq[T Float](x T) T { return T(x * x) }

const lambMetaKey = "descent.optim.lamb"

func (o *LAMBOptimizer[T]) views() []slotView[T] {
	out := make([]slotView[T], len(o.slots))
	for i := range o.slots {
		s := &o.slots[i]
		out[i] = slotView[T]{name: s.p.Name, n: len(s.p.Value), step: &s.step, names: namesAdam, bufs: [][]T{s.m, s.v}}
	}
	return out
}

// MarshalBinary encodes the state in the safetensors format: tensors
// "PARAM/exp_avg" and "PARAM/exp_avg_sq", and the hyperparameters and step
// counts as JSON metadata.
func (o *LAMBOptimizer[T]) MarshalBinary() ([]byte, error) {
	return marshalSlots(lambMetaKey, o.h, o.views())
}

// UnmarshalBinary loads a state written by MarshalBinary into an optimizer
// over parameters with the same names and lengths; the next Step continues
// exactly. The saved hyperparameters replace the optimizer's. On error the
// optimizer is unchanged.
func (o *LAMBOptimizer[T]) UnmarshalBinary(data []byte) error {
	hy, err := unmarshalSlots(data, "lamb", lambMetaKey, o.views())
	if err != nil {
		return err
	}
	o.h = hy.(LAMB)
	return nil
}
