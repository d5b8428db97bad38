package viz

import (
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"io"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/descentlab/descent/testfunc"
)

const (
	maxFrames = 200 // frames in an animation, at most
	totalCS   = 600 // the animation lasts about this many centiseconds …
	minDelay  = 3   // … with each frame shown this long at least (browsers slow down delays under 2)
	maxDelay  = 10  // … and at most
	holdDelay = 250 // the last frame stays this long before the loop restarts
)

// Animate writes an animated GIF of the map drawn by Contour, with all paths
// growing together from their start points, looping forever.
//
// A run of n steps gets min(n, 200) frames: frame k shows the steps up to
// round(k·(n−1)/(frames−1)), so long runs are subsampled evenly and the last
// frame shows the last step. The animation lasts about six seconds, and its
// last frame is held for 2.5 seconds.
//
// The map is rendered once; the paths are drawn on it in pixel space through
// the map's Frame, without anti-aliasing, in the GIF's single palette (the
// reserved path colours plus the map's most frequent colours). After the first,
// each frame holds only the rectangle that changed, its unchanged pixels
// transparent, and is drawn over the previous one (GIF disposal "none"):
// the frames' bounds are therefore smaller than the picture.
func Animate(w io.Writer, f testfunc.Function, paths []Path, o Options) error {
	m, err := newMap(f, paths, o)
	if err != nil {
		return err
	}
	face, err := counterFace()
	if err != nil {
		return err
	}
	c := m.imageCanvas()
	dc := draw.New(c)
	d := m.draw(dc, false, false)
	plain := cloneRGBA(toRGBA(c.Image()))
	m.drawMinima(dc, d.frames)
	bg := toRGBA(c.Image())

	// Reserved colours: transparency, each path's colour and outline, and
	// the counter's ink.
	reserved := []color.Color{color.RGBA{}}
	slot := map[color.RGBA]uint8{}
	use := func(c color.RGBA) uint8 {
		if i, ok := slot[c]; ok {
			return i
		}
		slot[c] = uint8(len(reserved))
		reserved = append(reserved, c)
		return slot[c]
	}
	a := &animator{m: m, frs: d.frames, face: face}
	for _, t := range m.tracks {
		a.core = append(a.core, use(t.col))
		a.halo = append(a.halo, use(haloFor(t.col)))
	}
	a.ink = [3]uint8{use(color.RGBA{0xff, 0xff, 0xff, 255}), use(color.RGBA{0x90, 0x90, 0x90, 255}), use(color.RGBA{0, 0, 0, 255})}
	q := newQuantizer(bg, reserved)
	a.lines = q.paletted(bg)
	size := a.lines.Bounds()
	a.mask = make([]bool, len(a.lines.Pix))
	a.next = image.NewPaletted(size, q.pal)
	a.screen = image.NewPaletted(size, q.pal)
	a.done = make([]int, len(m.tracks))
	for _, fr := range d.frames {
		a.clips = append(a.clips, fr.Rect().Intersect(size))
	}
	a.counter = d.counter.Intersect(size)
	// The minima stay above the paths: their pixels are painted back after
	// every frame's lines.
	for k := 0; k < len(plain.Pix); k += 4 {
		if plain.Pix[k] != bg.Pix[k] || plain.Pix[k+1] != bg.Pix[k+1] || plain.Pix[k+2] != bg.Pix[k+2] {
			a.starAt = append(a.starAt, k/4)
			a.starIdx = append(a.starIdx, a.lines.Pix[k/4])
		}
	}

	maxLen := 1
	for _, p := range paths {
		maxLen = max(maxLen, len(p.Points))
	}
	a.steps = maxLen - 1
	nf := max(2, min(maxFrames, maxLen))
	delay := max(minDelay, min(maxDelay, totalCS/nf))
	g := &gif.GIF{
		Config:    image.Config{ColorModel: q.pal, Width: size.Dx(), Height: size.Dy()},
		LoopCount: 0,
	}
	for k := range nf {
		step := (k*(maxLen-1) + (nf-1)/2) / (nf - 1)
		img := a.frame(step, k == 0)
		g.Image = append(g.Image, img)
		g.Delay = append(g.Delay, delay)
		g.Disposal = append(g.Disposal, gif.DisposalNone)
	}
	g.Delay[nf-1] = holdDelay
	return gif.EncodeAll(w, g)
}

// drawMinima stars the known minima inside the window on every distinct
// frame of c.
func (m *contourMap) drawMinima(c draw.Canvas, frames []Frame) {
	for i, fr := range frames {
		if i > 0 && fr == frames[i-1] {
			continue
		}
		for _, q := range m.f.Minima() {
			if inside(m.win, q) {
				x, y := fr.Pixel(q)
				star(&c, color.RGBA{}, vg.Point{X: pt(x), Y: pt(float64(m.height) - y)})
			}
		}
	}
}

func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Bounds().Min == (image.Point{}) {
		return r
	}
	b := img.Bounds()
	r := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			r.Set(x, y, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return r
}

func cloneRGBA(img *image.RGBA) *image.RGBA {
	c := *img
	c.Pix = append([]uint8(nil), img.Pix...)
	return &c
}

// animator draws the growing paths frame by frame.
type animator struct {
	m          *contourMap
	frs        []Frame           // per track, the data area it is drawn in
	clips      []image.Rectangle // per track, that area in pixels
	core, halo []uint8           // palette index of each track's colour and outline
	ink        [3]uint8          // white, grey and black, for the counter
	lines      *image.Paletted   // the map with the paths drawn so far
	mask       []bool            // pixels of lines holding a path's core colour
	next       *image.Paletted   // scratch: lines plus this frame's end markers
	screen     *image.Paletted   // what a viewer shows after the previous frame
	done       []int             // per track, the segments drawn into lines
	heads      image.Rectangle   // where the previous frame's end markers were
	starAt     []int             // pixels of the minima's stars, painted back over paths
	starIdx    []uint8           // their palette indices
	counter    image.Rectangle   // the step counter's box
	face       font.Face
	steps      int // the longest path's steps, for the counter
}

// pixel radii of the line, its outline and the markers.
func px(ptLen float64) float64 { return ptLen * dpi / 72 }

// frame draws the paths up to step and returns the frame to show: the whole
// picture when first, else the changed rectangle with unchanged pixels
// transparent.
func (a *animator) frame(step int, first bool) *image.Paletted {
	r := &raster{img: a.lines}
	dirty := a.drawSegments(r, a.newSegments(step))
	a.drawStartRings(r)
	a.restoreStars(a.lines)

	// End markers go on a copy, so the next frame can take them away.
	r.img = a.next
	hs, heads := a.headsAt(r, step)
	if first {
		dirty = a.lines.Bounds()
	}
	dirty = dirty.Union(heads).Union(a.heads).Union(a.counter)
	a.heads = heads
	for y := dirty.Min.Y; y < dirty.Max.Y; y++ {
		o := a.lines.PixOffset(dirty.Min.X, y)
		copy(a.next.Pix[o:o+dirty.Dx()], a.lines.Pix[o:o+dirty.Dx()])
	}
	for _, h := range hs {
		r.clip = a.clips[h.t]
		r.disc(h.x, h.y, px(dotRadius+haloWidth), r.fill(a.halo[h.t]))
		r.disc(h.x, h.y, px(dotRadius), r.fill(a.core[h.t]))
	}
	a.restoreStars(a.next)
	a.drawCounter(step)

	if first {
		copy(a.screen.Pix, a.next.Pix)
		out := image.NewPaletted(a.next.Bounds(), a.next.Palette)
		copy(out.Pix, a.next.Pix)
		return out
	}
	return a.changedSince(dirty)
}

// seg is a path's segment in pixels, new in a frame.
type seg struct {
	ax, ay, bx, by float64
	t              int
	mark           bool // a step marker at b
}

// newSegments returns the segments of every path up to step not drawn yet,
// clipped to the window, and marks them drawn.
func (a *animator) newSegments(step int) []seg {
	var segs []seg
	for t, tr := range a.m.tracks {
		end := min(step, len(tr.pts)-1)
		marks := len(tr.pts)-1 <= markerSteps
		for j := a.done[t]; j < end; j++ {
			c, d, ok := clipSegment(a.m.win, tr.pts[j], tr.pts[j+1])
			if !ok {
				continue
			}
			ax, ay := a.frs[t].Pixel(c)
			bx, by := a.frs[t].Pixel(d)
			segs = append(segs, seg{ax, ay, bx, by, t, marks && d == tr.pts[j+1]})
		}
		a.done[t] = max(a.done[t], end)
	}
	return segs
}

// drawSegments draws segs onto a.lines and returns the rectangle they
// cover: all outlines first, then all lines, so no outline covers a line.
func (a *animator) drawSegments(r *raster, segs []seg) image.Rectangle {
	dirty := image.Rectangle{}
	bbox := func(x0, x1, y int) { dirty = dirty.Union(image.Rect(x0, y, x1, y+1)) }
	lineR, haloR := px(lineWidth/2), px(lineWidth/2+haloWidth)
	markR, markHaloR := px(stepRadius), px(stepRadius+haloWidth)
	stride := a.lines.Stride
	for _, s := range segs {
		idx := a.halo[s.t]
		r.clip = a.clips[s.t]
		under := func(x0, x1, y int) {
			bbox(x0, x1, y)
			for x := x0; x < x1; x++ {
				if !a.mask[y*stride+x] {
					a.lines.Pix[y*stride+x] = idx
				}
			}
		}
		r.capsule(s.ax, s.ay, s.bx, s.by, haloR, under)
		if s.mark {
			r.disc(s.bx, s.by, markHaloR, under)
		}
	}
	for _, s := range segs {
		idx := a.core[s.t]
		r.clip = a.clips[s.t]
		over := func(x0, x1, y int) {
			for x := x0; x < x1; x++ {
				a.lines.Pix[y*stride+x] = idx
				a.mask[y*stride+x] = true
			}
		}
		r.capsule(s.ax, s.ay, s.bx, s.by, lineR, over)
		if s.mark {
			r.disc(s.bx, s.by, markR, over)
		}
	}
	return dirty
}

// drawStartRings paints the start rings, which stay on top of the lines.
// Repainting them is idempotent, so they only change pixels a new segment
// covered, inside the dirty rectangle.
func (a *animator) drawStartRings(r *raster) {
	for t, tr := range a.m.tracks {
		if len(tr.pts) == 0 {
			continue
		}
		if s := tr.pts[0]; inside(a.m.win, s) {
			r.clip = a.clips[t]
			x, y := a.frs[t].Pixel(s)
			r.disc(x, y, px(ringRadius+lineWidth/2+haloWidth), r.fill(a.halo[t]))
			r.disc(x, y, px(ringRadius+lineWidth/2), r.fill(a.core[t]))
			r.disc(x, y, px(ringRadius-lineWidth/2), r.fill(a.halo[t]))
		}
	}
}

// head is a path's end marker in a frame.
type head struct {
	x, y float64
	t    int
}

// headsAt returns the end markers of the paths at step, inside the window,
// and the rectangle they cover on r.
func (a *animator) headsAt(r *raster, step int) ([]head, image.Rectangle) {
	heads := image.Rectangle{}
	headBox := func(x0, x1, y int) { heads = heads.Union(image.Rect(x0, y, x1, y+1)) }
	var hs []head
	for t, tr := range a.m.tracks {
		end := min(step, len(tr.pts)-1)
		if end <= 0 || !inside(a.m.win, tr.pts[end]) {
			continue
		}
		x, y := a.frs[t].Pixel(tr.pts[end])
		r.clip = a.clips[t]
		r.disc(x, y, px(dotRadius+haloWidth), headBox)
		hs = append(hs, head{x, y, t})
	}
	return hs, heads
}

// changedSince returns the pixels of a.next within dirty that differ from
// a.screen, in their bounding rectangle with the others transparent, and
// copies them to a.screen.
func (a *animator) changedSince(dirty image.Rectangle) *image.Paletted {
	// Shrink dirty to the pixels that really changed.
	x0, y0, x1, y1 := dirty.Max.X, dirty.Max.Y, dirty.Min.X, dirty.Min.Y
	for y := dirty.Min.Y; y < dirty.Max.Y; y++ {
		o := a.next.PixOffset(0, y)
		next, screen := a.next.Pix[o:o+dirty.Max.X], a.screen.Pix[o:o+dirty.Max.X]
		for x := dirty.Min.X; x < dirty.Max.X; x++ {
			if next[x] != screen[x] {
				x0, x1 = min(x0, x), max(x1, x+1)
				y0, y1 = min(y0, y), y+1
			}
		}
	}
	changed := image.Rect(x0, y0, x1, y1)
	if x0 >= x1 {
		changed = image.Rectangle{}
	}
	if changed.Empty() {
		// Nothing moved: one transparent pixel keeps the frame's timing.
		changed = image.Rect(0, 0, 1, 1)
	}
	out := image.NewPaletted(changed, a.next.Palette)
	for y := changed.Min.Y; y < changed.Max.Y; y++ {
		o := a.next.PixOffset(changed.Min.X, y)
		next, screen := a.next.Pix[o:o+changed.Dx()], a.screen.Pix[o:o+changed.Dx()]
		dst := out.Pix[out.PixOffset(changed.Min.X, y):]
		for x, v := range next {
			if v != screen[x] {
				dst[x] = v
				screen[x] = v
			}
		}
	}
	return out
}

// restoreStars paints the minima's stars back over whatever covered them.
func (a *animator) restoreStars(img *image.Paletted) {
	for k, o := range a.starAt {
		img.Pix[o] = a.starIdx[k]
	}
}

// drawCounter writes "step k / n" into the counter box of a.next, in black,
// grey and white (the GIF has no room for anti-aliasing).
func (a *animator) drawCounter(step int) {
	box := a.counter
	if box.Empty() {
		return
	}
	txt := fmt.Sprintf(a.m.words.counter, step, a.steps)
	ink := image.NewAlpha(image.Rect(0, 0, box.Dx(), box.Dy()))
	d := font.Drawer{Dst: ink, Src: image.Opaque, Face: a.face}
	asc := a.face.Metrics().Ascent.Ceil()
	d.Dot = fixed.P(2, (box.Dy()+asc)/2-1)
	d.DrawString(txt)
	for y := range box.Dy() {
		row := a.next.Pix[a.next.PixOffset(box.Min.X, box.Min.Y+y):]
		for x := range box.Dx() {
			switch v := ink.Pix[y*ink.Stride+x]; {
			case v > 170:
				row[x] = a.ink[2]
			case v > 70:
				row[x] = a.ink[1]
			}
		}
	}
}

// counterFace is the face of the step counter: the Japanese gothic, which
// has Latin letters and digits too, at 14 pixels.
func counterFace() (font.Face, error) {
	f, err := registerJP()
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: 14, DPI: 72})
}
