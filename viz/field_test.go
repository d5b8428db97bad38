package viz

import (
	"testing"

	"github.com/descentlab/descent/testfunc"
)

// TestFieldBands checks every pixel of Field against the band of f at the
// pixel's centre, computed here from the window directly, and that the
// minimum's pixel has the darkest colour.
func TestFieldBands(t *testing.T) {
	f := testfunc.Rosenbrock{}
	w := testfunc.Window{XMin: -2.05, XMax: 1.95, YMin: -0.95, YMax: 3.05}
	const width, height = 40, 40
	img, err := Field(f, w, width, height)
	if err != nil {
		t.Fatal(err)
	}
	sc := chooseScale(f, w, sample(f, w, sampleSide))
	cs := sc.colors()
	for j := range height {
		for i := range width {
			x := -2.05 + 0.1*(float64(i)+0.5)
			y := 3.05 - 0.1*(float64(j)+0.5)
			want := cs[sc.band(f.Value(x, y))]
			if got := img.RGBAAt(i, j); got != want {
				t.Fatalf("pixel (%d,%d) = %v, want %v (f(%g,%g))", i, j, got, want, x, y)
			}
		}
	}
	// The minimum (1, 1) is the centre of pixel (30, 20).
	if got := img.RGBAAt(30, 20); got != cs[0] {
		t.Errorf("pixel at the minimum = %v, want the lowest band %v", got, cs[0])
	}
}

func TestFieldRefusesBadInput(t *testing.T) {
	f := testfunc.Booth{}
	ok := testfunc.Window{XMin: 0, XMax: 1, YMin: 0, YMax: 1}
	for _, c := range []struct {
		w    testfunc.Window
		x, y int
	}{
		{testfunc.Window{XMin: 1, XMax: 0, YMin: 0, YMax: 1}, 10, 10},
		{ok, 0, 10},
		{ok, 10, maxSide + 1},
	} {
		if _, err := Field(f, c.w, c.x, c.y); err == nil {
			t.Errorf("Field(%v, %d, %d) succeeded", c.w, c.x, c.y)
		}
	}
	if _, err := Field(nil, ok, 1, 1); err == nil {
		t.Error("Field(nil) succeeded")
	}
	if PathColor(0) != pathColors[0] || PathColor(10) != pathColors[0] {
		t.Error("PathColor does not follow the path colours")
	}
}
