package viz

import (
	"io"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/descentlab/descent/testfunc"
)

// TestWildPaths feeds paths mixing sane, huge, infinite and NaN values, and a
// zig-zag across the whole window, to every renderer: none may fail or hang.
func TestWildPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	wild := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e300, -1e300, 1e149, 0, 1e-300}
	var paths []Path
	for i := range 12 {
		p := Path{Label: "wild"}
		for k := range 150 {
			q := testfunc.Point{X: rng.Float64()*8 - 4, Y: rng.Float64()*8 - 4}
			if i%3 == 0 && k > 50 && rng.IntN(30) == 0 {
				q.X = wild[rng.IntN(len(wild))]
			}
			p.Points = append(p.Points, q)
			p.Loss = append(p.Loss, wild[rng.IntN(len(wild))]*float64(k%2))
		}
		paths = append(paths, p)
	}
	start := time.Now()
	for _, f := range []testfunc.Function{rosenbrock{}, saddle{}} {
		if err := Contour(io.Discard, "png", f, paths, Options{}); err != nil {
			t.Error(err)
		}
		if err := Animate(io.Discard, f, paths, Options{}); err != nil {
			t.Error(err)
		}
		if err := Contour(io.Discard, "svg", f, paths, Options{XLim: &[2]float64{0.5, 0.5000001}}); err != nil {
			t.Error(err)
		}
	}
	if err := Loss(io.Discard, "png", paths, Options{}); err != nil {
		t.Error(err)
	}
	t.Logf("rendered in %v", time.Since(start))
}

// constant is flat: the map must still draw.
type constant struct{ saddle }

func (constant) Value(x, y float64) float64 { return 2 }

type nanfunc struct{ saddle }

func (nanfunc) Value(x, y float64) float64 {
	if x < 0 {
		return math.NaN()
	}
	return math.Exp(1000 * y) // overflows to +Inf for y > 0.71
}

func TestOddFunctions(t *testing.T) {
	for _, f := range []testfunc.Function{constant{}, nanfunc{}} {
		if err := Contour(io.Discard, "png", f, nil, Options{}); err != nil {
			t.Error(err)
		}
		if err := Animate(io.Discard, f, gallery(saddle{}, 20), Options{}); err != nil {
			t.Error(err)
		}
	}
}
