package optim

import (
	"fmt"
	"runtime"

	"github.com/descentlab/descent/internal/workpool"
	"github.com/descentlab/descent/optim/internal/kernel"
)

// A step runs in two phases. prepareSlot (optimizer.go) advances each
// parameter's state and fills its call: the kernel to run, the per-step
// scalars and the buffers. Then the calls run, over several goroutines when
// the step is large enough: the parameters are laid end to end and the
// elements split into equal contiguous parts, so that one large parameter
// is shared between threads and many small ones are batched into one part.
// The kernels are elementwise, so the split does not change the result.

// kind names the kernel a call runs.
type kind uint8

const (
	kSGD kind = iota + 1
	kSGDMomentum
	kMomentum
	kAdagrad
	kRMSprop
	kRMSpropFull
	kAdam
	kAdamNote
	kAdamax
	kAdadelta
	kNAdam
	kRAdam
	kLion
	kRprop
	kASGD
)

// call is one parameter's update in the current step: the kernel, the
// slices it updates and its per-step scalars. Slots of a group in the same
// state share one set of scalars (Step): a points to own, or to the own of
// the slot before.
type call[T Float] struct {
	kind kind
	p, g []T
	b    [3][]T // state buffers in the kernel's order, nil where absent
	a    *callArgs
	own  callArgs
}

// callArgs holds the per-step scalars of a call. Only the field of the
// call's kind is meaningful.
type callArgs struct {
	common   kernel.Common
	sgdm     kernel.SGDMomentumArgs
	momentum kernel.MomentumArgs
	adagrad  kernel.AdagradArgs
	rmsprop  kernel.RMSpropArgs
	adam     kernel.AdamArgs
	adamNote kernel.AdamNoteArgs
	adamax   kernel.AdamaxArgs
	adadelta kernel.AdadeltaArgs
	nadam    kernel.NAdamArgs
	radam    kernel.RAdamArgs
	lion     kernel.LionArgs
	rprop    kernel.RpropArgs
	asgd     kernel.ASGDArgs
}

// sub is b[lo:hi], or nil for an absent buffer.
func sub[T Float](b []T, lo, hi int) []T {
	if b == nil {
		return nil
	}
	return b[lo:hi]
}

// run applies the update to elements [lo, hi) of the parameter.
func (c *call[T]) run(lo, hi int) {
	p, g := c.p[lo:hi], c.g[lo:hi]
	b0, b1, b2 := sub(c.b[0], lo, hi), sub(c.b[1], lo, hi), sub(c.b[2], lo, hi)
	switch c.kind {
	case kSGD:
		kernel.SGD(p, g, c.a.common)
	case kSGDMomentum:
		kernel.SGDMomentum(p, g, b0, c.a.sgdm)
	case kMomentum:
		kernel.Momentum(p, g, b0, c.a.momentum)
	case kAdagrad:
		kernel.Adagrad(p, g, b0, c.a.adagrad)
	case kRMSprop:
		kernel.RMSprop(p, g, b0, c.a.rmsprop)
	case kRMSpropFull:
		kernel.RMSpropFull(p, g, b0, b1, b2, c.a.rmsprop)
	case kAdam:
		kernel.Adam(p, g, b0, b1, b2, c.a.adam)
	case kAdamNote:
		kernel.AdamNote(p, g, b0, b1, c.a.adamNote)
	case kAdamax:
		kernel.Adamax(p, g, b0, b1, c.a.adamax)
	case kAdadelta:
		kernel.Adadelta(p, g, b0, b1, c.a.adadelta)
	case kNAdam:
		kernel.NAdam(p, g, b0, b1, c.a.nadam)
	case kRAdam:
		kernel.RAdam(p, g, b0, b1, c.a.radam)
	case kLion:
		kernel.Lion(p, g, b0, c.a.lion)
	case kRprop:
		kernel.Rprop(p, g, b0, b1, c.a.rprop)
	case kASGD:
		kernel.ASGD(p, g, b0, c.a.asgd)
	default:
		panic(fmt.Sprintf("optim: call of unknown kind %d", c.kind)) // unreachable
	}
}

// minPartLen is the fewest elements worth a part of their own: about 20µs
// of Adam on one core from cache, against a few µs to hand a part over.
// Steps of fewer than two parts run on the calling goroutine.
const minPartLen = 1 << 15

// partsPerThread is how many parts a large step is cut into per thread.
const partsPerThread = 4

// affinityLen is the size of a step (elements) below which it is cut into
// one part per thread: its buffers stay in the caches from one step to the
// next (28 bytes an element for Adam: 28 MB), so that where each part runs
// matters more than balancing parts among late helpers. A training step of
// issue 10's book net (109,386 elements, three parts before, the third of
// which had run on the other core than the step before in 297 steps of
// 1000) took 0.89–1.09 the time, median 0.97 (BenchmarkTrainSteps, p10 of
// 600 steps, 12 pairs with Adam, momentum and SGD).
const affinityLen = 1 << 20

// partAlign keeps part boundaries on whole vectors and, for float32, whole
// 64-byte cache lines of an aligned parameter.
const partAlign = 64

// procs is the number of goroutines that can run at once: a step uses no
// more threads, since a helper that must wait for a free P only takes a P
// from a goroutine doing useful work (and spins on it). Tests replace it to
// split steps more ways than the machine has cores.
var procs = func() int { return runtime.GOMAXPROCS(0) }

// Threads is the number of goroutines Step uses for a large step.
func (o *Optimizer[T]) Threads() int { return o.threads }

// SetThreads sets the number of goroutines Step uses, the calling one
// included; New starts with runtime.GOMAXPROCS(0). Steps of fewer than
// about 32K elements per thread use fewer threads, and no step uses more
// than GOMAXPROCS at the time of the step. The helper goroutines are the
// process's, shared with the matrix products of package nn (at most
// GOMAXPROCS−1 of them, started on the first step that needs them); a step
// that finds them busy with another goroutine's work runs on the caller.
func (o *Optimizer[T]) SetThreads(n int) error {
	if n < 1 {
		return fmt.Errorf("optim: invalid threads=%d: want an integer ≥ 1", n)
	}
	o.threads = n
	return nil
}

// maxParts is the most threads SetParts may name.
const maxParts = 256

// SetParts fixes which of a step's threads updates each parameter:
// parts[i] for the i-th parameter of Params, 0 being the goroutine that
// calls Step and 1, 2, … the helpers in the order they join. It is for a
// model whose training step keeps each parameter on one core (package nn's
// layer pipeline, Model.ParamParts): updated by the thread that computed
// its gradient and that reads it next, a parameter's lines stay in one
// core's caches, where the even split of the elements, which ignores
// where they were last used, made a core write lines that the other core
// had just read (6 to 18 times the cost of its own, bench/xcore). The
// result is the same bit for bit: the updates are elementwise.
//
// A step still runs on at most Threads() threads and, as without parts,
// on one where it is small (fewer than about 32K elements a thread); with
// fewer threads than parts name, part p runs on thread p mod threads. nil
// goes back to the even split. It returns an error, changing nothing,
// where len(parts) is not the number of parameters or a part is outside
// [0, 256).
func (o *Optimizer[T]) SetParts(parts []int) error {
	if parts == nil {
		o.callPart, o.ownParts = nil, 0
		return nil
	}
	n := 0
	for _, g := range o.groups {
		n += len(g.slots)
	}
	if len(parts) != n {
		return fmt.Errorf("optim: SetParts: %d parts for %d parameters: want one per parameter", len(parts), n)
	}
	most := 0
	for i, p := range parts {
		if p < 0 || p >= maxParts {
			return fmt.Errorf("optim: SetParts: invalid part %d for parameter %d: want 0 to %d", p, i, maxParts-1)
		}
		most = max(most, p)
	}
	// The parts of the parameters that have a call, in the order runCalls
	// lists the calls: Custom groups have none.
	o.callPart, o.ownParts = o.callPart[:0], most+1
	i := 0
	for _, g := range o.groups {
		if g.custom == nil {
			o.callPart = append(o.callPart, parts[i:i+len(g.slots)]...)
		}
		i += len(g.slots)
	}
	return nil
}

// runOwned runs part i of a step split by SetParts over parts threads.
func (o *Optimizer[T]) runOwned(i, parts int) {
	for k, c := range o.calls {
		if o.callPart[k]%parts == i {
			c.run(0, len(c.p))
		}
	}
}

// runCalls runs the prepared calls of every parameter.
func (o *Optimizer[T]) runCalls() {
	if o.calls == nil {
		o.calls = []*call[T]{} // not nil even when every group is Custom
		for gi := range o.groups {
			if o.groups[gi].custom != nil {
				continue
			}
			for _, s := range o.groups[gi].slots {
				o.calls = append(o.calls, &s.call)
			}
		}
		o.offs = make([]int, len(o.calls)+1)
	}
	total := 0
	for i, c := range o.calls {
		o.offs[i] = total
		total += len(c.p)
	}
	o.offs[len(o.calls)] = total
	threads := min(o.threads, procs(), total/minPartLen)
	if threads <= 1 {
		for _, c := range o.calls {
			c.run(0, len(c.p))
		}
		return
	}
	if o.callPart != nil {
		parts := min(o.ownParts, threads)
		if parts <= 1 {
			o.runOwned(0, 1)
			return
		}
		if o.ownWork == nil {
			o.ownWork = o.runOwned
		}
		if !workpool.TryRunShared(parts, parts, o.ownWork) {
			o.runOwned(0, 1)
		}
		return
	}
	if o.work == nil {
		o.work = (&layout[T]{calls: o.calls, offs: o.offs}).work
	}
	// More parts than threads, claimed as the threads come: a helper that
	// wakes late then takes a share of what is left instead of all of its
	// own part, or nothing. The process's shared pool runs them, so the
	// optimizer and the matrix products of a training loop keep one set of
	// helper threads warm; if another computation holds it, the step runs
	// here alone.
	parts := min(threads*partsPerThread, total/minPartLen)
	if total < affinityLen {
		// One part per thread: the caller takes part 0 at once and a
		// helper the next, so that, step after step, a part runs on the
		// same core and finds its state there (bench/xcore: a core writes
		// 313 KB that another core read last 2 to 13 times slower than
		// its own).
		parts = threads
	}
	if !workpool.TryRunShared(parts, threads, o.work) {
		o.work(0, 1)
	}
}

// layout is where each call's elements lie when a step's parameters are
// laid end to end; a pool's helpers read it, the caller rewrites offs
// before each step.
type layout[T Float] struct {
	calls []*call[T]
	offs  []int // offs[i] is the first element of calls[i] in the step
}

// work runs part i of a step of the given parts: elements [lo, hi) of the
// parameters laid end to end.
func (l *layout[T]) work(i, parts int) {
	total := l.offs[len(l.offs)-1]
	size := (total + parts - 1) / parts
	size = (size + partAlign - 1) &^ (partAlign - 1)
	lo, hi := min(i*size, total), min((i+1)*size, total)
	// The first parameter that ends after lo, by bisection of offs.
	a, b := 0, len(l.calls)
	for a < b {
		m := int(uint(a+b) >> 1)
		if l.offs[m+1] <= lo {
			a = m + 1
		} else {
			b = m
		}
	}
	for k := a; k < len(l.calls) && l.offs[k] < hi; k++ {
		start, end := max(lo-l.offs[k], 0), min(hi-l.offs[k], len(l.calls[k].p))
		if start < end {
			l.calls[k].run(start, end)
		}
	}
}
