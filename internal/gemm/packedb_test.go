package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSgemmPackedBSameBits: SgemmPackedB gives SgemmSerial's bits for A as
// stored and op(B) either way: rows from the row-at-a-time path's (≤ 3)
// through the small-m path's (≤ 16) to several tiles, k over one to three
// passes, n from a ragged panel to more than one tile, strides larger than
// the rows; one PackedB reused for several A.
func TestSgemmPackedBSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	rnd := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(rng.NormFloat64())
		}
		return s
	}
	var pb PackedB
	for _, k := range []int{1, 7, 100, 384, 500, 784} {
		for _, n := range []int{1, 10, 16, 100, 112, 300} {
			for _, transB := range []bool{false, true} {
				ldb := n + 3
				b := rnd(k * ldb)
				if transB {
					ldb = k + 5
					b = rnd(n * ldb)
				}
				pb.Pack(transB, k, n, b, ldb)
				for _, m := range []int{1, 3, 4, 13, 16, 17, 24, 26, 52, 100, 130} {
					lda, ldc := k+2, n+1
					a := rnd(m * lda)
					want, got := rnd(m*ldc), rnd(m*ldc)
					copy(got, want) // elements past n stay as they were
					SgemmSerial(false, transB, m, n, k, 1, a, lda, b, ldb, 0, want, ldc)
					SgemmPackedB(m, a, lda, &pb, got, ldc)
					for i := range want {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("m=%d n=%d k=%d transB=%v: c[%d] = %g, SgemmSerial %g", m, n, k, transB, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestSgemmPackedBAllocs: after the first product, packing and products
// allocate nothing.
func TestSgemmPackedBAllocs(t *testing.T) {
	var pb PackedB
	b := make([]float32, 100*100)
	a := make([]float32, 52*100)
	c := make([]float32, 52*100)
	step := func() {
		pb.Pack(true, 100, 100, b, 100)
		SgemmPackedB(52, a, 100, &pb, c, 100)
		pb.Pack(false, 100, 100, b, 100)
		SgemmPackedB(52, a, 100, &pb, c, 100)
	}
	step()
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops items at random")
	}
	if n := testing.AllocsPerRun(20, step); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}
