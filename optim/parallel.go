package optim

import (
	"fmt"
	"runtime"
	"sync"

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
)

// call is one parameter's update in the current step. Only the argument
// field of its kind is meaningful.
type call[T Float] struct {
	kind kind
	p, g []T
	b    [3][]T // state buffers in the kernel's order, nil where absent

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
		kernel.SGD(p, g, c.common)
	case kSGDMomentum:
		kernel.SGDMomentum(p, g, b0, c.sgdm)
	case kMomentum:
		kernel.Momentum(p, g, b0, c.momentum)
	case kAdagrad:
		kernel.Adagrad(p, g, b0, c.adagrad)
	case kRMSprop:
		kernel.RMSprop(p, g, b0, c.rmsprop)
	case kRMSpropFull:
		kernel.RMSpropFull(p, g, b0, b1, b2, c.rmsprop)
	case kAdam:
		kernel.Adam(p, g, b0, b1, b2, c.adam)
	case kAdamNote:
		kernel.AdamNote(p, g, b0, b1, c.adamNote)
	case kAdamax:
		kernel.Adamax(p, g, b0, b1, c.adamax)
	case kAdadelta:
		kernel.Adadelta(p, g, b0, b1, c.adadelta)
	case kNAdam:
		kernel.NAdam(p, g, b0, b1, c.nadam)
	case kRAdam:
		kernel.RAdam(p, g, b0, b1, c.radam)
	case kLion:
		kernel.Lion(p, g, b0, c.lion)
	default:
		panic(fmt.Sprintf("optim: call of unknown kind %d", c.kind)) // unreachable
	}
}

// minPartLen is the fewest elements worth a thread of their own: about 20µs
// of Adam on one core from cache, several times what waking a parked
// goroutine costs. Smaller steps run on the calling goroutine.
const minPartLen = 1 << 15

// partAlign keeps part boundaries on whole vectors and, for float32, whole
// 64-byte cache lines of an aligned parameter.
const partAlign = 64

// Threads is the number of goroutines Step uses for a large step.
func (o *Optimizer[T]) Threads() int { return o.threads }

// SetThreads sets the number of goroutines Step uses, the calling one
// included; New starts with runtime.GOMAXPROCS(0). Steps of fewer than
// about 32K elements per thread use fewer threads. Helper goroutines start
// on the first step that needs them and live as long as the optimizer.
func (o *Optimizer[T]) SetThreads(n int) error {
	if n < 1 {
		return fmt.Errorf("optim: invalid threads=%d: want an integer ≥ 1", n)
	}
	if n != o.threads && o.pool != nil {
		o.poolCleanup.Stop()
		o.pool.close()
		o.pool = nil
	}
	o.threads = n
	return nil
}

// runCalls runs the prepared calls of every parameter.
func (o *Optimizer[T]) runCalls() {
	if o.calls == nil {
		for gi := range o.groups {
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
	parts := min(o.threads, total/minPartLen)
	if parts <= 1 {
		for _, c := range o.calls {
			c.run(0, len(c.p))
		}
		return
	}
	if o.pool == nil {
		o.pool = newPool(o.calls, o.offs, o.threads-1)
		// The helpers hold the pool, not the optimizer: when the optimizer
		// is collected, the cleanup lets them exit.
		o.poolCleanup = runtime.AddCleanup(o, (*pool[T]).close, o.pool)
	}
	o.pool.run(parts)
}

// pool is a set of parked helper goroutines that run parts of a step.
type pool[T Float] struct {
	calls []*call[T]
	offs  []int // offs[i] is the first element of calls[i] in the step
	parts int   // parts of the current step; part 0 runs on the caller
	wake  []chan struct{}
	done  sync.WaitGroup
	once  sync.Once
}

func newPool[T Float](calls []*call[T], offs []int, helpers int) *pool[T] {
	p := &pool[T]{calls: calls, offs: offs, wake: make([]chan struct{}, helpers)}
	for i := range p.wake {
		p.wake[i] = make(chan struct{}, 1)
		go p.helper(i + 1)
	}
	return p
}

func (p *pool[T]) helper(part int) {
	for range p.wake[part-1] {
		p.work(part)
		p.done.Done()
	}
}

// run splits the step into parts (at most one more than the helpers) and
// returns when all are done.
func (p *pool[T]) run(parts int) {
	p.parts = parts
	p.done.Add(parts - 1)
	for i := 1; i < parts; i++ {
		p.wake[i-1] <- struct{}{}
	}
	p.work(0)
	p.done.Wait()
}

// work runs part i of the step: elements [lo, hi) of the parameters laid
// end to end.
func (p *pool[T]) work(i int) {
	total := p.offs[len(p.offs)-1]
	size := (total + p.parts - 1) / p.parts
	size = (size + partAlign - 1) &^ (partAlign - 1)
	lo, hi := min(i*size, total), min((i+1)*size, total)
	// The first parameter that ends after lo, by bisection of offs.
	a, b := 0, len(p.calls)
	for a < b {
		m := int(uint(a+b) >> 1)
		if p.offs[m+1] <= lo {
			a = m + 1
		} else {
			b = m
		}
	}
	for k := a; k < len(p.calls) && p.offs[k] < hi; k++ {
		start, end := max(lo-p.offs[k], 0), min(hi-p.offs[k], len(p.calls[k].p))
		if start < end {
			p.calls[k].run(start, end)
		}
	}
}

// close lets the helpers exit; it is safe to call more than once.
func (p *pool[T]) close() {
	p.once.Do(func() {
		for _, w := range p.wake {
			close(w)
		}
	})
}
