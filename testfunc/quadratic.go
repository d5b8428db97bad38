package testfunc

import (
	"fmt"
	"math"
	"strconv"
)

// DefaultCond is the condition number of the quadratic returned by
// Lookup("quadratic").
const DefaultCond = 10

// MaxCond is the largest condition number NewQuadratic accepts. Beyond about
// 1/ε ≈ 4.5e15 the x² term is lost to rounding next to κy², and much larger κ
// makes f overflow to +Inf at ordinary points (κ = 1e308 already does at
// y = 2).
const MaxCond = 1e15

// Quadratic is the convex quadratic with a chosen condition number κ
//
//	f(x, y) = ½(x² + κy²)
//
// with its minimum f = 0 at (0, 0) and Hessian diag(1, κ), so κ is exactly the
// condition number that governs the speed of gradient descent (Nocedal &
// Wright, "Numerical Optimization", 2nd ed., 2006, §3.3). Build one with
// NewQuadratic, which checks κ; the zero value is not valid.
type Quadratic struct {
	cond float64
}

// NewQuadratic returns the quadratic with condition number cond, which must be
// finite and at least 1, and at most MaxCond.
func NewQuadratic(cond float64) (Quadratic, error) {
	if !(cond >= 1) || math.IsInf(cond, 0) {
		return Quadratic{}, fmt.Errorf("quadratic: cond=%v must be a finite number ≥ 1", cond)
	}
	if cond > MaxCond {
		return Quadratic{}, fmt.Errorf("quadratic: cond=%v is too large (want ≤ %g)", cond, float64(MaxCond))
	}
	return Quadratic{cond: cond}, nil
}

// Cond returns the condition number κ.
func (q Quadratic) Cond() float64 { return q.cond }

func (Quadratic) Name() string { return "quadratic" }

// Formula returns the formula with κ written out, e.g. "½(x²+10y²)".
func (q Quadratic) Formula() string {
	return "½(x²+" + strconv.FormatFloat(q.cond, 'g', -1, 64) + "y²)"
}

func (q Quadratic) Value(x, y float64) float64             { return 0.5 * (float64(x*x) + float64(q.cond*y*y)) }
func (q Quadratic) Grad(x, y float64) (dx, dy float64)     { return x, q.cond * y }
func (q Quadratic) Hess(x, y float64) (xx, xy, yy float64) { return 1, 0, q.cond }
func (Quadratic) Minima() []Point                          { return []Point{{0, 0}} }
func (Quadratic) Window() Window                           { return Window{-10, 10, -5, 5} }

// Start is (−7, 2), the same point as Elliptic so the two can be compared.
func (Quadratic) Start() Point { return Point{-7, 2} }
