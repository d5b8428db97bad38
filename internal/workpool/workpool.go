package workpool

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Spin times; see the package comment.
const (
	wakeCost      = 300 * time.Microsecond
	helperSpin    = 20 * time.Microsecond
	maxHelperSpin = 5 * time.Millisecond
	callerSpin    = 2 * time.Millisecond
	spinChecks    = 64 // loads of the ticket (or count) per clock read while spinning
)

// A ticket names one computation: its number above ticketShift, its number
// of parts below. Helpers read the parts from the ticket, never from a
// field the caller may be rewriting for the next computation.
const (
	ticketShift = 24
	maxParts    = 1<<ticketShift - 1
	partsMask   = maxParts
	closedBit   = 1 << 63
)

// Pool is a set of helper goroutines that run parts of a computation.
type Pool struct {
	fn   func(part, parts int) // the current computation's; set by Run before its ticket
	step uint64

	ticket    atomic.Uint64 // the current computation's ticket, or closedBit
	_         [56]byte
	cursor    atomic.Uint64 // the ticket's step bits | the next part to claim
	threads   atomic.Int64  // helpers 1 to threads−1 take part in the current computation
	_         [48]byte
	remaining atomic.Int64 // parts of the current computation not yet done
	waiting   atomic.Bool  // the caller sleeps on finished
	_         [52]byte
	finished  chan struct{}
	failed    atomic.Pointer[PartPanic] // the first panic of a helper's part
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

// New starts helpers goroutines that run parts of each Run; they live
// until Close.
func New(helpers int) *Pool {
	helpers = max(0, min(helpers, maxParts-1))
	p := &Pool{finished: make(chan struct{}, 1), helpers: make([]helper, helpers)}
	for i := range p.helpers {
		p.helpers[i].wake = make(chan struct{}, 1)
		go p.help(i + 1)
	}
	return p
}

// Helpers is the number of helper goroutines.
func (p *Pool) Helpers() int { return len(p.helpers) }

// Run runs fn(part, parts) for every part in [0, parts) on at most threads
// goroutines (the caller and up to threads−1 helpers) and returns when all
// are done. Parts are claimed one at a time by the caller and by the
// helpers that are awake, so a helper that is slow to wake never holds the
// computation up: the caller runs the parts nobody has claimed. If a part
// panics on a helper, Run panics with a *PartPanic after every part has
// finished; a panic in a part on the caller leaves Run once the helpers'
// parts in progress have finished, the unclaimed parts skipped.
//
// fn is stored in the pool for the helpers: pass a func value made once,
// not a new closure per call, or Run allocates.
func (p *Pool) Run(parts, threads int, fn func(part, parts int)) {
	parts = max(1, min(parts, maxParts))
	p.fn = fn
	// A helper's panic left from a Run that a panic on the caller ended
	// belongs to that Run.
	p.failed.Store(nil)
	p.step++
	base := (p.step << ticketShift) &^ closedBit
	p.remaining.Store(int64(parts))
	p.cursor.Store(base)
	p.threads.Store(int64(threads))
	p.ticket.Store(base | uint64(parts))
	for i := range min(parts, threads, len(p.helpers)+1) - 1 {
		if h := &p.helpers[i]; h.sleeping.Load() {
			select {
			case h.wake <- struct{}{}:
			default: // a wake-up is already pending
			}
		}
	}
	p.runCaller(base, parts)
	if f := p.failed.Swap(nil); f != nil {
		panic(f)
	}
}

// runCaller runs the parts the caller claims, then waits for the helpers'.
func (p *Pool) runCaller(base uint64, parts int) {
	inPart := false
	defer func() {
		// Normally nothing is left to claim here; after a panic in a part
		// the unclaimed ones are counted done unrun, so that wait returns.
		if inPart {
			p.remaining.Add(-1)
		}
		for {
			if _, ok := p.claim(base, parts); !ok {
				break
			}
			p.remaining.Add(-1)
		}
		p.wait()
		// Drop the computation's fn: in the shared pool it would keep the
		// last optimizer (its parameters and state) or product reachable.
		p.fn = nil
	}()
	for {
		i, ok := p.claim(base, parts)
		if !ok {
			return
		}
		inPart = true
		p.fn(i, parts)
		inPart = false
		p.remaining.Add(-1)
	}
}

// claim takes the next unclaimed part of the computation whose ticket has
// the step bits base; false when none is left or a later computation has
// begun (a helper that woke late).
func (p *Pool) claim(base uint64, parts int) (int, bool) {
	for {
		c := p.cursor.Load()
		i := int(c & partsMask)
		if c&^partsMask != base || i >= parts {
			return 0, false
		}
		if p.cursor.CompareAndSwap(c, c+1) {
			return i, true
		}
	}
}

// Close lets the helpers exit once they finish their parts; it is safe to
// call more than once. Run must not be called after Close.
func (p *Pool) Close() {
	p.once.Do(func() {
		p.ticket.Store(closedBit)
		for i := range p.helpers {
			close(p.helpers[i].wake)
		}
	})
}

// PartPanic is a panic recovered in a helper's part, raised again by Run.
type PartPanic struct {
	Part  int
	Value any    // what the part panicked with
	Stack []byte // the helper's stack when it panicked
}

func (e *PartPanic) Error() string {
	return fmt.Sprintf("part %d panicked on a helper goroutine: %v\n%s", e.Part, e.Value, e.Stack)
}

// help is the loop of helper i: it claims parts of each computation until
// none is left.
func (p *Pool) help(i int) {
	h := &p.helpers[i-1]
	var (
		last  uint64
		spin  = helperSpin
		ended time.Time // when this helper last finished a part
		gap   time.Duration
	)
	for {
		t := p.next(h, last, spin)
		if t&closedBit != 0 {
			return
		}
		last = t
		base, parts := t&^partsMask, int(t&partsMask)
		start := time.Now()
		idle := start.Sub(ended)
		ran := false
		// A helper beyond the computation's threads sits it out. (If the
		// caller has moved on, threads may be the next computation's; the
		// claims below then fail, and the helper looks again.)
		for int64(i) < p.threads.Load() {
			k, ok := p.claim(base, parts)
			if !ok {
				break
			}
			ran = true
			p.runPart(k, parts)
			if p.remaining.Add(-1) == 0 && p.waiting.Load() {
				select {
				case p.finished <- struct{}{}:
				default: // a wake-up is already pending
				}
			}
		}
		if ran {
			ended = time.Now()
			spin, gap = spinFor(ended.Sub(start), idle, gap)
		} else {
			spin = helperSpin
		}
	}
}

// runPart is fn(i, parts), recording a panic in p.failed instead of letting
// it end the program.
func (p *Pool) runPart(i, parts int) {
	defer func() {
		if r := recover(); r != nil {
			p.failed.CompareAndSwap(nil, &PartPanic{Part: i, Value: r, Stack: debug.Stack()})
		}
	}()
	p.fn(i, parts)
}

// spinFor is how long a helper spins for the next computation after a part
// that took work, when it waited idle for this one, and the gap it
// remembers. Waking costs about as much as wakeCost, so a gap up to that
// long (or up to a part's length, as when steps come back to back and the
// wait is the caller finishing its own part) is worth bridging by
// spinning: the helper spins for as long as the last part or the longest
// recent gap, whichever is longer, plus helperSpin. The gap is remembered
// and shrinks by an eighth a computation, so that a loop whose
// computations come at uneven gaps (a training step: the forward pass
// right after the gather of the batch, the optimizer right after the
// backward pass) keeps the helper spinning over the longest of them rather
// than only the last. Where the program does something else for longer
// between computations (the forward and backward passes of a large model
// between optimizer steps), a long spin would only hold a P the other
// goroutines could use: the helper spins for helperSpin and then sleeps.
func spinFor(work, idle, gap time.Duration) (spin, newGap time.Duration) {
	if idle > work && idle > wakeCost {
		return helperSpin, gap
	}
	gap = max(idle, gap-gap/8)
	return helperSpin + min(max(work, gap), maxHelperSpin), gap
}

// next returns the first ticket other than last: spinning for spin, then
// sleeping until the caller wakes h.
func (p *Pool) next(h *helper, last uint64, spin time.Duration) uint64 {
	start := time.Now()
	for i := 0; ; i++ {
		if t := p.ticket.Load(); t != last {
			return t
		}
		// Look at the clock and yield only every spinChecks loads: a load
		// is a few nanoseconds, a clock read or a yield tens to hundreds,
		// which would delay the pick-up of the next computation.
		if i%spinChecks != spinChecks-1 {
			continue
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
		// left over from an earlier computation only makes it look again.
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

// wait returns when every part of the current computation is done.
func (p *Pool) wait() {
	if p.remaining.Load() == 0 {
		return
	}
	start := time.Now()
	for i := 0; p.remaining.Load() != 0; i++ {
		if i%spinChecks != spinChecks-1 {
			continue
		}
		if time.Since(start) < callerSpin {
			runtime.Gosched()
			continue
		}
		// As in next: the helper that finishes the last part decrements
		// remaining, then reads waiting; the caller stores waiting, then
		// reads remaining.
		p.waiting.Store(true)
		if p.remaining.Load() != 0 {
			<-p.finished
		}
		p.waiting.Store(false)
	}
}

// The shared pool serves every computation of the process that can use it,
// one at a time, as a single OpenMP-style thread pool does: the optimizer's
// steps and the matrix products of training then keep one set of helpers
// warm between them, instead of two sets waking each other's cores.
var (
	sharedMu sync.Mutex // held while the shared pool runs a computation
	shared   *Pool
)

// TryRunShared runs fn's parts as Run does, on the process-wide pool, with
// at most min(threads, GOMAXPROCS) goroutines, and reports true; or, when
// another computation holds the pool (another goroutine's, or one that fn
// itself is part of), it runs nothing and reports false.
func TryRunShared(parts, threads int, fn func(part, parts int)) bool {
	if !sharedMu.TryLock() {
		return false
	}
	defer sharedMu.Unlock()
	procs := runtime.GOMAXPROCS(0)
	threads = max(1, min(threads, procs))
	if shared == nil || shared.Helpers() < threads-1 {
		if shared != nil {
			shared.Close()
		}
		shared = New(procs - 1)
	}
	shared.Run(parts, threads, fn)
	return true
}
