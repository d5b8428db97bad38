package testfunc

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// fdStep is the central-difference step. For a step h the central formula
// has truncation error ≈ h²|f”'|/6 and rounding error ≈ ε|f|/h
// (ε = 2.2e-16): with h = 1e-5 both are below ~2e-11·(|f|+|f”'|), far
// under the tolerance fdRelTol.
const fdStep = 1e-5

// fdRelTol is the tolerance of the finite-difference checks relative to
// the scale 1+|f|+|analytic value| at the point. The largest differences seen
// at our points are ~4e-8 of that scale (truncation h²|f”'|/6, e.g. Rosenbrock
// at (1, 1): 1e-10·2400/6), so 1e-6 leaves a 25× margin, while any wrong term
// in a derivative gives an O(1) relative error (see
// TestCheckDerivativesCatchesErrors).
const fdRelTol = 1e-6

// minGradTol bounds |∇f| at a listed minimiser. The exact gradient there is 0;
// evaluating it in float64 leaves rounding error ~ε·(sum of |terms|) ≈ 1e-13
// for Himmelblau's minima, the largest case. A minimiser wrong by δ would
// give |∇f| ≈ λ·δ with λ the smallest Hessian eigenvalue, which exceeds 20 at
// every irrational minimiser listed (Himmelblau's three, Styblinski–Tang's),
// so this also shows their digits are right to about 5e-14.
const minGradTol = 1e-12

// testCase is one function with facts taken from the literature rather than
// from the code under test.
type testCase struct {
	spec    string    // Lookup spec
	name    string    // expected Name
	minVals []float64 // documented minimum value at each listed minimiser
	minLo   float64   // documented bounds on the minimum value, when it is
	minHi   float64   // irrational (only Styblinski–Tang); else both 0
	extra   []Point   // extra points for the derivative checks
}

var testCases = []testCase{
	{spec: "rosenbrock", name: "rosenbrock", minVals: []float64{0}, extra: []Point{{-1.2, 1}, {0, 0}, {1.5, -0.5}}},
	{spec: "beale", name: "beale", minVals: []float64{0}, extra: []Point{{0, 1}, {-4, 4}, {4, -4}, {2.5, 0.3}}},
	{spec: "himmelblau", name: "himmelblau", minVals: []float64{0, 0, 0, 0}, extra: []Point{{-0.270845, -0.923039}, {4, 4}, {-1, 2}}},
	{spec: "booth", name: "booth", minVals: []float64{0}, extra: []Point{{9, -9}, {0, 0}}},
	{spec: "saddle", name: "saddle", extra: []Point{{0, 0}, {1.7, -1.3}}},
	{spec: "elliptic", name: "elliptic", minVals: []float64{0}, extra: []Point{{9, -4}, {0.5, 0.5}}},
	{spec: "rastrigin", name: "rastrigin", minVals: []float64{0}, extra: []Point{{0.5, 0.5}, {1, -1}, {4.3, -2.2}, {0.25, 0.75}}},
	{spec: "threehump", name: "threehump", minVals: []float64{0}, extra: []Point{{1.75, -0.87}, {-1.9, 1.9}, {-1.1, 0.5}}},
	// Styblinski & Tang (1990); Jamil & Yang (2013) and the usual tables give
	// −39.16617·d < f* < −39.16616·d, here d = 2.
	{spec: "styblinski", name: "styblinski", minLo: -39.16617 * 2, minHi: -39.16616 * 2,
		extra: []Point{{2.7468, 2.7468}, {0.156731, -4}, {4.5, 1}}},
	{spec: "quadratic", name: "quadratic", minVals: []float64{0}, extra: []Point{{3, -2}}},
	{spec: "quadratic:cond=1", name: "quadratic", minVals: []float64{0}, extra: []Point{{3, -2}}},
	{spec: "quadratic:cond=1000", name: "quadratic", minVals: []float64{0}, extra: []Point{{3, -2}, {-9, 4.9}}},
}

// windowPoints returns points spread across w at fixed fractions of its
// sides, so that every function is checked away from its minima.
func windowPoints(w Window) []Point {
	fracs := [][2]float64{{0.13, 0.71}, {0.87, 0.29}, {0.42, 0.58}, {0.05, 0.95}, {0.61, 0.07}}
	ps := make([]Point, len(fracs))
	for i, f := range fracs {
		ps[i] = Point{w.XMin + f[0]*(w.XMax-w.XMin), w.YMin + f[1]*(w.YMax-w.YMin)}
	}
	return ps
}

// checkDerivatives compares Grad with central differences of Value, and
// Hess with central differences of Grad, at p. It returns one message per
// mismatch.
func checkDerivatives(f Function, p Point) []string {
	var bad []string
	x := []float64{p.X, p.Y}
	val := func(v []float64) float64 { return f.Value(v[0], v[1]) }
	num := fd.Gradient(nil, val, x, &fd.Settings{Formula: fd.Central, Step: fdStep})
	gx, gy := f.Grad(p.X, p.Y)
	fv := math.Abs(f.Value(p.X, p.Y))
	for i, g := range []float64{gx, gy} {
		if tol := fdRelTol * (1 + fv + math.Abs(g)); !(math.Abs(g-num[i]) <= tol) {
			bad = append(bad, fmt.Sprintf("Grad[%d] at %v = %.10g, finite differences %.10g (tol %.2g)", i, p, g, num[i], tol))
		}
	}

	var jac mat.Dense
	jac.ReuseAs(2, 2)
	fd.Jacobian(&jac, func(dst, v []float64) {
		dst[0], dst[1] = f.Grad(v[0], v[1])
	}, x, &fd.JacobianSettings{Formula: fd.Central, Step: fdStep})
	xx, xy, yy := f.Hess(p.X, p.Y)
	gs := 1 + math.Abs(gx) + math.Abs(gy)
	for _, c := range []struct {
		name     string
		got, num float64
	}{
		{"xx", xx, jac.At(0, 0)},
		{"xy", xy, jac.At(0, 1)},
		{"yx", xy, jac.At(1, 0)}, // symmetry of the analytic Hessian
		{"yy", yy, jac.At(1, 1)},
	} {
		if tol := fdRelTol * (gs + math.Abs(c.got)); !(math.Abs(c.got-c.num) <= tol) {
			bad = append(bad, fmt.Sprintf("Hess %s at %v = %.10g, finite differences %.10g (tol %.2g)", c.name, p, c.got, c.num, tol))
		}
	}
	return bad
}

func inside(p Point, w Window) bool {
	return w.XMin <= p.X && p.X <= w.XMax && w.YMin <= p.Y && p.Y <= w.YMax
}

func TestDerivatives(t *testing.T) {
	for _, tc := range testCases {
		t.Run(tc.spec, func(t *testing.T) {
			f, err := Lookup(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			pts := append([]Point{f.Start()}, f.Minima()...)
			pts = append(pts, tc.extra...)
			pts = append(pts, windowPoints(f.Window())...)
			for _, p := range pts {
				for _, msg := range checkDerivatives(f, p) {
					t.Error(msg)
				}
			}
		})
	}
}

// wrongGrad is Rosenbrock with a deliberately wrong ∂f/∂x coefficient, and
// wrongHess one with a wrong fxy, to show the checks can fail.
type wrongGrad struct{ Rosenbrock }

func (wrongGrad) Grad(x, y float64) (dx, dy float64) {
	b := y - x*x
	return -2*(1-x) - 399*x*b, 200 * b
}

type wrongHess struct{ Rosenbrock }

func (wrongHess) Hess(x, y float64) (xx, xy, yy float64) {
	return 2 - 400*y + 1200*x*x, -399 * x, 200
}

func TestCheckDerivativesCatchesErrors(t *testing.T) {
	p := Point{-1.5, 2}
	if len(checkDerivatives(Rosenbrock{}, p)) != 0 {
		t.Fatal("correct Rosenbrock rejected")
	}
	if msgs := checkDerivatives(wrongGrad{}, p); len(msgs) == 0 || !strings.HasPrefix(msgs[0], "Grad[0]") {
		t.Errorf("wrong gradient not caught: %q", msgs)
	}
	if msgs := checkDerivatives(wrongHess{}, p); len(msgs) == 0 || !strings.HasPrefix(msgs[0], "Hess xy") {
		t.Errorf("wrong Hessian not caught: %q", msgs)
	}
}

func TestMinima(t *testing.T) {
	for _, tc := range testCases {
		t.Run(tc.spec, func(t *testing.T) {
			f, err := Lookup(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if f.Name() != tc.name {
				t.Errorf("Name = %q, want %q", f.Name(), tc.name)
			}
			mins := f.Minima()
			if tc.minLo == 0 && len(mins) != len(tc.minVals) {
				t.Fatalf("%d minima, want %d", len(mins), len(tc.minVals))
			}
			w := f.Window()
			for i, m := range mins {
				if !inside(m, w) {
					t.Errorf("minimum %v outside window %+v", m, w)
				}
				gx, gy := f.Grad(m.X, m.Y)
				if math.Hypot(gx, gy) > minGradTol {
					t.Errorf("|Grad| at minimum %v = %g, want ≤ %g", m, math.Hypot(gx, gy), minGradTol)
				}
				v := f.Value(m.X, m.Y)
				if tc.minLo != 0 {
					if !(tc.minLo < v && v < tc.minHi) {
						t.Errorf("Value at %v = %.10g, want in (%g, %g)", m, v, tc.minLo, tc.minHi)
					}
				} else if math.Abs(v-tc.minVals[i]) > 1e-20 {
					// Every exact minimum value is 0; at Himmelblau's irrational
					// minimisers f is a sum of squares of residuals ~1e-15.
					t.Errorf("Value at %v = %g, want %g", m, v, tc.minVals[i])
				}
				// A strict minimum: positive definite Hessian, and no lower
				// value on a small ring around it.
				xx, xy, yy := f.Hess(m.X, m.Y)
				if !(xx > 0 && xx*yy-xy*xy > 0) {
					t.Errorf("Hessian at %v = [[%g %g] [%g %g]], not positive definite", m, xx, xy, xy, yy)
				}
				for k := range 8 {
					a := float64(k) * math.Pi / 4
					q := Point{m.X + 1e-3*math.Cos(a), m.Y + 1e-3*math.Sin(a)}
					if f.Value(q.X, q.Y) <= v {
						t.Errorf("Value at %v = %g ≤ Value at minimum %v = %g", q, f.Value(q.X, q.Y), m, v)
					}
				}
			}
		})
	}
}

func TestStartAndWindow(t *testing.T) {
	for _, name := range Names() {
		f, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		w := f.Window()
		if !(w.XMin < w.XMax && w.YMin < w.YMax) {
			t.Errorf("%s: empty window %+v", name, w)
		}
		if !inside(f.Start(), w) {
			t.Errorf("%s: start %v outside window %+v", name, f.Start(), w)
		}
		if slices.Contains(f.Minima(), f.Start()) {
			t.Errorf("%s: start %v is a minimum", name, f.Start())
		}
		if f.Formula() == "" {
			t.Errorf("%s: empty formula", name)
		}
	}
}

// TestValues checks Value against hand-computed values from the formulas.
func TestValues(t *testing.T) {
	for _, tc := range []struct {
		spec string
		x, y float64
		want float64
	}{
		{"rosenbrock", -1.5, 2, 2.5*2.5 + 100*0.25*0.25}, // 6.25 + 6.25
		{"beale", 1, 1.5, 4 + 12.25 + 25},                // residuals 2, 3.5, 5
		{"himmelblau", 0, 0, 121 + 49},
		{"booth", 0, 0, 49 + 25},
		{"saddle", 2, 3, -5},
		{"elliptic", -7, 2, 2.45 + 4},
		{"rastrigin", 0.5, -1, 20 + 0.25 + 10 + 1 - 10},
		{"threehump", 1, 1, 2 - 1.05 + 1.0/6 + 1 + 1},
		{"styblinski", 0, 4, 0.5 * (4*4*4*4 - 16*4*4 + 5*4)}, // ½Σ(x⁴ − 16x² + 5x) at y = 4 (x = 0 adds 0)
		{"quadratic", 2, 1, 0.5 * (4 + 10)},
		{"quadratic:cond=100", 2, 1, 0.5 * (4 + 100)},
	} {
		f, err := Lookup(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Value(tc.x, tc.y); math.Abs(got-tc.want) > 1e-12*(1+math.Abs(tc.want)) {
			t.Errorf("%s: Value(%g, %g) = %.15g, want %.15g", tc.spec, tc.x, tc.y, got, tc.want)
		}
	}
}

func TestNames(t *testing.T) {
	want := []string{"beale", "booth", "elliptic", "himmelblau", "quadratic",
		"rastrigin", "rosenbrock", "saddle", "styblinski", "threehump"}
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	for _, name := range want {
		f, err := Lookup(name)
		if err != nil {
			t.Errorf("Lookup(%q): %v", name, err)
			continue
		}
		if f.Name() != name {
			t.Errorf("Lookup(%q).Name() = %q", name, f.Name())
		}
	}
}

func TestLookupQuadratic(t *testing.T) {
	for _, tc := range []struct {
		spec    string
		cond    float64
		formula string
	}{
		{"quadratic", 10, "½(x²+10y²)"},
		{"quadratic:cond=1", 1, "½(x²+1y²)"},
		{"quadratic:cond=2.5", 2.5, "½(x²+2.5y²)"},
		{" quadratic:cond=1e3 ", 1000, "½(x²+1000y²)"},
		{"quadratic:cond=1e15", 1e15, "½(x²+1e+15y²)"}, // MaxCond is allowed
	} {
		f, err := Lookup(tc.spec)
		if err != nil {
			t.Errorf("Lookup(%q): %v", tc.spec, err)
			continue
		}
		q, ok := f.(Quadratic)
		if !ok {
			t.Errorf("Lookup(%q) is %T, want Quadratic", tc.spec, f)
			continue
		}
		if q.Cond() != tc.cond {
			t.Errorf("Lookup(%q).Cond() = %g, want %g", tc.spec, q.Cond(), tc.cond)
		}
		if _, _, yy := q.Hess(0, 0); yy != tc.cond {
			t.Errorf("Lookup(%q): fyy = %g, want %g", tc.spec, yy, tc.cond)
		}
		if q.Formula() != tc.formula {
			t.Errorf("Lookup(%q).Formula() = %q, want %q", tc.spec, q.Formula(), tc.formula)
		}
	}
}

func TestNewQuadraticErrors(t *testing.T) {
	for _, c := range []float64{0, 0.5, -1, math.NaN(), math.Inf(1), math.Inf(-1), 2e15, math.MaxFloat64} {
		if _, err := NewQuadratic(c); err == nil {
			t.Errorf("NewQuadratic(%g): no error", c)
		}
	}
}

const allNames = "beale, booth, elliptic, himmelblau, quadratic, rastrigin, rosenbrock, saddle, styblinski, threehump"

func TestLookupErrors(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want string
	}{
		{"rosenbrok", `unknown function "rosenbrok" (want one of: ` + allNames + `)`},
		{"", `missing function name (want one of: ` + allNames + `)`},
		{":cond=2", `missing function name (want one of: ` + allNames + `)`},
		{"Rosenbrock", `unknown function "Rosenbrock" (want one of: ` + allNames + `)`},
		{"a\nb", `unknown function "a\nb" (want one of: ` + allNames + `)`},
		{"rosenbrock:cond=2", `rosenbrock: unknown option "cond" (takes no options)`},
		{"rosenbrock:", `rosenbrock: empty option list after ":" (want key=value)`},
		{"quadratic:", `quadratic: empty option list after ":" (want key=value)`},
		{"quadratic:cond", `quadratic: option "cond" is not key=value`},
		{"quadratic:=3", `quadratic: option "=3" is not key=value`},
		{"quadratic:kappa=3", `quadratic: unknown option "kappa" (want cond)`},
		{"quadratic:cond=2,cond=3", `quadratic: option "cond" given twice`},
		{"quadratic:cond=2,", `quadratic: option "" is not key=value`},
		{"quadratic:cond=-1", `quadratic: cond=-1 must be a finite number ≥ 1`},
		{"quadratic:cond=0.5", `quadratic: cond=0.5 must be a finite number ≥ 1`},
		{"quadratic:cond=", `quadratic: cond="" must be a finite number ≥ 1`},
		{"quadratic:cond=abc", `quadratic: cond=abc must be a finite number ≥ 1`},
		{"quadratic:cond=NaN", `quadratic: cond=NaN must be a finite number ≥ 1`},
		{"quadratic:cond=+Inf", `quadratic: cond=+Inf must be a finite number ≥ 1`},
		{"quadratic:cond=1e400", `quadratic: cond=1e400 must be a finite number ≥ 1`},
		{"quadratic:cond=1e308", `quadratic: cond=1e308 is too large (want ≤ 1e+15)`},
		{"quadratic:cond=1.000001e15", `quadratic: cond=1.000001e15 is too large (want ≤ 1e+15)`},
		{"quadratic:cond=1 0", `quadratic: cond="1 0" must be a finite number ≥ 1`},
		{"quadratic:cond=\x00", `quadratic: cond="\x00" must be a finite number ≥ 1`},
		{"quadratic:cond=\xff", `quadratic: cond="\xff" must be a finite number ≥ 1`},
	} {
		f, err := Lookup(tc.spec)
		if err == nil {
			t.Errorf("Lookup(%q) = %v, want error %q", tc.spec, f, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("Lookup(%q) error\n got %q\nwant %q", tc.spec, err, tc.want)
		}
	}
}

func FuzzLookup(f *testing.F) {
	for _, s := range []string{
		"rosenbrock", "beale", "quadratic", "quadratic:cond=100", "quadratic:cond=1",
		"quadratic:cond=0x1p4", "quadratic:cond=-1", "quadratic:cond=", "quadratic:cond=1,cond=2",
		"rosenbrock:cond=2", "rosenbrok", "", ":", "::", "quadratic:cond=1e308",
		"quadratic:cond=1.0000000000000002", "saddle:\x00=\xff", " styblinski\t",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		fn, err := Lookup(spec)
		if err != nil {
			if fn != nil {
				t.Errorf("Lookup(%q) returned both %v and error %v", spec, fn, err)
			}
			msg := err.Error()
			if msg == "" || strings.ContainsAny(msg, "\n\r") {
				t.Errorf("Lookup(%q) error is not one non-empty line: %q", spec, msg)
			}
			return
		}
		if !slices.Contains(Names(), fn.Name()) {
			t.Fatalf("Lookup(%q).Name() = %q, not in Names()", spec, fn.Name())
		}
		s := fn.Start()
		if !inside(s, fn.Window()) {
			t.Errorf("Lookup(%q): start %v outside window", spec, s)
		}
		gx, gy := fn.Grad(s.X, s.Y)
		xx, xy, yy := fn.Hess(s.X, s.Y)
		for _, v := range []float64{fn.Value(s.X, s.Y), gx, gy, xx, xy, yy} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("Lookup(%q): non-finite value, gradient or Hessian at start %v", spec, s)
			}
		}
		for _, m := range fn.Minima() {
			if gx, gy := fn.Grad(m.X, m.Y); math.Hypot(gx, gy) > minGradTol*(1+math.Abs(xx)+math.Abs(yy)) {
				t.Errorf("Lookup(%q): |Grad| at minimum %v = %g", spec, m, math.Hypot(gx, gy))
			}
		}
	})
}
