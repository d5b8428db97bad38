package viz

import (
	"image/color"
	"math"
	"slices"
	"sort"

	"github.com/descentlab/descent/testfunc"
)

// scale describes how function values are split into colour bands.
type scale struct {
	levels []float64 // increasing band boundaries; band i is [levels[i], levels[i+1])
	log    bool      // levels are log-spaced above the minimum
}

const (
	nBands     = 18  // colour bands on the map
	sampleSide = 161 // grid used to survey f over the window
	// logRatio: when the value range over the window is more than this many
	// times the range of the lower quartile, the levels are log-spaced.
	// Rosenbrock, Beale and three-hump exceed it by far, Himmelblau (≈ 15)
	// just; bowls such as the quadratic (≈ 6) and Rastrigin (≈ 3) do not.
	logRatio = 10
)

// chooseScale surveys f over w and picks the band levels:
//   - f unbounded below (no known minima) and taking both signs, e.g. the
//     saddle x²−y²: linear levels symmetric about zero;
//   - a wide range, e.g. Rosenbrock: levels at min + δ·r^k, geometric from δ
//     (the 0.5% quantile above the minimum) up to the maximum, so the valley
//     floor and the walls both show structure;
//   - otherwise linear levels from the minimum to the maximum.
func chooseScale(f testfunc.Function, w testfunc.Window, g *grid) scale {
	vals := make([]float64, 0, len(g.z)+4)
	for _, v := range g.z {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			vals = append(vals, v)
		}
	}
	minima := f.Minima()
	for _, m := range minima {
		if inside(w, m) {
			if v := f.Value(m.X, m.Y); !math.IsNaN(v) && !math.IsInf(v, 0) {
				vals = append(vals, v)
			}
		}
	}
	if len(vals) == 0 {
		return scale{levels: []float64{0, 1}}
	}
	sort.Float64s(vals)
	lo, hi := vals[0], vals[len(vals)-1]
	if hi-lo <= 0 || math.IsInf(hi-lo, 0) {
		if math.IsInf(hi-lo, 0) { // values beyond ±1e308: keep a usable range
			lo, hi = vals[len(vals)/100], vals[len(vals)-1-len(vals)/100]
		}
		if hi-lo <= 0 {
			return scale{levels: []float64{lo - 1, lo + 1}}
		}
	}
	q := func(p float64) float64 { return vals[int(p*float64(len(vals)-1))] }

	if len(minima) == 0 && lo < 0 && hi > 0 {
		m := math.Max(-lo, hi)
		return scale{levels: linspace(-m, m, nBands+1)}
	}
	span := hi - lo
	if q25 := q(0.25) - lo; q25 > 0 && span/q25 > logRatio {
		d := q(0.005) - lo
		d = math.Max(d, span*1e-9)
		lv := make([]float64, nBands+1)
		r := math.Log(span / d)
		lv[0] = lo
		for k := 1; k <= nBands; k++ {
			lv[k] = lo + d*math.Exp(r*float64(k-1)/float64(nBands-1))
		}
		lv[nBands] = hi
		return scale{levels: slices.Compact(lv), log: true}
	}
	return scale{levels: linspace(lo, hi, nBands+1)}
}

func linspace(a, b float64, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	v[n-1] = b
	return v
}

// band returns the index of the band holding v, in [0, nb-1] with nb =
// len(levels)-1; values off either end and NaN go to the end bands.
func (s scale) band(v float64) int {
	nb := len(s.levels) - 1
	if math.IsNaN(v) {
		return nb - 1
	}
	i := sort.SearchFloat64s(s.levels, v) - 1
	if i < 0 {
		i = 0
	}
	if i >= nb {
		i = nb - 1
	}
	return i
}

// colors returns the band colours, dark (low values) to light (high).
func (s scale) colors() []color.RGBA {
	nb := len(s.levels) - 1
	cs := make([]color.RGBA, nb)
	for i := range cs {
		t := 0.0
		if nb > 1 {
			t = float64(i) / float64(nb-1)
		}
		cs[i] = viridis(t)
	}
	return cs
}

// grid holds f sampled on an n×n lattice over a window; it implements
// plotter.GridXYZ for the contour lines.
type grid struct {
	n    int
	w    testfunc.Window
	z    []float64 // row-major, row r at y = YMin + r·dy
	high float64   // stand-in for non-finite values, above every level
}

func sample(f testfunc.Function, w testfunc.Window, n int) *grid {
	g := &grid{n: n, w: w, z: make([]float64, n*n)}
	for r := range n {
		y := g.Y(r)
		for c := range n {
			g.z[r*n+c] = f.Value(g.X(c), y)
		}
	}
	return g
}

func (g *grid) Dims() (c, r int) { return g.n, g.n }
func (g *grid) X(c int) float64  { return g.w.XMin + (g.w.XMax-g.w.XMin)*float64(c)/float64(g.n-1) }
func (g *grid) Y(r int) float64  { return g.w.YMin + (g.w.YMax-g.w.YMin)*float64(r)/float64(g.n-1) }
func (g *grid) Z(c, r int) float64 {
	v := g.z[r*g.n+c]
	if math.IsNaN(v) || v > g.high {
		return g.high
	}
	if v < -g.high {
		return -g.high
	}
	return v
}
