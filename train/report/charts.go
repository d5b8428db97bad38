package report

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"unicode"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/descentlab/descent/internal/jpfont"
	"github.com/descentlab/descent/viz"
)

// runColors are the curves' colours, in the order of the runs: the fixed
// colour of each run's method, as in every picture of the lab (viz.Colors);
// variants named otherwise, and a second run of one method, get viz's
// spare colours.
func runColors(runs []Run) []color.RGBA {
	labels := make([]string, len(runs))
	for i, r := range runs {
		labels[i] = r.Label
	}
	return viz.Colors(labels)
}

// series is one curve of a chart.
type series struct {
	label  string
	x, y   []float64
	dashed bool
	points bool // a marker at every point (the book's 'o-')
	color  color.RGBA
	legend bool // listed in the legend
}

// chartSpec is a chart as data: what chart draws.
type chartSpec struct {
	title, xlabel, ylabel string
	series                []series
	logY, legendTop       bool
}

// MaxDrawnSteps is the most points a training-loss curve is drawn with.
// Up to it every step is a point, the value steps.csv has for it; a longer
// run is drawn with the mean of each run of consecutive steps (or, when
// smoothed, every k-th smoothed value), so that the picture stays readable.
const MaxDrawnSteps = 5000

// maxPointsMarked: an accuracy curve of at most this many epochs gets a
// marker at each, so that one epoch is a visible point, not nothing.
const maxPointsMarked = 30

// LossChart draws the training loss against the step of every run (solid),
// and the test loss at each epoch's end (dashed, with points), as PNG, in
// English without smoothing.
func LossChart(w io.Writer, runs []Run) error { return LossChartOptions(w, runs, Options{}) }

// LossChartOptions is LossChart with the training loss smoothed as o.Smooth
// says (the title says so) and the text in o.Lang.
func LossChartOptions(w io.Writer, runs []Run, o Options) error {
	return drawChart(w, lossChart(runs, o))
}

// AccuracyChart draws the test accuracy (in percent) against the epoch of
// every run, as PNG.
func AccuracyChart(w io.Writer, runs []Run) error { return AccuracyChartOptions(w, runs, Options{}) }

// AccuracyChartOptions is AccuracyChart in o.Lang.
func AccuracyChartOptions(w io.Writer, runs []Run, o Options) error {
	return drawChart(w, accuracyChart(runs, o))
}

func lossChart(runs []Run, o Options) chartSpec {
	lang := o.lang()
	var ss []series
	cols := runColors(runs)
	for i, r := range runs {
		c := cols[i]
		x, y := trainCurve(r, o.Smooth)
		what := msg(lang, "train")
		if o.Smooth > 0 {
			what = msg(lang, "train.smoothed")
		}
		name := label(r.Label, what, len(runs))
		if r.Diverged > 0 {
			name = msg(lang, "legend.diverged", name, r.Diverged)
		}
		// A run that diverged at its second step has one point: mark it.
		ss = append(ss, series{label: name, x: x, y: y, points: len(x) < 2, color: c, legend: true})
		tx, ty := make([]float64, len(r.Metrics)), make([]float64, len(r.Metrics))
		for k, m := range r.Metrics {
			tx[k], ty[k] = float64(m.Step), m.TestLoss
		}
		ss = append(ss, series{label: label(r.Label, msg(lang, "test"), len(runs)), x: tx, y: ty, dashed: true, points: len(tx) <= maxPointsMarked, color: c, legend: len(runs) == 1})
	}
	title := msg(lang, "loss.title1")
	switch {
	case len(runs) > 1 && o.Smooth > 0:
		title = msg(lang, "loss.smoothed", o.Smooth)
	case len(runs) > 1:
		title = msg(lang, "loss.title")
	case o.Smooth > 0:
		title = msg(lang, "loss.smoothed1", o.Smooth)
	}
	return chartSpec{title: title, xlabel: msg(lang, "loss.x"), ylabel: msg(lang, "loss.y"), series: ss, logY: true, legendTop: true}
}

// trainCurve is the training-loss curve of r as the chart draws it: from
// the step log, each finite step's loss (or its smoothed value) at its
// step, thinned past MaxDrawnSteps; without a step log, r.Curve.
func trainCurve(r Run, smooth float64) (x, y []float64) {
	if len(r.Steps.Loss) == 0 {
		return bin(r.Curve.Step, r.Curve.Loss, chartPoints)
	}
	var vals []float64
	if smooth > 0 {
		vals = Smooth(r.Steps.Loss, smooth)
	} else {
		vals = make([]float64, len(r.Steps.Loss))
		for i, v := range r.Steps.Loss {
			vals[i] = float64(v)
		}
	}
	steps := make([]int, 0, len(vals))
	kept := vals[:0]
	for i, v := range vals {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			steps = append(steps, i+1)
			kept = append(kept, v)
		}
	}
	if len(kept) <= MaxDrawnSteps {
		x = make([]float64, len(kept))
		for i, s := range steps {
			x[i] = float64(s)
		}
		return x, kept
	}
	if smooth > 0 { // already smooth: every k-th value, and the last
		k := (len(kept) + MaxDrawnSteps - 1) / MaxDrawnSteps
		for i := 0; i < len(kept); i += k {
			x, y = append(x, float64(steps[i])), append(y, kept[i])
		}
		if last := len(kept) - 1; last%k != 0 {
			x, y = append(x, float64(steps[last])), append(y, kept[last])
		}
		return x, y
	}
	return bin(steps, kept, MaxDrawnSteps)
}

func accuracyChart(runs []Run, o Options) chartSpec {
	lang := o.lang()
	var ss []series
	cols := runColors(runs)
	for i, r := range runs {
		x, y := make([]float64, len(r.Metrics)), make([]float64, len(r.Metrics))
		for k, m := range r.Metrics {
			x[k], y[k] = m.Epoch, 100*m.TestAccuracy
		}
		ss = append(ss, series{label: r.Label, x: x, y: y, points: len(x) <= maxPointsMarked, color: cols[i], legend: true})
	}
	return chartSpec{title: msg(lang, "acc.title"), xlabel: msg(lang, "acc.x"), ylabel: msg(lang, "acc.y"), series: ss}
}

// chartPoints is the most points a loss curve without a step log is drawn
// with.
const chartPoints = 300

// bin averages the curve into at most n points, each at the last step of
// its run of points.
func bin(steps []int, loss []float64, n int) (x, y []float64) {
	per := (len(steps) + n - 1) / max(n, 1)
	per = max(per, 1)
	for lo := 0; lo < len(steps); lo += per {
		hi := min(lo+per, len(steps))
		sum := 0.0
		for _, v := range loss[lo:hi] {
			sum += v
		}
		x = append(x, float64(steps[hi-1]))
		y = append(y, sum/float64(hi-lo))
	}
	return x, y
}

func label(run, what string, n int) string {
	if n == 1 || run == "" {
		return what
	}
	return run
}

// chartFont picks the typeface for the texts of a chart: gonum's default
// (Liberation) when all of them are Latin-1, else the embedded Japanese
// font as viz registers it (viz.JapaneseTypeface), which must be able to
// draw every character: a character it cannot draw is an error that names
// it, never a glyph silently left out.
func chartFont(texts []string) (font.Typeface, error) {
	wide := false
	for _, s := range texts {
		for _, r := range s {
			wide = wide || r > unicode.MaxLatin1
		}
	}
	if !wide {
		return "", nil
	}
	face, err := viz.JapaneseTypeface()
	if err != nil {
		return "", err
	}
	for _, s := range texts {
		if miss := jpfont.Missing(s); len(miss) > 0 {
			return "", fmt.Errorf("report: the charts' font cannot draw %q (in %q)", string(miss), s)
		}
	}
	return face, nil
}

// drawChart draws c on an 800×500 PNG, with viz's ticks; logY puts the y
// axis on a log scale by viz's rule (viz.LogAxis: positive values over a
// decade or more), legendTop puts the legend in the top right corner (else
// the bottom right). Non-finite values end a series.
func drawChart(w io.Writer, c chartSpec) error {
	p, err := chartPlot(c)
	if err != nil {
		return err
	}
	cv := vgimg.New(8*vg.Inch, 5*vg.Inch)
	// A margin above the title, which gonum puts at the canvas's edge.
	p.Draw(draw.Crop(draw.New(cv), 0, 0, 0, -vg.Points(5)))
	_, err = vgimg.PngCanvas{Canvas: cv}.WriteTo(w)
	return err
}

// chartPlot is the plot drawChart draws.
func chartPlot(c chartSpec) (*plot.Plot, error) {
	texts := []string{c.title, c.xlabel, c.ylabel}
	for _, s := range c.series {
		if s.legend {
			texts = append(texts, s.label)
		}
	}
	face, err := chartFont(texts)
	if err != nil {
		return nil, err
	}
	p := plot.New()
	if face != "" {
		for _, st := range []*draw.TextStyle{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
			&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
			// The text handler looks it up in font.DefaultCache, where it is
			// registered with no variant, style or weight.
			st.Font = font.Font{Typeface: face, Size: st.Font.Size}
		}
	}
	p.Title.Text = c.title
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text, p.Y.Label.Text = c.xlabel, c.ylabel
	p.X.Tick.Marker, p.Y.Tick.Marker = viz.NiceTicks{}, viz.NiceTicks{}
	p.Legend.Top = c.legendTop
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(6), vg.Points(6)
	if c.legendTop {
		p.Legend.YOffs = -vg.Points(6)
	}
	p.Add(plotter.NewGrid())
	ss := c.series
	lo, hi := cutNonFinite(ss)
	logY := c.logY && viz.LogAxis(lo, hi)
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = viz.LogTicks{}
	}
	for _, s := range ss {
		if err := addSeries(p, s); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// cutNonFinite ends every series at its first non-finite value and returns
// the least and greatest value left.
func cutNonFinite(ss []series) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i := range ss {
		n := len(ss[i].y)
		for k, v := range ss[i].y {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				n = k
				break
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		ss[i].x, ss[i].y = ss[i].x[:n], ss[i].y[:n]
	}
	return lo, hi
}

// addSeries adds s to p as a line (with its markers, and to the legend) if
// it has a point.
func addSeries(p *plot.Plot, s series) error {
	if len(s.x) == 0 {
		return nil
	}
	xy := make(plotter.XYs, len(s.x))
	for k := range s.x {
		xy[k].X, xy[k].Y = s.x[k], s.y[k]
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return err
	}
	l.Color, l.Width = s.color, vg.Points(1.5)
	if s.dashed {
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	var thumb plot.Thumbnailer = l
	if s.points {
		pts, err := plotter.NewScatter(xy)
		if err != nil {
			return err
		}
		pts.Color, pts.Shape, pts.Radius = s.color, draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(pts)
		if !s.dashed {
			thumb = legendEntry{l, pts}
		}
	}
	p.Add(l)
	if s.legend {
		p.Legend.Add(s.label, thumb)
	}
	return nil
}

// legendEntry draws a line and its marker in the legend.
type legendEntry struct {
	line *plotter.Line
	pts  *plotter.Scatter
}

func (e legendEntry) Thumbnail(c *draw.Canvas) {
	e.line.Thumbnail(c)
	e.pts.Thumbnail(c)
}
