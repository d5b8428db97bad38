package optim_test

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/optim/internal/kernel"
)

// parallelSizes mix one parameter large enough to be split across four
// threads (4·32K elements and an odd remainder) with many small ones of odd
// lengths, which the split batches together.
var parallelSizes = []int{3, 1<<17 + 1001, 1, 7, 17, 1023, 64, 5, 40000, 9}

// runSteps makes an optimizer over fresh copies of the same parameters and
// gradients, runs steps steps and returns the parameters.
func runSteps[T optim.Float](t *testing.T, spec string, threads, steps int) [][]T {
	t.Helper()
	return runStepsParts[T](t, spec, threads, steps, nil)
}

// TestThreadsAgree: a step gives the same bits on any number of threads,
// and the vector kernels the same bits as the scalar reference, for every
// method, float32 and float64.
func TestThreadsAgree(t *testing.T) {
	defer optim.SetProcs(8)()
	for _, spec := range allSpecs {
		t.Run(spec, func(t *testing.T) {
			prev := kernel.UseVector(false)
			want32, want64 := runSteps[float32](t, spec, 1, 3), runSteps[float64](t, spec, 1, 3)
			kernel.UseVector(prev)
			for _, threads := range []int{1, 2, 3, 4} {
				got32, got64 := runSteps[float32](t, spec, threads, 3), runSteps[float64](t, spec, threads, 3)
				for i := range want32 {
					if !slices.Equal(got32[i], want32[i]) || !slices.Equal(got64[i], want64[i]) {
						t.Fatalf("threads=%d, vector=%v: parameter %d differs from the scalar reference on one thread", threads, kernel.HasVector(), i)
					}
				}
			}
		})
	}
}

// TestParallelStepAllocatesNothing: once the helpers run, a step split
// across threads allocates nothing.
func TestParallelStepAllocatesNothing(t *testing.T) {
	defer optim.SetProcs(8)()
	for _, spec := range []string{"sgd", "adam", "rmsprop:centered=true,momentum=0.9", "lion"} {
		h, _ := optim.ParseSpec(spec)
		r := rand.New(rand.NewPCG(1, 2))
		ps := randomParams[float32](r, parallelSizes...)
		o, err := optim.New(h, ps...)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.SetThreads(3); err != nil {
			t.Fatal(err)
		}
		fillGrads(r, ps)
		o.Step()
		if n := testing.AllocsPerRun(20, o.Step); n != 0 {
			t.Errorf("%s: %v allocations per parallel step, want 0", spec, n)
		}
	}
}

func TestSetThreads(t *testing.T) {
	o, _ := optim.New(optim.DefaultAdam(), optim.NewParam("w", make([]float32, 1<<17)))
	if got, want := o.Threads(), runtime.GOMAXPROCS(0); got != want {
		t.Errorf("Threads() = %d by default, want GOMAXPROCS = %d", got, want)
	}
	for _, n := range []int{0, -1} {
		if err := o.SetThreads(n); err == nil {
			t.Errorf("SetThreads(%d): no error", n)
		}
	}
	// Changing the thread count between steps replaces the helpers.
	for _, n := range []int{4, 2, 1, 3} {
		if err := o.SetThreads(n); err != nil {
			t.Fatal(err)
		}
		o.Step()
	}
}

// TestNoGoroutinesPerOptimizer: optimizers start no goroutines of their
// own: however many step on several threads, the helpers are the process's
// shared ones, at most GOMAXPROCS−1.
func TestNoGoroutinesPerOptimizer(t *testing.T) {
	before := runtime.NumGoroutine()
	var keep []*optim.Optimizer[float32]
	for range 20 {
		o, _ := optim.New(optim.DefaultSGD(), optim.NewParam("w", make([]float32, 1<<18)))
		_ = o.SetThreads(4)
		o.Step()
		keep = append(keep, o)
	}
	if n, limit := runtime.NumGoroutine(), before+runtime.GOMAXPROCS(0)-1; n > limit {
		t.Errorf("%d goroutines with %d optimizers on 4 threads, %d before: want at most %d", n, len(keep), before, limit)
	}
}

// TestPoolManySteps drives the pool through many back-to-back steps, the
// pattern in which helpers catch the next step while spinning, at sizes
// that leave some helpers idle and sizes that make them spin, and checks
// the result against one thread bit for bit.
func TestPoolManySteps(t *testing.T) {
	defer optim.SetProcs(8)()
	for _, threads := range []int{2, 3, 4} {
		for _, n := range []int{70000, 1 << 17, 1<<20 + 5} {
			run := func(th int) []float32 {
				p := optim.NewParam("w", make([]float32, n))
				for i := range p.Grad {
					p.Grad[i] = float32(i%7) - 3
				}
				o, _ := optim.New(optim.SGD{LR: 0.01, Momentum: 0.9}, p)
				if err := o.SetThreads(th); err != nil {
					t.Fatal(err)
				}
				for k := 0; k < 200; k++ {
					o.Step()
				}
				return p.Value
			}
			want, got := run(1), run(threads)
			for i := range want {
				if want[i] != got[i] {
					t.Fatalf("threads=%d n=%d: element %d is %v, one thread gives %v", threads, n, i, got[i], want[i])
				}
			}
		}
	}
}

// TestPoolStepsFarApart: steps further apart than the helpers spin find
// them asleep, and must wake them; the results still match one thread.
func TestPoolStepsFarApart(t *testing.T) {
	defer optim.SetProcs(8)()
	const n = 1<<17 + 3
	run := func(threads int, pause time.Duration) []float64 {
		p := optim.NewParam("w", make([]float64, n))
		for i := range p.Grad {
			p.Grad[i] = float64(i%5) - 2
		}
		o, _ := optim.New(optim.DefaultAdam(), p)
		if err := o.SetThreads(threads); err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 12; k++ {
			o.Step()
			time.Sleep(pause)
		}
		return p.Value
	}
	want := run(1, 0)
	for _, threads := range []int{2, 4} {
		got := run(threads, 8*time.Millisecond)
		if !slices.Equal(got, want) {
			t.Fatalf("threads=%d with pauses between steps: parameters differ from one thread", threads)
		}
	}
}

// TestStepUsesAtMostGOMAXPROCS: with more threads than GOMAXPROCS a step
// still gives the one-thread result (it is split only GOMAXPROCS ways).
func TestStepUsesAtMostGOMAXPROCS(t *testing.T) {
	defer optim.SetProcs(2)()
	want := runSteps[float32](t, "adam", 1, 3)
	got := runSteps[float32](t, "adam", 6, 3)
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("threads=6 on 2 procs: parameter %d differs from one thread", i)
		}
	}
}

// TestStepChecksLengths: a gradient or value whose length changed after New
// panics in Step with a message naming the parameter, before any element
// is updated, instead of reading past the gradient's end.
func TestStepChecksLengths(t *testing.T) {
	defer optim.SetProcs(8)()
	for _, threads := range []int{1, 4} {
		for _, change := range []string{"grad", "both"} {
			p := optim.NewParam("w", make([]float32, 1<<18))
			o, _ := optim.New(optim.DefaultAdam(), p)
			_ = o.SetThreads(threads)
			o.Step()
			before := slices.Clone(p.Value)
			switch change {
			case "grad":
				p.Grad = p.Grad[:1000]
			case "both":
				p.Value, p.Grad = p.Value[:1000], p.Grad[:1000]
			}
			func() {
				defer func() {
					msg, _ := recover().(string)
					if !strings.Contains(msg, `parameter "w" has 1000 values`) && !strings.Contains(msg, `parameter "w" has 262144 values and 1000 gradients`) {
						t.Errorf("threads=%d, %s shortened: Step recovered %q, want the lengths named", threads, change, msg)
					}
				}()
				o.Step()
			}()
			if !slices.Equal(p.Value[:cap(p.Value)][:len(before)], before) {
				t.Errorf("threads=%d, %s shortened: Step changed values before panicking", threads, change)
			}
		}
	}
}

// runStepsParts is runSteps with the parameters' threads fixed by
// SetParts (nil: the even split). The parameters are in two groups, so
// that a step's split crosses a group boundary.
func runStepsParts[T optim.Float](t *testing.T, spec string, threads, steps int, parts []int) [][]T {
	t.Helper()
	h, err := optim.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	ps := randomParams[T](r, parallelSizes...)
	o, err := optim.NewGroups(optim.Group[T]{Params: ps[:4], Hyper: h}, optim.Group[T]{Params: ps[4:], Hyper: h})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.SetThreads(threads); err != nil {
		t.Fatal(err)
	}
	if err := o.SetParts(parts); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < steps; k++ {
		fillGrads(r, ps)
		o.Step()
	}
	out := make([][]T, len(ps))
	for i, p := range ps {
		out[i] = p.Value
	}
	return out
}

// TestSetPartsSameBits: a step whose parameters' threads are fixed by
// SetParts gives the scalar reference's bits, for every method, float32
// and float64, on 1 to 4 threads, with as many parts as threads, fewer
// and more (part p on thread p mod threads).
func TestSetPartsSameBits(t *testing.T) {
	if testing.Short() && runtime.GOARCH != "amd64" {
		t.Skip("-short off amd64 (CI's arm64 run is emulated): which thread runs a parameter does not depend on the architecture")
	}
	defer optim.SetProcs(8)()
	partss := [][]int{
		{0, 1, 0, 1, 1, 0, 0, 1, 1, 0},
		{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // everything on the first helper
		{0, 2, 1, 0, 2, 1, 3, 0, 1, 2},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	}
	for _, spec := range allSpecs {
		t.Run(spec, func(t *testing.T) {
			prev := kernel.UseVector(false)
			want32, want64 := runSteps[float32](t, spec, 1, 3), runSteps[float64](t, spec, 1, 3)
			kernel.UseVector(prev)
			// Two partitions per thread count (one with -short or under
			// the race detector), each partition with two thread counts.
			per := 2
			if testing.Short() || raceEnabled {
				per = 1
			}
			for i, threads := range []int{1, 2, 3, 4} {
				for j := range per {
					parts := partss[(i+2*j)%len(partss)]
					got32, got64 := runStepsParts[float32](t, spec, threads, 3, parts), runStepsParts[float64](t, spec, threads, 3, parts)
					for i := range want32 {
						if !slices.Equal(got32[i], want32[i]) || !slices.Equal(got64[i], want64[i]) {
							t.Fatalf("threads=%d, parts %v: parameter %d differs from the scalar reference on one thread", threads, parts, i)
						}
					}
				}
			}
		})
	}
}

// TestSetPartsErrors: partitions of the wrong length or with parts outside
// [0, 256) are refused; a valid one and nil are taken.
func TestSetPartsErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ps := randomParams[float32](r, 1<<16, 1<<16, 5)
	o, err := optim.New(optim.DefaultAdam(), ps...)
	if err != nil {
		t.Fatal(err)
	}
	for _, parts := range [][]int{{0, 1}, {0, 1, 0, 1}, {0, -1, 0}, {0, 256, 1}} {
		if err := o.SetParts(parts); err == nil {
			t.Errorf("SetParts(%v) on 3 parameters: no error", parts)
		}
	}
	if err := o.SetParts([]int{1, 0, 255}); err != nil {
		t.Fatal(err)
	}
	fillGrads(r, ps)
	o.Step()
	if err := o.SetParts(nil); err != nil {
		t.Fatal(err)
	}
	o.Step()
}

// TestSetPartsAllocatesNothing: a step split by SetParts allocates
// nothing once the helpers run.
func TestSetPartsAllocatesNothing(t *testing.T) {
	defer optim.SetProcs(8)()
	r := rand.New(rand.NewPCG(1, 2))
	ps := randomParams[float32](r, parallelSizes...)
	o, err := optim.New(optim.DefaultAdam(), ps...)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.SetThreads(2); err != nil {
		t.Fatal(err)
	}
	if err := o.SetParts([]int{0, 1, 0, 1, 1, 0, 0, 1, 1, 0}); err != nil {
		t.Fatal(err)
	}
	fillGrads(r, ps)
	o.Step()
	if n := testing.AllocsPerRun(20, o.Step); n != 0 {
		t.Errorf("%v allocations per step split by SetParts, want 0", n)
	}
}
