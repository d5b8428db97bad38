// Package testfunc provides two-variable test functions for drawing and
// checking optimizer trajectories.
//
// Each function is a small type implementing [Function]: its value, gradient
// and Hessian in closed form (float64, no finite differences), its known
// global minimisers, a default plotting [Window] and a standard start point.
// The doc comment of each type cites where the function comes from.
//
// # Functions
//
// The names accepted by [Lookup] (and listed by [Names]) are:
//
//	name        formula                                   global minimum
//	beale       (1.5−x+xy)²+(2.25−x+xy²)²+(2.625−x+xy³)²  f(3, 0.5) = 0
//	booth       (x+2y−7)²+(2x+y−5)²                       f(1, 3) = 0
//	elliptic    x²/20+y²                                  f(0, 0) = 0
//	himmelblau  (x²+y−11)²+(x+y²−7)²                      f = 0 at (3, 2) and three other points
//	quadratic   ½(x²+κy²), κ = cond (default 10)          f(0, 0) = 0
//	rastrigin   20+x²−10cos(2πx)+y²−10cos(2πy)            f(0, 0) = 0
//	rosenbrock  (1−x)²+100(y−x²)²                         f(1, 1) = 0
//	saddle      x²−y²                                     none (unbounded below)
//	styblinski  ½(x⁴−16x²+5x+y⁴−16y²+5y)                  f(s, s) ≈ −78.3323, s ≈ −2.903534
//	threehump   2x²−1.05x⁴+x⁶/6+xy+y²                     f(0, 0) = 0
//
// # Specs
//
// [Lookup] parses a name, optionally followed by options after a colon:
//
//	rosenbrock
//	quadratic:cond=1000
//
// Only quadratic takes an option: cond, its condition number, a finite number
// from 1 to [MaxCond] (default [DefaultCond]). Errors are one line naming the bad value
// and what is allowed; Lookup never panics.
//
// # Concurrency
//
// All the types are immutable values, so every method is safe for concurrent
// use.
package testfunc
