package optim

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

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

// procs is the number of goroutines that can run at once: a step is split
// into no more parts, since a part that must wait for a free P only makes
// the step later (the spinning hand-over of pool assumes each part has a
// P). Tests replace it to split steps more ways than the machine has cores.
var procs = func() int { return runtime.GOMAXPROCS(0) }

// Threads is the number of goroutines Step uses for a large step.
func (o *Optimizer[T]) Threads() int { return o.threads }

// SetThreads sets the number of goroutines Step uses, the calling one
// included; New starts with runtime.GOMAXPROCS(0). Steps of fewer than
// about 32K elements per thread use fewer threads, and no step uses more
// than GOMAXPROCS at the time of the step. Helper goroutines start
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
	parts := min(o.threads, procs(), total/minPartLen)
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

// A pool's helpers and its caller meet through atomics and spin briefly
// before they sleep. Waking a sleeping goroutine means waking an idle
// thread, which takes 0.1–0.4 ms on this project's virtual machine: a
// fifth of a whole two-thread step of SGD over ten million parameters.
// So a helper that has finished its part keeps looking for the next step
// for a while (spinFor), and the caller looks for the helpers' ends for
// callerSpin before it sleeps. Back-to-back steps then never sleep, and
// steps far apart cost one wake-up, as with a plain channel. While
// spinning, each side yields to the Go scheduler, so other goroutines on
// its P still run.
const (
	helperSpin    = 20 * time.Microsecond
	maxHelperSpin = 5 * time.Millisecond
	callerSpin    = 2 * time.Millisecond
)

// A ticket names one step: its number above ticketShift, its number of
// parts below. Helpers read the parts from the ticket, never from a field
// the caller may be rewriting for the next step.
const (
	ticketShift = 24
	maxParts    = 1<<ticketShift - 1
	partsMask   = maxParts
	closedBit   = 1 << 63
)

// pool is a set of helper goroutines that run parts of a step.
type pool[T Float] struct {
	calls []*call[T]
	offs  []int // offs[i] is the first element of calls[i] in the step
	step  uint64

	ticket    atomic.Uint64 // the current step's ticket, or closedBit
	_         [56]byte
	remaining atomic.Int64 // helpers' parts of the current step not yet done
	waiting   atomic.Bool  // the caller sleeps on finished
	_         [52]byte
	finished  chan struct{}
	failed    atomic.Pointer[helperPanic] // the first panic of a helper's part
	helpers   []helper
	once      sync.Once
}

// helper is one helper goroutine's sleeping flag and wake-up channel, on a
// cache line of its own.
type helper struct {
	sleeping atomic.Bool
	wake     chan struct{}
	_        [48]byte
}

func newPool[T Float](calls []*call[T], offs []int, helpers int) *pool[T] {
	helpers = min(helpers, maxParts-1)
	p := &pool[T]{calls: calls, offs: offs, finished: make(chan struct{}, 1), helpers: make([]helper, helpers)}
	for i := range p.helpers {
		p.helpers[i].wake = make(chan struct{}, 1)
		go p.help(i + 1)
	}
	return p
}

// help is the loop of the helper that runs part i of each step that has
// more than i parts.
func (p *pool[T]) help(i int) {
	h := &p.helpers[i-1]
	var (
		last  uint64
		spin  = helperSpin
		ended time.Time // when this helper last finished a part
	)
	for {
		t := p.next(h, last, spin)
		if t&closedBit != 0 {
			return
		}
		last = t
		if parts := int(t & partsMask); i < parts {
			start := time.Now()
			idle := start.Sub(ended)
			p.workSafe(i, parts)
			ended = time.Now()
			spin = spinFor(ended.Sub(start), idle)
			if p.remaining.Add(-1) == 0 && p.waiting.Load() {
				select {
				case p.finished <- struct{}{}:
				default: // a wake-up is already pending
				}
			}
		}
	}
}

// spinFor is how long a helper spins for the next step after a part that
// took work, when it waited idle for this one. Spinning pays where steps
// come back to back: the wait is then the caller finishing its own part,
// shorter than a part. Where the program does something else between
// steps (the forward and backward passes of training), the wait is longer
// than a part, and a long spin would only hold a P the other goroutines
// could use: the helper spins for helperSpin and then sleeps.
func spinFor(work, idle time.Duration) time.Duration {
	if idle > work {
		return helperSpin
	}
	return helperSpin + min(work, maxHelperSpin)
}

// next returns the first ticket other than last: spinning for helperSpin,
// then sleeping until the caller wakes h.
func (p *pool[T]) next(h *helper, last uint64, spin time.Duration) uint64 {
	start := time.Now()
	for {
		if t := p.ticket.Load(); t != last {
			return t
		}
		if time.Since(start) > spin {
			break
		}
		runtime.Gosched()
	}
	for {
		// The caller stores the ticket, then reads sleeping; the helper
		// stores sleeping, then reads the ticket. With sequentially
		// consistent atomics one of them sees the other's store, so either
		// the helper finds the new ticket or the caller wakes it. A wake-up
		// left over from an earlier step only makes it look again.
		h.sleeping.Store(true)
		if t := p.ticket.Load(); t != last {
			h.sleeping.Store(false)
			return t
		}
		<-h.wake
		h.sleeping.Store(false)
		if t := p.ticket.Load(); t != last {
			return t
		}
	}
}

// run splits the step into parts (at most one more than the helpers), runs
// part 0 and returns when all are done.
func (p *pool[T]) run(parts int) {
	parts = min(parts, len(p.helpers)+1)
	p.step++
	p.remaining.Store(int64(parts - 1))
	p.ticket.Store((p.step<<ticketShift)&^closedBit | uint64(parts))
	for i := 1; i < parts; i++ {
		if h := &p.helpers[i-1]; h.sleeping.Load() {
			select {
			case h.wake <- struct{}{}:
			default: // a wake-up is already pending
			}
		}
	}
	func() {
		// Whatever happens in part 0, the helpers finish theirs before
		// the step returns or panics.
		defer p.wait()
		p.work(0, parts)
	}()
	if f := p.failed.Swap(nil); f != nil {
		panic(fmt.Sprintf("optim: a step's part %d panicked on a helper goroutine: %v\n%s", f.part, f.value, f.stack))
	}
}

// wait returns when every helper's part of the current step is done.
func (p *pool[T]) wait() {
	if p.remaining.Load() == 0 {
		return
	}
	start := time.Now()
	for p.remaining.Load() != 0 {
		if time.Since(start) < callerSpin {
			runtime.Gosched()
			continue
		}
		// As in next: the helper that finishes last decrements remaining,
		// then reads waiting; the caller stores waiting, then reads
		// remaining.
		p.waiting.Store(true)
		if p.remaining.Load() != 0 {
			<-p.finished
		}
		p.waiting.Store(false)
	}
}

// helperPanic is a panic recovered on a helper goroutine, which the caller
// raises again once the step's parts are done: a panic on a helper would
// otherwise end the program, with no chance for the caller to recover.
type helperPanic struct {
	part  int
	value any
	stack []byte
}

// workSafe is work, recording a panic in p.failed instead of letting it
// end the program.
func (p *pool[T]) workSafe(i, parts int) {
	defer func() {
		if r := recover(); r != nil {
			p.failed.CompareAndSwap(nil, &helperPanic{part: i, value: r, stack: debug.Stack()})
		}
	}()
	if testHookPart != nil {
		testHookPart(i)
	}
	p.work(i, parts)
}

// testHookPart, when set by a test, runs before a helper's part: no input
// makes a kernel panic once Step has checked the lengths, so the tests of
// helper panics make one here.
var testHookPart func(part int)

// work runs part i of a step of the given parts: elements [lo, hi) of the
// parameters laid end to end.
func (p *pool[T]) work(i, parts int) {
	total := p.offs[len(p.offs)-1]
	size := (total + parts - 1) / parts
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
		p.ticket.Store(closedBit)
		for i := range p.helpers {
			close(p.helpers[i].wake)
		}
	})
}
