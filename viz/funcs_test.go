package viz

import (
	"math"

	"github.com/descentlab/descent/testfunc"
)

// Small stand-ins for the testfunc package's functions, so these tests do
// not depend on it; the formulas and minima are the standard ones
// (Rosenbrock 1960, Himmelblau 1972).

type rosenbrock struct{}

func (rosenbrock) Name() string               { return "rosenbrock" }
func (rosenbrock) Formula() string            { return "(1−x)²+100(y−x²)²" }
func (rosenbrock) Value(x, y float64) float64 { return (1-x)*(1-x) + 100*(y-x*x)*(y-x*x) }
func (rosenbrock) Grad(x, y float64) (float64, float64) {
	return -2*(1-x) - 400*x*(y-x*x), 200 * (y - x*x)
}
func (rosenbrock) Hess(x, y float64) (float64, float64, float64) {
	return 2 - 400*y + 1200*x*x, -400 * x, 200
}
func (rosenbrock) Minima() []testfunc.Point { return []testfunc.Point{{X: 1, Y: 1}} }
func (rosenbrock) Window() testfunc.Window {
	return testfunc.Window{XMin: -2, XMax: 2, YMin: -1, YMax: 3}
}
func (rosenbrock) Start() testfunc.Point { return testfunc.Point{X: -1.5, Y: 2} }

type himmelblau struct{}

func (himmelblau) Name() string    { return "himmelblau" }
func (himmelblau) Formula() string { return "(x²+y−11)²+(x+y²−7)²" }
func (himmelblau) Value(x, y float64) float64 {
	a, b := x*x+y-11, x+y*y-7
	return a*a + b*b
}
func (himmelblau) Grad(x, y float64) (float64, float64) {
	a, b := x*x+y-11, x+y*y-7
	return 4*x*a + 2*b, 2*a + 4*y*b
}
func (himmelblau) Hess(x, y float64) (float64, float64, float64) {
	return 12*x*x + 4*y - 42, 4 * (x + y), 4*x + 12*y*y - 26
}
func (himmelblau) Minima() []testfunc.Point {
	return []testfunc.Point{{X: 3, Y: 2}, {X: -2.805118, Y: 3.131312}, {X: -3.779310, Y: -3.283186}, {X: 3.584428, Y: -1.848126}}
}
func (himmelblau) Window() testfunc.Window {
	return testfunc.Window{XMin: -5, XMax: 5, YMin: -5, YMax: 5}
}
func (himmelblau) Start() testfunc.Point { return testfunc.Point{X: 0, Y: 0} }

// saddle is x²−y², unbounded below.
type saddle struct{}

func (saddle) Name() string                                  { return "saddle" }
func (saddle) Formula() string                               { return "x²−y²" }
func (saddle) Value(x, y float64) float64                    { return x*x - y*y }
func (saddle) Grad(x, y float64) (float64, float64)          { return 2 * x, -2 * y }
func (saddle) Hess(x, y float64) (float64, float64, float64) { return 2, 0, -2 }
func (saddle) Minima() []testfunc.Point                      { return nil }
func (saddle) Window() testfunc.Window                       { return testfunc.Window{XMin: -2, XMax: 2, YMin: -2, YMax: 2} }
func (saddle) Start() testfunc.Point                         { return testfunc.Point{X: 1.5, Y: 0.01} }

// badWindow has an empty x range.
type badWindow struct{ saddle }

func (badWindow) Window() testfunc.Window { return testfunc.Window{XMin: 1, XMax: 1, YMin: 0, YMax: 1} }

// run makes a path of n steps of heavy-ball momentum (beta = 0 is plain
// gradient descent) or, when adam is set, of Adam, from f.Start().
func run(f testfunc.Function, label string, lr, beta float64, adam bool, n int) Path {
	p := f.Start()
	pts := []testfunc.Point{p}
	loss := []float64{f.Value(p.X, p.Y)}
	var mx, my, vx, vy float64
	for k := 1; k <= n; k++ {
		gx, gy := f.Grad(p.X, p.Y)
		if adam {
			mx, my = 0.9*mx+0.1*gx, 0.9*my+0.1*gy
			vx, vy = 0.999*vx+0.001*gx*gx, 0.999*vy+0.001*gy*gy
			c1, c2 := 1-math.Pow(0.9, float64(k)), 1-math.Pow(0.999, float64(k))
			p.X -= lr * mx / c1 / (math.Sqrt(vx/c2) + 1e-8)
			p.Y -= lr * my / c1 / (math.Sqrt(vy/c2) + 1e-8)
		} else {
			mx, my = beta*mx+gx, beta*my+gy
			p.X -= lr * mx
			p.Y -= lr * my
		}
		pts = append(pts, p)
		loss = append(loss, f.Value(p.X, p.Y))
	}
	return Path{Label: label, Points: pts, Loss: loss}
}

// gallery is a typical set of runs: five optimizers, one of which diverges.
func gallery(f testfunc.Function, n int) []Path {
	return []Path{
		run(f, "sgd:lr=0.001", 1e-3, 0, false, n),
		run(f, "momentum:lr=0.0005,beta=0.9", 5e-4, 0.9, false, n),
		run(f, "adam:lr=0.05", 0.05, 0, true, n),
		run(f, "adam:lr=0.2", 0.2, 0, true, n),
		run(f, "sgd:lr=0.01", 1e-2, 0, false, n),
	}
}
