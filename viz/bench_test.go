package viz

import (
	"io"
	"testing"
)

// The gallery case of the descent trace command: five optimizers, 300 steps.

func BenchmarkContourPNG(b *testing.B) {
	paths := gallery(rosenbrock{}, 300)
	b.ReportAllocs()
	for b.Loop() {
		if err := Contour(io.Discard, "png", rosenbrock{}, paths, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnimate(b *testing.B) {
	paths := gallery(rosenbrock{}, 300)
	b.ReportAllocs()
	for b.Loop() {
		if err := Animate(io.Discard, rosenbrock{}, paths, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoss(b *testing.B) {
	paths := gallery(rosenbrock{}, 300)
	b.ReportAllocs()
	for b.Loop() {
		if err := Loss(io.Discard, "png", paths, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
