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

// sgdSteps runs steps steps of plain SGD at rate lr on the batch x, y,
// calling after(), if not nil, after each Loss, and returns the last loss.
func sgdSteps(m *Model, x []float32, y []uint8, steps int, lr float32, after func()) float64 {
	var loss float64
	for range steps {
		loss = m.Loss(x, y)
		if after != nil {
			after()
		}
		m.Backward()
		p, g := m.Flat()
		for i := range p {
			p[i] -= lr * g[i]
		}
	}
	return loss
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
		sparse  bool // whether the sparse path must run (sparse input on)
		split   bool // whether Loss splits the batch by rows on 2 threads
	}{
		{"mlp:784-100-10", 100, 0.1, true, true},
		{"mlp:784-100-100-100-100-10,init=he", 128, 0.1, true, true},
		{"mlp:784-100-10", 100, 0, true, true},    // an all-zero batch
		{"mlp:784-100-10", 100, 0.6, false, true}, // too dense: the dense product
		{"mlp:784-30-10", 50, 0.1, true, true},    // a ragged last panel of W₁
		{"mlp:784-100-10", 101, 0.1, true, true},  // a short last group of rows
		{"mlp:784-130-10", 128, 0.12, true, true}, // nine panels: two kernel groups
		{"mlp:784-100-10", 500, 0.1, true, true},  // ∂W₁ over two passes: dense
		// The batch not split by rows: the first layer's product split by
		// columns in gemm (a wide layer: W₁ packed in 7-panel slices),
		// dropout, batch normalisation.
		{"mlp:784-1024-10", 256, 0.1, true, false},
		{"mlp:784-100-10,dropout=0.2", 100, 0.1, true, false},
		{"mlp:784-100-100-10,bn", 128, 0.1, true, false},
		{"mlp:784-100-10,dropout=0.2", 500, 0.1, true, false}, // ∂W₁ dense
	} {
		// run reports whether the sparse path ran, and whether the forward
		// pass was split by rows.
		run := func(procs int, on bool) (float64, []float32, bool, bool) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			m := MustParse(c.spec, 3)
			m.SetSparseInput(on)
			split := m.rowParts(c.batch) > 1
			x, y := pixelBatch(rand.New(rand.NewPCG(7, 8)), c.batch, m.Inputs(), m.Classes(), c.density)
			ran := false
			loss := sgdSteps(m, x, y, 3, 0.1, func() { ran = ran || m.sp.ready })
			_, g := m.Flat()
			return loss, slices.Clone(g), ran, split
		}
		l0, g0, _, _ := run(1, false)
		for _, procs := range []int{1, 2, 3} {
			for _, on := range []bool{false, true} {
				l, g, ran, split := run(procs, on)
				if procs == 2 && split != c.split {
					t.Fatalf("%s batch %d on 2 threads: the forward pass split by rows %v, want %v", c.spec, c.batch, split, c.split)
				}
				if want := on && c.sparse; ran != want {
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

// TestSparseInputLimits: a W₁ whose packed copy would take more than
// maxSparsePack, inputs not a whole number of 16-column blocks, and a part
// of a few rows take the dense product.
func TestSparseInputLimits(t *testing.T) {
	if !gemm.HasSparse() {
		t.Skip("no AVX-512")
	}
	for _, c := range []struct {
		spec string
		rows int
		ok   bool
	}{
		{"mlp:784-100-10", 50, true},
		{"mlp:784-4096-10", 50, true},               // 12.8 MB packed
		{"mlp:784-8192-10", 50, false},              // 25.7 MB
		{"mlp:100-50-10", 50, false},                // 100 inputs: 6¼ blocks
		{"mlp:784-100-10", gemm.MaxGemvRows, false}, // gemv's rows
		{"mlp:1040-100-10", 50, false},              // 65 blocks: past MaxSparseInputs
	} {
		if got := MustParse(c.spec, 1).sparseOK(c.rows); got != c.ok {
			t.Errorf("%s, %d rows: sparse first layer %v, want %v", c.spec, c.rows, got, c.ok)
		}
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
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops gemm's pooled jobs at random")
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
