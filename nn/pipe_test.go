package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/descentlab/descent/internal/gemm"
)

// TestPipeSameBits: three SGD steps with the layer pipeline give the loss,
// gradients and weights of one thread, bit for bit: sparse and dense
// batches, the sparse layer on and off, batches whose micro-batches end in
// a short group of rows or a single row, sigmoid and tanh; and the
// pipeline ran on two threads where it applies, and not on one or three.
func TestPipeSameBits(t *testing.T) {
	for _, c := range []struct {
		spec    string
		batch   int
		density float64
		pipe    bool // whether Loss runs as the pipeline on two threads
	}{
		{"mlp:784-100-100-100-100-10,init=he", 128, 0.1, true},
		{"mlp:784-100-100-100-100-10,init=he", 100, 0.1, true},
		{"mlp:784-100-100-100-100-10,init=he", pipeFirstRows + pipeRows + 1, 0.1, true},  // one row after the last whole micro-batch: taken with it
		{"mlp:784-100-100-100-100-10,init=he", 130, 0.1, true},                           // a short group of two rows
		{"mlp:784-100-100-100-100-10,init=he", 128, 0.7, true},                           // too dense: the dense first layer
		{"mlp:784-100-100-100-100-10,init=he", pipeFirstRows + pipeRows - 1, 0.1, false}, // too few rows
		{"mlp:784-100-200-10,act=sigmoid", 128, 0.1, true},
		{"mlp:784-100-200-10,act=tanh", 96, 0.5, true},
		{"mlp:784-100-10", 100, 0.1, false},       // the layers above are too little work
		{"mlp:784-1024-1024-10", 128, 0.1, false}, // too wide
		{"mlp:784-100-100-100-100-10,dropout=0.1", 128, 0.1, false},
	} {
		run := func(procs int, pipe, sparse bool) (float64, []float32, []float32, bool) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			m := MustParse(c.spec, 3)
			m.SetPipeline(pipe)
			m.SetSparseInput(sparse)
			x, y := pixelBatch(rand.New(rand.NewPCG(7, 8)), c.batch, m.Inputs(), m.Classes(), c.density)
			ran := false
			loss := sgdSteps(m, x, y, 3, 0.05, func() { ran = ran || m.pipe.on })
			p, g := m.Flat()
			return loss, slices.Clone(p), slices.Clone(g), ran
		}
		l0, p0, g0, _ := run(1, false, false)
		for _, procs := range []int{1, 2, 3} {
			for _, pipe := range []bool{false, true} {
				for _, sparse := range []bool{false, true} {
					l, p, g, ran := run(procs, pipe, sparse)
					if want := pipe && procs == 2 && c.pipe; ran != want {
						t.Fatalf("%s batch %d on %d threads, pipeline %v: it ran %v, want %v", c.spec, c.batch, procs, pipe, ran, want)
					}
					if math.Float64bits(l) != math.Float64bits(l0) {
						t.Fatalf("%s batch %d on %d threads, pipeline %v, sparse %v: loss %v, one thread %v", c.spec, c.batch, procs, pipe, sparse, l, l0)
					}
					for i := range g0 {
						if math.Float32bits(g[i]) != math.Float32bits(g0[i]) || math.Float32bits(p[i]) != math.Float32bits(p0[i]) {
							t.Fatalf("%s batch %d on %d threads, pipeline %v, sparse %v: parameter %d = %g (gradient %g), one thread %g (%g)", c.spec, c.batch, procs, pipe, sparse, i, p[i], g[i], p0[i], g0[i])
						}
					}
				}
			}
		}
	}
}

// TestPipeSparseRan: on two threads the pipeline takes the sparse first
// layer (forward and ∂W₁) where the batch is sparse, and the dense one
// where a weight of W₁ is not finite.
func TestPipeSparseRan(t *testing.T) {
	if !gemm.HasSparse() {
		t.Skip("no AVX-512: the sparse kernels do not run here")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	m := MustParse("mlp:784-100-100-100-100-10,init=he", 3)
	x, y := pixelBatch(rand.New(rand.NewPCG(7, 8)), 128, m.Inputs(), m.Classes(), 0.1)
	m.Loss(x, y)
	if !m.pipe.on || !m.sp.ready {
		t.Fatalf("pipeline %v, sparse first layer %v: want both", m.pipe.on, m.sp.ready)
	}
	m.Backward()
	if !m.GradsFinite() {
		t.Fatal("gradients not finite")
	}
	m.layers[0].w[5] = float32(math.Inf(1))
	m.Loss(x, y)
	if !m.pipe.on || m.sp.ready {
		t.Fatalf("W₁ with +Inf: pipeline %v, sparse first layer %v: want the pipeline with the dense layer", m.pipe.on, m.sp.ready)
	}
}

// TestPipeGradsFinite: the pipeline's gradient tasks report a ±Inf in ∂W₁
// (thread 0's) and in ∂W₂ (thread 1's), and nothing where every gradient
// is finite. The layers above the first are scaled up, so that ∂z is
// large; an input column of 3e38 whose W₁ column is 0 (∂W₁'s column
// overflows, the forward pass does not see it), or a unit of the first
// layer at 3e38 whose W₂ column is 0 (∂W₂'s column overflows).
func TestPipeGradsFinite(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	for _, plant := range []string{"none", "x", "a1"} {
		m := MustParse("mlp:784-100-100-100-100-10,init=he", 3)
		x, y := pixelBatch(rand.New(rand.NewPCG(7, 8)), 128, m.Inputs(), m.Classes(), 0.1)
		for li := 1; li < len(m.layers); li++ {
			for i := range m.layers[li].w {
				m.layers[li].w[i] *= 30
			}
		}
		switch plant {
		case "x":
			for r := range 128 {
				x[r*784+300] = 3e38
			}
			for o := range 100 {
				m.layers[0].w[o*784+300] = 0
			}
		case "a1":
			m.layers[0].b[7] = 3e38
			for o := range 100 {
				m.layers[1].w[o*100+7] = 0
			}
		}
		loss := m.Loss(x, y)
		if !m.pipe.on {
			t.Fatal("the pipeline did not run")
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			t.Fatalf("%s: loss %v: the test needs a finite loss", plant, loss)
		}
		m.Backward()
		_, g := m.Flat()
		want := true
		for _, v := range g {
			want = want && !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
		}
		if want != (plant == "none") {
			t.Fatalf("%s: a pass over the gradients finds them finite %v: the planting did not work", plant, want)
		}
		if got := m.GradsFinite(); got != want {
			t.Fatalf("%s: GradsFinite %v, a pass over the gradients %v", plant, got, want)
		}
	}
}

// TestParamParts: the first layer's parameters on thread 0 and the rest on
// thread 1 where the pipeline runs, nil elsewhere.
func TestParamParts(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	m := MustParse("mlp:784-100-100-100-100-10", 1)
	if got, want := m.ParamParts(128), []int{0, 0, 1, 1, 1, 1, 1, 1, 1, 1}; !slices.Equal(got, want) {
		t.Errorf("ParamParts(128) = %v, want %v", got, want)
	}
	if got := m.ParamParts(20); got != nil {
		t.Errorf("ParamParts(20) = %v, want nil (too few rows)", got)
	}
	if got := MustParse("mlp:784-100-10", 1).ParamParts(128); got != nil {
		t.Errorf("mlp:784-100-10: ParamParts = %v, want nil", got)
	}
	runtime.GOMAXPROCS(1)
	if got := m.ParamParts(128); got != nil {
		t.Errorf("one thread: ParamParts = %v, want nil", got)
	}
}

// TestPipeAllocs: a pipelined Loss and Backward allocate nothing once the
// buffers are sized.
func TestPipeAllocs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	m := MustParse("mlp:784-100-100-100-100-10,init=he", 3)
	x, y := pixelBatch(rand.New(rand.NewPCG(7, 8)), 128, m.Inputs(), m.Classes(), 0.1)
	step := func() {
		m.Loss(x, y)
		m.Backward()
	}
	step()
	if !m.pipe.on {
		t.Fatal("the pipeline did not run")
	}
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops items at random")
	}
	if n := testing.AllocsPerRun(50, step); n != 0 {
		t.Errorf("%v allocations per pipelined step, want 0", n)
	}
}

// TestLossFill: LossFill on a batch filled by its callback gives Loss's
// loss and gradients bit for bit, the callback's ranges are disjoint and
// cover the batch, every row is written before it is read (the batch
// starts as NaN), in the layer pipeline, the forward pass split by rows,
// on one thread and where the batch is not split (dropout); and a label ≥
// Classes panics.
func TestLossFill(t *testing.T) {
	for _, c := range []struct {
		spec  string
		procs int
	}{
		{"mlp:784-100-100-100-100-10,init=he", 2}, // the pipeline
		{"mlp:784-100-10", 2},                     // by rows
		{"mlp:784-100-10", 3},
		{"mlp:784-100-100-100-100-10,init=he", 1},
		{"mlp:784-100-10,dropout=0.2", 2},
	} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(c.procs))
			const n = 128
			m0, m1 := MustParse(c.spec, 3), MustParse(c.spec, 3)
			x, y := pixelBatch(rand.New(rand.NewPCG(7, 8)), n, m0.Inputs(), m0.Classes(), 0.1)
			want := m0.Loss(x, y)
			m0.Backward()
			_, g0 := m0.Flat()
			bx, by := make([]float32, len(x)), make([]uint8, n)
			for i := range bx {
				bx[i] = float32(math.NaN())
			}
			var covered [n]int32
			var mu sync.Mutex
			got := m1.LossFill(bx, by, func(lo, hi int) {
				mu.Lock()
				defer mu.Unlock()
				for r := lo; r < hi; r++ {
					covered[r]++
				}
				copy(bx[lo*784:hi*784], x[lo*784:hi*784])
				copy(by[lo:hi], y[lo:hi])
			})
			for r, k := range covered {
				if k != 1 {
					t.Fatalf("%s on %d threads: row %d filled %d times", c.spec, c.procs, r, k)
				}
			}
			m1.Backward()
			_, g1 := m1.Flat()
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("%s on %d threads: LossFill %v, Loss %v", c.spec, c.procs, got, want)
			}
			for i := range g0 {
				if math.Float32bits(g1[i]) != math.Float32bits(g0[i]) {
					t.Fatalf("%s on %d threads: gradient %d = %g, Loss's %g", c.spec, c.procs, i, g1[i], g0[i])
				}
			}
			bad := slices.Clone(y)
			bad[n-1] = 10
			if r := panicValue(func() {
				m1.LossFill(bx, by, func(lo, hi int) { copy(by[lo:hi], bad[lo:hi]) })
			}); r == nil {
				t.Fatalf("%s on %d threads: a label of 10 with 10 classes did not panic", c.spec, c.procs)
			}
		}()
	}
}

func panicValue(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}
