package lab

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/descentlab/descent/testfunc"
)

func TestNewtonRosenbrock(t *testing.T) {
	f, _ := testfunc.Lookup("rosenbrock")
	tr, err := Run(f, testfunc.Point{X: -1.2, Y: 1}, 100, "newton")
	if err != nil {
		t.Fatal(err)
	}
	// Newton with a modified Hessian reaches (1, 1) from the literature
	// start in well under 30 iterations (the bound).
	reached := -1
	for k, p := range tr.Points {
		if math.Hypot(p.X-1, p.Y-1) < 1e-6 {
			reached = k
			break
		}
	}
	if reached < 0 || reached >= 30 {
		t.Fatalf("newton reached (1,1) at iteration %d (path of %d points ending at %+v)", reached, len(tr.Points), tr.Points[len(tr.Points)-1])
	}
	t.Logf("newton reached (1, 1) within 1e-6 at iteration %d", reached)
	for k := 1; k < len(tr.Loss); k++ {
		if tr.Loss[k] > tr.Loss[k-1] {
			t.Errorf("loss rose at iteration %d: %g → %g", k, tr.Loss[k-1], tr.Loss[k])
		}
	}
}

func TestLBFGSConverges(t *testing.T) {
	for _, name := range []string{"rosenbrock", "beale", "booth", "himmelblau"} {
		f, _ := testfunc.Lookup(name)
		tr, err := Run(f, f.Start(), 200, "gonum_lbfgs:history=5")
		if err != nil {
			t.Fatal(err)
		}
		end := tr.Points[len(tr.Points)-1]
		gx, gy := f.Grad(end.X, end.Y)
		if math.Hypot(gx, gy) > 1e-6 {
			t.Errorf("%s: gonum_lbfgs ended at %+v with gradient (%g, %g)", name, end, gx, gy)
		}
	}
}

func TestRunErrors(t *testing.T) {
	f, _ := testfunc.Lookup("booth")
	for _, c := range []struct{ spec, want string }{
		{"newton:history=3", `newton: unknown option "history" (want increase)`},
		{"gonum_lbfgs:history=0", `gonum_lbfgs: invalid history="0"`},
		{"lbfgs:history_size=0", `lbfgs: invalid history_size=0`},
		{"newton:increase=1", `newton: invalid increase="1"`},
		{"adam:lr=-1", "adam: invalid lr=-1"},
	} {
		if _, err := Run(f, f.Start(), 5, c.spec); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Run(%q): %v, want %q", c.spec, err, c.want)
		}
	}
	if _, err := Run(f, testfunc.Point{X: math.NaN()}, 5, "adam"); err == nil {
		t.Error("NaN start accepted")
	}
	if _, err := Run(f, f.Start(), -1, "adam"); err == nil {
		t.Error("negative steps accepted")
	}
}

func TestRunStepsAndDivergence(t *testing.T) {
	f, _ := testfunc.Lookup("rosenbrock")
	tr, err := Run(f, f.Start(), 40, "gd:lr=0.1")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Diverged == 0 || len(tr.Points) != tr.Diverged {
		t.Fatalf("diverged=%d with %d points", tr.Diverged, len(tr.Points))
	}
	for k, p := range tr.Points {
		if !finite(p.X) || !finite(p.Y) || !finite(tr.Loss[k]) {
			t.Fatalf("non-finite point %d", k)
		}
	}
	tr, _ = Run(f, f.Start(), 0, "adam")
	if len(tr.Points) != 1 || tr.Points[0] != f.Start() {
		t.Fatalf("0 steps: %+v", tr.Points)
	}
}

func TestLabel(t *testing.T) {
	if got := (Trajectory{Spec: "adam"}).Label(); got != "adam" {
		t.Errorf("Label = %q", got)
	}
	if got := (Trajectory{Spec: "sgd:lr=1", Diverged: 7}).Label(); got != "sgd:lr=1 (diverged at step 7)" {
		t.Errorf("Label = %q", got)
	}
}

// Newton and L-BFGS that end before their steps (here: the gradient
// vanishes at the minimum) say so, as a first-order method that diverges
// does; a run that takes all its steps says nothing.
func TestSecondOrderEarlyStop(t *testing.T) {
	f, _ := testfunc.Lookup("rosenbrock")
	for _, spec := range []string{"newton", "gonum_lbfgs"} {
		tr, err := Run(f, testfunc.Point{X: -1.2, Y: 1}, 500, spec)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Stopped != len(tr.Points)-1 || tr.Stopped >= 500 || !strings.Contains(tr.StopReason, "gradient vanished") {
			t.Errorf("%s: stopped %d with %d points, reason %q", spec, tr.Stopped, len(tr.Points), tr.StopReason)
		}
		tr, _ = Run(f, testfunc.Point{X: -1.2, Y: 1}, 3, spec)
		if tr.Stopped != 0 || tr.StopReason != "" || len(tr.Points) != 4 {
			t.Errorf("%s, 3 steps: stopped %d (%q), %d points", spec, tr.Stopped, tr.StopReason, len(tr.Points))
		}
	}
}

func TestAutoLR(t *testing.T) {
	for in, want := range map[string]string{
		"adam:lr=auto":                  "adam",
		"adam:beta1=0.8, lr=auto ":      "adam:beta1=0.8",
		"momentum:lr=auto,momentum=0.5": "momentum:momentum=0.5",
	} {
		if got, ok := AutoLR(in); !ok || got != want {
			t.Errorf("AutoLR(%q) = %q, %v; want %q, true", in, got, ok, want)
		}
	}
	for _, in := range []string{"adam", "adam:lr=0.1", "newton"} {
		if got, ok := AutoLR(in); ok || got != in {
			t.Errorf("AutoLR(%q) = %q, %v; want it unchanged, false", in, got, ok)
		}
	}
}

// Search tries every lr of the grid, rules out the runs that diverge, and
// chooses the lowest score; Tune returns the same run.
func TestSearch(t *testing.T) {
	f, err := testfunc.Lookup("elliptic")
	if err != nil {
		t.Fatal(err)
	}
	tu, err := Search(f, f.Start(), 30, "gd")
	if err != nil {
		t.Fatal(err)
	}
	if len(tu.Trials) != len(lrGrid) {
		t.Fatalf("%d trials, want %d", len(tu.Trials), len(lrGrid))
	}
	diverged := 0
	for i, tr := range tu.Trials {
		if tr.LR != lrGrid[i] {
			t.Errorf("trial %d lr %g, want %g", i, tr.LR, lrGrid[i])
		}
		if tr.Out != "" {
			diverged++
			// gd on x²/20+y² diverges once lr > 1 (the y factor 1−2·lr leaves [−1, 1]).
			if tr.LR <= 1 || !math.IsNaN(tr.Score) {
				t.Errorf("lr %g ruled out (%s), score %g", tr.LR, tr.Out, tr.Score)
			}
			continue
		}
		if tr.Score < tu.Trials[tu.Best].Score {
			t.Errorf("lr %g scores %g, below the chosen %g", tr.LR, tr.Score, tu.Trials[tu.Best].Score)
		}
	}
	if diverged == 0 {
		t.Error("no lr of the grid diverged for gd, though lr 3.2 must")
	}
	if want := "gd:lr=" + strconv.FormatFloat(tu.Trials[tu.Best].LR, 'g', 4, 64); tu.Run.Spec != want {
		t.Errorf("chosen run %q, want %q", tu.Run.Spec, want)
	}
	run, err := Tune(f, f.Start(), 30, "gd")
	if err != nil || run.Spec != tu.Run.Spec {
		t.Errorf("Tune chose %q (%v), Search %q", run.Spec, err, tu.Run.Spec)
	}
}

// TestSlicesAreCopies: the gallery, the grid and the method lists are
// returned as copies, so a caller that edits one changes no later call's.
func TestSlicesAreCopies(t *testing.T) {
	g := Gallery()
	g[0].Func, g[0].Fixed[0] = "changed", "changed"
	*g[6].XLim = [2]float64{9, 9}
	if h := Gallery(); h[0].Func == "changed" || h[0].Fixed[0] == "changed" || h[6].XLim[0] == 9 {
		t.Error("editing Gallery()'s result changed the gallery")
	}
	lr := LRGrid()
	lr[0] = 42
	if LRGrid()[0] == 42 {
		t.Error("editing LRGrid()'s result changed the grid")
	}
	nm, so := NoteMethods(), SecondOrder()
	nm[0], so[0] = "x", "x"
	if NoteMethods()[0] == "x" || SecondOrder()[0] == "x" || !IsSecondOrder("newton") {
		t.Error("editing NoteMethods() or SecondOrder() changed them")
	}
}
