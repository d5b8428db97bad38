package workpool

import (
	"errors"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunCallsEveryPartOnce: each Run calls fn once for each part, with the
// part count it was given, back to back, with pauses long enough for the
// helpers to fall asleep, with fewer parts than helpers (the others must
// sit the computation out) and with more.
func TestRunCallsEveryPartOnce(t *testing.T) {
	const helpers = 3
	var counts [helpers + 2]atomic.Int64
	var badParts atomic.Int64
	want := 0
	p := newWith(helpers, func(part, parts int) {
		if parts != want {
			badParts.Add(1)
		}
		counts[part].Add(1)
	})
	defer p.Close()
	runs := [helpers + 2]int{}
	for k := 0; k < 2000; k++ {
		n := 1 + k%(helpers+2) // 1..5
		want = n
		if k%500 == 499 {
			time.Sleep(2 * time.Millisecond) // longer than the helpers spin
		}
		p.run(n, n)
		for part := 0; part < want; part++ {
			runs[part]++
		}
	}
	if n := badParts.Load(); n != 0 {
		t.Errorf("fn saw a wrong part count %d times", n)
	}
	for part := range counts {
		if got := counts[part].Load(); got != int64(runs[part]) {
			t.Errorf("part %d ran %d times, want %d", part, got, runs[part])
		}
	}
}

// TestRunWaitsForSlowHelpers: Run returns only after every part, even one
// far longer than the caller's spin, so the caller goes to sleep and must
// be woken.
func TestRunWaitsForSlowHelpers(t *testing.T) {
	var done atomic.Int64
	p := newWith(2, func(part, parts int) {
		if part == 2 {
			time.Sleep(5 * time.Millisecond)
		}
		done.Add(1)
	})
	defer p.Close()
	for k := 1; k <= 5; k++ {
		p.run(3, 3)
		if got := done.Load(); got != int64(3*k) {
			t.Fatalf("Run %d returned with %d parts done, want %d", k, got, 3*k)
		}
	}
}

// onHelper reports whether the calling goroutine is one of a pool's
// helpers (and not the goroutine that called Run).
func onHelper() bool {
	return strings.Contains(string(debug.Stack()), "workpool.(*Pool).help(")
}

// barrier returns an fn for n parts, run by n goroutines, in which every
// part waits until all n have started, so that each goroutine holds one
// part; then it calls f with the part and whether a helper runs it.
func barrier(t *testing.T, n int, f func(part int, helper bool)) func(part, parts int) {
	var started atomic.Int64
	return func(part, parts int) {
		started.Add(1)
		deadline := time.Now().Add(10 * time.Second)
		for started.Load() < int64(n) {
			if time.Now().After(deadline) {
				t.Error("the parts did not all start within 10s")
				break
			}
			time.Sleep(50 * time.Microsecond)
		}
		f(part, onHelper())
	}
}

// TestPanicInHelperReachesCaller: a panic in a helper's part panics Run in
// the caller with a *PartPanic naming the part, after the other parts are
// done; the pool then keeps working.
func TestPanicInHelperReachesCaller(t *testing.T) {
	var done atomic.Int64
	var failed atomic.Int64
	failed.Store(-1)
	p := newWith(3, barrier(t, 4, func(part int, helper bool) {
		if helper && failed.CompareAndSwap(-1, int64(part)) {
			panic("this part fails")
		}
		time.Sleep(time.Millisecond)
		done.Add(1)
	}))
	defer p.Close()
	r := panicOf(func() { p.run(4, 4) })
	var pp *PartPanic
	if err, ok := r.(error); !ok || !errors.As(err, &pp) || int64(pp.Part) != failed.Load() || pp.Value != "this part fails" {
		t.Fatalf("Run recovered %v, want a *PartPanic of part %d", r, failed.Load())
	}
	if n := done.Load(); n != 3 {
		t.Errorf("%d other parts done when Run panicked, want 3", n)
	}
	q := newWith(3, func(part, parts int) { done.Add(1) })
	defer q.Close()
	q.run(4, 4)
	if n := done.Load(); n != 7 {
		t.Errorf("%d parts done after a second Run, want 7", n)
	}
}

// TestPanicInCallerWaitsForHelpers: a panic in a part the caller runs leaves
// Run only after the helpers' parts in progress are done, so that the next
// Run cannot overlap them.
func TestPanicInCallerWaitsForHelpers(t *testing.T) {
	var done atomic.Int64
	p := newWith(1, barrier(t, 2, func(part int, helper bool) {
		if !helper {
			panic("caller's part fails")
		}
		time.Sleep(3 * time.Millisecond)
		done.Add(1)
	}))
	defer p.Close()
	if r := panicOf(func() { p.run(2, 2) }); r != "caller's part fails" {
		t.Errorf("Run recovered %v, want the caller's panic", r)
	}
	if done.Load() != 1 {
		t.Fatal("Run panicked before the helper's part was done")
	}
}

// TestPanicsOnBothSides: when a helper's part and the caller's part both
// panic, Run raises the caller's panic, and the helper's is not raised
// again by the next Run.
func TestPanicsOnBothSides(t *testing.T) {
	p := newWith(1, barrier(t, 2, func(part int, helper bool) {
		if helper {
			panic("helper fails")
		}
		time.Sleep(time.Millisecond) // let the helper's panic be recorded first
		panic("caller fails")
	}))
	defer p.Close()
	if r := panicOf(func() { p.run(2, 2) }); r != "caller fails" {
		t.Errorf("Run recovered %v, want the caller's panic", r)
	}
	q := p // the same pool, now with parts that do not panic
	q.f = func(part, parts int) {}
	if r := panicOf(func() { q.run(2, 2) }); r != nil {
		t.Errorf("the next Run panicked with %v", r)
	}
}

// TestCloseEndsHelpers: after Close the helpers exit, asleep or spinning.
func TestCloseEndsHelpers(t *testing.T) {
	before := runtime.NumGoroutine()
	p := newWith(4, func(part, parts int) {})
	p.run(5, 5)
	p.Close()
	p.Close() // twice is fine
	for i := 0; i < 200 && runtime.NumGoroutine() > before; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before New", n, before)
	}
}

// TestRunAllocatesNothing: a Run allocates nothing.
func TestRunAllocatesNothing(t *testing.T) {
	p := newWith(1, func(part, parts int) {})
	defer p.Close()
	p.run(2, 2)
	if n := testing.AllocsPerRun(100, func() { p.run(2, 2) }); n != 0 {
		t.Errorf("%v allocations per Run, want 0", n)
	}
}

// TestRunThreads: Run(parts, threads) runs its parts on at most threads
// goroutines, even with more helpers awake from an earlier Run.
func TestRunThreads(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	p := newWith(3, func(part, parts int) {
		id := strings.Fields(string(debug.Stack()))[1] // "goroutine N [running]:"
		mu.Lock()
		seen[id] = true
		mu.Unlock()
		time.Sleep(100 * time.Microsecond)
	})
	defer p.Close()
	for k := 0; k < 50; k++ {
		p.run(16, 4) // all helpers awake and spinning
		clear(seen)
		p.run(16, 2)
		if len(seen) > 2 {
			t.Fatalf("Run(16, 2) ran on %d goroutines, want at most 2", len(seen))
		}
	}
}

// fnPool is a Pool with one fn for all its Runs, as the tests use it.
type fnPool struct {
	*Pool
	f func(part, parts int)
}

func newWith(helpers int, f func(part, parts int)) *fnPool { return &fnPool{New(helpers), f} }

func (p *fnPool) run(parts, threads int) { p.Run(parts, threads, p.f) }

// TestTryRunShared: the shared pool runs every part; a computation started
// from inside one of its parts (or while another goroutine's holds it) is
// refused rather than deadlocked, and the caller can run it itself.
func TestTryRunShared(t *testing.T) {
	var ran atomic.Int64
	inner := func(part, parts int) { ran.Add(1) }
	var refused atomic.Int64
	outer := func(part, parts int) {
		if !TryRunShared(4, 2, inner) {
			refused.Add(1)
		}
	}
	if !TryRunShared(6, 4, outer) {
		t.Fatal("the shared pool was busy with nothing running")
	}
	if refused.Load() != 6 || ran.Load() != 0 {
		t.Errorf("nested runs: %d refused, %d inner parts ran; want 6 and 0", refused.Load(), ran.Load())
	}
	var wg sync.WaitGroup
	var done atomic.Int64
	for range 4 {
		wg.Go(func() {
			for k := 0; k < 200; k++ {
				if TryRunShared(8, 2, inner) {
					done.Add(8)
				}
			}
		})
	}
	wg.Wait()
	if ran.Load() != done.Load() || done.Load() == 0 {
		t.Errorf("%d parts ran for %d claimed by successful runs", ran.Load(), done.Load())
	}
}

// panicOf runs f and returns what it panicked with, or nil.
func panicOf(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}
