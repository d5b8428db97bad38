package optim_test

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/descentlab/descent/optim"
)

// splitSizes are parameters of odd lengths, one below a vector, one of
// many vectors and a ragged tail.
var splitSizes = []int{3, 1001, 1, 17, 784 * 3, 100}

// stepsInPieces runs steps steps over fresh copies of the parameters of
// runSteps's kind (same seed, two groups), either with Step or with
// BeginStep, StepRange and EndStep, each parameter cut at random places
// and the pieces run in random order over goroutines goroutines. It
// returns the parameters and every state buffer after the last step.
func stepsInPieces[T optim.Float](t *testing.T, spec string, pieces bool, goroutines, steps int) (vals [][]T, state optim.State[T]) {
	t.Helper()
	h, err := optim.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 8))
	ps := randomParams[T](r, splitSizes...)
	o, err := optim.NewGroups(optim.Group[T]{Params: ps[:2], Hyper: h}, optim.Group[T]{Params: ps[2:], Hyper: h})
	if err != nil {
		t.Fatal(err)
	}
	cut := rand.New(rand.NewPCG(9, uint64(goroutines))) // a different cut for each count
	type piece struct{ i, lo, hi int }
	for range steps {
		fillGrads(r, ps)
		if !pieces {
			o.Step()
			continue
		}
		if !o.BeginStep() {
			t.Fatal("BeginStep refused a built-in method")
		}
		var all []piece
		for i, p := range ps {
			for lo := 0; lo < len(p.Value); {
				hi := min(len(p.Value), lo+1+cut.IntN(200))
				all = append(all, piece{i, lo, hi})
				lo = hi
			}
		}
		cut.Shuffle(len(all), func(a, b int) { all[a], all[b] = all[b], all[a] })
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for k := g; k < len(all); k += goroutines {
					o.StepRange(all[k].i, all[k].lo, all[k].hi)
				}
			})
		}
		wg.Wait()
		o.EndStep()
	}
	for _, p := range ps {
		vals = append(vals, p.Value)
	}
	return vals, o.State()
}

// TestStepInPiecesSameBits: a step taken in pieces, in any order, cut
// anywhere, on several goroutines, leaves the same weights and state bits
// as Step, for every method, float32 and float64 (run it with -race).
func TestStepInPiecesSameBits(t *testing.T) {
	for _, spec := range allSpecs {
		t.Run(spec, func(t *testing.T) {
			want32, st32 := stepsInPieces[float32](t, spec, false, 1, 4)
			want64, st64 := stepsInPieces[float64](t, spec, false, 1, 4)
			for _, goroutines := range []int{1, 2, 3} {
				got32, gst32 := stepsInPieces[float32](t, spec, true, goroutines, 4)
				got64, gst64 := stepsInPieces[float64](t, spec, true, goroutines, 4)
				for i := range want32 {
					if !slices.Equal(got32[i], want32[i]) || !slices.Equal(got64[i], want64[i]) {
						t.Fatalf("%d goroutines: parameter %d differs from Step's", goroutines, i)
					}
				}
				sameState(t, gst32, st32)
				sameState(t, gst64, st64)
			}
		})
	}
}

// sameState fails unless got and want hold the same step counts and
// buffers, bit for bit.
func sameState[T optim.Float](t *testing.T, got, want optim.State[T]) {
	t.Helper()
	if len(got.Params) != len(want.Params) {
		t.Fatalf("state of %d parameters, want %d", len(got.Params), len(want.Params))
	}
	for name, p := range got.Params {
		q := want.Params[name]
		if p.Step != q.Step || len(p.Buffers) != len(q.Buffers) || !maps.Equal(p.Scalars, q.Scalars) {
			t.Fatalf("%s: step %d, %d buffers, scalars %v; want %d, %d, %v", name, p.Step, len(p.Buffers), p.Scalars, q.Step, len(q.Buffers), q.Scalars)
		}
		for b, v := range p.Buffers {
			if !slices.Equal(v, q.Buffers[b]) {
				t.Fatalf("%s: buffer %s differs from Step's", name, b)
			}
		}
	}
}

// TestStepInPiecesAllocatesNothing: after the first step, BeginStep,
// StepRange and EndStep allocate nothing.
func TestStepInPiecesAllocatesNothing(t *testing.T) {
	for _, spec := range allSpecs {
		h, _ := optim.ParseSpec(spec)
		ps := randomParams[float32](rand.New(rand.NewPCG(1, 2)), splitSizes...)
		o, err := optim.New(h, ps...)
		if err != nil {
			t.Fatal(err)
		}
		step := func() {
			o.BeginStep()
			for i, p := range ps {
				half := len(p.Value) / 2
				o.StepRange(i, half, len(p.Value))
				o.StepRange(i, 0, half)
			}
			o.EndStep()
		}
		step()
		if a := testing.AllocsPerRun(20, step); a != 0 {
			t.Errorf("%s: %v allocations per step in pieces", spec, a)
		}
	}
}

// TestBeginStepRefusesCustom: a Custom method updates whole parameters;
// BeginStep says no and changes nothing.
func TestBeginStepRefusesCustom(t *testing.T) {
	a, _, _ := twoGroups(1)
	o, err := optim.New(heavyBall{LR: 0.1, Mu: 0.9}, a...)
	if err != nil {
		t.Fatal(err)
	}
	if o.BeginStep() {
		t.Fatal("BeginStep accepted a Custom method")
	}
	if o.Steps() != 0 {
		t.Fatalf("a refused BeginStep advanced the step count to %d", o.Steps())
	}
	o.Step() // still usable
}

// TestStepInPiecesMisuse: Step or BeginStep inside a step in pieces, and
// EndStep outside one, panic with a message saying so.
func TestStepInPiecesMisuse(t *testing.T) {
	ps := randomParams[float32](rand.New(rand.NewPCG(1, 2)), 10)
	o, err := optim.New(optim.DefaultAdam(), ps...)
	if err != nil {
		t.Fatal(err)
	}
	mustPanic := func(what, want string, f func()) {
		t.Helper()
		defer func() {
			msg, _ := recover().(string)
			if !strings.Contains(msg, want) {
				t.Fatalf("%s: panic %q, want one containing %q", what, msg, want)
			}
		}()
		f()
	}
	mustPanic("EndStep alone", "EndStep without BeginStep", o.EndStep)
	o.BeginStep()
	mustPanic("Step inside", "between BeginStep and EndStep", o.Step)
	mustPanic("BeginStep inside", "between BeginStep and EndStep", func() { o.BeginStep() })
	o.StepRange(0, 0, 10)
	o.EndStep()
	if o.Steps() != 1 {
		t.Fatalf("Steps() = %d after one step in pieces, want 1", o.Steps())
	}
}
