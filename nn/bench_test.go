package nn

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkStep times one training step (Loss and Backward) of the MNIST
// model of the study at several batch sizes: 1 is SGD, 64 mini-batch, and
// 1024 stands in for large full-batch chunks. Allocations reported here
// come from gemm (gonum runs large products on goroutines), not from nn.
func BenchmarkStep(b *testing.B) {
	for _, batch := range []int{1, 64, 1024} {
		b.Run("mlp:784-100-10/batch="+strconv.Itoa(batch), func(b *testing.B) {
			m := MustParse("mlp:784-100-10", 1)
			x, y := randBatch(rand.New(rand.NewPCG(1, 1)), batch, 784, 10)
			m.Loss(x, y)
			b.ReportAllocs()
			for b.Loop() {
				m.Loss(x, y)
				m.Backward()
			}
			flops := 3 * 2 * float64(batch) * float64(m.NumParams())
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkNets times Loss+Backward on the three nets of issue 10 at their
// batch sizes; GFLOP/s counts the products actually run (the first layer's
// input gradient is not computed).
func BenchmarkNets(b *testing.B) {
	for _, c := range []struct {
		spec  string
		batch int
	}{
		{"mlp:784-100-10", 100},
		{"mlp:784-100-100-100-100-10", 128},
		{"mlp:784-1024-1024-10", 256},
	} {
		b.Run(c.spec+"/batch="+strconv.Itoa(c.batch), func(b *testing.B) {
			m := MustParse(c.spec, 1)
			x, y := randBatch(rand.New(rand.NewPCG(1, 1)), c.batch, 784, 10)
			m.Loss(x, y)
			m.Backward()
			b.ReportAllocs()
			for b.Loop() {
				m.Loss(x, y)
				m.Backward()
			}
			var flops float64
			for i, l := range m.layers {
				f := 2 * float64(c.batch) * float64(l.in*l.out)
				flops += 2 * f
				if i > 0 {
					flops += f
				}
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
