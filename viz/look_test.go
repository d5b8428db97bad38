package viz

import (
	"fmt"
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
	rp := gallery(rosenbrock{}, 300)
	hp := gallery(himmelblau{}, 300)
	sp := gallery(saddle{}, 300)
	jobs := []job{
		{"rosenbrock.png", func(w io.Writer) error { return Contour(w, "png", rosenbrock{}, rp, Options{}) }},
		{"rosenbrock.svg", func(w io.Writer) error { return Contour(w, "svg", rosenbrock{}, rp, Options{}) }},
		{"himmelblau.png", func(w io.Writer) error { return Contour(w, "png", himmelblau{}, hp, Options{}) }},
		{"saddle.png", func(w io.Writer) error { return Contour(w, "png", saddle{}, sp, Options{}) }},
		{"rosenbrock-loss.png", func(w io.Writer) error { return Loss(w, "png", rp, Options{}) }},
		{"saddle-loss.png", func(w io.Writer) error { return Loss(w, "png", sp, Options{}) }},
		{"rosenbrock.gif", func(w io.Writer) error { return Animate(w, rosenbrock{}, rp, Options{}) }},
		{"himmelblau.gif", func(w io.Writer) error { return Animate(w, himmelblau{}, hp, Options{}) }},
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
