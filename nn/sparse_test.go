package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/descentlab/descent/internal/gemm"
)

// pixelBatch is a batch like MNIST's: each input nonzero (a byte over
// 255) with probability density, labels uniform.
func pixelBatch(rng *rand.Rand, n, d, classes int, density float64) ([]float32, []uint8) {
	x := make([]float32, n*d)
	for i := range x {
		if rng.Float64() < density {
			x[i] = float32(1+rng.IntN(255)) / 255
		}
	}
	y := make([]uint8, n)
	for i := range y {
		y[i] = uint8(rng.IntN(classes))
	}
	return x, y
}

// TestSparseInputSameBits: three SGD steps with the sparse first layer
// give the loss and gradients that the dense products give, bit for bit,
// on 1 (dense), 2 and 3 threads; and the sparse path did run (ready) where
// it should, and did not where the batch is dense or a weight is not
// finite.
func TestSparseInputSameBits(t *testing.T) {
	if !gemm.HasSparse() {
		t.Skip("no AVX-512: the sparse kernels do not run here")
	}
	for _, c := range []struct {
		spec    string
		batch   int
		density float64
		sparse  bool // whether the sparse path must run on 2 threads
	}{
		{"mlp:784-100-10", 100, 0.1, true},
		{"mlp:784-100-100-100-100-10,init=he", 128, 0.1, true},
		{"mlp:784-100-10", 100, 0, true},    // an all-zero batch
		{"mlp:784-100-10", 100, 0.6, false}, // too dense: the dense product
		{"mlp:784-30-10", 50, 0.1, true},    // a ragged last panel of W₁
		{"mlp:784-130-10", 128, 0.12, true}, // nine panels: two kernel groups
		{"mlp:784-100-10", 500, 0.1, true},  // ∂W₁ over two passes: dense
	} {
		// run reports whether the sparse path ran, where the forward pass
		// was split over threads (the only place it runs).
		run := func(procs int, on bool) (float64, []float32, bool, bool) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			m := MustParse(c.spec, 3)
			m.SetSparseInput(on)
			split := m.rowParts(c.batch) > 1
			x, y := pixelBatch(rand.New(rand.NewPCG(7, 8)), c.batch, m.Inputs(), m.Classes(), c.density)
			var loss float64
			ran := false
			for range 3 {
				loss = m.Loss(x, y)
				ran = ran || m.sp.ready
				m.Backward()
				p, g := m.Flat()
				for i := range p {
					p[i] -= 0.1 * g[i]
				}
			}
			_, g := m.Flat()
			return loss, slices.Clone(g), ran, split
		}
		l0, g0, _, _ := run(1, false)
		for _, procs := range []int{2, 3} {
			for _, on := range []bool{false, true} {
				l, g, ran, split := run(procs, on)
				if procs == 2 && c.batch <= 128 && !split {
					t.Fatalf("%s batch %d on 2 threads: the forward pass is not split", c.spec, c.batch)
				}
				if want := on && c.sparse && split; ran != want {
					t.Fatalf("%s batch %d density %g on %d threads, sparse %v: sparse path ran %v, want %v", c.spec, c.batch, c.density, procs, on, ran, want)
				}
				if math.Float64bits(l) != math.Float64bits(l0) {
					t.Fatalf("%s on %d threads, sparse %v: loss %v, dense one thread %v", c.spec, procs, on, l, l0)
				}
				for i := range g0 {
					if math.Float32bits(g[i]) != math.Float32bits(g0[i]) {
						t.Fatalf("%s on %d threads, sparse %v: gradient %d = %g, dense one thread %g", c.spec, procs, on, i, g[i], g0[i])
					}
				}
			}
		}
	}
}

// TestSparseInputLimits: a W₁ whose packed copy would not stay in a core's
// L2 takes the dense product, and so does a part of a few rows.
func TestSparseInputLimits(t *testing.T) {
	if !gemm.HasSparse() {
		t.Skip("no AVX-512")
	}
	if !MustParse("mlp:784-100-10", 1).sparseOK(50) {
		t.Fatal("784-100-10: no sparse first layer")
	}
	if MustParse("mlp:784-200-10", 1).sparseOK(50) {
		t.Fatal("784-200-10 (627 KB packed): sparse first layer")
	}
	if MustParse("mlp:784-100-10", 1).sparseOK(gemm.MaxGemvRows) {
		t.Fatal("a part of 3 rows: sparse first layer")
	}
}

// TestSparseInputNonFiniteWeight: a weight of W₁ that is ±Inf or NaN
// sends the batch to the dense product (0·Inf is NaN there, a skipped
// term in the sparse kernel), so the loss is what the dense product gives.
func TestSparseInputNonFiniteWeight(t *testing.T) {
	if !gemm.HasSparse() {
		t.Skip("no AVX-512")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	// The control: the same batch with finite weights goes sparse.
	m := MustParse("mlp:784-100-10", 3)
	x, y := pixelBatch(rand.New(rand.NewPCG(9, 10)), 100, 784, 10, 0.1)
	if m.Loss(x, y); !m.sp.ready {
		t.Fatal("finite weights: the sparse path did not run")
	}
	for _, bad := range []float32{float32(math.Inf(1)), float32(math.NaN())} {
		var losses [2]float64
		for i, on := range []bool{false, true} {
			m := MustParse("mlp:784-100-10", 3)
			m.SetSparseInput(on)
			// Column 0 of W₁ is never lit in this batch: the dense product
			// meets Inf·0 there.
			m.layers[0].w[0] = bad
			x, y := pixelBatch(rand.New(rand.NewPCG(9, 10)), 100, 784, 10, 0.1)
			for r := range 100 {
				x[r*784] = 0
			}
			losses[i] = m.Loss(x, y)
			if m.sp.ready {
				t.Fatalf("%g in W₁: the sparse path ran", bad)
			}
		}
		if !math.IsNaN(losses[0]) || !math.IsNaN(losses[1]) {
			t.Fatalf("%g in W₁: losses %v (dense, then sparse allowed), want NaN", bad, losses)
		}
	}
}

// TestSparseInputAllocs: a step on the sparse first layer allocates
// nothing once its buffers are made.
func TestSparseInputAllocs(t *testing.T) {
	if !gemm.HasSparse() {
		t.Skip("no AVX-512")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	m := MustParse("mlp:784-100-10", 3)
	x, y := pixelBatch(rand.New(rand.NewPCG(11, 12)), 100, 784, 10, 0.1)
	m.Loss(x, y)
	m.Backward()
	if !m.SparseInputUsed() {
		t.Fatal("the sparse path did not run")
	}
	if a := testing.AllocsPerRun(20, func() { m.Loss(x, y); m.Backward() }); a != 0 {
		t.Fatalf("%v allocations per step", a)
	}
}
