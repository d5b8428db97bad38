package viz

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/descentlab/descent/testfunc"
)

// Ranges narrower than float64 resolves or wider than its finite range
// are refused by every picture, at once, before any tick is made; once
// spun the tick code forever or until memory ran out.
func TestWindowBounds(t *testing.T) {
	f, err := testfunc.Lookup("rosenbrock")
	if err != nil {
		t.Fatal(err)
	}
	paths := []Path{{Label: "p", Points: []testfunc.Point{{X: 0, Y: 0}, {X: 0.5, Y: 0.2}}, Loss: []float64{1, 0.5}}}
	bad := []struct {
		lim  [2]float64
		want string
	}{
		{[2]float64{1, 1.000000000000001}, "narrower"},
		{[2]float64{-1e308, 1e308}, "wider"},
		{[2]float64{0, 1e-300}, "narrower"},
		{[2]float64{1e15, 1e15 + 1}, "narrower"},
	}
	for _, b := range bad {
		for _, axis := range []string{"x", "y"} {
			lim := b.lim
			o := Options{}
			if axis == "x" {
				o.XLim = &lim
			} else {
				o.YLim = &lim
			}
			for _, format := range []string{"png", "svg", "gif", "loss"} {
				done := make(chan error, 1)
				go func() {
					var w bytes.Buffer
					switch format {
					case "gif":
						done <- Animate(&w, f, paths, o)
					case "loss":
						done <- Loss(&w, "png", paths, o)
					default:
						done <- Contour(&w, format, f, paths, o)
					}
				}()
				select {
				case err := <-done:
					if err == nil || !strings.Contains(err.Error(), b.want) {
						t.Errorf("%s %v %s: %v, want an error saying %q", axis, b.lim, format, err, b.want)
					}
				case <-time.After(20 * time.Second):
					t.Fatalf("%s %v %s: still running after 20 s", axis, b.lim, format)
				}
			}
		}
	}
	// The widest and narrowest allowed ranges draw.
	for _, lim := range [][2]float64{{-1e307, 1e307}, {1, 1 + 1e-11}} {
		o := Options{XLim: &lim, YLim: &lim}
		var w bytes.Buffer
		if err := Contour(&w, "png", f, paths, o); err != nil {
			t.Errorf("%v: %v", lim, err)
		}
	}
}

// The tick makers stop within maxTicks whatever range they are given,
// even one the pictures refuse.
func TestTicksBounded(t *testing.T) {
	for _, r := range [][2]float64{{1, 1.000000000000001}, {-1e308, 1e308}, {0, 5e-324}, {1e300, 1.0000000001e300}, {-1, 1}, {9e15, 9e15 + 1e6}} {
		if n := len(NiceTicks{}.Ticks(r[0], r[1])); n > maxTicks {
			t.Errorf("NiceTicks %v: %d ticks", r, n)
		}
		if n := len(LogTicks{}.Ticks(r[0], r[1])); n > 800 {
			t.Errorf("LogTicks %v: %d ticks", r, n)
		}
	}
}

// FuzzTicks: for any pair of numbers the tick makers return at most
// maxTicks ticks, at once; a range CheckRange accepts gets at least two
// labelled ticks, all within the range.
func FuzzTicks(f *testing.F) {
	for _, r := range [][2]float64{{1, 1.000000000000001}, {-1e308, 1e308}, {0, 1e-300}, {-1, 1}, {1e15, 1e15 + 1e6}, {-1e307, 1e307}, {0, 5e-324}} {
		f.Add(r[0], r[1])
	}
	f.Fuzz(func(t *testing.T, lo, hi float64) {
		ts := NiceTicks{}.Ticks(lo, hi)
		if len(ts) > maxTicks {
			t.Fatalf("[%g, %g]: %d ticks", lo, hi, len(ts))
		}
		if n := len(LogTicks{}.Ticks(lo, hi)); n > 800 {
			t.Fatalf("[%g, %g]: %d log ticks", lo, hi, n)
		}
		if !(lo < hi) || CheckRange(lo, hi) != nil {
			return
		}
		labels := 0
		for _, tk := range ts {
			if tk.Label != "" {
				labels++
			}
			// The tick loop allows hi·(1+1e-12) for rounding.
			slack := (hi-lo)*1e-9 + 2e-12*math.Max(math.Abs(lo), math.Abs(hi))
			if tk.Value < lo-slack || tk.Value > hi+slack {
				t.Fatalf("[%g, %g]: tick %g outside", lo, hi, tk.Value)
			}
		}
		if labels < 2 {
			t.Fatalf("[%g, %g]: %d labelled ticks", lo, hi, labels)
		}
	})
}
