package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestBackwardSameBitsPaired: Backward runs the two products of a layer side
// by side when there are two threads (pairPart) and one after the other on
// one; the gradients must not differ by a bit.
func TestBackwardSameBitsPaired(t *testing.T) {
	for _, spec := range []string{"mlp:784-100-100-100-10", "mlp:64-300-200-10,act=tanh,dropout=0.2"} {
		grads := func(procs int) []float32 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			m := MustParse(spec, 3)
			x, y := randBatch(rand.New(rand.NewPCG(4, 5)), 128, m.Inputs(), 10)
			m.Loss(x, y)
			m.Backward()
			_, g := m.Flat()
			return slices.Clone(g)
		}
		one, two := grads(1), grads(2)
		if 2*128*100*100 < minPairWork {
			t.Fatal("the test's layers are too small to be paired")
		}
		for i := range one {
			if math.Float32bits(one[i]) != math.Float32bits(two[i]) {
				t.Fatalf("%s: gradient %d is %v on one thread, %v on two", spec, i, one[i], two[i])
			}
		}
	}
}

// TestLossSameBitsByRows: on two or more threads Loss runs the forward pass
// by rows (each thread its rows through every layer and the softmax) and
// Backward its two passes; the loss and every gradient must have the bits
// of the one-thread pass over the whole batch, on two threads and on three,
// for every activation, batch sizes that split into whole and half tiles,
// and one-layer and three-output nets.
func TestLossSameBitsByRows(t *testing.T) {
	for _, c := range []struct {
		spec  string
		batch int
	}{
		{"mlp:784-100-10", 100},
		{"mlp:784-100-100-100-100-10,init=he", 128},
		{"mlp:64-100-200-10,act=tanh", 77},
		{"mlp:64-50-10,act=sigmoid", 256},
		// A last layer of three rows (gemm's 32-column strips) whose weight
		// gradient is cut into column ranges.
		{"mlp:784-1000-3", 512},
		{"mlp:784-10", 100}, // one layer: no input gradients, ∂W cut into ranges
	} {
		run := func(procs int) (float64, []float32) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			m := MustParse(c.spec, 3)
			if got := m.rowParts(c.batch); (got > 1) != (procs > 1) {
				t.Fatalf("%s batch %d on %d threads: forward split over %d", c.spec, c.batch, procs, got)
			}
			x, y := randBatch(rand.New(rand.NewPCG(4, 5)), c.batch, m.Inputs(), m.Classes())
			var loss float64
			for range 3 { // the second and third steps start from updated weights
				loss = m.Loss(x, y)
				m.Backward()
				p, g := m.Flat()
				for i := range p {
					p[i] -= 0.1 * g[i]
				}
			}
			_, g := m.Flat()
			return loss, slices.Clone(g)
		}
		l1, g1 := run(1)
		for _, procs := range []int{2, 3} {
			l2, g2 := run(procs)
			if math.Float64bits(l1) != math.Float64bits(l2) {
				t.Fatalf("%s: loss %v on one thread, %v on %d", c.spec, l1, l2, procs)
			}
			for i := range g1 {
				if math.Float32bits(g1[i]) != math.Float32bits(g2[i]) {
					t.Fatalf("%s: gradient %d is %v on one thread, %v on %d", c.spec, i, g1[i], g2[i], procs)
				}
			}
		}
	}
}
