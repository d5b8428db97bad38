package optim

import (
	"fmt"
	"math"
	"runtime"

	"github.com/descentlab/descent/optim/internal/kernel"
)

// Group is a set of parameters that share hyperparameters, as a torch.optim
// parameter group: e.g. weights with weight decay and biases without.
// NewGroup writes one in a line.
type Group[T Float] struct {
	Params []*Param[T]
	Hyper  Hyper
}

// NewGroup returns the group of params with hyperparameters h:
//
//	decay, noDecay := optim.DefaultAdamW(), optim.DefaultAdamW()
//	noDecay.WeightDecay = 0
//	opt, err := optim.NewGroups(optim.NewGroup(decay, w1, w2), optim.NewGroup(noDecay, b1, b2))
func NewGroup[T Float](h Hyper, params ...*Param[T]) Group[T] {
	return Group[T]{Params: params, Hyper: h}
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

	threads int        // goroutines per step; see SetThreads
	calls   []*call[T] // every slot's call, in group order (parallel.go)
	offs    []int
	work    func(part, parts int) // runs part of a step over calls and offs; made once
	// SetParts: the thread of each built-in method's parameter (calls
	// order), nil for the even split; the number of threads they name;
	// runOwned as a func value, made once.
	callPart []int
	ownParts int
	ownWork  func(part, parts int)
}

type group[T Float] struct {
	hyper  Hyper     // the group's hyperparameters; its LR field is not used
	custom Custom[T] // hyper, when it is a Custom method; nil for a built-in one
	// customBufs is custom.Buffers(), read once.
	customBufs []string
	lr         float64 // the learning rate, kept apart so SetLR allocates nothing
	slots      []*slot[T]
	// packed is set once every slot has the buffers hyper needs, laid out by
	// packBuffers, and bi is kernelBuffers(hyper); LoadState clears packed.
	packed bool
	bi     [3]int8
}

// slot is one parameter and its state.
type slot[T Float] struct {
	param *Param[T]
	st    paramState[T]
	call  call[T] // this step's kernel call, filled by prepareSlot
}

// paramState is the state torch.optim keeps per parameter.
type paramState[T Float] struct {
	step       int64
	bufs       [][]T   // in the order of bufferNames
	muProduct  float64 // NAdam's running product of μ_t (starts at 1)
	eta, avgMu float64 // ASGD's step size η and averaging weight μ, as float32 values
}

// New returns an optimizer with one group holding params.
func New[T Float](h Hyper, params ...*Param[T]) (*Optimizer[T], error) {
	return NewGroups(Group[T]{Params: params, Hyper: h})
}

// NewGroups returns an optimizer over several parameter groups. All groups
// must use the same method; parameter names must be unique and non-empty,
// and each parameter's Value and Grad must have the same length. A method
// is one of this package's element-wise methods or a [Custom] one.
// Errors are a *HyperError (bad hyperparameters) or a *ParamError (bad
// parameters), naming the group.
func NewGroups[T Float](groups ...Group[T]) (*Optimizer[T], error) {
	if len(groups) == 0 {
		return nil, paramErr("", "groups", "no parameter groups")
	}
	o := &Optimizer[T]{byName: map[string]*slot[T]{}, threads: runtime.GOMAXPROCS(0)}
	for gi, g := range groups {
		if g.Hyper == nil {
			return nil, paramErr("", "groups", "group %d has no hyperparameters", gi)
		}
		custom, isCustom := g.Hyper.(Custom[T])
		if _, ok := g.Hyper.(builtin); !ok && !isCustom {
			var z T
			return nil, hyperErrf(g.Hyper.Method(), "method", g.Hyper.Method(), "a method of this package or an optim.Custom["+typeName(z)+"]",
				"optim: group %d: %T is neither a method of this package nor an optim.Custom[%s]", gi, g.Hyper, typeName(z))
		}
		switch g.Hyper.(type) {
		case LBFGS:
			return nil, errClosure
		case Adafactor:
			return nil, errAdafactor
		case Muon:
			return nil, errMuon
		case LAMB:
			return nil, errLAMB
		case AdamWScheduleFree, SGDScheduleFree:
			return nil, fmt.Errorf("optim: %s keeps a training and an evaluation point: build it with NewScheduleFree", g.Hyper.Method())
		}
		if err := g.Hyper.Validate(); err != nil {
			return nil, err
		}
		if err := CheckRange[T](g.Hyper); err != nil {
			return nil, err
		}
		if gi == 0 {
			o.method = g.Hyper.Method()
		} else if g.Hyper.Method() != o.method {
			return nil, hyperErrf(g.Hyper.Method(), "method", g.Hyper.Method(), o.method,
				"optim: group %d uses %s but group 0 uses %s: one optimizer runs one method", gi, g.Hyper.Method(), o.method)
		}
		gr := group[T]{hyper: g.Hyper, custom: custom, lr: g.Hyper.LearningRate()}
		if isCustom {
			gr.customBufs = custom.Buffers()
		}
		for _, p := range g.Params {
			if p == nil {
				return nil, paramErr("", "params", "group %d has a nil parameter", gi)
			}
			if p.Name == "" {
				return nil, paramErr("", "name", "group %d has a parameter with no name", gi)
			}
			if len(p.Grad) != len(p.Value) {
				return nil, paramErr(p.Name, "grad", "parameter %q has %d values but %d gradients", p.Name, len(p.Value), len(p.Grad))
			}
			if _, dup := o.byName[p.Name]; dup {
				return nil, paramErr(p.Name, "name", "parameter name %q appears twice", p.Name)
			}
			s := &slot[T]{param: p, st: paramState[T]{muProduct: 1}}
			o.byName[p.Name] = s
			gr.slots = append(gr.slots, s)
		}
		o.groups = append(o.groups, gr)
	}
	return o, nil
}

// CheckRange reports the first hyperparameter of h that an optimizer over
// T parameters cannot hold, naming it and what is allowed: in float32, an
// lr of 1e40 would be +Inf and turn every weight it touches into NaN, and
// an eps of 1e-50 would be 0. New, SetLR and LoadState refuse such values;
// CheckRange lets a program check a spec before it builds anything.
//
// For a Custom method only the learning rate is checked (its other
// hyperparameters are its own).
func CheckRange[T Float](h Hyper) error {
	b, ok := h.(builtin)
	if !ok {
		return fits[T](h.Method(), "lr", h.LearningRate(), true)
	}
	for _, f := range b.table() {
		if f.kind == kindNum {
			if err := fits[T](h.Method(), f.key, *f.num, f.check == nil || f.check(0)); err != nil {
				return err
			}
		}
	}
	return nil
}

// fits reports whether v, a finite value of method's hyperparameter key,
// keeps its meaning as a T: not beyond T's range, and not rounded to 0.
// zeroOK says whether 0 is an allowed value of key, for the message.
func fits[T Float](method, key string, v float64, zeroOK bool) error {
	name, largest, smallest := "float64", math.MaxFloat64, math.SmallestNonzeroFloat64
	if dtypeOf[T]() == "F32" {
		name, largest, smallest = "float32", math.MaxFloat32, math.SmallestNonzeroFloat32
	}
	x := float64(T(v))
	switch {
	case math.IsInf(x, 0):
		want := fmt.Sprintf("|%s| ≤ %.2g", key, largest)
		return hyperErrf(method, key, formatNum(v), want, "%s: invalid %s=%s: beyond the range of %s parameters (want %s)", method, key, formatNum(v), name, want)
	case x == 0 && v != 0 && zeroOK:
		want := fmt.Sprintf("0 or |%s| ≥ %.2g", key, smallest)
		return hyperErrf(method, key, formatNum(v), want, "%s: invalid %s=%s: rounds to 0 in %s parameters (want %s)", method, key, formatNum(v), name, want)
	case x == 0 && v != 0:
		want := fmt.Sprintf("|%s| ≥ %.2g", key, smallest)
		return hyperErrf(method, key, formatNum(v), want, "%s: invalid %s=%s: rounds to 0 in %s parameters, and %s=0 is not allowed (want %s)", method, key, formatNum(v), name, key, want)
	}
	return nil
}

// checkLR checks a learning rate set on a built optimizer of method: finite,
// not negative, and representable in T.
func checkLR[T Float](method string, lr float64) error {
	if math.IsNaN(lr) || math.IsInf(lr, 0) || lr < 0 {
		return hyperErr(method, "lr", formatNum(lr), wantNonNeg)
	}
	return fits[T](method, "lr", lr, true)
}

// Method is the name of the optimizer's method, e.g. "adam".
func (o *Optimizer[T]) Method() string { return o.method }

// NumGroups is the number of parameter groups.
func (o *Optimizer[T]) NumGroups() int { return len(o.groups) }

// Hyper returns the hyperparameters of group i.
// It panics with a message naming the group and the range if i is not a
// group's index (as a slice index would, but saying which).
func (o *Optimizer[T]) Hyper(i int) Hyper {
	g := o.group(i)
	if g.hyper.LearningRate() == g.lr {
		return g.hyper
	}
	return withLR[T](g.hyper, g.lr)
}

// LR returns the learning rate of group i. Like Hyper it panics, with a
// message naming the range, if i is not a group's index.
func (o *Optimizer[T]) LR(i int) float64 { return o.group(i).lr }

// group returns group i, or panics with a message saying what is allowed.
func (o *Optimizer[T]) group(i int) *group[T] {
	if i < 0 || i >= len(o.groups) {
		panic(fmt.Sprintf("optim: group %d out of range [0, %d)", i, len(o.groups)))
	}
	return &o.groups[i]
}

// SetLR sets the learning rate of group i, taking effect at the next Step,
// as assigning param_groups[i]["lr"] does in torch. Schedules use it.
func (o *Optimizer[T]) SetLR(i int, lr float64) error {
	if i < 0 || i >= len(o.groups) {
		return paramErr("", "groups", "group %d out of range [0, %d)", i, len(o.groups))
	}
	if err := checkLR[T](o.method, lr); err != nil {
		return err
	}
	o.groups[i].lr = lr
	return nil
}

// SetAllLR sets the learning rate of every group to lr, as a schedule of
// one group does. To scale each group's own rate as torch's LRScheduler
// does, use schedule.NewDriver.
func (o *Optimizer[T]) SetAllLR(lr float64) error {
	for i := range o.groups {
		if err := o.SetLR(i, lr); err != nil {
			return err
		}
	}
	return nil
}

// Steps returns the number of steps taken: the largest step count of any
// parameter (they are all equal unless a loaded state gave them different
// ones). A resumed run's schedule continues from here.
func (o *Optimizer[T]) Steps() int64 {
	var n int64
	for _, g := range o.groups {
		for _, s := range g.slots {
			n = max(n, s.st.step)
		}
	}
	return n
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
// It panics, changing nothing, if a parameter's Value or Grad no longer has
// the length it had when the optimizer was made; a panic inside a part of
// the step run by a helper goroutine is raised again in the caller.
func (o *Optimizer[T]) Step() {
	// A value or gradient whose length has changed since New is a
	// programming error: it panics here, on the goroutine that called
	// Step, before any state or element changes.
	for gi := range o.groups {
		for _, s := range o.groups[gi].slots {
			n := len(s.param.Value)
			if len(s.param.Grad) != n || len(s.st.bufs) > 0 && len(s.st.bufs[0]) != n {
				panic(badLengths(s))
			}
		}
	}
	for gi := range o.groups {
		g := &o.groups[gi]
		if g.custom != nil {
			continue // after the built-in kernels, below
		}
		if !g.packed {
			// Buffers that start at lr (Rprop's step sizes) take the
			// group's current lr, as torch's state initialisation does.
			packBuffers(withLR[T](g.hyper, g.lr), g.slots)
			g.bi, g.packed = kernelBuffers(g.hyper), true
		}
		// The slots of a group usually share their step count (and NAdam's
		// running product), and with it every per-step scalar: those are
		// computed once, for the first slot in each run of equal states.
		var prev *slot[T]
		var st paramState[T]
		for _, s := range g.slots {
			if prev != nil && s.st.step == st.step && s.st.muProduct == st.muProduct &&
				s.st.eta == st.eta && s.st.avgMu == st.avgMu {
				shareSlot(g.bi, prev, s)
				continue
			}
			prev, st = s, s.st
			prepareSlot(g.hyper, g.lr, g.bi, s)
		}
	}
	o.runCalls()
	for gi := range o.groups {
		if g := &o.groups[gi]; g.custom != nil {
			stepCustom(g)
		}
	}
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
	namesRprop          = []string{"prev", "step_size"}
	namesASGD           = []string{"ax"}
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
	case AdamNote:
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
	case Rprop:
		return namesRprop
	case ASGD:
		return namesASGD
	}
	return nil
}

// initValue is the starting value of buffer i of a method.
func initValue(h Hyper, i int) float64 {
	switch h := h.(type) {
	case Adagrad:
		return h.InitialAccumulatorValue
	case Rprop:
		if i == 1 { // step_size starts at lr
			return h.LR
		}
	}
	return 0
}

// packBuffers gives every slot the buffers its state needs under h, laid
// end to end: buffer i of every slot is a window of one allocation, each
// window starting on a multiple of bufAlign elements. Buffers a slot
// already has (from earlier steps or LoadState) are copied in, new ones
// start at h's initial value, and buffers h no longer keeps are dropped.
// A step over many small parameters then streams through their state as
// through one large parameter's, instead of jumping between scattered
// allocations too small for the hardware prefetchers to follow.
func packBuffers[T Float](h Hyper, slots []*slot[T]) {
	want := len(bufferNames(h))
	if want == 0 {
		for _, s := range slots {
			s.st.bufs = nil
		}
		return
	}
	total := 0
	for _, s := range slots {
		total += alignUp(len(s.param.Value))
	}
	arenas := make([][]T, want)
	for i := range arenas {
		arenas[i] = make([]T, total)
	}
	for i, a := range arenas {
		if v := T(initValue(h, i)); v != 0 {
			for j := range a {
				a[j] = v
			}
		}
	}
	off := 0
	for _, s := range slots {
		n := len(s.param.Value)
		bufs := make([][]T, want)
		for i := range bufs {
			bufs[i] = arenas[i][off : off+n : off+n]
			if i < len(s.st.bufs) {
				copy(bufs[i], s.st.bufs[i])
			}
		}
		s.st.bufs = bufs
		off += alignUp(n)
	}
}

// bufAlign is the element alignment of each parameter's window in the
// packed buffers: 64 bytes of float32, a whole number of vectors of either.
const bufAlign = 16

func alignUp(n int) int { return (n + bufAlign - 1) &^ (bufAlign - 1) }

// prepareSlot advances a parameter's step count and fills its call with the
// kernel, the step's scalars in its own callArgs, and the buffers in the
// order bi (from kernelBuffers) gives; runCalls runs it.
func prepareSlot[T Float](h Hyper, lr float64, bi [3]int8, s *slot[T]) {
	c := &s.call
	bindCall(c, s, bi)
	x := &c.own
	c.a = x
	s.st.step++
	t := float64(s.st.step)
	switch h := h.(type) {
	case SGD:
		cm := kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize}
		if h.Momentum == 0 {
			c.kind, x.common = kSGD, cm
			return
		}
		c.kind = kSGDMomentum
		x.sgdm = kernel.SGDMomentumArgs{Common: cm, Momentum: h.Momentum,
			Dampening: h.Dampening, Nesterov: h.Nesterov, First: s.st.step == 1}
	case Momentum:
		c.kind = kMomentum
		x.momentum = kernel.MomentumArgs{
			Common:   kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize},
			Momentum: h.Momentum}
	case Adagrad:
		clr := lr / (1 + float64((t-1)*h.LRDecay))
		c.kind = kAdagrad
		x.adagrad = kernel.AdagradArgs{
			Common: kernel.Common{LR: clr, WeightDecay: h.WeightDecay, Maximize: h.Maximize}, Eps: h.Eps}
	case RMSprop:
		x.rmsprop = kernel.RMSpropArgs{Common: kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize},
			Alpha: h.Alpha, Eps: h.Eps, Momentum: h.Momentum}
		c.kind = kRMSprop
		if h.Centered || h.Momentum > 0 {
			c.kind = kRMSpropFull
		}
	case Adam:
		if h.DecoupledWeightDecay {
			c.kind = kAdam
			x.adam = adamArgs(t, lr, h.Beta1, h.Beta2, h.Eps, 0, 1-float64(lr*h.WeightDecay), h.Maximize)
			return
		}
		c.kind = kAdam
		x.adam = adamArgs(t, lr, h.Beta1, h.Beta2, h.Eps, h.WeightDecay, 1, h.Maximize)
	case AdamNote:
		c.kind = kAdamNote
		x.adamNote = kernel.AdamNoteArgs{
			Common: kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize},
			Beta1:  h.Beta1, Beta2: h.Beta2, Eps: h.Eps}
	case AdamW:
		c.kind = kAdam
		x.adam = adamArgs(t, lr, h.Beta1, h.Beta2, h.Eps, 0, 1-float64(lr*h.WeightDecay), h.Maximize)
	case NAdam:
		c.kind, x.nadam = kNAdam, nadamArgs(h, lr, t, &s.st.muProduct)
	case RAdam:
		c.kind, x.radam = kRAdam, radamArgs(h, lr, t)
	case Adamax:
		c.kind = kAdamax
		x.adamax = kernel.AdamaxArgs{
			Common: kernel.Common{LR: lr / (1 - math.Pow(h.Beta1, t)), WeightDecay: h.WeightDecay, Maximize: h.Maximize},
			Beta1:  h.Beta1, Beta2: h.Beta2, Eps: h.Eps}
	case Adadelta:
		c.kind = kAdadelta
		x.adadelta = kernel.AdadeltaArgs{
			Common: kernel.Common{LR: lr, WeightDecay: h.WeightDecay, Maximize: h.Maximize},
			Rho:    h.Rho, Eps: h.Eps}
	case Lion:
		c.kind = kLion
		x.lion = kernel.LionArgs{Common: kernel.Common{LR: lr, Maximize: h.Maximize},
			Beta1: h.Beta1, Beta2: h.Beta2, Decay: 1 - float64(lr*h.WeightDecay)}
	case Rprop:
		c.kind = kRprop
		x.rprop = kernel.RpropArgs{Maximize: h.Maximize, EtaMinus: h.EtaMinus, EtaPlus: h.EtaPlus,
			StepMin: h.StepSizeMin, StepMax: h.StepSizeMax}
	case ASGD:
		c.kind, x.asgd = kASGD, asgdArgs(h, lr, t, &s.st.eta, &s.st.avgMu)
	default:
		panic(fmt.Sprintf("optim: unknown method %T", h)) // unreachable: NewGroups admits only these and Custom ones, which Step runs apart
	}
}

// nadamArgs are NAdam's scalars for step t; muProduct, the running product
// of μ, is advanced by this step's μ.
func nadamArgs(h NAdam, lr, t float64, muProduct *float64) kernel.NAdamArgs {
	mu := float64(h.Beta1 * (1 - float64(0.5*math.Pow(0.96, t*h.MomentumDecay))))
	muNext := float64(h.Beta1 * (1 - float64(0.5*math.Pow(0.96, (t+1)*h.MomentumDecay))))
	*muProduct = float64(*muProduct * mu)
	prodNext := float64(*muProduct * muNext)
	wd, decay := decoupled(lr, h.WeightDecay, h.DecoupledWeightDecay)
	return kernel.NAdamArgs{
		Common: kernel.Common{LR: lr, WeightDecay: wd, Maximize: h.Maximize},
		Beta1:  h.Beta1, Beta2: h.Beta2, Eps: h.Eps,
		BC2:   1 - math.Pow(h.Beta2, t),
		C1:    -lr * (1 - mu) / (1 - *muProduct),
		C2:    -lr * muNext / (1 - prodNext),
		Decay: decay}
}

// radamArgs are RAdam's scalars for step t, with the rectification where
// the variance is tractable (ρ_t > 5).
func radamArgs(h RAdam, lr, t float64) kernel.RAdamArgs {
	bc2 := 1 - math.Pow(h.Beta2, t)
	rhoInf := 2/(1-h.Beta2) - 1
	rhoT := rhoInf - 2*t*math.Pow(h.Beta2, t)/bc2
	wd, decay := decoupled(lr, h.WeightDecay, h.DecoupledWeightDecay)
	a := kernel.RAdamArgs{Common: kernel.Common{LR: lr, WeightDecay: wd, Maximize: h.Maximize},
		Beta1: h.Beta1, Beta2: h.Beta2, Eps: h.Eps, BC1: 1 - math.Pow(h.Beta1, t), BC2Sqrt: math.Sqrt(bc2), Decay: decay}
	if rhoT > 5 {
		a.Rect = true
		a.R = math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
	}
	return a
}

// asgdArgs are ASGD's scalars for step t from the parameter's η and μ,
// which it then advances as torch does.
func asgdArgs(h ASGD, lr, t float64, eta, avgMu *float64) kernel.ASGDArgs {
	if t == 1 { // torch's state initialisation: η = lr, μ = 1
		*eta, *avgMu = float64(float32(lr)), 1
	}
	a := kernel.ASGDArgs{Common: kernel.Common{LR: *eta, WeightDecay: h.WeightDecay, Maximize: h.Maximize},
		Decay: 1 - float64(h.Lambd**eta), Mu: *avgMu}
	// torch computes the next η and μ in float64 and stores them in
	// float32 tensors (its default dtype).
	*eta = float64(float32(lr / math.Pow(1+float64(h.Lambd*lr*t), h.Alpha)))
	*avgMu = float64(float32(1 / max(1, t-h.T0)))
	return a
}

// shareSlot advances s, which is in the state prev was in before this
// step's prepareSlot, and gives it prev's kernel and scalars: they depend
// only on the group's hyperparameters and that state.
func shareSlot[T Float](bi [3]int8, prev, s *slot[T]) {
	c := &s.call
	bindCall(c, s, bi)
	c.kind, c.a = prev.call.kind, prev.call.a
	s.st = paramState[T]{step: prev.st.step, bufs: s.st.bufs, muProduct: prev.st.muProduct,
		eta: prev.st.eta, avgMu: prev.st.avgMu}
}

// decoupled returns the L2 weight decay and the decoupled decay factor of a
// method with torch 2.x's decoupled_weight_decay switch.
func decoupled(lr, wd float64, on bool) (l2, decay float64) {
	if on {
		return 0, 1 - float64(lr*wd)
	}
	return wd, 1
}

// bindCall points c at the slices of s: its value and gradient and, in
// the kernel's order bi, its buffers.
func bindCall[T Float](c *call[T], s *slot[T], bi [3]int8) {
	c.p, c.g = s.param.Value, s.param.Grad
	for i, j := range bi {
		if j < 0 {
			c.b[i] = nil
		} else {
			c.b[i] = s.st.bufs[j]
		}
	}
}

// badLengths describes a parameter whose value, gradient and state no
// longer have one length.
func badLengths[T Float](s *slot[T]) string {
	msg := fmt.Sprintf("optim: parameter %q has %d values and %d gradients", s.param.Name, len(s.param.Value), len(s.param.Grad))
	if len(s.st.bufs) > 0 {
		msg += fmt.Sprintf(", and its state %d", len(s.st.bufs[0]))
	}
	return msg + ": a parameter's Value and Grad must keep the length they had when the optimizer was made"
}

// kernelBuffers maps a method's kernel arguments b0, b1, b2 to its buffers
// in bufferNames order: entry i is the index of b_i, or -1 where the
// kernel gets nil. Only RMSProp with centering or momentum reorders: its
// kernel takes (square_avg, grad_avg or nil, momentum_buffer or nil).
func kernelBuffers(h Hyper) [3]int8 {
	bi := [3]int8{-1, -1, -1}
	if r, ok := h.(RMSprop); ok && (r.Centered || r.Momentum > 0) {
		bi[0] = 0
		k := int8(1)
		if r.Centered {
			bi[1], k = k, k+1
		}
		if r.Momentum > 0 {
			bi[2] = k
		}
		return bi
	}
	for i := range bufferNames(h) {
		bi[i] = int8(i)
	}
	return bi
}

// adamArgs are the scalars of one Adam or AdamW step t; wd is L2 weight
// decay (Adam), decay the decoupled factor 1 − lr·λ (AdamW).
func adamArgs(t, lr, beta1, beta2, eps, wd, decay float64, maximize bool) kernel.AdamArgs {
	return kernel.AdamArgs{
		Common: kernel.Common{LR: lr, WeightDecay: wd, Maximize: maximize},
		Beta1:  beta1, Beta2: beta2, Eps: eps,
		StepSize: lr / (1 - math.Pow(beta1, t)),
		BC2Sqrt:  math.Sqrt(1 - math.Pow(beta2, t)),
		Decay:    decay}
}
