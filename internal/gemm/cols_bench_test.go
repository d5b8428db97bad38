package gemm

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkPackBCols: packing W₁ (100×784) for one pass of 262 columns,
// all of them (packB512) and the two thirds a batch of MNIST keeps
// (packBCols512), from the caches.
func BenchmarkPackBCols(b *testing.B) {
	if !ColsOK(50) {
		b.Skip("no AVX-512 path")
	}
	n, k := 100, 784
	w := make([]float32, n*k)
	mask := make([]uint16, (k+15)/16)
	rng := rand.New(rand.NewPCG(1, 2))
	for j := range k {
		if rng.IntN(3) > 0 {
			mask[j/16] |= 1 << (j % 16)
		}
	}
	ws := workspace{bpack: make([]float32, 112*262+nr)}
	p := problem{transB: true, n: n, k: k, b: w, ldb: k, cols: mask}
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			packB512(&ws, &p, 262, 262, 0, n)
		}
	})
	b.Run("cols", func(b *testing.B) {
		for b.Loop() {
			packBCols512(&ws, &p, 262, 262, 0, n, 0)
		}
	})
	// A new set of columns each time, as each batch has.
	masks := make([][]uint16, 64)
	for i := range masks {
		masks[i] = make([]uint16, len(mask))
		for j := range k {
			if rng.IntN(3) > 0 {
				masks[i][j/16] |= 1 << (j % 16)
			}
		}
	}
	b.Run("varying", func(b *testing.B) {
		i := 0
		for b.Loop() {
			p.cols = masks[i%len(masks)]
			i++
			packBCols512(&ws, &p, 262, 262, 0, n, 0)
		}
	})
}

// BenchmarkSgemmCols: MNIST's forward product of one thread's 50 rows,
// 50×100×784, in full and over the two thirds of the columns a batch
// keeps.
func BenchmarkSgemmCols(b *testing.B) {
	m, n, k := 50, 100, 784
	rng := rand.New(rand.NewPCG(1, 2))
	mask := make([]uint16, (k+15)/16)
	kk := 0
	for j := range k {
		if rng.IntN(3) > 0 {
			mask[j/16] |= 1 << (j % 16)
			kk++
		}
	}
	a := make([]float32, m*k)
	w := make([]float32, n*k)
	c := make([]float32, m*n)
	for i := range w {
		w[i] = rng.Float32()
	}
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			SgemmSerial(false, true, m, n, k, 1, a, k, w, k, 0, c, n)
		}
	})
	b.Run("cols", func(b *testing.B) {
		if !ColsOK(m) {
			b.Skip("no AVX-512 path")
		}
		for b.Loop() {
			SgemmSerialCols(m, n, k, a, kk, w, k, c, n, mask)
		}
	})
}
