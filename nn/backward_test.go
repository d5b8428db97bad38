package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
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
		// Batch normalisation needs the whole batch's statistics: never
		// split by rows, and the same bits on any number of threads.
		{"mlp:784-100-100-10,bn", 128},
	} {
		run := func(procs int) (float64, []float32) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			m := MustParse(c.spec, 3)
			split := procs > 1 && !strings.Contains(c.spec, ",bn")
			if got := m.rowParts(c.batch); (got > 1) != split {
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

// TestGradsFinite: GradsFinite must say what a scan of the gradient buffer
// says, on one thread (where it scans) and on two and three (where each
// gradient task checks its own columns), for a gradient that is ±Inf in one
// column of the first layer's ∂W only: in the first column range, in the
// second, in the last column; and again true after a finite batch.
func TestGradsFinite(t *testing.T) {
	scan := func(g []float32) bool {
		for _, v := range g {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return false
			}
		}
		return true
	}
	for _, procs := range []int{1, 2, 3} {
		for _, col := range []int{-1, 10, 500, 783} {
			func() {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				m := MustParse("mlp:784-100-10", 3)
				const n = 100
				if got := m.rowParts(n); (got > 1) != (procs > 1) {
					t.Fatalf("%d threads: rowParts %d", procs, got)
				}
				// W₁ = 0 and b₁ = 1: every hidden unit is 1 whatever x, so x
				// may hold 3e38; W₂ large with b₂ cancelling its row sums
				// keeps the logits near 0 and makes ∂x₁ about 1e4/n, whose
				// product with 3e38 overflows: column col of ∂W₁ is ±Inf.
				rng := rand.New(rand.NewPCG(7, 8))
				w1, b1, w2, b2 := m.views[0].Value, m.views[1].Value, m.views[2].Value, m.views[3].Value
				clear(w1)
				for i := range b1 {
					b1[i] = 1
				}
				for c := range b2 {
					var s float32
					for o := range 100 {
						w2[c*100+o] = float32(rng.NormFloat64()) * 1e4
						s += w2[c*100+o]
					}
					b2[c] = -s
				}
				x, y := randBatch(rng, n, 784, 10)
				if col >= 0 {
					for r := range n {
						x[r*784+col] = 3e38
					}
				}
				loss := m.Loss(x, y)
				if math.IsNaN(loss) || math.IsInf(loss, 0) {
					t.Fatalf("loss %v", loss)
				}
				m.Backward()
				_, g := m.Flat()
				want := scan(g)
				if want != (col < 0) {
					t.Fatalf("%d threads, column %d: the test's gradients are all finite: %v", procs, col, want)
				}
				if got := m.GradsFinite(); got != want {
					t.Errorf("%d threads, column %d: GradsFinite %v, a scan says %v", procs, col, got, want)
				}
				// A finite batch next: the flag must not stay false.
				x, y = randBatch(rng, n, 784, 10)
				m.Loss(x, y)
				m.Backward()
				if !m.GradsFinite() || !scan(g) {
					t.Errorf("%d threads, after column %d: GradsFinite %v on a finite batch", procs, col, m.GradsFinite())
				}
			}()
		}
	}
}
