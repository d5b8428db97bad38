package viz

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Loss writes a chart of loss against step for every path, in the colours
// Contour gives them. format is "png" or "svg". Each path is drawn up to its
// first non-finite loss and then labelled "(diverged)". The loss axis is
// logarithmic when the drawn values are positive and the range shown (o.YLim
// if set) is positive and spans a decade or more (LogAxis), linear
// otherwise. Its top is capped at 1000 times the largest first loss (log) or
// that loss plus the span below it (linear), so that one diverging run does
// not flatten the others. o.XLim and o.YLim fix the step and loss ranges.
func Loss(w io.Writer, format string, paths []Path, o Options) error {
	width, height, err := checkLossArgs(format, paths, o)
	if err != nil {
		return err
	}
	wd := wordsFor(o.Lang)
	labels := make([]string, len(paths))
	for i, p := range paths {
		labels[i] = p.Label
	}
	cols := Colors(labels)
	curves, err := lossCurvesOf(paths)
	if err != nil {
		return err
	}
	p, logY, err := lossPlot(curves, o, wd)
	if err != nil {
		return err
	}

	var entries []legendEntry
	var all []string
	for i, c := range curves.c {
		label := paths[i].Label
		if c.diverged {
			label += wd.diverged
		}
		entries = append(entries, legendEntry{label, lineThumb{cols[i]}})
		all = append(all, label)
	}
	legendFont, err := fontFor("legend", strings.Join(all, " "), 11)
	if err != nil {
		return err
	}
	p.Add(lossCurves{ys: func(i int) []float64 { return curves.c[i].y }, cols: cols, log: logY})

	draw1 := func(c draw.Canvas) {
		l := buildLegend(entries, legendFont, 0.35*c.Size().X-2*legendPad)
		lw := l.Rectangle(draw.Canvas{}).Size().X + 2*legendPad
		pc := draw.Crop(c, legendPad, -lw, legendPad, -legendPad)
		p.Draw(pc)
		lc := draw.Crop(c, c.Size().X-lw+legendPad, -legendPad, 0, 0)
		lc.Max.Y = p.DataCanvas(pc).Max.Y
		l.Draw(lc)
	}
	return render(w, format, width, height, draw1)
}

// checkLossArgs checks Loss's arguments and returns the picture's size.
func checkLossArgs(format string, paths []Path, o Options) (width, height int, err error) {
	if format != "png" && format != "svg" {
		return 0, 0, fmt.Errorf("viz: loss chart format %q: want png or svg", format)
	}
	if width, height, err = o.size(); err != nil {
		return 0, 0, err
	}
	if err := checkLim("XLim", o.XLim); err != nil {
		return 0, 0, err
	}
	if err := checkLim("YLim", o.YLim); err != nil {
		return 0, 0, err
	}
	if len(paths) == 0 {
		return 0, 0, errNoPaths
	}
	if err := CheckLang(o.Lang); err != nil {
		return 0, 0, err
	}
	return width, height, nil
}

// curve is a path's loss as Loss draws it: up to its first non-finite value.
type curve struct {
	y        []float64
	diverged bool
}

// lossData is the curves of a loss chart with the least and greatest value
// they draw and the most steps of a path.
type lossData struct {
	c      []curve
	lo, hi float64
	steps  int
}

// lossCurvesOf cuts every path's loss at its first non-finite value.
func lossCurvesOf(paths []Path) (lossData, error) {
	d := lossData{c: make([]curve, len(paths)), lo: math.Inf(1), hi: math.Inf(-1)}
	for i, p := range paths {
		if len(p.Loss) == 0 {
			return d, fmt.Errorf("viz: path %d (%q) has no loss values", i, p.Label)
		}
		if len(p.Points) != 0 && len(p.Points) != len(p.Loss) {
			return d, fmt.Errorf("viz: path %d (%q) has %d points but %d loss values", i, p.Label, len(p.Points), len(p.Loss))
		}
		n := len(p.Loss)
		for k, v := range p.Loss {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				n = k
				break
			}
		}
		d.c[i] = curve{y: p.Loss[:n], diverged: n < len(p.Loss)}
		for _, v := range d.c[i].y {
			d.lo, d.hi = math.Min(d.lo, v), math.Max(d.hi, v)
		}
		d.steps = max(d.steps, len(p.Loss))
	}
	return d, nil
}

// lossPlot is the plot of a loss chart without its curves: title, axes and
// their ranges; logY tells whether the loss axis is logarithmic.
func lossPlot(d lossData, o Options, wd words) (p *plot.Plot, logY bool, err error) {
	lo, hi := d.lo, d.hi
	// One diverging run must not flatten the others: the top of the loss
	// range is capped at 1000 times the largest first loss on a log axis, or
	// at the largest first loss plus the span below it on a linear one.
	first := math.Inf(-1)
	for _, c := range d.c {
		if len(c.y) > 0 {
			first = math.Max(first, c.y[0])
		}
	}
	// The axis is logarithmic by LogAxis over the range it shows.
	ylo, yhi := lo, hi
	if o.YLim != nil {
		ylo, yhi = o.YLim[0], o.YLim[1]
	}
	logY = lo > 0 && !math.IsInf(lo, 0) && LogAxis(ylo, yhi)

	p = plot.New()
	p.Title.Text = o.Title
	if p.Title.Text == "" {
		p.Title.Text = wd.lossTitle
	}
	styleAxes(p)
	p.X.Label.Text, p.Y.Label.Text = wd.step, wd.loss
	if p.Title.TextStyle.Font, err = fontFor("title", p.Title.Text, 13); err != nil {
		return nil, false, err
	}
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		if a.Label.TextStyle.Font, err = fontFor("axis label", a.Label.Text, 12); err != nil {
			return nil, false, err
		}
	}
	p.X.Min, p.X.Max = 0, math.Max(1, float64(d.steps-1))
	switch {
	case math.IsInf(lo, 0): // nothing finite to show
		lo, hi = 0, 1
	case logY:
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = LogTicks{}
		hi = math.Min(hi, 1000*first)
	case hi-lo <= 0:
		lo, hi = lo-1, hi+1
	default:
		hi = math.Min(hi, first+math.Max(first-lo, 0))
		if hi <= lo {
			hi = lo + 1
		}
		m := 0.03 * (hi - lo)
		lo, hi = lo-m, hi+m
	}
	p.Y.Min, p.Y.Max = lo, hi
	if o.XLim != nil {
		p.X.Min, p.X.Max = o.XLim[0], o.XLim[1]
	}
	if o.YLim != nil {
		p.Y.Min, p.Y.Max = o.YLim[0], o.YLim[1]
	}
	return p, logY, nil
}

// render draws onto a canvas of the format and writes it to w.
func render(w io.Writer, format string, width, height int, fn func(draw.Canvas)) error {
	var err error
	switch format {
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(pt(float64(width)), pt(float64(height))), vgimg.UseDPI(dpi))
		fn(draw.New(c))
		_, err = vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	case "svg":
		c := vgsvg.New(pt(float64(width)), pt(float64(height)))
		fn(draw.New(c))
		_, err = c.WriteTo(w)
	default:
		err = fmt.Errorf("viz: format %q: want png or svg", format)
	}
	return err
}

// lossCurves draws the loss curves, clipped to the data area. Values are
// clamped to ±1e300 before the transform so a huge loss cannot overflow.
type lossCurves struct {
	ys   func(int) []float64
	cols []color.RGBA
	log  bool
}

func (lc lossCurves) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i := range lc.cols {
		y := lc.ys(i)
		if len(y) == 0 {
			continue
		}
		pts := make([]vg.Point, len(y))
		for k, v := range y {
			v = math.Max(-1e300, math.Min(1e300, v))
			pts[k] = vg.Point{X: trX(float64(k)), Y: trY(v)}
		}
		col := lc.cols[i]
		if len(pts) == 1 {
			if c.Contains(pts[0]) {
				disc(c, col, pts[0], dotRadius)
			}
			continue
		}
		c.StrokeLines(draw.LineStyle{Color: col, Width: 1.5}, c.ClipLinesXY(pts)...)
	}
}

// lineThumb is the legend sample of a loss curve.
type lineThumb struct{ col color.RGBA }

func (t lineThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(draw.LineStyle{Color: t.col, Width: 2}, c.Min.X+2, y, c.Max.X-4, y)
}
