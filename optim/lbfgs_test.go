package optim_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/testfunc"
)

// lbfgsOn returns an L-BFGS optimizer on f from its start and its closure.
func lbfgsOn[T optim.Float](t *testing.T, spec string, f testfunc.Function) (*optim.LBFGSOptimizer[T], *optim.Param[T], func() float64) {
	t.Helper()
	h, err := optim.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	s := f.Start()
	p := optim.NewParam("xy", []T{T(s.X), T(s.Y)})
	o, err := optim.NewLBFGS(h.(optim.LBFGS), p)
	if err != nil {
		t.Fatal(err)
	}
	return o, p, closureOf(f, p)
}

// TestLBFGSAllocatesNothing: once the history is full, a Step(closure)
// allocates nothing.
func TestLBFGSAllocatesNothing(t *testing.T) {
	f, _ := testfunc.Lookup("rastrigin")
	for _, spec := range []string{"lbfgs:history_size=3,max_iter=4,tolerance_grad=0,tolerance_change=0",
		"lbfgs:history_size=3,max_iter=4,tolerance_grad=0,tolerance_change=0,line_search_fn=strong_wolfe"} {
		o, _, closure := lbfgsOn[float64](t, spec, f)
		for range 5 {
			o.Step(closure)
		}
		if n := testing.AllocsPerRun(20, func() { o.Step(closure) }); n != 0 {
			t.Errorf("%s: %v allocations per step, want 0", spec, n)
		}
	}
}

// TestLBFGSSaveLoadExact: save after 3 steps, load into a fresh optimizer
// over a copy of the parameter, run 4 more steps on both: bit-identical.
func TestLBFGSSaveLoadExact(t *testing.T) {
	f, _ := testfunc.Lookup("rosenbrock")
	for _, spec := range []string{"lbfgs:lr=0.1,max_iter=3,history_size=2",
		"lbfgs:max_iter=2,history_size=4,line_search_fn=strong_wolfe"} {
		testLBFGSSaveLoad[float32](t, spec, f)
		testLBFGSSaveLoad[float64](t, spec, f)
	}
}

func testLBFGSSaveLoad[T optim.Float](t *testing.T, spec string, f testfunc.Function) {
	o, p, closure := lbfgsOn[T](t, spec, f)
	for range 3 {
		o.Step(closure)
	}
	blob, err := o.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	o2, p2, closure2 := lbfgsOn[T](t, "lbfgs", f) // defaults: the state brings the hyperparameters
	copy(p2.Value, p.Value)
	if err := o2.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	for k := range 4 {
		o.Step(closure)
		o2.Step(closure2)
		if !slices.Equal(p.Value, p2.Value) {
			t.Fatalf("%s: step %d after load: %v, never saved %v", spec, k, p2.Value, p.Value)
		}
	}
	if o.Evals() != o2.Evals() {
		t.Errorf("%s: %d closure calls after load, %d never saved", spec, o2.Evals(), o.Evals())
	}
	// A state for other parameters is refused, leaving the optimizer as it was.
	q := optim.NewParam("other", []T{1, 2})
	o3, _ := optim.NewLBFGS(optim.DefaultLBFGS(), q)
	if err := o3.UnmarshalBinary(blob); err == nil || !strings.Contains(err.Error(), `"xy"`) {
		t.Errorf("state for xy loaded into other: %v", err)
	}
}

// TestLBFGSRefusedByNew: New refuses lbfgs, naming NewLBFGS.
func TestLBFGSRefusedByNew(t *testing.T) {
	p := optim.NewParam("w", []float64{1})
	if _, err := optim.New(optim.DefaultLBFGS(), p); err == nil || !strings.Contains(err.Error(), "NewLBFGS") {
		t.Errorf("New(lbfgs): %v", err)
	}
	h, err := optim.ParseSpec("lbfgs:max_iter=40")
	if err != nil || h.(optim.LBFGS).MaxEval != 50 {
		t.Errorf("lbfgs:max_iter=40 gives %#v, %v; want max_eval 50 (torch: max_iter*5//4)", h, err)
	}
	if h.String() != "lbfgs:max_iter=40" { // max_eval is the derived one
		t.Errorf("String() = %q", h.String())
	}
}
