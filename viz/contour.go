package viz

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"math"

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
	// Width and Height are the picture size in pixels; zero means 800×700.
	// SVG output has the same size at 96 pixels per inch.
	Width, Height int
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
	if w == 0 {
		w = defaultWidth
	}
	if h == 0 {
		h = defaultHeight
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
	return render(w, format, m.width, m.height, func(c draw.Canvas) { m.draw(c, true) })
}

// MapFrame returns where Contour (format "png") and Animate put the data area
// of the map of f with these paths and options.
func MapFrame(f testfunc.Function, paths []Path, o Options) (Frame, error) {
	m, err := newMap(f, paths, o)
	if err != nil {
		return Frame{}, err
	}
	c := draw.New(m.imageCanvas())
	return m.frameOf(m.layout(c).data), nil
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
	legendPad  = 8   // points around the legend
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
	width, height, err := o.size()
	if err != nil {
		return nil, err
	}
	ts, err := prepare(paths)
	if err != nil {
		return nil, err
	}
	win, err := window(f, ts, o)
	if err != nil {
		return nil, err
	}
	m := &contourMap{f: f, tracks: ts, win: win, width: width, height: height}
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
	p.X.Label.Text, p.Y.Label.Text = "x", "y"
	p.X.Min, p.X.Max = win.XMin, win.XMax
	p.Y.Min, p.Y.Max = win.YMin, win.YMax
	m.plot = p

	for i, t := range ts {
		m.entries = append(m.entries, legendEntry{t.legendLabel(win), pathThumb{pathColor(i)}})
	}
	m.entries = append(m.entries, legendEntry{"start", glyphThumb{ring}}, legendEntry{"end", glyphThumb{dot}})
	if m.visibleMinima() > 0 {
		m.entries = append(m.entries, legendEntry{"minimum", glyphThumb{star}})
	}
	return m, nil
}

func styleAxes(p *plot.Plot) {
	p.Title.TextStyle.Font = font.From(sansFont, 13)
	p.Title.Padding = 8
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sansFont, 12)
		a.Tick.Label.Font = font.From(sansFont, 10)
		a.Padding = 0
		a.Tick.Marker = niceTicks{}
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
	l := buildLegend(m.entries, 0.35*c.Size().X-2*legendPad)
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
func buildLegend(es []legendEntry, maxW vg.Length) plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font = font.From(sansFont, 11)
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

// draw renders the map on c: background, bands, contour lines, minima, the
// paths when withPaths, axes and legend.
func (m *contourMap) draw(c draw.Canvas, withPaths bool) Frame {
	lay := m.layout(c)
	p := *m.plot // a fresh copy without plotters
	p.Add(bands{m})
	p.Add(contourLines{m})
	p.Add(minimaPlotter{m})
	if withPaths {
		p.Add(pathsPlotter{m})
	}
	p.Draw(lay.plot)
	// Draw the frame around the data area.
	lay.data.StrokeLines(draw.LineStyle{Color: color.Black, Width: 0.8}, []vg.Point{
		lay.data.Min, {X: lay.data.Max.X, Y: lay.data.Min.Y}, lay.data.Max,
		{X: lay.data.Min.X, Y: lay.data.Max.Y}, lay.data.Min,
	})
	lay.legendDraw.Draw(lay.legend)
	return m.frameOf(lay.data)
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

// pathsPlotter draws every path with its start and end markers.
type pathsPlotter struct{ m *contourMap }

func (pp pathsPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	m := pp.m
	trX, trY := p.Transforms(&c)
	toVG := func(q testfunc.Point) vg.Point { return vg.Point{X: trX(q.X), Y: trY(q.Y)} }
	for i, t := range m.tracks {
		col := pathColor(i)
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
		drawPolyline(c, lines, col)
	}
	for i, t := range m.tracks {
		col := pathColor(i)
		if len(t.pts) == 0 {
			continue
		}
		if s := t.pts[0]; inside(m.win, s) {
			ring(&c, col, toVG(s))
		}
		if e := t.pts[len(t.pts)-1]; len(t.pts) > 1 && inside(m.win, e) {
			dot(&c, col, toVG(e))
		}
	}
}

func drawPolyline(c draw.Canvas, lines [][]vg.Point, col color.RGBA) {
	if len(lines) == 0 {
		return
	}
	halo := draw.LineStyle{Color: haloFor(col), Width: lineWidth + 2*haloWidth}
	line := draw.LineStyle{Color: col, Width: lineWidth}
	for _, l := range lines {
		strokeRound(c, halo, l)
	}
	for _, l := range lines {
		strokeRound(c, line, l)
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

// pathThumb is the legend sample of a path: a line with its end dot.
type pathThumb struct{ col color.RGBA }

func (t pathThumb) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	l := []vg.Point{{X: c.Min.X + 2, Y: y}, {X: c.Max.X - 4, Y: y}}
	drawPolyline(*c, [][]vg.Point{l}, t.col)
}

// glyphThumb is the legend sample of a marker, in grey.
type glyphThumb struct {
	draw func(*draw.Canvas, color.RGBA, vg.Point)
}

func (t glyphThumb) Thumbnail(c *draw.Canvas) { t.draw(c, markerGrey, c.Center()) }
