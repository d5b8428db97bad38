package lab

import (
	"math"
	"testing"
)

// The saddle's caption says what its picture shows: GD runs to the saddle
// point and leaves it after about 25 steps, Momentum overshoots the saddle
// before it escapes, the adaptive methods leave the ridge at the first step,
// and AdaGrad has come down the least after 40 steps, at y ≈ 1.7.
func TestSaddleCaption(t *testing.T) {
	var e GalleryEntry
	for _, g := range Gallery() {
		if g.Func == "saddle" {
			e = g
		}
	}
	_, trs, err := RunEntry(e)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]Trajectory{}
	for _, tr := range trs {
		by[tr.Spec[:len(tr.Spec)-len(":lr=0.1")]] = tr
	}
	// escape is the first step with |y| > 1 (the start is at y = 0.01).
	escape := func(tr Trajectory) int {
		for k, p := range tr.Points {
			if math.Abs(p.Y) > 1 {
				return k
			}
		}
		return -1
	}
	gd := by["gd"]
	if k := escape(gd); k < 20 || k > 30 {
		t.Errorf("gd leaves |y| ≤ 1 at step %d, want about 25", k)
	}
	if p := gd.Points[20]; math.Abs(p.X) > 0.02 || math.Abs(p.Y) > 0.5 {
		t.Errorf("gd at step 20 is at %v, want near the saddle point", p)
	}
	mom := by["momentum"]
	overshoot := false
	for _, p := range mom.Points[:escape(mom)] {
		overshoot = overshoot || p.X > 0.5
	}
	if !overshoot {
		t.Errorf("momentum does not pass x = 0.5 before it escapes")
	}
	for _, m := range []string{"adagrad", "rmsprop", "adam"} {
		// GD's first step moves y by lr·2y = 0.002; a rescaled one by ≥ lr.
		if y := by[m].Points[1].Y; y < 0.1 {
			t.Errorf("%s at step 1: y = %g, want ≥ 0.1 (off the ridge at once)", m, y)
		}
	}
	ada := by["adagrad"].Loss[e.Steps]
	for m, tr := range by {
		if m != "adagrad" && tr.Loss[len(tr.Loss)-1] >= ada {
			t.Errorf("%s ends at loss %g, not below adagrad's %g", m, tr.Loss[len(tr.Loss)-1], ada)
		}
	}
	if y := by["adagrad"].Points[e.Steps].Y; math.Abs(y-1.7) > 0.1 {
		t.Errorf("adagrad ends at y = %g, caption says ≈ 1.7", y)
	}
}
