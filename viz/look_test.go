package viz

import (
	"bytes"
	"fmt"
	"github.com/descentlab/descent/testfunc"
	"image"
	"image/draw"
	"image/gif"
	"image/png"
	"io"
	"os"
	"testing"
	"time"
)

// TestLook writes sample pictures to $VIZ_LOOK (skipped when unset) for a
// person to inspect.
func TestLook(t *testing.T) {
	dir := os.Getenv("VIZ_LOOK")
	if dir == "" {
		t.Skip("set VIZ_LOOK=dir to write sample pictures")
	}
	type job struct {
		name  string
		write func(io.Writer) error
	}
	var jobs []job
	for _, name := range []string{"rosenbrock", "himmelblau", "saddle", "beale", "rastrigin"} {
		f, err := testfunc.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		paths := gallery(f, 300)
		jobs = append(jobs,
			job{name + ".png", func(w io.Writer) error { return Contour(w, "png", f, paths, Options{}) }},
			job{name + ".svg", func(w io.Writer) error { return Contour(w, "svg", f, paths, Options{}) }},
			job{name + ".gif", func(w io.Writer) error { return Animate(w, f, paths, Options{}) }},
			job{name + "-loss.png", func(w io.Writer) error { return Loss(w, "png", paths, Options{}) }},
		)
	}
	for _, j := range jobs {
		start := time.Now()
		if err := WriteFile(dir+"/"+j.name, j.write); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %v", j.name, time.Since(start))
	}
}

// TestLookFrames writes frames of $VIZ_LOOK/*.gif, composited, as PNGs.
func TestLookFrames(t *testing.T) {
	dir := os.Getenv("VIZ_LOOK")
	if dir == "" {
		t.Skip("set VIZ_LOOK=dir to write sample pictures")
	}
	for _, name := range []string{"rosenbrock", "himmelblau"} {
		r, err := os.Open(dir + "/" + name + ".gif")
		if err != nil {
			t.Fatal(err)
		}
		g, err := gif.DecodeAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		frames := composite(g)
		for _, k := range []int{0, len(frames) / 4, len(frames) - 1} {
			out, _ := os.Create(fmt.Sprintf("%s/%s-frame%03d.png", dir, name, k))
			png.Encode(out, frames[k])
			out.Close()
		}
	}
}

// TestLookAll tiles the map of every testfunc function, with a gallery of
// runs from its start point, into $VIZ_LOOK/all.png.
func TestLookAll(t *testing.T) {
	dir := os.Getenv("VIZ_LOOK")
	if dir == "" {
		t.Skip("set VIZ_LOOK=dir to write sample pictures")
	}
	names := testfunc.Names()
	const w, h, cols = 560, 480, 4
	rows := (len(names) + cols - 1) / cols
	all := image.NewRGBA(image.Rect(0, 0, cols*w, rows*h))
	for i, name := range names {
		f, err := testfunc.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		paths := []Path{
			run(f, "gd", 1e-3, 0, false, 300),
			run(f, "momentum", 1e-3, 0.9, false, 300),
			run(f, "adam", 0.05, 0, true, 300),
		}
		var b bytes.Buffer
		start := time.Now()
		if err := Contour(&b, "png", f, paths, Options{Width: w, Height: h}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %v", name, time.Since(start))
		img, err := png.Decode(&b)
		if err != nil {
			t.Fatal(err)
		}
		r := image.Rect((i%cols)*w, (i/cols)*h, (i%cols+1)*w, (i/cols+1)*h)
		draw.Draw(all, r, img, image.Point{}, draw.Src)
	}
	out, err := os.Create(dir + "/all.png")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, all); err != nil {
		t.Fatal(err)
	}
}
