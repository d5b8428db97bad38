package optim_test

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/testfunc"
)

// reference is testdata/torch/optim_trajectories.json, written by
// testdata/torch/gen_optim.py with Debian's python3-torch 1.13.1 (and numpy
// for the methods torch 1.13 lacks: see each case's "reference"), or
// optim_more_trajectories.json, written by gen_optim_more.py (rprop, asgd
// and torch 2.x's decoupled_weight_decay; ASGD cases also hold "ax", the
// running average after each step).
type reference struct {
	TorchVersion string `json:"torch_version"`
	Cases        []struct {
		Name      string       `json:"name"`
		Spec      string       `json:"spec"`
		Func      string       `json:"func"`
		DType     string       `json:"dtype"`
		Start     [2]float64   `json:"start"`
		Steps     int          `json:"steps"`
		LRs       []float64    `json:"lrs"`
		Reference string       `json:"reference"`
		Points    [][2]float64 `json:"points"`
		AX        [][2]float64 `json:"ax"`
	} `json:"cases"`
}

// referenceFiles are the trajectory files TestTorchParity checks.
var referenceFiles = []string{"optim_trajectories.json", "optim_more_trajectories.json"}

func loadReference(t *testing.T, file string) reference {
	t.Helper()
	b, err := os.ReadFile("../testdata/torch/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("no cases in the reference file")
	}
	return ref
}

// runPointBuffer runs the optimizer of spec on f from start, in element type
// T, computing the gradient as the generator does: the analytic gradient in
// float64 at the current point, rounded to T. When buf is not empty it also
// records the state buffer named buf after each step (zeros before the
// first).
func runPointBuffer[T optim.Float](t *testing.T, spec string, f testfunc.Function, start [2]float64, steps int, lrs []float64, buf string) (pts, bufs [][2]float64) {
	t.Helper()
	p := optim.NewParam("xy", []T{T(start[0]), T(start[1])})
	if strings.HasPrefix(spec, "lookahead") {
		return runLookahead(t, spec, p, f, steps), nil
	}
	h, err := optim.ParseSpec(spec)
	if err != nil {
		t.Fatalf("ParseSpec(%q): %v", spec, err)
	}
	if lb, ok := h.(optim.LBFGS); ok {
		return runLBFGS(t, lb, p, f, steps), nil
	}
	if m := h.Method(); m == "sf_adamw" || m == "sf_sgd" {
		o, err := optim.NewScheduleFree(h, p)
		if err != nil {
			t.Fatal(err)
		}
		out := [][2]float64{{float64(p.Value[0]), float64(p.Value[1])}}
		xs := [][2]float64{{float64(p.Value[0]), float64(p.Value[1])}}
		for k := 0; k < steps; k++ {
			gx, gy := f.Grad(float64(p.Value[0]), float64(p.Value[1]))
			p.Grad[0], p.Grad[1] = T(gx), T(gy)
			o.Step()
			out = append(out, [2]float64{float64(p.Value[0]), float64(p.Value[1])})
			x := o.X(0)
			xs = append(xs, [2]float64{float64(x[0]), float64(x[1])})
		}
		return out, xs
	}
	if af, ok := h.(optim.Adafactor); ok {
		o, err := optim.NewAdafactor(af, p)
		if err != nil {
			t.Fatal(err)
		}
		out := [][2]float64{{float64(p.Value[0]), float64(p.Value[1])}}
		for k := 0; k < steps; k++ {
			if lrs != nil {
				if err := o.SetLR(lrs[k]); err != nil {
					t.Fatal(err)
				}
			}
			gx, gy := f.Grad(float64(p.Value[0]), float64(p.Value[1]))
			p.Grad[0], p.Grad[1] = T(gx), T(gy)
			o.Step()
			out = append(out, [2]float64{float64(p.Value[0]), float64(p.Value[1])})
		}
		return out, nil
	}
	o, err := optim.New(h, p)
	if err != nil {
		t.Fatal(err)
	}
	out := [][2]float64{{float64(p.Value[0]), float64(p.Value[1])}}
	bufs = [][2]float64{{0, 0}}
	for k := 0; k < steps; k++ {
		if lrs != nil {
			if err := o.SetLR(0, lrs[k]); err != nil {
				t.Fatal(err)
			}
		}
		gx, gy := f.Grad(float64(p.Value[0]), float64(p.Value[1]))
		p.Grad[0], p.Grad[1] = T(gx), T(gy)
		o.Step()
		out = append(out, [2]float64{float64(p.Value[0]), float64(p.Value[1])})
		if buf != "" {
			b := o.State().Params["xy"].Buffers[buf]
			bufs = append(bufs, [2]float64{float64(b[0]), float64(b[1])})
		}
	}
	return out, bufs
}

// TestTorchParity compares every step of every reference trajectory.
// Tolerances are the core issue's: float64 within 1e-9 and float32 within
// 1e-5, relative to max(|want|, 1) so that coordinates converging to zero
// are compared absolutely rather than by a meaningless relative error.
func TestTorchParity(t *testing.T) {
	methods := map[string]bool{}
	for _, file := range referenceFiles {
		checkParity(t, loadReference(t, file), methods)
	}
	for _, c := range loadRest(t).Cases { // muon, lamb: TestRestParity checks them
		m, _, _ := strings.Cut(c.Spec, ":")
		methods[m] = true
	}
	for _, m := range append(optim.Methods(), "lookahead") {
		if m == "gd" {
			m = "sgd"
		}
		if !methods[m] {
			t.Errorf("method %s has no reference trajectory", m)
		}
	}
}

// checkParity compares every case of ref and records its method in methods.
func checkParity(t *testing.T, ref reference, methods map[string]bool) {
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			f, err := testfunc.Lookup(c.Func)
			if err != nil {
				t.Fatal(err)
			}
			spec := c.Spec
			if outer, inner, ok := strings.Cut(spec, "/"); ok && strings.HasPrefix(outer, "lookahead") {
				methods["lookahead"] = true
				spec = inner
			}
			h, err := optim.ParseSpec(spec)
			if err != nil {
				t.Fatal(err)
			}
			methods[h.Method()] = true
			var got, ax [][2]float64
			tol := 1e-9
			buf := ""
			if c.AX != nil {
				buf = "ax"
			}
			switch c.DType {
			case "float64":
				got, ax = runPointBuffer[float64](t, c.Spec, f, c.Start, c.Steps, c.LRs, buf)
			case "float32":
				got, ax = runPointBuffer[float32](t, c.Spec, f, c.Start, c.Steps, c.LRs, buf)
				tol = 1e-5
			default:
				t.Fatalf("unknown dtype %q", c.DType)
			}
			comparePoints(t, "", got, c.Points, tol, c.Reference)
			if c.AX != nil {
				comparePoints(t, "ax ", ax, c.AX, tol, c.Reference)
			}
		})
	}
}

// comparePoints fails at the first coordinate of got that is not within
// tol of want, relative to max(|want|, 1).
func comparePoints(t *testing.T, what string, got, want [][2]float64, tol float64, source string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d %spoints, reference has %d", len(got), what, len(want))
	}
	for k := range got {
		for j := 0; j < 2; j++ {
			w, g := want[k][j], got[k][j]
			if math.Abs(g-w) > tol*math.Max(math.Abs(w), 1) {
				t.Fatalf("%sstep %d coordinate %d: got %.17g, %s gives %.17g (rel err %.3g > %g)",
					what, k, j, g, source, w, math.Abs(g-w)/math.Max(math.Abs(w), 1), tol)
			}
		}
	}
}

// runLBFGS runs steps Step(closure) calls of L-BFGS; the closure computes
// the loss and the gradient as the generator's does (float64 at the
// current point, the gradient rounded to T).
func runLBFGS[T optim.Float](t *testing.T, h optim.LBFGS, p *optim.Param[T], f testfunc.Function, steps int) [][2]float64 {
	t.Helper()
	o, err := optim.NewLBFGS(h, p)
	if err != nil {
		t.Fatal(err)
	}
	closure := closureOf(f, p)
	out := [][2]float64{{float64(p.Value[0]), float64(p.Value[1])}}
	for k := 0; k < steps; k++ {
		o.Step(closure)
		out = append(out, [2]float64{float64(p.Value[0]), float64(p.Value[1])})
	}
	return out
}

// closureOf is L-BFGS's closure on f for the parameter (x, y): the loss and
// gradient in float64 at the current point, the gradient rounded to T.
func closureOf[T optim.Float](f testfunc.Function, p *optim.Param[T]) func() float64 {
	return func() float64 {
		x, y := float64(p.Value[0]), float64(p.Value[1])
		gx, gy := f.Grad(x, y)
		p.Grad[0], p.Grad[1] = T(gx), T(gy)
		return f.Value(x, y)
	}
}

// newLookahead builds the Lookahead of a lookahead:…/INNER spec over p.
func newLookahead[T optim.Float](t *testing.T, spec string, p *optim.Param[T]) *optim.Lookahead[T] {
	t.Helper()
	lo, h, err := optim.ParseLookahead(spec)
	if err != nil {
		t.Fatal(err)
	}
	inner, err := optim.New(h, p)
	if err != nil {
		t.Fatal(err)
	}
	l, err := optim.NewLookahead(lo, inner)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// runLookahead runs steps steps of a lookahead:…/INNER spec.
func runLookahead[T optim.Float](t *testing.T, spec string, p *optim.Param[T], f testfunc.Function, steps int) [][2]float64 {
	t.Helper()
	l := newLookahead(t, spec, p)
	out := [][2]float64{{float64(p.Value[0]), float64(p.Value[1])}}
	for k := 0; k < steps; k++ {
		gx, gy := f.Grad(float64(p.Value[0]), float64(p.Value[1]))
		p.Grad[0], p.Grad[1] = T(gx), T(gy)
		l.Step()
		out = append(out, [2]float64{float64(p.Value[0]), float64(p.Value[1])})
	}
	return out
}
