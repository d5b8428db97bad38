package gemm

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchShape is one product from training the MNIST MLP (784-100-10).
type benchShape struct {
	name    string
	tA, tB  bool
	m, n, k int
}

// benchShapes are the products of one training step, for batch 100 (the
// mini-batch case), batch 1 (SGD) and 60000 (full-batch GD), with the
// weights W1 stored [in×out] = 784×100.
var benchShapes = []benchShape{
	{"fwd1_b100", false, false, 100, 100, 784},     // X·W1
	{"fwd1T_b100", false, true, 100, 100, 784},     // X·W1ᵀ, W1 stored [out×in]
	{"dW1_b100", true, false, 784, 100, 100},       // Xᵀ·dY
	{"dX1_b100", false, true, 100, 784, 100},       // dY·W1ᵀ
	{"fwd2_b100", false, false, 100, 10, 100},      // H·W2
	{"dW2_b100", true, false, 100, 10, 100},        // Hᵀ·dY2
	{"dX2_b100", false, true, 100, 100, 10},        // dY2·W2ᵀ
	{"fwd1_b1", false, false, 1, 100, 784},         // x·W1
	{"fwd1T_b1", false, true, 1, 100, 784},         // x·W1ᵀ
	{"dW1_b1", true, false, 784, 100, 1},           // xᵀ·dy
	{"dX1_b1", false, true, 1, 784, 100},           // dy·W1ᵀ
	{"fwd1_b60000", false, false, 60000, 100, 784}, // full-batch X·W1
	{"dW1_b60000", true, false, 784, 100, 60000},   // full-batch Xᵀ·dY
}

func benchOperands(s benchShape) (a, b, c []float32, lda, ldb, ldc int) {
	rnd := rand.New(rand.NewPCG(10, 11))
	lda, ldb, ldc = s.k, s.n, s.n
	if s.tA {
		lda = s.m
	}
	if s.tB {
		ldb = s.k
	}
	return randSlice(rnd, s.m*s.k), randSlice(rnd, s.k*s.n), make([]float32, s.m*s.n), lda, ldb, ldc
}

func reportGFLOPS(b *testing.B, s benchShape) {
	flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
}

// BenchmarkSgemm measures Sgemm on the hot shapes with the kernel this
// machine selects. Run with -bench 'Sgemm|Gonum' to compare against gonum.
func BenchmarkSgemm(b *testing.B) {
	benchSgemm(b, benchShapes)
}

// benchSgemm runs Sgemm (alpha 1, beta 0, dense strides) on each shape as a
// sub-benchmark.
func benchSgemm(b *testing.B, shapes []benchShape) {
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			a, bb, c, lda, ldb, ldc := benchOperands(s)
			b.ReportAllocs()
			for b.Loop() {
				Sgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, ldc)
			}
			reportGFLOPS(b, s)
		})
	}
}

// BenchmarkSgemmGeneric is BenchmarkSgemm with the portable kernel.
func BenchmarkSgemmGeneric(b *testing.B) {
	withPath(pathGeneric, func() { BenchmarkSgemm(b) })
}

// BenchmarkGonum runs the same shapes through gonum's blas32 (pure Go with
// its own goroutine parallelism), the implementation Sgemm replaced.
func BenchmarkGonum(b *testing.B) {
	blas32.Use(gonum.Implementation{})
	tr := func(t bool) blas.Transpose {
		if t {
			return blas.Trans
		}
		return blas.NoTrans
	}
	for _, s := range benchShapes {
		b.Run(s.name, func(b *testing.B) {
			a, bb, c, lda, ldb, ldc := benchOperands(s)
			ar, ac, br, bc := s.m, s.k, s.k, s.n
			if s.tA {
				ar, ac = ac, ar
			}
			if s.tB {
				br, bc = bc, br
			}
			A := blas32.General{Rows: ar, Cols: ac, Stride: lda, Data: a}
			B := blas32.General{Rows: br, Cols: bc, Stride: ldb, Data: bb}
			C := blas32.General{Rows: s.m, Cols: s.n, Stride: ldc, Data: c}
			b.ReportAllocs()
			for b.Loop() {
				blas32.Gemm(tr(s.tA), tr(s.tB), 1, A, B, 0, C)
			}
			reportGFLOPS(b, s)
		})
	}
}

// shapesOfIssue10 are the products of training the three nets of issue 10
// (784-100-10 at batch 100, 784-100-100-100-100-10 at batch 128,
// 784-1024-1024-10 at batch 256), an evaluation chunk of 1024 rows, and
// 2048³. Names are MxNxK_AB with A, B each N (as stored) or T (transposed).
var shapesOfIssue10 = []benchShape{
	{"100x100x784_NT", false, true, 100, 100, 784},
	{"100x784x100_TN", true, false, 100, 784, 100},
	{"784x100x100_TN", true, false, 784, 100, 100},
	{"100x10x100_NT", false, true, 100, 10, 100},
	{"100x10x100_NN", false, false, 100, 10, 100},
	{"10x100x100_TN", true, false, 10, 100, 100},
	{"128x100x784_NT", false, true, 128, 100, 784},
	{"128x100x100_NT", false, true, 128, 100, 100},
	{"100x100x128_TN", true, false, 100, 100, 128},
	{"100x784x128_TN", true, false, 100, 784, 128},
	{"128x100x100_NN", false, false, 128, 100, 100},
	{"256x1024x784_NT", false, true, 256, 1024, 784},
	{"256x1024x1024_NT", false, true, 256, 1024, 1024},
	{"1024x1024x256_TN", true, false, 1024, 1024, 256},
	{"1024x784x256_TN", true, false, 1024, 784, 256},
	{"256x1024x1024_NN", false, false, 256, 1024, 1024},
	{"1024x100x784_NT", false, true, 1024, 100, 784},
	{"2048x2048x2048_NN", false, false, 2048, 2048, 2048},
}

// BenchmarkShapes measures Sgemm (alpha 1, beta 0, dense strides) on
// shapesOfIssue10 with the path this machine selects; GOMAXPROCS (-cpu 1,2)
// sets the threads. Compare with OpenBLAS on the same shapes.
func BenchmarkShapes(b *testing.B) {
	benchSgemm(b, shapesOfIssue10)
}
