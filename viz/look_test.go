package viz

import (
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
	for _, f := range []interface {
		Name() string
	}{rosenbrock{}, himmelblau{}, saddle{}} {
		_ = f
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
	}
	for _, j := range jobs {
		start := time.Now()
		if err := WriteFile(dir+"/"+j.name, j.write); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %v", j.name, time.Since(start))
	}
}
