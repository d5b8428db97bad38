package viz

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"github.com/descentlab/descent/testfunc"
)

// Path is the trajectory of one optimizer on a 2-D test function.
type Path struct {
	// Label names the optimizer in the legend, e.g. "adam:lr=0.02".
	Label string
	// Points are the iterates, starting with the start point.
	Points []testfunc.Point
	// Loss holds f at each point; it is either empty or as long as Points.
	// Contour and Animate only use it to detect divergence; Loss requires it.
	Loss []float64
}

// runaway is the magnitude beyond which a coordinate counts as diverged even
// though it is finite: differences of such numbers overflow, so they cannot be
// clipped or mapped to pixels reliably.
const runaway = 1e150

// drawable reports whether v can be plotted.
func drawable(v float64) bool { return !math.IsNaN(v) && math.Abs(v) <= runaway }

// track is a Path prepared for drawing: the longest prefix of drawable points
// and whether the optimizer diverged.
type track struct {
	label    string
	col      color.RGBA       // from Colors, fixed per method
	pts      []testfunc.Point // drawable prefix of Path.Points
	diverged bool
}

// prepare checks the paths and cuts each one at its first point that is not
// drawable (NaN, ±Inf or beyond ±1e150). A path is marked diverged when it has
// such a point or a non-finite loss; legendLabel says "leaves the map" when
// its last point is finite but outside the window.
func prepare(paths []Path) ([]track, error) {
	ts := make([]track, len(paths))
	labels := make([]string, len(paths))
	for i, p := range paths {
		labels[i] = p.Label
	}
	cols := Colors(labels)
	for i, p := range paths {
		if len(p.Points) == 0 {
			return nil, fmt.Errorf("viz: path %d (%q) has no points", i, p.Label)
		}
		if len(p.Loss) != 0 && len(p.Loss) != len(p.Points) {
			return nil, fmt.Errorf("viz: path %d (%q) has %d points but %d loss values", i, p.Label, len(p.Points), len(p.Loss))
		}
		n := len(p.Points)
		for k, q := range p.Points {
			if !drawable(q.X) || !drawable(q.Y) {
				n = k
				break
			}
		}
		div := n < len(p.Points)
		for _, l := range p.Loss {
			if math.IsNaN(l) || math.IsInf(l, 0) {
				div = true
				break
			}
		}
		ts[i] = track{label: p.Label, col: cols[i], pts: p.Points[:n], diverged: div}
	}
	return ts, nil
}

// legendLabel is the legend text of t on a map showing w.
func (t track) legendLabel(w testfunc.Window, wd words) string {
	switch {
	case t.diverged:
		return t.label + wd.diverged
	case len(t.pts) > 0 && !inside(w, t.pts[len(t.pts)-1]):
		// Finite but off the map: on an unbounded function (saddle) that is
		// the right answer, not a failure.
		return t.label + wd.leaves
	}
	return t.label
}

func inside(w testfunc.Window, p testfunc.Point) bool {
	return p.X >= w.XMin && p.X <= w.XMax && p.Y >= w.YMin && p.Y <= w.YMax
}

// checkWindow returns an error naming what is wrong with w.
func checkWindow(what string, w testfunc.Window) error {
	for _, v := range []float64{w.XMin, w.XMax, w.YMin, w.YMax} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("viz: %s %v is not finite", what, w)
		}
	}
	if w.XMin >= w.XMax {
		return fmt.Errorf("viz: %s has x range [%g, %g]: min must be below max", what, w.XMin, w.XMax)
	}
	if w.YMin >= w.YMax {
		return fmt.Errorf("viz: %s has y range [%g, %g]: min must be below max", what, w.YMin, w.YMax)
	}
	return nil
}

func checkLim(name string, l *[2]float64) error {
	if l == nil {
		return nil
	}
	if math.IsNaN(l[0]) || math.IsInf(l[0], 0) || math.IsNaN(l[1]) || math.IsInf(l[1], 0) {
		return fmt.Errorf("viz: %s %v is not finite", name, *l)
	}
	if l[0] >= l[1] {
		return fmt.Errorf("viz: %s [%g, %g]: min must be below max", name, l[0], l[1])
	}
	if err := CheckRange(l[0], l[1]); err != nil {
		return fmt.Errorf("viz: %s [%g, %g]: %v", name, l[0], l[1], err)
	}
	return nil
}

// MinRelSpan is the narrowest range an axis may show, relative to the
// largest magnitude on it: 2⁻⁴⁰ ≈ 9.1e-13, some 4000 float64 steps, so a
// picture of a thousand pixels still has distinct coordinates and ticks.
const MinRelSpan = 0x1p-40

// MinSpan is the narrowest range near zero: tick steps a few orders of
// magnitude smaller stay normal float64 numbers.
const MinSpan = 1e-290

// CheckRange reports whether [lo, hi] (finite, lo < hi) can be an axis of a
// picture: hi − lo must be finite (not wider than float64's range) and at
// least max(MinRelSpan·max(|lo|, |hi|), MinSpan), else the coordinates and
// ticks of the axis cannot be told apart.
func CheckRange(lo, hi float64) error {
	span := hi - lo
	if math.IsInf(span, 0) || math.IsNaN(span) {
		return fmt.Errorf("wider than float64's finite range (max − min overflows); want max − min ≤ %.3g", math.MaxFloat64)
	}
	if need := math.Max(MinRelSpan*math.Max(math.Abs(lo), math.Abs(hi)), MinSpan); !(span >= need) {
		return fmt.Errorf("narrower than float64 resolves at this magnitude; want max − min ≥ %.3g", need)
	}
	return nil
}

const (
	// growMargin is the margin added on a side the window grew on, as a
	// fraction of the grown span.
	growMargin = 0.05
	// growCap bounds the growth of each side to this many default spans, so
	// the window is at most 1+2·growCap times the default in each direction.
	growCap = 1.0
)

// window chooses the plotted area. It starts from f.Window() and grows each
// side just enough to hold every drawable path point, plus a 5% margin on the
// sides that grew; no side moves out by more than one default span (so the map
// is at most 3× the default width and height) — points beyond that are
// clipped, and a path ending there is labelled diverged. o.XLim and o.YLim,
// when set, replace the x and y range outright.
func window(f testfunc.Function, ts []track, o Options) (testfunc.Window, error) {
	if err := checkLim("XLim", o.XLim); err != nil {
		return testfunc.Window{}, err
	}
	if err := checkLim("YLim", o.YLim); err != nil {
		return testfunc.Window{}, err
	}
	base := f.Window()
	if err := checkWindow(fmt.Sprintf("window of %s", f.Name()), base); err != nil {
		return testfunc.Window{}, err
	}
	w := base
	for _, t := range ts {
		for _, p := range t.pts {
			w.XMin = math.Min(w.XMin, p.X)
			w.XMax = math.Max(w.XMax, p.X)
			w.YMin = math.Min(w.YMin, p.Y)
			w.YMax = math.Max(w.YMax, p.Y)
		}
	}
	w.XMin, w.XMax = grow(base.XMin, base.XMax, w.XMin, w.XMax)
	w.YMin, w.YMax = grow(base.YMin, base.YMax, w.YMin, w.YMax)
	if o.XLim != nil {
		w.XMin, w.XMax = o.XLim[0], o.XLim[1]
	}
	if o.YLim != nil {
		w.YMin, w.YMax = o.YLim[0], o.YLim[1]
	}
	return w, nil
}

// grow applies the margin and the cap to one axis: [b0, b1] is the default
// range and [lo, hi] ⊇ [b0, b1] the range holding all points.
func grow(b0, b1, lo, hi float64) (float64, float64) {
	span := b1 - b0
	lo = math.Max(lo, b0-growCap*span)
	hi = math.Min(hi, b1+growCap*span)
	m := growMargin * (hi - lo)
	if lo < b0 {
		lo = math.Max(lo-m, b0-growCap*span)
	}
	if hi > b1 {
		hi = math.Min(hi+m, b1+growCap*span)
	}
	return lo, hi
}

// clipSegment clips the segment a–b to w (Liang–Barsky). ok is false when no
// part of it lies in w.
func clipSegment(w testfunc.Window, a, b testfunc.Point) (c, d testfunc.Point, ok bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := b.X-a.X, b.Y-a.Y
	for _, e := range [4][2]float64{
		{-dx, a.X - w.XMin}, {dx, w.XMax - a.X},
		{-dy, a.Y - w.YMin}, {dy, w.YMax - a.Y},
	} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return c, d, false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = math.Max(t0, r)
		} else {
			t1 = math.Min(t1, r)
		}
		if t0 > t1 {
			return c, d, false
		}
	}
	c = testfunc.Point{X: a.X + t0*dx, Y: a.Y + t0*dy}
	d = testfunc.Point{X: a.X + t1*dx, Y: a.Y + t1*dy}
	return c, d, true
}

// clipPolyline clips pts to w, returning the visible pieces. A single point
// inside w yields a one-point piece.
func clipPolyline(w testfunc.Window, pts []testfunc.Point) [][]testfunc.Point {
	if len(pts) == 1 {
		if inside(w, pts[0]) {
			return [][]testfunc.Point{{pts[0]}}
		}
		return nil
	}
	var out [][]testfunc.Point
	var cur []testfunc.Point
	for i := 1; i < len(pts); i++ {
		c, d, ok := clipSegment(w, pts[i-1], pts[i])
		if !ok {
			if cur != nil {
				out, cur = append(out, cur), nil
			}
			continue
		}
		if cur != nil && cur[len(cur)-1] != c {
			out, cur = append(out, cur), nil
		}
		if cur == nil {
			cur = []testfunc.Point{c}
		}
		cur = append(cur, d)
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

var errNoPaths = errors.New("viz: no paths to plot")
