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
