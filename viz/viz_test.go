package viz

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descentlab/descent/testfunc"
)

func decodePNG(t *testing.T, b []byte, w, h int) image.Image {
	t.Helper()
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if cfg.Width != w || cfg.Height != h {
		t.Fatalf("PNG is %d×%d, want %d×%d", cfg.Width, cfg.Height, w, h)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func checkSVG(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatalf("no <svg> root: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "svg" {
				t.Fatalf("root element is <%s>, want <svg>", se.Name.Local)
			}
			return
		}
	}
}

func TestContourFormats(t *testing.T) {
	paths := gallery(rosenbrock{}, 100)
	for _, tc := range []struct {
		f    testfunc.Function
		o    Options
		w, h int
	}{
		{rosenbrock{}, Options{}, 800, 700},
		{himmelblau{}, Options{Width: 400, Height: 300, Title: "custom"}, 400, 300},
		{saddle{}, Options{Width: 1000, Height: 1000}, 1000, 1000},
	} {
		var b bytes.Buffer
		if err := Contour(&b, "png", tc.f, paths, tc.o); err != nil {
			t.Fatal(err)
		}
		decodePNG(t, b.Bytes(), tc.w, tc.h)
		b.Reset()
		if err := Contour(&b, "svg", tc.f, paths, tc.o); err != nil {
			t.Fatal(err)
		}
		checkSVG(t, b.Bytes())
	}
}

func TestContourNoPaths(t *testing.T) {
	var b bytes.Buffer
	if err := Contour(&b, "png", himmelblau{}, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	decodePNG(t, b.Bytes(), 800, 700)
}

// TestPixelMapping checks that MapFrame says where Contour draws: the pixel
// under a path's point has the path's colour, a pixel well off every path
// does not, and the start and end markers are where the frame puts them.
func TestPixelMapping(t *testing.T) {
	f := himmelblau{}
	// Two straight paths through open country, away from the legend.
	paths := []Path{
		{Label: "a", Points: []testfunc.Point{{X: -4, Y: -1}, {X: -2, Y: -1}, {X: -1, Y: 1}, {X: 1, Y: 1}}},
		{Label: "b", Points: []testfunc.Point{{X: 1, Y: -4}, {X: 1, Y: -2}, {X: 2, Y: -3}}},
	}
	o := Options{Width: 600, Height: 500}
	var b bytes.Buffer
	if err := Contour(&b, "png", f, paths, o); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b.Bytes(), 600, 500)
	fr, err := MapFrame(f, paths, o)
	if err != nil {
		t.Fatal(err)
	}
	if fr.Window != f.Window() {
		t.Fatalf("window %v, want the default %v", fr.Window, f.Window())
	}
	at := func(p testfunc.Point) color.RGBA {
		x, y := fr.Pixel(p)
		return color.RGBAModel.Convert(img.At(int(x), int(y))).(color.RGBA)
	}
	near := func(c, want color.RGBA) bool {
		d := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
		return d(c.R, want.R) < 40 && d(c.G, want.G) < 40 && d(c.B, want.B) < 40
	}
	cols := Colors([]string{"a", "b"})
	pathColor := func(i int) color.RGBA { return cols[i] }
	for i, p := range paths {
		pts := p.Points
		for k := 1; k < len(pts); k++ {
			// Points along each segment, away from the markers at the ends.
			for _, s := range []float64{0.3, 0.5, 0.7} {
				q := testfunc.Point{X: pts[k-1].X + s*(pts[k].X-pts[k-1].X), Y: pts[k-1].Y + s*(pts[k].Y-pts[k-1].Y)}
				if c := at(q); !near(c, pathColor(i)) {
					t.Errorf("path %d at %v: pixel colour %v, want the path colour %v", i, q, c, pathColor(i))
				}
			}
		}
		// The end dot is filled with the path colour; the start ring is
		// hollow, its centre the outline colour.
		if c := at(pts[len(pts)-1]); !near(c, pathColor(i)) {
			t.Errorf("path %d end: colour %v, want %v", i, c, pathColor(i))
		}
		if c := at(pts[0]); !near(c, haloFor(pathColor(i))) {
			t.Errorf("path %d start: colour %v, want the ring's centre %v", i, c, haloFor(pathColor(i)))
		}
	}
	for _, q := range []testfunc.Point{{X: -3, Y: 3}, {X: 4, Y: 4}, {X: -1, Y: -3}} {
		for i := range paths {
			if c := at(q); near(c, pathColor(i)) {
				t.Errorf("%v, far off the paths, has path %d's colour %v", q, i, c)
			}
		}
	}
	// Round trip and orientation: y grows downwards.
	x, y := fr.Pixel(testfunc.Point{X: 1.5, Y: -2.5})
	if p := fr.Point(x, y); math.Abs(p.X-1.5) > 1e-9 || math.Abs(p.Y+2.5) > 1e-9 {
		t.Errorf("Point(Pixel(1.5, -2.5)) = %v", p)
	}
	if !(fr.Left < fr.Right && fr.Top < fr.Bottom) || !fr.Rect().In(img.Bounds()) {
		t.Errorf("frame %+v does not fit the %v image", fr, img.Bounds())
	}
}

func TestWindowGrowth(t *testing.T) {
	f := rosenbrock{} // window x [-2, 2], y [-1, 3]
	def := f.Window()
	pts := func(ps ...testfunc.Point) []Path { return []Path{{Label: "p", Points: ps}} }
	for _, tc := range []struct {
		name  string
		paths []Path
		o     Options
		want  testfunc.Window
	}{
		{"inside", pts(testfunc.Point{X: 0, Y: 0}, testfunc.Point{X: 1, Y: 1}), Options{}, def},
		// x grows to 3, plus 5% of the new span [-2, 3].
		{"grow right", pts(testfunc.Point{X: 0, Y: 0}, testfunc.Point{X: 3, Y: 1}), Options{}, testfunc.Window{XMin: -2, XMax: 3.25, YMin: -1, YMax: 3}},
		// A runaway point is capped one default span (4) beyond the window.
		{"capped", pts(testfunc.Point{X: 0, Y: 0}, testfunc.Point{X: 1e9, Y: -1e9}), Options{}, testfunc.Window{XMin: -2, XMax: 6, YMin: -5, YMax: 3}},
		// Non-finite points stop the path and do not move the window.
		{"nan", pts(testfunc.Point{X: 0, Y: 0}, testfunc.Point{X: math.NaN(), Y: 1}, testfunc.Point{X: 50, Y: 1}), Options{}, def},
		{"override", pts(testfunc.Point{X: 0, Y: 0}, testfunc.Point{X: 3, Y: 1}), Options{XLim: &[2]float64{-1, 1}, YLim: &[2]float64{0, 2}}, testfunc.Window{XMin: -1, XMax: 1, YMin: 0, YMax: 2}},
		{"override x only", pts(testfunc.Point{X: 0, Y: 5}), Options{XLim: &[2]float64{-1, 1}}, testfunc.Window{XMin: -1, XMax: 1, YMin: -1, YMax: 5.3}},
	} {
		fr, err := MapFrame(f, tc.paths, tc.o)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		w := fr.Window
		if math.Abs(w.XMin-tc.want.XMin) > 1e-9 || math.Abs(w.XMax-tc.want.XMax) > 1e-9 ||
			math.Abs(w.YMin-tc.want.YMin) > 1e-9 || math.Abs(w.YMax-tc.want.YMax) > 1e-9 {
			t.Errorf("%s: window %+v, want %+v", tc.name, w, tc.want)
		}
	}
}

func TestDiverged(t *testing.T) {
	w := testfunc.Window{XMin: -1, XMax: 1, YMin: -1, YMax: 1}
	ts, err := prepare([]Path{
		{Label: "ok", Points: []testfunc.Point{{X: 0, Y: 0}, {X: 0.5, Y: 0.5}}},
		{Label: "nan", Points: []testfunc.Point{{X: 0, Y: 0}, {X: 0.5, Y: 0}, {X: math.Inf(1), Y: 0}, {X: 0, Y: 0}}},
		{Label: "huge", Points: []testfunc.Point{{X: 0, Y: 0}, {X: 1e200, Y: 0}}},
		{Label: "away", Points: []testfunc.Point{{X: 0, Y: 0}, {X: 5, Y: 0}}},
		{Label: "loss", Points: []testfunc.Point{{X: 0, Y: 0}, {X: 0, Y: 0}}, Loss: []float64{1, math.NaN()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		label string
		n     int
	}{{"ok", 2}, {"nan (diverged)", 2}, {"huge (diverged)", 1}, {"away (leaves the map)", 2}, {"loss (diverged)", 2}}
	for i, tr := range ts {
		if got := tr.legendLabel(w, wordsFor("en")); got != want[i].label || len(tr.pts) != want[i].n {
			t.Errorf("track %d: label %q with %d points, want %q with %d", i, got, len(tr.pts), want[i].label, want[i].n)
		}
	}
	// And it renders.
	var b bytes.Buffer
	paths := []Path{{Label: "nan", Points: []testfunc.Point{{X: 0, Y: 0}, {X: math.NaN(), Y: math.NaN()}}}, {Label: "first point bad", Points: []testfunc.Point{{X: math.Inf(-1), Y: 0}}}}
	for _, err := range []error{Contour(&b, "png", saddle{}, paths, Options{}), Animate(&b, saddle{}, paths, Options{}), Loss(&b, "png", gallery(saddle{}, 5), Options{})} {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestClipPolyline(t *testing.T) {
	w := testfunc.Window{XMin: 0, XMax: 1, YMin: 0, YMax: 1}
	got := clipPolyline(w, []testfunc.Point{{X: -1, Y: 0.5}, {X: 0.5, Y: 0.5}, {X: 0.5, Y: 2}, {X: 3, Y: 2}, {X: 0.5, Y: 0.25}})
	want := [][]testfunc.Point{{{X: 0, Y: 0.5}, {X: 0.5, Y: 0.5}, {X: 0.5, Y: 1}}, {{X: 1, Y: 0.6}, {X: 0.5, Y: 0.25}}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		for k := range want[i] {
			if math.Abs(got[i][k].X-want[i][k].X) > 1e-12 || math.Abs(got[i][k].Y-want[i][k].Y) > 1e-12 {
				t.Fatalf("got %v, want %v", got, want)
			}
		}
	}
}

func TestScale(t *testing.T) {
	for _, tc := range []struct {
		f         testfunc.Function
		log       bool
		symmetric bool
	}{
		{rosenbrock{}, true, false},
		{himmelblau{}, true, false},
		{saddle{}, false, true},
	} {
		w := tc.f.Window()
		s := chooseScale(tc.f, w, sample(tc.f, w, sampleSide))
		lv := s.levels
		if s.log != tc.log {
			t.Errorf("%s: log %v, want %v", tc.f.Name(), s.log, tc.log)
		}
		if sym := math.Abs(lv[0]+lv[len(lv)-1]) < 1e-9; sym != tc.symmetric {
			t.Errorf("%s: levels %v symmetric %v, want %v", tc.f.Name(), lv, sym, tc.symmetric)
		}
		for i := 1; i < len(lv); i++ {
			if !(lv[i] > lv[i-1]) {
				t.Fatalf("%s: levels not increasing: %v", tc.f.Name(), lv)
			}
		}
	}
}

func TestAnimate(t *testing.T) {
	for _, tc := range []struct {
		steps, frames int
	}{{300, 200}, {50, 50}, {1, 2}} {
		paths := gallery(rosenbrock{}, tc.steps-1)
		var b bytes.Buffer
		if err := Animate(&b, rosenbrock{}, paths, Options{Width: 500, Height: 400}); err != nil {
			t.Fatal(err)
		}
		g, err := gif.DecodeAll(&b)
		if err != nil {
			t.Fatalf("not a GIF: %v", err)
		}
		if g.LoopCount != 0 {
			t.Errorf("LoopCount %d, want 0 (forever)", g.LoopCount)
		}
		if len(g.Image) != tc.frames {
			t.Errorf("%d steps: %d frames, want %d", tc.steps, len(g.Image), tc.frames)
		}
		screen := image.Rect(0, 0, 500, 400)
		if g.Config.Width != 500 || g.Config.Height != 400 || g.Image[0].Bounds() != screen {
			t.Errorf("screen %d×%d, first frame %v; want 500×400 both", g.Config.Width, g.Config.Height, g.Image[0].Bounds())
		}
		total := 0
		for i, f := range g.Image {
			if !f.Bounds().In(screen) {
				t.Errorf("frame %d at %v is off the %v screen", i, f.Bounds(), screen)
			}
			total += g.Delay[i]
		}
		if last := g.Delay[len(g.Delay)-1]; last <= g.Delay[0] {
			t.Errorf("last frame delay %d not held longer than %d", last, g.Delay[0])
		}
		if tc.frames == 200 && (total < 500 || total > 1000) {
			t.Errorf("animation lasts %d cs, want 5–10 s", total)
		}
	}
}

// TestAnimateLastFrame checks that the played-out GIF ends on the full
// paths: the pixels under them are in the path colours, as in the PNG.
func TestAnimateLastFrame(t *testing.T) {
	f := himmelblau{}
	paths := []Path{
		{Label: "a", Points: []testfunc.Point{{X: -4, Y: -1}, {X: -2, Y: -1}, {X: -1, Y: 1}, {X: 1, Y: 1}}},
		{Label: "b", Points: []testfunc.Point{{X: 1, Y: -4}, {X: 1, Y: -2}, {X: 2, Y: -3}, {X: 2, Y: -3.5}}},
	}
	o := Options{Width: 600, Height: 500}
	frames := animateFrames(t, f, paths, o)
	fr, _ := MapFrame(f, paths, o)
	cols := Colors([]string{"a", "b"})
	pathColor := func(i int) color.RGBA { return cols[i] }
	for i, p := range paths {
		for k := 1; k < len(p.Points); k++ {
			a, c := p.Points[k-1], p.Points[k]
			q := testfunc.Point{X: (a.X + c.X) / 2, Y: (a.Y + c.Y) / 2}
			x, y := fr.Pixel(q)
			if got := frames[len(frames)-1].RGBAAt(int(x), int(y)); got != pathColor(i) {
				t.Errorf("path %d segment %d: last frame has %v, want %v", i, k, got, pathColor(i))
			}
			// In the first frame only the start ring is drawn.
			if got := frames[0].RGBAAt(int(x), int(y)); got == pathColor(i) {
				t.Errorf("path %d segment %d already drawn in the first frame", i, k)
			}
		}
	}
}

func TestLossChart(t *testing.T) {
	for _, paths := range [][]Path{gallery(rosenbrock{}, 200), gallery(saddle{}, 200), {{Label: "one", Loss: []float64{3}}}} {
		var b bytes.Buffer
		if err := Loss(&b, "png", paths, Options{}); err != nil {
			t.Fatal(err)
		}
		decodePNG(t, b.Bytes(), 800, 700)
		b.Reset()
		if err := Loss(&b, "svg", paths, Options{Width: 500, Height: 300}); err != nil {
			t.Fatal(err)
		}
		checkSVG(t, b.Bytes())
	}
}

func TestErrors(t *testing.T) {
	good := gallery(rosenbrock{}, 10)
	bad := func(s string) *[2]float64 {
		switch s {
		case "inverted":
			return &[2]float64{1, -1}
		case "empty":
			return &[2]float64{1, 1}
		}
		return &[2]float64{0, math.Inf(1)}
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"format", Contour(io.Discard, "jpg", rosenbrock{}, good, Options{}), `"jpg"`},
		{"loss format", Loss(io.Discard, "gif", good, Options{}), `"gif"`},
		{"XLim inverted", Contour(io.Discard, "png", rosenbrock{}, good, Options{XLim: bad("inverted")}), "XLim [1, -1]"},
		{"YLim empty", Animate(io.Discard, rosenbrock{}, good, Options{YLim: bad("empty")}), "YLim [1, 1]"},
		{"XLim inf", Loss(io.Discard, "png", good, Options{XLim: bad("inf")}), "XLim"},
		{"bad window", Contour(io.Discard, "png", badWindow{}, good, Options{}), "window of saddle has x range [1, 1]"},
		{"size", Contour(io.Discard, "png", rosenbrock{}, good, Options{Width: 10}), "10×700"},
		{"no points", Contour(io.Discard, "png", rosenbrock{}, []Path{{Label: "x"}}, Options{}), `("x") has no points`},
		{"lengths", Contour(io.Discard, "png", rosenbrock{}, []Path{{Label: "x", Points: []testfunc.Point{{}}, Loss: []float64{1, 2}}}, Options{}), "1 points but 2 loss"},
		{"no loss", Loss(io.Discard, "png", []Path{{Label: "x", Points: []testfunc.Point{{}}}}, Options{}), `("x") has no loss`},
		{"no paths", Loss(io.Discard, "png", nil, Options{}), "no paths"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, tc.err, tc.want)
		}
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "map.png")
	if err := WriteFile(path, func(w io.Writer) error { return Contour(w, "png", rosenbrock{}, nil, Options{}) }); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	decodePNG(t, b, 800, 700)

	// A failing writer leaves the old file and no temporary file.
	boom := errors.New("boom")
	err = WriteFile(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want boom", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, b) {
		t.Error("the old file changed")
	}
	// A failing first write leaves no file at all.
	fresh := filepath.Join(dir, "new.svg")
	if err := WriteFile(fresh, func(w io.Writer) error { return Contour(w, "svg", rosenbrock{}, nil, Options{Width: 1}) }); err == nil {
		t.Fatal("no error for a bad size")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != "map.png" {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want only map.png", names)
	}
	if err := WriteFile(filepath.Join(dir, "no", "such", "dir.png"), func(io.Writer) error { return nil }); err == nil {
		t.Error("no error for a missing folder")
	}
}

func TestFormatOf(t *testing.T) {
	for _, tc := range []struct{ path, want, err string }{
		{"a.png", "png", ""}, {"dir.x/b.SVG", "svg", ""}, {"c.Gif", "gif", ""}, {"d.csv", "csv", ""},
		{"e.jpg", "", `".jpg"`}, {"f", "", "no extension"}, {"g.png.txt", "", `".txt"`},
	} {
		got, err := FormatOf(tc.path)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("FormatOf(%q) = %q, %v; want %q, error with %q", tc.path, got, err, tc.want, tc.err)
		}
		if err != nil && !strings.Contains(err.Error(), ".png, .svg, .gif or .csv") {
			t.Errorf("FormatOf(%q) error %q does not list the allowed extensions", tc.path, err)
		}
	}
}
