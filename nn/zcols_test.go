package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// zeroColumns zeroes, in every row of the n×d batch x, the columns where
// keep is false, and returns the column flags LossCols wants (1 where a
// column has a nonzero value, else 0).
func zeroColumns(x []float32, d int, keep func(j int) bool) []byte {
	flags := make([]byte, d)
	for i, v := range x {
		j := i % d
		if !keep(j) {
			x[i] = 0
		} else if v != 0 {
			flags[j] = 1
		}
	}
	return flags
}

// TestLossColsSameBits: LossCols skips the columns that are zero in the
// whole batch on two and three threads; the loss and every gradient, over
// three steps, must have the bits of Loss on one thread (the full
// products): MNIST-like batches, the book's net, a one-layer net, a batch
// with no zero column (the full product), an all-zero batch, one nonzero
// value in the last column, random zero columns, and batches whose rows
// split into half tiles.
func TestLossColsSameBits(t *testing.T) {
	mnist := func(n int) func(*rand.Rand) ([]float32, []uint8, []byte) {
		return func(r *rand.Rand) ([]float32, []uint8, []byte) {
			return mnistLikeBatch(n, r.Uint64())
		}
	}
	keep := func(n int, keep func(r *rand.Rand, j int) bool) func(*rand.Rand) ([]float32, []uint8, []byte) {
		return func(r *rand.Rand) ([]float32, []uint8, []byte) {
			x, y := randBatch(r, n, 784, 10)
			kept := make([]bool, 784)
			for j := range kept {
				kept[j] = keep(r, j)
			}
			return x, y, zeroColumns(x, 784, func(j int) bool { return kept[j] })
		}
	}
	for _, c := range []struct {
		name, spec string
		batch      func(*rand.Rand) ([]float32, []uint8, []byte)
		skips      bool // whether two threads skip columns
	}{
		{"mnist-like", "mlp:784-100-10", mnist(100), true},
		{"book net", "mlp:784-100-100-100-100-10,init=he", mnist(128), true},
		{"one layer", "mlp:784-10", mnist(100), true},
		{"batch 77", "mlp:784-100-10,act=tanh", mnist(77), true},
		{"no zero column", "mlp:784-100-10", keep(100, func(*rand.Rand, int) bool { return true }), false},
		{"too few zero columns", "mlp:784-100-10", keep(100, func(_ *rand.Rand, j int) bool { return j >= 97 }), false},
		{"an eighth zero", "mlp:784-100-10", keep(100, func(_ *rand.Rand, j int) bool { return j >= 98 }), true},
		{"all zero", "mlp:784-100-10", keep(100, func(*rand.Rand, int) bool { return false }), true},
		{"the last column alone", "mlp:784-100-10", keep(100, func(_ *rand.Rand, j int) bool { return j == 783 }), true},
		{"the first pass empty", "mlp:784-100-10", keep(100, func(_ *rand.Rand, j int) bool { return j >= 300 }), true},
		{"random columns", "mlp:784-100-10", keep(100, func(r *rand.Rand, _ int) bool { return r.IntN(3) == 0 }), true},
	} {
		// how: 0 Loss, 1 LossCols, 2 PlanCols and LossPlanned
		// (Loss where PlanCols declines).
		run := func(procs int, how int) (float64, []float32) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			m := MustParse(c.spec, 3)
			x, y, flags := c.batch(rand.New(rand.NewPCG(4, 5)))
			var loss float64
			for range 3 { // the second and third steps start from updated weights
				cols := how > 0
				switch {
				case how == 1:
					loss = m.LossCols(x, y, flags)
				case how == 2 && m.PlanCols(len(y), flags, func(dst []float32, i int) { copy(dst, x[i*784:(i+1)*784]) }):
					loss = m.LossPlanned(y)
				default:
					loss = m.Loss(x, y)
				}
				if want := cols && procs > 1 && c.skips; m.cols.on != want {
					t.Fatalf("%s on %d threads: columns skipped %v, want %v", c.name, procs, m.cols.on, want)
				}
				m.Backward()
				p, g := m.Flat()
				for i := range p {
					p[i] -= 0.1 * g[i]
				}
			}
			_, g := m.Flat()
			return loss, slices.Clone(g)
		}
		l1, g1 := run(1, 0)
		for _, procs := range []int{1, 2, 3, -2, -3} {
			how := 1
			if procs < 0 {
				procs, how = -procs, 2
			}
			l2, g2 := run(procs, how)
			if math.Float64bits(l1) != math.Float64bits(l2) {
				t.Fatalf("%s: loss %v by Loss on one thread, %v by way %d on %d", c.name, l1, l2, how, procs)
			}
			for i := range g1 {
				if math.Float32bits(g1[i]) != math.Float32bits(g2[i]) {
					t.Fatalf("%s: gradient %d is %v by Loss on one thread, %v by way %d on %d", c.name, i, g1[i], g2[i], how, procs)
				}
			}
		}
	}
}

// TestLossPlannedMisusePanics: LossPlanned without a plan, with the wrong
// number of labels, or a second time, panics.
func TestLossPlannedMisusePanics(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	m := MustParse("mlp:784-100-10", 1)
	x, y, flags := mnistLikeBatch(100, 1)
	mustPanic := func(what string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", what)
			}
		}()
		f()
	}
	mustPanic("no plan", func() { m.LossPlanned(y) })
	fill := func(dst []float32, i int) { copy(dst, x[i*784:(i+1)*784]) }
	if !m.PlanCols(100, flags, fill) {
		t.Fatal("PlanCols declined an MNIST-like batch on two threads")
	}
	mustPanic("99 labels", func() { m.LossPlanned(y[:99]) })
	m.LossPlanned(y)
	mustPanic("used up", func() { m.LossPlanned(y) })
}

// TestLossColsAllocs: after the first step, LossCols and Backward allocate
// nothing, also on two threads where they skip columns.
func TestLossColsAllocs(t *testing.T) {
	for _, procs := range []int{1, 2} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			m := MustParse("mlp:784-100-10", 1)
			x, y, flags := mnistLikeBatch(100, 1)
			m.LossCols(x, y, flags)
			m.Backward()
			allocs := testing.AllocsPerRun(20, func() {
				m.LossCols(x, y, flags)
				m.Backward()
			})
			if allocs != 0 {
				t.Errorf("%d threads: %v allocations per step", procs, allocs)
			}
		}()
	}
}

func TestLossColsBadFlagsPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	m := MustParse("mlp:784-100-10", 1)
	x, y, _ := mnistLikeBatch(100, 1)
	m.LossCols(x, y, make([]byte, 783))
}
