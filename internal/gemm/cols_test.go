package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSgemmSerialColsSameBits: the product over the kept columns alone has
// the bits of the full product whose other columns of A are zero, for
// depths of one, two and three passes (784 is MNIST's 3×262, so the passes
// start off the 16-column grid), ragged n, empty passes, no column and
// every column, and it writes nothing past C's elements.
func TestSgemmSerialColsSameBits(t *testing.T) {
	if !ColsOK(50) {
		t.Skip("no AVX-512 path")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	type pick func(j, k int) bool
	picks := map[string]pick{
		"random":     func(j, k int) bool { return rng.IntN(3) > 0 },
		"none":       func(j, k int) bool { return false },
		"all":        func(j, k int) bool { return true },
		"last":       func(j, k int) bool { return j == k-1 },
		"firstEmpty": func(j, k int) bool { return j >= PassDepth(k) && rng.IntN(2) == 0 },
		"middle":     func(j, k int) bool { return j > k/4 && j < 3*k/4 },
	}
	for _, sz := range [][3]int{{50, 100, 784}, {52, 100, 784}, {17, 10, 262}, {100, 100, 400}, {26, 33, 19}, {40, 16, 5}, {64, 1000, 784}} {
		m, n, k := sz[0], sz[1], sz[2]
		for name, keep := range picks {
			mask := make([]uint16, (k+15)/16+1)
			full := make([]float32, m*k)
			var kept []int
			for j := range k {
				if keep(j, k) {
					mask[j/16] |= 1 << (j % 16)
					kept = append(kept, j)
				}
			}
			for i := range m {
				for _, j := range kept {
					full[i*k+j] = float32(rng.NormFloat64())
				}
			}
			lda := len(kept) + 3
			a := make([]float32, m*lda)
			for i := range m {
				for q, j := range kept {
					a[i*lda+q] = full[i*k+j]
				}
			}
			ldb := k + 1
			b := make([]float32, n*ldb)
			for i := range b {
				b[i] = float32(rng.NormFloat64())
			}
			ldc := n + 2
			want := make([]float32, m*ldc)
			got := make([]float32, m*ldc)
			for i := range got {
				got[i] = float32(math.NaN())
				want[i] = got[i]
			}
			SgemmSerial(false, true, m, n, k, 1, full, k, b, ldb, 0, want, ldc)
			SgemmSerialCols(m, n, k, a, lda, b, ldb, got, ldc, mask)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(math.IsNaN(float64(got[i])) && math.IsNaN(float64(want[i]))) {
					t.Fatalf("%d×%d×%d %s (%d columns): c[%d] = %v (%#x), the full product %v (%#x)", m, n, k, name, len(kept), i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
				}
			}
		}
	}
}

// TestPackBCols512: the packed panel of the kept columns equals the dense
// packing of B with the left-out columns removed.
func TestPackBCols512(t *testing.T) {
	if !ColsOK(50) {
		t.Skip("no AVX-512 path")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sz := range [][3]int{{100, 262, 0}, {100, 262, 262}, {16, 37, 5}, {7, 40, 0}} {
		n, kc, pc := sz[0], sz[1], sz[2]
		k := pc + kc
		mask := make([]uint16, (k+15)/16)
		var kept []int
		for j := range k {
			if rng.IntN(3) > 0 {
				mask[j/16] |= 1 << (j % 16)
				if j >= pc {
					kept = append(kept, j)
				}
			}
		}
		b := make([]float32, n*k)
		for i := range b {
			b[i] = float32(rng.NormFloat64())
		}
		p := problem{transB: true, n: n, k: k, b: b, ldb: k, cols: mask}
		ncb := roundUp(n, nr)
		ws := workspace{bpack: make([]float32, ncb*kc+nr)}
		ckc := packBCols512(&ws, &p, pc, kc, 0, n, 0)
		if ckc != len(kept) {
			t.Fatalf("n %d kc %d pc %d: %d columns packed, want %d", n, kc, pc, ckc, len(kept))
		}
		for jr := 0; jr < n; jr += nr {
			for q, col := range kept {
				for j := range nr {
					want := float32(0)
					if jr+j < n {
						want = b[(jr+j)*k+col]
					}
					if got := ws.bpack[jr*ckc+q*nr+j]; got != want {
						t.Fatalf("n %d kc %d pc %d: panel %d row %d lane %d = %v, want %v", n, kc, pc, jr/nr, q, j, got, want)
					}
				}
			}
		}
	}
}
