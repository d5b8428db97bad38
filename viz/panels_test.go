package viz

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg/draw"

	"github.com/descentlab/descent/testfunc"
)

// line is a path of n steps along y = y0 from x0 to x1.
func line(label string, x0, x1, y0 float64, n int) Path {
	p := Path{Label: label}
	for k := 0; k <= n; k++ {
		p.Points = append(p.Points, testfunc.Point{X: x0 + (x1-x0)*float64(k)/float64(n), Y: y0})
	}
	return p
}

func renderPNG(t *testing.T, f testfunc.Function, paths []Path, o Options) (image.Image, []Frame) {
	t.Helper()
	var b bytes.Buffer
	if err := Contour(&b, "png", f, paths, o); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	frs, err := PanelFrames(f, paths, o)
	if err != nil {
		t.Fatal(err)
	}
	return img, frs
}

func rgbaAt(img image.Image, x, y float64) color.RGBA {
	return color.RGBAModel.Convert(img.At(int(x), int(y))).(color.RGBA)
}

func near(c, want color.RGBA) bool {
	d := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
	return d(c.R, want.R) < 40 && d(c.G, want.G) < 40 && d(c.B, want.B) < 40
}

// The grid draws one panel per path, in a square-ish grid on one window:
// each path is in its own panel and in no other.
func TestGridPanels(t *testing.T) {
	f := himmelblau{}
	paths := []Path{
		line("gd:lr=0.1", -4, -1, -1, 100), line("momentum:lr=0.1", -4, -1, -1, 100),
		line("adagrad:lr=1", -4, -1, -1, 100), line("adam:lr=0.3", -4, -1, -1, 100),
	}
	img, frs := renderPNG(t, f, paths, Options{Layout: "grid"})
	if b := img.Bounds(); b.Dx() != 2*panelWidth || b.Dy() != 2*panelHeight+gridTitle {
		t.Fatalf("4 panels: picture %v, want 2×2 panels of %d×%d plus a %d px title row", b, panelWidth, panelHeight, gridTitle)
	}
	if len(frs) != 4 {
		t.Fatalf("%d panel frames, want 4", len(frs))
	}
	cols := Colors([]string{paths[0].Label, paths[1].Label, paths[2].Label, paths[3].Label})
	for i, fr := range frs {
		if fr.Window != frs[0].Window {
			t.Errorf("panel %d shows %v, panel 0 %v: want the same window", i, fr.Window, frs[0].Window)
		}
		if w, h := fr.Right-fr.Left, fr.Bottom-fr.Top; math.Abs(w-(frs[0].Right-frs[0].Left)) > 0.5 || math.Abs(h-(frs[0].Bottom-frs[0].Top)) > 0.5 {
			t.Errorf("panel %d data area %g×%g differs from panel 0's", i, w, h)
		}
		for j := range frs {
			if j != i && fr.Rect().Overlaps(frs[j].Rect()) {
				t.Errorf("panels %d and %d overlap: %v, %v", i, j, fr.Rect(), frs[j].Rect())
			}
		}
		// Half-way between two steps, away from the markers.
		x, y := fr.Pixel(testfunc.Point{X: -2.515, Y: -1})
		for j, c := range cols {
			if got := rgbaAt(img, x, y); near(got, c) != (i == j) {
				t.Errorf("panel %d: pixel %v; path %d's colour %v should be there only when i == j", i, got, j, c)
			}
		}
	}
	for _, tc := range []struct{ n, cols, rows int }{{1, 1, 1}, {2, 2, 1}, {3, 2, 2}, {5, 3, 2}, {6, 3, 2}, {7, 3, 3}} {
		if c, r := gridShape(tc.n); c != tc.cols || r != tc.rows {
			t.Errorf("gridShape(%d) = %d×%d, want %d×%d", tc.n, c, r, tc.cols, tc.rows)
		}
	}
}

// A path of few steps has a marker at each step, wider than its line; a long
// one has none. The probe sits just outside the line, beside each vertex.
func TestStepMarkers(t *testing.T) {
	f := himmelblau{}
	for _, tc := range []struct {
		steps int
		marks bool
	}{{6, true}, {markerSteps, true}, {markerSteps + 6, false}} {
		p := line("adam:lr=0.1", -4.5, 1.5, -4, tc.steps)
		img, frs := renderPNG(t, f, []Path{p}, Options{})
		col := Colors([]string{p.Label})[0]
		off := px(lineWidth/2) + 1 // below the line, on its outline, inside a marker
		if off >= px(stepRadius) {
			t.Fatalf("probe %g px is outside the %g px marker", off, px(stepRadius))
		}
		for k := 1; k < len(p.Points)-1; k++ {
			if tc.steps > 10 && k%6 != 0 {
				continue
			}
			x, y := frs[0].Pixel(p.Points[k])
			if got := near(rgbaAt(img, x, y+off), col); got != tc.marks {
				t.Errorf("%d steps, step %d: path colour beside the line = %v, want %v", tc.steps, k, got, tc.marks)
			}
		}
	}
}

// The minimum's star is drawn above a path that runs through it, in the
// picture and in the GIF's last frame.
func TestMinimumAbovePaths(t *testing.T) {
	f := himmelblau{} // a minimum at (3, 2)
	paths := []Path{line("gd:lr=0.1", 1, 4.5, 2, 200)}
	for _, layout := range []string{"overlay", "grid"} {
		o := Options{Layout: layout}
		img, frs := renderPNG(t, f, paths, o)
		x, y := frs[0].Pixel(testfunc.Point{X: 3, Y: 2})
		if got := rgbaAt(img, x, y); got != (color.RGBA{255, 255, 255, 255}) {
			t.Errorf("%s: the minimum's pixel is %v, want the star's white", layout, got)
		}
		frames := animateFrames(t, f, paths, o)
		if got := frames[len(frames)-1].RGBAAt(int(x), int(y)); got != (color.RGBA{255, 255, 255, 255}) {
			t.Errorf("%s GIF: the minimum's pixel in the last frame is %v, want white", layout, got)
		}
		// And the path is there beside it.
		xs, ys := frs[0].Pixel(testfunc.Point{X: 4.2, Y: 2})
		if got := frames[len(frames)-1].RGBAAt(int(xs), int(ys)); got != Colors([]string{"gd"})[0] {
			t.Errorf("%s GIF: the path beside the minimum is %v", layout, got)
		}
	}
}

// titleInk returns the dark pixels of the title row of a map of f, as a
// string of 0s and 1s.
func titleInk(t *testing.T, title string) (string, int) {
	img, frs := renderPNG(t, himmelblau{}, nil, Options{Title: title})
	var b strings.Builder
	n := 0
	for y := 0; y < int(frs[0].Top)-2; y++ {
		for x := int(frs[0].Left); x < int(frs[0].Right); x++ {
			c := rgbaAt(img, float64(x), float64(y))
			if int(c.R)+int(c.G)+int(c.B) < 3*128 {
				b.WriteByte('1')
				n++
			} else {
				b.WriteByte('0')
			}
		}
	}
	return b.String(), n
}

// A Japanese title is drawn: the title row has ink, and two different titles
// of the same length differ (missing glyphs would draw the same boxes).
func TestJapaneseTitle(t *testing.T) {
	a, na := titleInk(t, "楕円の谷")
	b, nb := titleInk(t, "学習率η")
	if na < 100 || nb < 100 {
		t.Fatalf("Japanese titles drew %d and %d dark pixels, want a real title", na, nb)
	}
	if a == b {
		t.Fatal("two different Japanese titles drew the same pixels")
	}
	// A character no font here has is an error naming it, never dropped.
	var buf bytes.Buffer
	err := Contour(&buf, "png", himmelblau{}, nil, Options{Title: "谷 💨"})
	if err == nil || !strings.Contains(err.Error(), "💨") {
		t.Fatalf("title with an emoji: error %v, want one naming 💨", err)
	}
	// Japanese words of the legend and the loss chart's labels render too.
	p := line("adam:lr=0.1", -4, 1, -1, 5)
	p.Loss = make([]float64, len(p.Points))
	for i := range p.Loss {
		p.Loss[i] = float64(10 - i)
	}
	if err := Contour(&buf, "png", himmelblau{}, []Path{p}, Options{Lang: "ja"}); err != nil {
		t.Fatal(err)
	}
	if err := Loss(&buf, "png", []Path{p}, Options{Lang: "ja"}); err != nil {
		t.Fatal(err)
	}
	if err := Contour(&buf, "png", himmelblau{}, nil, Options{Lang: "fr"}); err == nil || !strings.Contains(err.Error(), `"fr"`) {
		t.Fatalf("Lang fr: error %v, want one naming it", err)
	}
}

// Every GIF frame shows the step counter, and it changes as the steps go.
func TestStepCounter(t *testing.T) {
	f := himmelblau{}
	paths := []Path{line("gd:lr=0.1", -4, 1, -1, 30), line("adam:lr=0.1", -4, 1, -3, 30)}
	for _, o := range []Options{{}, {Layout: "grid"}, {Lang: "ja"}} {
		m, err := newMap(f, paths, o)
		if err != nil {
			t.Fatal(err)
		}
		box := m.draw(drawNew(m), false, false).counter
		frames := animateFrames(t, f, paths, o)
		ink := func(img *image.RGBA) string {
			var s strings.Builder
			for y := box.Min.Y; y < box.Max.Y; y++ {
				for x := box.Min.X; x < box.Max.X; x++ {
					if c := img.RGBAAt(x, y); int(c.R)+int(c.G)+int(c.B) < 3*100 {
						s.WriteByte('1')
					} else {
						s.WriteByte('0')
					}
				}
			}
			return s.String()
		}
		var prev string
		for k, fr := range frames {
			s := ink(fr)
			if n := strings.Count(s, "1"); n < 40 {
				t.Fatalf("%+v: frame %d has %d dark pixels in the counter box %v", o, k, n, box)
			}
			if k > 0 && s == prev {
				t.Errorf("%+v: frame %d's counter equals frame %d's", o, k, k-1)
			}
			prev = s
		}
	}
}

// Each method has one colour whatever its place in the list, in maps and
// charts alike; a second run of a method gets a spare colour.
func TestFixedColors(t *testing.T) {
	a := Colors([]string{"adam:lr=0.3", "gd:lr=0.95", "newton"})
	b := Colors([]string{"newton", "gd:lr=0.1 (diverged at step 3)", "adam"})
	if a[0] != b[2] || a[1] != b[1] || a[2] != b[0] {
		t.Fatalf("colours depend on order: %v vs %v", a, b)
	}
	if a[0] != methodColors["adam"] || a[1] != methodColors["gd"] {
		t.Fatalf("adam %v, gd %v: want the table's", a[0], a[1])
	}
	c := Colors([]string{"adam", "adam:variant=note", "foo", "gd"})
	seen := map[color.RGBA]int{}
	for i, x := range c {
		if j, ok := seen[x]; ok {
			t.Errorf("labels %d and %d share colour %v", j, i, x)
		}
		seen[x] = i
	}
	// Spares look like no method: the second adam is not another method's colour.
	for _, x := range c[1:3] {
		for m, mc := range methodColors {
			if x == mc {
				t.Errorf("spare colour %v is %s's", x, m)
			}
		}
	}
	// The picture uses them: adam's pixels are magenta with adam listed second.
	f := himmelblau{}
	paths := []Path{line("gd:lr=0.1", -4, -1, 3, 100), line("adam:lr=0.1", -4, -1, -1, 100)}
	img, frs := renderPNG(t, f, paths, Options{})
	x, y := frs[0].Pixel(testfunc.Point{X: -2.515, Y: -1})
	if got := rgbaAt(img, x, y); !near(got, methodColors["adam"]) {
		t.Errorf("adam's path is %v, want %v", got, methodColors["adam"])
	}
}

func drawNew(m *contourMap) draw.Canvas { return draw.New(m.imageCanvas()) }

// animateFrames animates paths on f and returns the frames as a viewer
// sees them.
func animateFrames(t *testing.T, f testfunc.Function, paths []Path, o Options) []*image.RGBA {
	t.Helper()
	var b bytes.Buffer
	if err := Animate(&b, f, paths, o); err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(&b)
	if err != nil {
		t.Fatal(err)
	}
	return composite(g)
}
