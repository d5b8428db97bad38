package viz

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/descentlab/descent/testfunc"
)

// Options adjusts a picture. The zero value gives the defaults.
type Options struct {
	// Title replaces the default title ("name: formula" for maps, "loss"
	// for the loss chart).
	Title string
	// XLim and YLim, when set, fix the x and y range instead of the
	// automatic window (see Contour) or the data range (Loss).
	XLim, YLim *[2]float64
	// Width and Height are the picture size in pixels; zero means 800×700
	// for one map, 420×390 per panel plus a title row for a grid. SVG output
	// has the same size at 96 pixels per inch.
	Width, Height int
	// Layout is "overlay" (or ""): every path on one map, named in a legend;
	// or "grid": small multiples, one panel per path on the same window and
	// the same bands, each titled by its path's label in the path's colour.
	Layout string
	// Lang is the language of the words the picture writes itself (start,
	// end, minimum, diverged, step, loss, the GIF's step counter): "" or
	// "en" for English, "ja" for Japanese. Titles and labels in any
	// language are drawn in a font that has their characters.
	Lang string
}

// Layouts are the values Options.Layout accepts.
var Layouts = []string{"overlay", "grid"}

// CheckLayout returns an error naming layout and the allowed values unless
// it is "" or one of Layouts.
func CheckLayout(layout string) error {
	switch layout {
	case "", "overlay", "grid":
		return nil
	}
	return fmt.Errorf("viz: layout %q: want overlay or grid", layout)
}

const (
	defaultWidth  = 800
	defaultHeight = 700
	minSide       = 200   // below this the legend and labels do not fit
	maxSide       = 10000 // guards against a typo asking for gigabytes
	dpi           = 96
)

func (o Options) size() (int, int, error) {
	w, h := o.Width, o.Height
	return checkSize(w, h, defaultWidth, defaultHeight)
}

// checkSize applies the defaults dw, dh to zero sides and checks the size.
func checkSize(w, h, dw, dh int) (int, int, error) {
	if w == 0 {
		w = dw
	}
	if h == 0 {
		h = dh
	}
	if w < minSide || h < minSide || w > maxSide || h > maxSide {
		return 0, 0, fmt.Errorf("viz: picture size %d×%d: each side must be in [%d, %d] pixels", w, h, minSide, maxSide)
	}
	return w, h, nil
}

// pt converts pixels to vg lengths at the package resolution.
func pt(px float64) vg.Length { return vg.Length(px * 72 / dpi) }

// Frame maps data coordinates to pixel coordinates of a rendered map: pixel x
// grows to the right from the image's left edge, pixel y grows downwards from
// its top edge, and the pixel with indices (i, j) covers [i, i+1)×[j, j+1).
type Frame struct {
	// Window is the data area shown.
	Window testfunc.Window
	// Left and Right are the pixel x of Window.XMin and Window.XMax;
	// Bottom and Top are the pixel y of Window.YMin and Window.YMax
	// (Bottom > Top).
	Left, Right, Bottom, Top float64
}

// Pixel returns the pixel coordinates of the data point p.
func (fr Frame) Pixel(p testfunc.Point) (px, py float64) {
	w := fr.Window
	px = fr.Left + (p.X-w.XMin)/(w.XMax-w.XMin)*(fr.Right-fr.Left)
	py = fr.Bottom + (p.Y-w.YMin)/(w.YMax-w.YMin)*(fr.Top-fr.Bottom)
	return px, py
}

// Point returns the data point at pixel coordinates (px, py); it inverts Pixel.
func (fr Frame) Point(px, py float64) testfunc.Point {
	w := fr.Window
	return testfunc.Point{
		X: w.XMin + (px-fr.Left)/(fr.Right-fr.Left)*(w.XMax-w.XMin),
		Y: w.YMin + (py-fr.Bottom)/(fr.Top-fr.Bottom)*(w.YMax-w.YMin),
	}
}

// Rect is the smallest pixel rectangle holding the data area.
func (fr Frame) Rect() image.Rectangle {
	return image.Rect(int(math.Floor(fr.Left)), int(math.Floor(fr.Top)), int(math.Ceil(fr.Right)), int(math.Ceil(fr.Bottom)))
}

// Contour writes a filled contour map of f over the window described below,
// with the known minima starred and each path drawn in its own colour from a
// ring at its start to a dot at its end. format is "png" or "svg".
//
// The window is f.Window(), grown to hold every drawable path point plus a
// 5% margin on each side that grew; no side moves out by more than one span of
// f.Window(), so a runaway path cannot shrink the interesting region to a dot.
// o.XLim and o.YLim override the x and y range. A path is drawn up to its first
// NaN, infinite or enormous (|v| > 1e150) point and clipped to the window; it
// is labelled "(diverged)" in the legend when it has such a point, a
// non-finite loss, or ends outside the window.
//
// The bands are log-spaced when f spans many orders of magnitude over the
// window (Rosenbrock), symmetric about zero when f is unbounded below and
// changes sign (saddle), and linear otherwise.
func Contour(w io.Writer, format string, f testfunc.Function, paths []Path, o Options) error {
	if format != "png" && format != "svg" {
		return fmt.Errorf("viz: contour format %q: want png or svg", format)
	}
	m, err := newMap(f, paths, o)
	if err != nil {
		return err
	}
	return render(w, format, m.width, m.height, func(c draw.Canvas) { m.draw(c, true, true) })
}

// MapFrame returns where Contour (format "png") and Animate put the data area
// of the map of f with these paths and options; in the grid layout, the
// data area of the first panel (see PanelFrames).
func MapFrame(f testfunc.Function, paths []Path, o Options) (Frame, error) {
	frs, err := PanelFrames(f, paths, o)
	if err != nil {
		return Frame{}, err
	}
	return frs[0], nil
}

// PanelFrames returns the data area of each path's panel in the grid layout
// (one per path, at least one), or, in the overlay layout, the one map's
// data area once per path (at least once).
func PanelFrames(f testfunc.Function, paths []Path, o Options) ([]Frame, error) {
	m, err := newMap(f, paths, o)
	if err != nil {
		return nil, err
	}
	return m.draw(draw.New(m.imageCanvas()), false, false).frames, nil
}

// contourMap is a map prepared for drawing.
type contourMap struct {
	f             testfunc.Function
	tracks        []track
	win           testfunc.Window
	width, height int
	scale         scale
	grid          *grid
	plot          *plot.Plot // title and axes; plotters are added per drawing
	entries       []legendEntry
	legendFont    font.Font
	panels        bool        // the grid layout
	panelTitles   []font.Font // the font of each panel's title
	words         words
}

type legendEntry struct {
	text  string
	thumb plot.Thumbnailer
}

const (
	lineWidth  = 1.8 // path width, points
	haloWidth  = 1.3 // extra width of the outline on each side, points
	ringRadius = 4.5 // start marker
	dotRadius  = 3.5 // end marker
	starRadius = 7.5 // minimum marker
	stepRadius = 2.6 // marker of each step, where steps are few
	legendPad  = 8   // points around the legend

	// markerSteps is the most steps a path may have for a marker at each
	// step, as the book's 'o-' plots; more would bury the line.
	markerSteps = 60

	panelWidth, panelHeight = 420, 390 // default panel size of the grid, pixels
	gridTitle               = 34       // height of the grid's title row, pixels
)

var (
	sansFont    = font.Font{Typeface: "Liberation", Variant: "Sans"}
	contourLine = draw.LineStyle{Color: color.RGBA{0, 0, 0, 70}, Width: 0.5}
	markerGrey  = color.RGBA{0x50, 0x50, 0x50, 255}
)

func newMap(f testfunc.Function, paths []Path, o Options) (*contourMap, error) {
	if f == nil {
		return nil, fmt.Errorf("viz: no function to plot")
	}
	if err := CheckLayout(o.Layout); err != nil {
		return nil, err
	}
	if err := CheckLang(o.Lang); err != nil {
		return nil, err
	}
	ts, err := prepare(paths)
	if err != nil {
		return nil, err
	}
	panels := o.Layout == "grid"
	var width, height int
	if panels {
		cols, rows := gridShape(len(ts))
		width, height, err = checkSize(o.Width, o.Height, cols*panelWidth, rows*panelHeight+gridTitle)
	} else {
		width, height, err = o.size()
	}
	if err != nil {
		return nil, err
	}
	win, err := window(f, ts, o)
	if err != nil {
		return nil, err
	}
	m := &contourMap{f: f, tracks: ts, win: win, width: width, height: height, panels: panels, words: wordsFor(o.Lang)}
	m.grid = sample(f, win, sampleSide)
	m.scale = chooseScale(f, win, m.grid)
	lv := m.scale.levels
	m.grid.high = lv[len(lv)-1] + (lv[len(lv)-1] - lv[0])

	p := plot.New()
	p.Title.Text = o.Title
	if p.Title.Text == "" {
		p.Title.Text = f.Name() + ":  " + f.Formula()
	}
	styleAxes(p)
	if p.Title.TextStyle.Font, err = fontFor("title", p.Title.Text, 13); err != nil {
		return nil, err
	}
	p.X.Label.Text, p.Y.Label.Text = "x", "y"
	p.X.Min, p.X.Max = win.XMin, win.XMax
	p.Y.Min, p.Y.Max = win.YMin, win.YMax
	m.plot = p

	wd := m.words
	var all []string
	for _, t := range ts {
		label := t.legendLabel(win, wd)
		m.entries = append(m.entries, legendEntry{label, pathThumb{t.col, len(t.pts)-1 <= markerSteps}})
		all = append(all, label)
		if panels {
			fnt, err := fontFor("panel title", label, 12)
			if err != nil {
				return nil, err
			}
			m.panelTitles = append(m.panelTitles, fnt)
		}
	}
	m.entries = append(m.entries, legendEntry{wd.start, glyphThumb{ring}}, legendEntry{wd.end, glyphThumb{dot}})
	if m.visibleMinima() > 0 {
		m.entries = append(m.entries, legendEntry{wd.minimum, glyphThumb{star}})
	}
	for _, e := range m.entries[len(ts):] {
		all = append(all, e.text)
	}
	if m.legendFont, err = fontFor("legend", strings.Join(all, " "), 11); err != nil {
		return nil, err
	}
	return m, nil
}

// gridShape is the columns and rows of a grid of n panels (at least one):
// as square as it goes, wider than tall; four panels make 2×2 as the book.
func gridShape(n int) (cols, rows int) {
	n = max(1, n)
	cols = int(math.Ceil(math.Sqrt(float64(n))))
	rows = (n + cols - 1) / cols
	return cols, rows
}

func styleAxes(p *plot.Plot) {
	p.Title.TextStyle.Font = font.From(sansFont, 13)
	p.Title.Padding = 8
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sansFont, 12)
		a.Tick.Label.Font = font.From(sansFont, 10)
		a.Padding = 0
		a.Tick.Marker = NiceTicks{}
	}
}

func (m *contourMap) visibleMinima() int {
	n := 0
	for _, p := range m.f.Minima() {
		if inside(m.win, p) {
			n++
		}
	}
	return n
}

func (m *contourMap) imageCanvas() *vgimg.Canvas {
	return vgimg.NewWith(vgimg.UseWH(pt(float64(m.width)), pt(float64(m.height))), vgimg.UseDPI(dpi))
}

// layout splits the canvas into the plot (left) and the legend (right).
type layout struct {
	plot, legend draw.Canvas
	data         draw.Canvas // where data are drawn, inside plot
	legendDraw   plot.Legend
}

func (m *contourMap) layout(c draw.Canvas) layout {
	// The legend takes what it needs, up to 35% of the width; longer labels
	// are cut short with an ellipsis.
	l := buildLegend(m.entries, m.legendFont, 0.35*c.Size().X-2*legendPad)
	lw := l.Rectangle(draw.Canvas{}).Size().X + 2*legendPad
	var lay layout
	lay.plot = draw.Crop(c, legendPad, -lw, legendPad, -legendPad)
	lay.data = m.plot.DataCanvas(lay.plot)
	lay.legend = draw.Crop(c, c.Size().X-lw+legendPad, -legendPad, 0, 0)
	lay.legend.Max.Y = lay.data.Max.Y
	lay.legendDraw = l
	return lay
}

// buildLegend makes a legend of the entries no wider than maxW.
func buildLegend(es []legendEntry, fnt font.Font, maxW vg.Length) plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font = fnt
	l.Left = true
	l.Top = true
	l.Padding = 3
	l.ThumbnailWidth = 24
	for _, e := range es {
		text := e.text
		for r := []rune(text); len(r) > 1 && l.ThumbnailWidth+l.TextStyle.Rectangle(" "+text).Max.X > maxW; {
			r = r[:len(r)-1]
			text = string(r) + "…"
		}
		l.Add(text, e.thumb)
	}
	return l
}

func (m *contourMap) frameOf(data draw.Canvas) Frame {
	h := float64(m.height)
	return Frame{
		Window: m.win,
		Left:   data.Min.X.Dots(dpi),
		Right:  data.Max.X.Dots(dpi),
		Bottom: h - data.Min.Y.Dots(dpi),
		Top:    h - data.Max.Y.Dots(dpi),
	}
}

// drawn is what draw put where: the data area of each track's map (the one
// map, or its panel) and the box of the GIF's step counter, in pixels.
type drawn struct {
	frames  []Frame // one per track, at least one
	counter image.Rectangle
}

// draw renders the picture on c: background, bands, contour lines, the paths
// when withPaths, the minima above them when withMinima, axes and legend (one
// map), or a title and a panel per track (grid).
func (m *contourMap) draw(c draw.Canvas, withPaths, withMinima bool) drawn {
	if m.panels {
		return m.drawGrid(c, withPaths, withMinima)
	}
	lay := m.layout(c)
	p := *m.plot // a fresh copy without plotters
	p.Add(bands{m})
	p.Add(contourLines{m})
	if withPaths {
		p.Add(pathsPlotter{m})
	}
	if withMinima {
		p.Add(minimaPlotter{m})
	}
	p.Draw(lay.plot)
	frameData(lay.data)
	lay.legendDraw.Draw(lay.legend)
	fr := m.frameOf(lay.data)
	d := drawn{frames: make([]Frame, max(1, len(m.tracks)))}
	for i := range d.frames {
		d.frames[i] = fr
	}
	// The step counter sits under the legend, at the foot of the data area.
	x0 := int(lay.legend.Min.X.Dots(dpi))
	y1 := int(fr.Bottom)
	d.counter = image.Rect(x0, y1-counterHeight, m.width-2, y1)
	return d
}

// counterHeight is the height of the GIF's step counter box, pixels.
const counterHeight = 22

// frameData strokes the frame around a data area.
func frameData(data draw.Canvas) {
	data.StrokeLines(draw.LineStyle{Color: color.Black, Width: 0.8}, []vg.Point{
		data.Min, {X: data.Max.X, Y: data.Min.Y}, data.Max,
		{X: data.Min.X, Y: data.Max.Y}, data.Min,
	})
}

// drawGrid renders the grid layout: the title across the top, then one
// panel per track, left to right and top to bottom, each a map of the same
// window and bands with that track alone, titled by its label in its colour.
func (m *contourMap) drawGrid(c draw.Canvas, withPaths, withMinima bool) drawn {
	n := max(1, len(m.tracks))
	cols, rows := gridShape(n)
	top := c.Max.Y - pt(gridTitle)
	title := m.plot.Title.TextStyle
	title.XAlign, title.YAlign = draw.XCenter, draw.YCenter
	c.FillText(title, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: top + pt(gridTitle)/2}, m.plot.Title.Text)
	cw := (c.Max.X - c.Min.X) / vg.Length(cols)
	ch := (top - c.Min.Y) / vg.Length(rows)
	d := drawn{frames: make([]Frame, n)}
	for i := range n {
		col, row := i%cols, i/cols
		cell := c
		cell.Min = vg.Point{X: c.Min.X + vg.Length(col)*cw, Y: top - vg.Length(row+1)*ch}
		cell.Max = vg.Point{X: cell.Min.X + cw, Y: cell.Min.Y + ch}
		cell = draw.Crop(cell, legendPad, -legendPad, legendPad/2, -legendPad/2)
		pm := *m
		p := *m.plot
		p.Title.Text = ""
		if len(m.tracks) > 0 {
			pm.tracks = m.tracks[i : i+1]
			p.Title.Text = m.entries[i].text
			p.Title.TextStyle.Font = m.panelTitles[i]
			p.Title.TextStyle.Color = readable(m.tracks[i].col)
		}
		p.Title.Padding = 4
		p.Add(bands{&pm})
		p.Add(contourLines{&pm})
		if withPaths {
			p.Add(pathsPlotter{&pm})
		}
		if withMinima {
			p.Add(minimaPlotter{&pm})
		}
		p.Draw(cell)
		data := p.DataCanvas(cell)
		frameData(data)
		d.frames[i] = m.frameOf(data)
	}
	// The step counter sits at the left of the title row.
	d.counter = image.Rect(6, 4, min(m.width/3, 220), gridTitle-4)
	return d
}

// readable is c, or a dark grey where c is too light to read as text on white.
func readable(c color.RGBA) color.RGBA {
	if 0.299*float64(c.R)+0.587*float64(c.G)+0.114*float64(c.B) > 200 {
		return color.RGBA{0x40, 0x40, 0x40, 255}
	}
	return c
}

// contourLines draws thin lines at the band boundaries.
type contourLines struct{ m *contourMap }

func (cl contourLines) Plot(c draw.Canvas, p *plot.Plot) {
	lv := cl.m.scale.levels
	inner := make([]float64, 0, len(lv))
	span := lv[len(lv)-1] - lv[0]
	for _, v := range lv[1 : len(lv)-1] {
		// gonum's contour tracer panics ("not a linear path") when a level
		// passes exactly through a saddle of the sampled grid, as 0 does for
		// x²−y²; a nudge far below a pixel avoids such exact hits.
		inner = append(inner, v+span*1e-9)
	}
	if len(inner) == 0 {
		return
	}
	pc := plotter.NewContour(cl.m.grid, inner, nil)
	pc.LineStyles = []draw.LineStyle{contourLine}
	pc.Min, pc.Max = math.Inf(-1), math.Inf(1)
	defer func() {
		// Should the tracer still fail, the bands alone are a fine map.
		_ = recover()
	}()
	pc.Plot(c, p) // called directly: its glyph boxes would pad the data area
}

// bands fills the data area with the colour band of f at each pixel.
type bands struct{ m *contourMap }

func (b bands) Plot(c draw.Canvas, _ *plot.Plot) {
	m := b.m
	res := float64(dpi)
	if d, ok := c.Canvas.(interface{ DPI() float64 }); ok {
		res = d.DPI()
	}
	sz := c.Size()
	nx := max(1, int(math.Round(sz.X.Dots(res))))
	ny := max(1, int(math.Round(sz.Y.Dots(res))))
	img := image.NewRGBA(image.Rect(0, 0, nx, ny))
	cols := m.scale.colors()
	w := m.win
	for j := range ny {
		y := w.YMax - (float64(j)+0.5)/float64(ny)*(w.YMax-w.YMin)
		row := img.Pix[j*img.Stride:]
		for i := range nx {
			x := w.XMin + (float64(i)+0.5)/float64(nx)*(w.XMax-w.XMin)
			col := cols[m.scale.band(m.f.Value(x, y))]
			row[4*i], row[4*i+1], row[4*i+2], row[4*i+3] = col.R, col.G, col.B, 255
		}
	}
	c.DrawImage(c.Rectangle, img)
}

// pathsPlotter draws every path with its start and end markers, and a
// marker at each step where the path has at most markerSteps steps.
type pathsPlotter struct{ m *contourMap }

func (pp pathsPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	m := pp.m
	trX, trY := p.Transforms(&c)
	toVG := func(q testfunc.Point) vg.Point { return vg.Point{X: trX(q.X), Y: trY(q.Y)} }
	for _, t := range m.tracks {
		var lines [][]vg.Point
		for _, piece := range clipPolyline(m.win, t.pts) {
			if len(piece) < 2 {
				continue
			}
			l := make([]vg.Point, len(piece))
			for k, q := range piece {
				l[k] = toVG(q)
			}
			lines = append(lines, l)
		}
		var marks []vg.Point
		if len(t.pts) > 1 && len(t.pts)-1 <= markerSteps {
			for _, q := range t.pts[1:] {
				if inside(m.win, q) {
					marks = append(marks, toVG(q))
				}
			}
		}
		drawPolyline(c, lines, marks, t.col)
	}
	for _, t := range m.tracks {
		if len(t.pts) == 0 {
			continue
		}
		if s := t.pts[0]; inside(m.win, s) {
			ring(&c, t.col, toVG(s))
		}
		if e := t.pts[len(t.pts)-1]; len(t.pts) > 1 && inside(m.win, e) {
			dot(&c, t.col, toVG(e))
		}
	}
}

// drawPolyline draws lines in col over an outline, with a marker at each of
// marks: all outlines first, so no outline cuts a line.
func drawPolyline(c draw.Canvas, lines [][]vg.Point, marks []vg.Point, col color.RGBA) {
	halo := draw.LineStyle{Color: haloFor(col), Width: lineWidth + 2*haloWidth}
	line := draw.LineStyle{Color: col, Width: lineWidth}
	for _, l := range lines {
		strokeRound(c, halo, l)
	}
	for _, q := range marks {
		disc(c, halo.Color, q, stepRadius+haloWidth)
	}
	for _, l := range lines {
		strokeRound(c, line, l)
	}
	for _, q := range marks {
		disc(c, col, q, stepRadius)
	}
}

// strokeChunk is the number of segments stroked as one path. The raster
// behind vgimg slows down quadratically with the edges on one scan line, which
// a long zig-zag path piles up; short pieces keep it linear.
const strokeChunk = 4

// strokeRound strokes a polyline; vg has no round joins, so a disc at every
// vertex fills the notches a thick line leaves at sharp turns (and the seams
// between pieces).
func strokeRound(c draw.Canvas, sty draw.LineStyle, l []vg.Point) {
	c.SetLineStyle(sty)
	for i := 0; i < len(l)-1; i += strokeChunk {
		var path vg.Path
		path.Move(l[i])
		for _, q := range l[i+1 : min(len(l), i+strokeChunk+1)] {
			path.Line(q)
		}
		c.Stroke(path)
	}
	if len(l) > 2 {
		for _, q := range l[1 : len(l)-1] {
			disc(c, sty.Color, q, sty.Width/2)
		}
	}
}

func disc(c draw.Canvas, col color.Color, at vg.Point, r vg.Length) {
	var p vg.Path
	p.Move(vg.Point{X: at.X + r, Y: at.Y})
	p.Arc(at, r, 0, 2*math.Pi)
	p.Close()
	c.SetColor(col)
	c.Fill(p)
}

// ring marks a start point: a circle outlined in the path colour.
func ring(c *draw.Canvas, col color.RGBA, at vg.Point) {
	halo := haloFor(col)
	disc(*c, halo, at, ringRadius+lineWidth/2+haloWidth)
	disc(*c, col, at, ringRadius+lineWidth/2)
	disc(*c, halo, at, ringRadius-lineWidth/2)
}

// dot marks an end point: a disc of the path colour with an outline.
func dot(c *draw.Canvas, col color.RGBA, at vg.Point) {
	disc(*c, haloFor(col), at, dotRadius+haloWidth)
	disc(*c, col, at, dotRadius)
}

// star marks a known minimum: a white five-pointed star edged in black.
func star(c *draw.Canvas, _ color.RGBA, at vg.Point) {
	var p vg.Path
	for k := range 10 {
		r := vg.Length(starRadius)
		if k%2 == 1 {
			r *= 0.45
		}
		a := math.Pi/2 + float64(k)*math.Pi/5
		q := vg.Point{X: at.X + r*vg.Length(math.Cos(a)), Y: at.Y + r*vg.Length(math.Sin(a))}
		if k == 0 {
			p.Move(q)
		} else {
			p.Line(q)
		}
	}
	p.Close()
	c.SetColor(color.White)
	c.Fill(p)
	c.SetLineStyle(draw.LineStyle{Color: color.Black, Width: 1})
	c.Stroke(p)
}

type minimaPlotter struct{ m *contourMap }

func (mp minimaPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, q := range mp.m.f.Minima() {
		if inside(mp.m.win, q) {
			star(&c, color.RGBA{}, vg.Point{X: trX(q.X), Y: trY(q.Y)})
		}
	}
}

// pathThumb is the legend sample of a path: a line, with a step marker
// when the path has them.
type pathThumb struct {
	col   color.RGBA
	marks bool
}

func (t pathThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	l := []vg.Point{{X: c.Min.X + 2, Y: y}, {X: c.Max.X - 4, Y: y}}
	var marks []vg.Point
	if t.marks {
		marks = []vg.Point{c.Center()}
	}
	drawPolyline(*c, [][]vg.Point{l}, marks, t.col)
}

// glyphThumb is the legend sample of a marker, in grey.
type glyphThumb struct {
	draw func(*draw.Canvas, color.RGBA, vg.Point)
}

func (t glyphThumb) Thumbnail(c *draw.Canvas) { t.draw(c, markerGrey, c.Center()) }
