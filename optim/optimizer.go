package optim

import (
	"errors"
	"fmt"
	"math"
	"runtime"

	"github.com/descentlab/descent/optim/internal/kernel"
)

// Group is a set of parameters that share hyperparameters, as a torch.optim
// parameter group: e.g. weights with weight decay and biases without.
type Group[T Float] struct {
	Params []*Param[T]
	Hyper  Hyper
}

// Optimizer updates parameters in place with one method. It is bookkeeping
// around the fused kernels: the per-parameter state (step count and
// buffers), parameter groups and their hyperparameters. Buffers are
// allocated on a parameter's first step; later steps allocate nothing.
//
// Step runs on several goroutines when the step is large (see SetThreads).
// An Optimizer is not safe for concurrent use.
type Optimizer[T Float] struct {
	method string
	groups []group[T]
	byName map[string]*slot[T]

	threads     int        // goroutines per step; see SetThreads
	calls       []*call[T] // every slot's call, in group order (parallel.go)
	offs        []int
	pool        *pool[T]
	poolCleanup runtime.Cleanup
}

type group[T Float] struct {
	hyper Hyper   // the group's hyperparameters; its LR field is not used
	lr    float64 // the learning rate, kept apart so SetLR allocates nothing
	slots []*slot[T]
}

// slot is one parameter and its state.
type slot[T Float] struct {
	param *Param[T]
	st    paramState[T]
	call  call[T] // this step's kernel call, filled by prepareSlot
}

// paramState is the state torch.optim keeps per parameter.
type paramState[T Float] struct {
	step      int64
	bufs      [][]T   // in the order of bufferNames
	muProduct float64 // NAdam's running product of μ_t (starts at 1)
}

// New returns an optimizer with one group holding params.
func New[T Float](h Hyper, params ...*Param[T]) (*Optimizer[T], error) {
	return NewGroups(Group[T]{Params: params, Hyper: h})
}

// NewGroups returns an optimizer over several parameter groups. All groups
// must use the same method; parameter names must be unique and non-empty,
// and each parameter's Value and Grad must have the same length.
func NewGroups[T Float](groups ...Group[T]) (*Optimizer[T], error) {
	if len(groups) == 0 {
		return nil, errors.New("optim: no parameter groups")
	}
	o := &Optimizer[T]{byName: map[string]*slot[T]{}, threads: runtime.GOMAXPROCS(0)}
	for gi, g := range groups {
		if g.Hyper == nil {
			return nil, fmt.Errorf("optim: group %d has no hyperparameters", gi)
		}
		if err := g.Hyper.Validate(); err != nil {
			return nil, err
		}
		if gi == 0 {
			o.method = g.Hyper.Method()
		} else if g.Hyper.Method() != o.method {
			return nil, fmt.Errorf("optim: group %d uses %s but group 0 uses %s: one optimizer runs one method", gi, g.Hyper.Method(), o.method)
		}
		gr := group[T]{hyper: g.Hyper, lr: g.Hyper.LearningRate()}
		for _, p := range g.Params {
			if p == nil {
				return nil, fmt.Errorf("optim: group %d has a nil parameter", gi)
			}
			if p.Name == "" {
				return nil, fmt.Errorf("optim: group %d has a parameter with no name", gi)
			}
			if len(p.Grad) != len(p.Value) {
				return nil, fmt.Errorf("optim: parameter %q has %d values but %d gradients", p.Name, len(p.Value), len(p.Grad))
			}
			if _, dup := o.byName[p.Name]; dup {
				return nil, fmt.Errorf("optim: parameter name %q appears twice", p.Name)
			}
			s := &slot[T]{param: p, st: paramState[T]{muProduct: 1}}
			o.byName[p.Name] = s
			gr.slots = append(gr.slots, s)
		}
		o.groups = append(o.groups, gr)
	}
	return o, nil
}

// Method is the name of the optimizer's method, e.g. "adam".
func (o *Optimizer[T]) Method() string { return o.method }

// NumGroups is the number of parameter groups.
func (o *Optimizer[T]) NumGroups() int { return len(o.groups) }

// Hyper returns the hyperparameters of group i.
func (o *Optimizer[T]) Hyper(i int) Hyper {
	g := o.groups[i]
	if g.hyper.LearningRate() == g.lr {
		return g.hyper
	}
	return g.hyper.withLR(g.lr)
}

// LR returns the learning rate of group i.
func (o *Optimizer[T]) LR(i int) float64 { return o.groups[i].lr }

// SetLR sets the learning rate of group i, taking effect at the next Step,
// as assigning param_groups[i]["lr"] does in torch. Schedules use it.
func (o *Optimizer[T]) SetLR(i int, lr float64) error {
	if i < 0 || i >= len(o.groups) {
		return fmt.Errorf("optim: group %d out of range [0, %d)", i, len(o.groups))
	}
	if math.IsNaN(lr) || math.IsInf(lr, 0) || lr < 0 {
		return fmt.Errorf("%s: invalid lr=%s: want %s", o.method, formatNum(lr), wantNonNeg)
	}
	o.groups[i].lr = lr
	return nil
}

// SetAllLR sets the learning rate of every group.
func (o *Optimizer[T]) SetAllLR(lr float64) error {
	for i := range o.groups {
		if err := o.SetLR(i, lr); err != nil {
			return err
		}
	}
	return nil
}

// Params returns every parameter, group by group.
func (o *Optimizer[T]) Params() []*Param[T] {
	var out []*Param[T]
	for _, g := range o.groups {
		for _, s := range g.slots {
			out = append(out, s.param)
		}
	}
	return out
}

// ZeroGrad zeroes the gradient of every parameter.
func (o *Optimizer[T]) ZeroGrad() {
	for _, g := range o.groups {
		for _, s := range g.slots {
			s.param.ZeroGrad()
		}
	}
}

// Step applies one update to every parameter from its current gradient.
// It allocates only on a parameter's first step (its state buffers) and,
// the first time a step is split across threads, for the helper goroutines.
func (o *Optimizer[T]) Step() {
	for gi := range o.groups {
		g := &o.groups[gi]
		for _, s := range g.slots {
			prepareSlot(g.hyper, g.lr, s)
		}
	}
	o.runCalls()
}

// Buffer-name lists, shared so that bufferNames allocates nothing.
var (
	namesMomentumBuffer = []string{"momentum_buffer"}
	namesVelocity       = []string{"velocity"}
	namesSum            = []string{"sum"}
	namesRMSprop        = [4][]string{{"square_avg"}, {"square_avg", "grad_avg"}, {"square_avg", "momentum_buffer"}, {"square_avg", "grad_avg", "momentum_buffer"}}
	namesAdam           = []string{"exp_avg", "exp_avg_sq"}
	namesAMSGrad        = []string{"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
	namesAdamax         = []string{"exp_avg", "exp_inf"}
	namesAdadelta       = []string{"square_avg", "acc_delta"}
	namesLion           = []string{"exp_avg"}
)

// bufferNames lists the state buffers a method keeps per parameter, named
// as in torch.optim's state_dict. The result must not be modified.
func bufferNames(h Hyper) []string {
	switch h := h.(type) {
	case SGD:
		if h.Momentum != 0 {
			return namesMomentumBuffer
		}
	case Momentum:
		return namesVelocity
	case Adagrad:
		return namesSum
	case RMSprop:
		i := 0
		if h.Centered {
			i |= 1
		}
		if h.Momentum > 0 {
			i |= 2
		}
		return namesRMSprop[i]
	case Adam:
		if h.AMSGrad {
			return namesAMSGrad
		}
		return namesAdam
	case AdamW:
		if h.AMSGrad {
			return namesAMSGrad
		}
		return namesAdam
	case NAdam, RAdam:
		return namesAdam
	case Adamax:
		return namesAdamax
	case Adadelta:
		return namesAdadelta
	case Lion:
		return namesLion
	}
	return nil
}

// initValue is the starting value of a method's buffers.
func initValue(h Hyper) float64 {
	if a, ok := h.(Adagrad); ok {
		return a.InitialAccumulatorValue
	}
	return 0
}

// ensureBuffers allocates the buffers a parameter's state needs under h.
// It is a no-op after the first step unless h gained a buffer (for example
// momentum switched on), in which case the new buffer starts fresh.
func ensureBuffers[T Float](h Hyper, s *slot[T]) {
	want := len(bufferNames(h))
	if len(s.st.bufs) == want {
		return
	}
	n := len(s.param.Value)
	bufs := make([][]T, want)
	copy(bufs, s.st.bufs)
	v := T(initValue(h))
	for i := range bufs {
		if bufs[i] == nil {
			bufs[i] = make([]T, n)
			if v != 0 {
				for j := range bufs[i] {
					bufs[i][j] = v
				}
			}
		}
	}
	s.st.bufs = bufs
}

// prepareSlot advances a parameter's step count and fills its call with the
// kernel, the step's scalars and the buffers; runCalls runs it.
func prepareSlot[T Float](h Hyper, lr float64, s *slot[T]) {
	ensureBuffers(h, s)
	b := s.st.bufs
	c := &s.call
	c.p, c.g, c.b = s.param.Value, s.param.Grad, [3][]T{}
	s.st.step++
	t := float64(s.st.step)
	switch h := h.(type) {
	case SGD:
		cm := kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize}
		if h.Momentum == 0 {
			c.kind, c.common = kSGD, cm
			return
		}
		c.kind, c.b[0] = kSGDMomentum, b[0]
		c.sgdm = kernel.SGDMomentumArgs{Common: cm, Momentum: h.Momentum,
			Dampening: h.Dampening, Nesterov: h.Nesterov, First: s.st.step == 1}
	case Momentum:
		c.kind, c.b[0] = kMomentum, b[0]
		c.momentum = kernel.MomentumArgs{
			Common:   kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize},
			Momentum: h.Momentum}
	case Adagrad:
		clr := lr / (1 + (t-1)*h.LRDecay)
		c.kind, c.b[0] = kAdagrad, b[0]
		c.adagrad = kernel.AdagradArgs{
			Common: kernel.Common{LR: clr, WeightDecay: h.WeightDecay, Maximize: h.Maximize}, Eps: h.Eps}
	case RMSprop:
		a := kernel.RMSpropArgs{Common: kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize},
			Alpha: h.Alpha, Eps: h.Eps, Momentum: h.Momentum}
		c.rmsprop = a
		if !h.Centered && h.Momentum <= 0 {
			c.kind, c.b[0] = kRMSprop, b[0]
			return
		}
		var ga, buf []T
		k := 1
		if h.Centered {
			ga = b[k]
			k++
		}
		if h.Momentum > 0 {
			buf = b[k]
		}
		c.kind, c.b = kRMSpropFull, [3][]T{b[0], ga, buf}
	case Adam:
		if h.Variant == VariantNote {
			c.kind, c.b[0], c.b[1] = kAdamNote, b[0], b[1]
			c.adamNote = kernel.AdamNoteArgs{
				Common: kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize},
				Beta1:  h.Beta1, Beta2: h.Beta2, Eps: h.Eps}
			return
		}
		adam(c, b, t, lr, h.Beta1, h.Beta2, h.Eps, h.WeightDecay, 1, h.AMSGrad, h.Maximize)
	case AdamW:
		adam(c, b, t, lr, h.Beta1, h.Beta2, h.Eps, 0, 1-lr*h.WeightDecay, h.AMSGrad, h.Maximize)
	case NAdam:
		mu := h.Beta1 * (1 - 0.5*math.Pow(0.96, t*h.MomentumDecay))
		muNext := h.Beta1 * (1 - 0.5*math.Pow(0.96, (t+1)*h.MomentumDecay))
		s.st.muProduct *= mu
		prodNext := s.st.muProduct * muNext
		c.kind, c.b[0], c.b[1] = kNAdam, b[0], b[1]
		c.nadam = kernel.NAdamArgs{
			Common: kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize},
			Beta1:  h.Beta1, Beta2: h.Beta2, Eps: h.Eps,
			BC2: 1 - math.Pow(h.Beta2, t),
			C1:  -lr * (1 - mu) / (1 - s.st.muProduct),
			C2:  -lr * muNext / (1 - prodNext)}
	case RAdam:
		bc2 := 1 - math.Pow(h.Beta2, t)
		rhoInf := 2/(1-h.Beta2) - 1
		rhoT := rhoInf - 2*t*math.Pow(h.Beta2, t)/bc2
		a := kernel.RAdamArgs{Common: kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize},
			Beta1: h.Beta1, Beta2: h.Beta2, Eps: h.Eps, BC1: 1 - math.Pow(h.Beta1, t), BC2Sqrt: math.Sqrt(bc2)}
		if rhoT > 5 {
			a.Rect = true
			a.R = math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
		}
		c.kind, c.b[0], c.b[1], c.radam = kRAdam, b[0], b[1], a
	case Adamax:
		c.kind, c.b[0], c.b[1] = kAdamax, b[0], b[1]
		c.adamax = kernel.AdamaxArgs{
			Common: kernel.Common{LR: lr / (1 - math.Pow(h.Beta1, t)), WeightDecay: h.WeightDecay, Maximize: h.Maximize},
			Beta1:  h.Beta1, Beta2: h.Beta2, Eps: h.Eps}
	case Adadelta:
		c.kind, c.b[0], c.b[1] = kAdadelta, b[0], b[1]
		c.adadelta = kernel.AdadeltaArgs{
			Common: kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize},
			Rho:    h.Rho, Eps: h.Eps}
	case Lion:
		c.kind, c.b[0] = kLion, b[0]
		c.lion = kernel.LionArgs{Common: kernel.Common{LR: lr, Maximize: h.Maximize},
			Beta1: h.Beta1, Beta2: h.Beta2, Decay: 1 - lr*h.WeightDecay}
	default:
		panic(fmt.Sprintf("optim: unknown method %T", h)) // unreachable: Hyper is sealed
	}
}

func adam[T Float](c *call[T], b [][]T, t, lr, beta1, beta2, eps, wd, decay float64, amsgrad, maximize bool) {
	var vmax []T
	if amsgrad {
		vmax = b[2]
	}
	c.kind, c.b = kAdam, [3][]T{b[0], b[1], vmax}
	c.adam = kernel.AdamArgs{
		Common: kernel.Common{LR: lr, WeightDecay: wd, Maximize: maximize},
		Beta1:  beta1, Beta2: beta2, Eps: eps,
		StepSize: lr / (1 - math.Pow(beta1, t)),
		BC2Sqrt:  math.Sqrt(1 - math.Pow(beta2, t)),
		Decay:    decay}
}
