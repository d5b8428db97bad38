package testfunc

import "math"

// Compile-time checks that every test function implements Function.
var (
	_ Function = Rosenbrock{}
	_ Function = Beale{}
	_ Function = Himmelblau{}
	_ Function = Booth{}
	_ Function = Saddle{}
	_ Function = Elliptic{}
	_ Function = Rastrigin{}
	_ Function = ThreeHump{}
	_ Function = StyblinskiTang{}
	_ Function = Quadratic{}
)

// Rosenbrock is the banana-valley function
//
//	f(x, y) = (1−x)² + 100(y−x²)²
//
// with its global minimum f = 0 at (1, 1), from
// H. H. Rosenbrock, "An automatic method for finding the greatest or least
// value of a function", The Computer Journal 3(3), 175–184, 1960.
// The literature start is (−1.2, 1); Start returns (−1.5, 2), the point used
// in the README, which begins on the far side of the valley.
type Rosenbrock struct{}

func (Rosenbrock) Name() string    { return "rosenbrock" }
func (Rosenbrock) Formula() string { return "(1−x)²+100(y−x²)²" }

func (Rosenbrock) Value(x, y float64) float64 {
	a, b := 1-x, y-float64(x*x)
	return float64(a*a) + float64(100*b*b)
}

func (Rosenbrock) Grad(x, y float64) (dx, dy float64) {
	b := y - float64(x*x)
	return float64(-2*(1-x)) - float64(400*x*b), 200 * b
}

func (Rosenbrock) Hess(x, y float64) (xx, xy, yy float64) {
	return 2 - float64(400*y) + float64(1200*x*x), -400 * x, 200
}

func (Rosenbrock) Minima() []Point { return []Point{{1, 1}} }
func (Rosenbrock) Window() Window  { return Window{-2, 2, -1, 3} }
func (Rosenbrock) Start() Point    { return Point{-1.5, 2} }

// Beale is the function
//
//	f(x, y) = (1.5−x+xy)² + (2.25−x+xy²)² + (2.625−x+xy³)²
//
// with its global minimum f = 0 at (3, 0.5), from E. M. L. Beale, "On an
// iterative method for finding a local minimum of a function of more than
// one variable", Technical Report 25, Statistical Techniques Research Group,
// Princeton University, 1958 (see also Jamil & Yang 2013, function 10).
// Start is (1, 1.5): from there both plain gradient descent and Adam reach
// the minimum, after a curved path around the flat plateau near y = 1.
type Beale struct{}

func (Beale) Name() string    { return "beale" }
func (Beale) Formula() string { return "(1.5−x+xy)²+(2.25−x+xy²)²+(2.625−x+xy³)²" }

// bealeTerms returns the three residuals t_i = c_i − x + x·yⁱ.
func bealeTerms(x, y float64) (t1, t2, t3 float64) {
	return 1.5 - x + float64(x*y), 2.25 - x + float64(x*y*y), 2.625 - x + float64(x*y*y*y)
}

func (Beale) Value(x, y float64) float64 {
	t1, t2, t3 := bealeTerms(x, y)
	return float64(t1*t1) + float64(t2*t2) + float64(t3*t3)
}

func (Beale) Grad(x, y float64) (dx, dy float64) {
	t1, t2, t3 := bealeTerms(x, y)
	y2 := float64(y * y)
	// ∂t_i/∂x = yⁱ−1 and ∂t_i/∂y = i·x·yⁱ⁻¹.
	dx = 2 * (float64(t1*(y-1)) + float64(t2*(y2-1)) + float64(t3*(float64(y2*y)-1)))
	dy = 2 * (float64(t1*x) + float64(t2*2*x*y) + float64(t3*3*x*y2))
	return dx, dy
}

func (Beale) Hess(x, y float64) (xx, xy, yy float64) {
	t1, t2, t3 := bealeTerms(x, y)
	y2 := float64(y * y)
	a1, a2, a3 := y-1, y2-1, float64(y2*y)-1                    // ∂t_i/∂x
	b1, b2, b3 := x, 2*x*y, 3*x*y2                              // ∂t_i/∂y
	xx = 2 * (float64(a1*a1) + float64(a2*a2) + float64(a3*a3)) // ∂²t_i/∂x² = 0
	xy = 2 * (float64(a1*b1) + float64(a2*b2) + float64(a3*b3) + t1 + float64(t2*2*y) + float64(t3*3*y2))
	yy = 2 * (float64(b1*b1) + float64(b2*b2) + float64(b3*b3) + float64(t2*2*x) + float64(t3*6*x*y))
	return xx, xy, yy
}

func (Beale) Minima() []Point { return []Point{{3, 0.5}} }
func (Beale) Window() Window  { return Window{-4.5, 4.5, -4.5, 4.5} }
func (Beale) Start() Point    { return Point{1, 1.5} }

// Himmelblau is the function
//
//	f(x, y) = (x²+y−11)² + (x+y²−7)²
//
// from D. M. Himmelblau, "Applied Nonlinear Programming", McGraw-Hill, 1972.
// It has four global minima, all with f = 0: (3, 2) exactly, and three
// irrational ones, given here to full float64 precision (refined by Newton's
// method on the gradient; the tests check the gradient vanishes there).
// Start is (0, 0), from which gradient descent goes to (3, 2).
type Himmelblau struct{}

func (Himmelblau) Name() string    { return "himmelblau" }
func (Himmelblau) Formula() string { return "(x²+y−11)²+(x+y²−7)²" }

func (Himmelblau) Value(x, y float64) float64 {
	u, v := float64(x*x)+y-11, x+float64(y*y)-7
	return float64(u*u) + float64(v*v)
}

func (Himmelblau) Grad(x, y float64) (dx, dy float64) {
	u, v := float64(x*x)+y-11, x+float64(y*y)-7
	return float64(4*x*u) + float64(2*v), float64(2*u) + float64(4*y*v)
}

func (Himmelblau) Hess(x, y float64) (xx, xy, yy float64) {
	u, v := float64(x*x)+y-11, x+float64(y*y)-7
	return float64(4*u) + float64(8*x*x) + 2, float64(4*x) + float64(4*y), float64(4*v) + float64(8*y*y) + 2
}

func (Himmelblau) Minima() []Point {
	return []Point{
		{3, 2},
		{-2.8051180869527448, 3.131312518250573},
		{-3.779310253377747, -3.2831859912861696},
		{3.5844283403304917, -1.8481265269644034},
	}
}
func (Himmelblau) Window() Window { return Window{-5, 5, -5, 5} }
func (Himmelblau) Start() Point   { return Point{0, 0} }

// Booth is the quadratic
//
//	f(x, y) = (x+2y−7)² + (2x+y−5)²
//
// with its global minimum f = 0 at (1, 3); see M. Jamil and X.-S. Yang,
// "A literature survey of benchmark functions for global optimization
// problems", Int. J. Math. Modelling and Numerical Optimisation 4(2),
// 150–194, 2013, function 17. Its Hessian [[10, 8], [8, 10]] has condition
// number 9. Start is (−5, −5), far enough away to show the diagonal valley.
type Booth struct{}

func (Booth) Name() string    { return "booth" }
func (Booth) Formula() string { return "(x+2y−7)²+(2x+y−5)²" }

func (Booth) Value(x, y float64) float64 {
	u, v := x+float64(2*y)-7, float64(2*x)+y-5
	return float64(u*u) + float64(v*v)
}

func (Booth) Grad(x, y float64) (dx, dy float64) {
	u, v := x+float64(2*y)-7, float64(2*x)+y-5
	return float64(2*u) + float64(4*v), float64(4*u) + float64(2*v)
}

func (Booth) Hess(x, y float64) (xx, xy, yy float64) { return 10, 8, 10 }
func (Booth) Minima() []Point                        { return []Point{{1, 3}} }
func (Booth) Window() Window                         { return Window{-10, 10, -10, 10} }
func (Booth) Start() Point                           { return Point{-5, -5} }

// Saddle is the hyperbolic paraboloid
//
//	f(x, y) = x² − y²
//
// which has a saddle point at the origin and is unbounded below, so Minima
// is empty. Start is (−1.5, 0.01), just off the ridge y = 0: exact gradient
// descent along the ridge would stall at the saddle, while the small offset
// lets methods show how fast they escape along y.
type Saddle struct{}

func (Saddle) Name() string                           { return "saddle" }
func (Saddle) Formula() string                        { return "x²−y²" }
func (Saddle) Value(x, y float64) float64             { return float64(x*x) - float64(y*y) }
func (Saddle) Grad(x, y float64) (dx, dy float64)     { return 2 * x, -2 * y }
func (Saddle) Hess(x, y float64) (xx, xy, yy float64) { return 2, 0, -2 }
func (Saddle) Minima() []Point                        { return nil }
func (Saddle) Window() Window                         { return Window{-2, 2, -2, 2} }
func (Saddle) Start() Point                           { return Point{-1.5, 0.01} }

// Elliptic is the elongated bowl
//
//	f(x, y) = x²/20 + y²
//
// with its minimum f = 0 at (0, 0) and Hessian condition number 20. It and
// its start (−7, 2) are the textbook comparison of SGD, Momentum, AdaGrad and
// Adam in Koki Saitoh, "Deep Learning from Scratch" (ゼロから作るDeep
// Learning), O'Reilly Japan, 2016, §6.1.
type Elliptic struct{}

func (Elliptic) Name() string                           { return "elliptic" }
func (Elliptic) Formula() string                        { return "x²/20+y²" }
func (Elliptic) Value(x, y float64) float64             { return float64(x*x/20) + float64(y*y) }
func (Elliptic) Grad(x, y float64) (dx, dy float64)     { return x / 10, 2 * y }
func (Elliptic) Hess(x, y float64) (xx, xy, yy float64) { return 0.1, 0, 2 }
func (Elliptic) Minima() []Point                        { return []Point{{0, 0}} }
func (Elliptic) Window() Window                         { return Window{-10, 10, -5, 5} }
func (Elliptic) Start() Point                           { return Point{-7, 2} }

// Rastrigin is the two-variable Rastrigin function
//
//	f(x, y) = 20 + x² − 10cos(2πx) + y² − 10cos(2πy)
//
// from L. A. Rastrigin, "Systems of Extremal Control", Nauka, Moscow, 1974
// (see also Jamil & Yang 2013). Its global minimum is f = 0 at (0, 0), among
// a lattice of local minima near the integer points. Start is (−3.3, 2.7),
// off the lattice, where plain gradient descent is caught by a local minimum.
type Rastrigin struct{}

func (Rastrigin) Name() string    { return "rastrigin" }
func (Rastrigin) Formula() string { return "20+x²−10cos(2πx)+y²−10cos(2πy)" }

func (Rastrigin) Value(x, y float64) float64 {
	return 20 + float64(x*x) - float64(10*math.Cos(2*math.Pi*x)) + float64(y*y) - float64(10*math.Cos(2*math.Pi*y))
}

func (Rastrigin) Grad(x, y float64) (dx, dy float64) {
	return float64(2*x) + float64(20*math.Pi*math.Sin(2*math.Pi*x)), float64(2*y) + float64(20*math.Pi*math.Sin(2*math.Pi*y))
}

func (Rastrigin) Hess(x, y float64) (xx, xy, yy float64) {
	const c = 40 * math.Pi * math.Pi
	return 2 + float64(c*math.Cos(2*math.Pi*x)), 0, 2 + float64(c*math.Cos(2*math.Pi*y))
}

func (Rastrigin) Minima() []Point { return []Point{{0, 0}} }
func (Rastrigin) Window() Window  { return Window{-5.12, 5.12, -5.12, 5.12} }
func (Rastrigin) Start() Point    { return Point{-3.3, 2.7} }

// ThreeHump is the three-hump camel function
//
//	f(x, y) = 2x² − 1.05x⁴ + x⁶/6 + xy + y²
//
// with its global minimum f = 0 at (0, 0) and two local minima near
// ±(1.75, −0.87); see Jamil & Yang 2013, function 29 (after F. H. Branin,
// 1972). Start is (1.5, 1.5), between the humps.
type ThreeHump struct{}

func (ThreeHump) Name() string    { return "threehump" }
func (ThreeHump) Formula() string { return "2x²−1.05x⁴+x⁶/6+xy+y²" }

func (ThreeHump) Value(x, y float64) float64 {
	x2 := float64(x * x)
	return float64(2*x2) - float64(1.05*x2*x2) + float64(x2*x2*x2/6) + float64(x*y) + float64(y*y)
}

func (ThreeHump) Grad(x, y float64) (dx, dy float64) {
	x2 := float64(x * x)
	return float64(4*x) - float64(4.2*x2*x) + float64(x2*x2*x) + y, x + float64(2*y)
}

func (ThreeHump) Hess(x, y float64) (xx, xy, yy float64) {
	x2 := float64(x * x)
	return 4 - float64(12.6*x2) + float64(5*x2*x2), 1, 2
}

func (ThreeHump) Minima() []Point { return []Point{{0, 0}} }
func (ThreeHump) Window() Window  { return Window{-2, 2, -2, 2} }
func (ThreeHump) Start() Point    { return Point{1.5, 1.5} }

// StyblinskiTang is the two-variable Styblinski–Tang function
//
//	f(x, y) = ½(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)
//
// from M. A. Styblinski and T.-S. Tang, "Experiments in nonconvex
// optimization: stochastic approximation with function smoothing and
// simulated annealing", Neural Networks 3(4), 467–483, 1990. Its global
// minimum, f ≈ −78.332331407543, is at x = y = s where s ≈ −2.9035340277712
// is the negative root of 2s³ − 16s + 2.5 = 0 (refined to float64 precision by
// Newton's method). Start is (0, 4): x descends to the global coordinate while
// y falls into the local minimum near 2.7468, showing a trap.
type StyblinskiTang struct{}

// styblinskiMin is the coordinate of the global minimiser of StyblinskiTang.
const styblinskiMin = -2.9035340277711774

func (StyblinskiTang) Name() string    { return "styblinski" }
func (StyblinskiTang) Formula() string { return "½(x⁴−16x²+5x+y⁴−16y²+5y)" }

func (StyblinskiTang) Value(x, y float64) float64 {
	x2, y2 := float64(x*x), float64(y*y)
	return 0.5 * (float64(x2*x2) - float64(16*x2) + float64(5*x) + float64(y2*y2) - float64(16*y2) + float64(5*y))
}

func (StyblinskiTang) Grad(x, y float64) (dx, dy float64) {
	return float64(2*x*x*x) - float64(16*x) + 2.5, float64(2*y*y*y) - float64(16*y) + 2.5
}

func (StyblinskiTang) Hess(x, y float64) (xx, xy, yy float64) {
	return float64(6*x*x) - 16, 0, float64(6*y*y) - 16
}

func (StyblinskiTang) Minima() []Point { return []Point{{styblinskiMin, styblinskiMin}} }
func (StyblinskiTang) Window() Window  { return Window{-5, 5, -5, 5} }
func (StyblinskiTang) Start() Point    { return Point{0, 4} }
