package gemm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAsmPathsSameBits: the AVX2 and AVX-512 kernels add up every element of
// C in the same order (one FMA per k, in order, over the same passes of k,
// then the same beta step), so they must give the same bits even though
// their tiles differ. Shapes cover every transpose, every beta mode, edge
// tiles of both tile heights, several passes over k, strides wider than the
// matrices and unaligned starts.
func TestAsmPathsSameBits(t *testing.T) {
	if !hasAsm || !hasAVX512 {
		t.Skip("needs both the AVX2 and the AVX-512 kernel")
	}
	r := rand.New(rand.NewPCG(21, 22))
	// The list index i picks the layout below: {30, 20, 512} sits at i = 6
	// (A as stored, alpha 1, lda 512) so that A is packed because of its
	// stride; {100, 100, 784} at i = 3 and {128, 100, 100} at i = 0, 4 have
	// alpha 1 and A read in place.
	dims := [][3]int{{128, 100, 100}, {26, 16, 7}, {27, 17, 385}, {100, 100, 784}, {128, 100, 100}, {53, 33, 1000}, {30, 20, 512}, {131, 10, 100}}
	for len(dims) < 60 {
		dims = append(dims, [3]int{4 + r.IntN(140), 1 + r.IntN(140), 1 + r.IntN(900)})
	}
	for i, d := range dims {
		m, n, k := d[0], d[1], d[2]
		tA, tB := i&1 != 0, i&2 != 0
		alpha := []float32{1, -0.5, 2}[i%3]
		beta := []float32{0, 1, 0.5, -2}[i%4]
		off := i % 5 // unaligned start of every operand
		lda, ldb, ldc := k+i%3, n+i%2, n+i%4
		if tA {
			lda = m + i%3
		}
		if tB {
			ldb = k + i%2
		}
		asmPathsAgree(t, r, tA, tB, m, n, k, alpha, beta, lda, ldb, ldc, off)
	}
}

// TestSmallMSameBits covers the AVX-512 path for m ≤ 16 (Cᵀ tiles written
// by scatters) against the AVX2 path: every layout and beta mode, alpha 1
// (B read in place) and not, ragged blocks of 26 columns, and a B whose row
// stride (512) makes the path copy it.
func TestSmallMSameBits(t *testing.T) {
	if !hasAsm || !hasAVX512 {
		t.Skip("needs both the AVX2 and the AVX-512 kernel")
	}
	r := rand.New(rand.NewPCG(24, 25))
	for _, d := range [][3]int{{4, 100, 100}, {10, 100, 100}, {16, 26, 30}, {13, 53, 1000}, {7, 27, 9}, {5, 1, 3}} {
		m, n, k := d[0], d[1], d[2]
		for tAB := range 4 {
			tA, tB := tAB&1 != 0, tAB&2 != 0
			for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0.5, -2}} {
				for _, pad := range []int{0, 3} {
					lda, ldb, ldc := k+pad, n+pad, n+pad
					if tA {
						lda = m + pad
					}
					if tB {
						ldb = k + pad
						if pad > 0 {
							ldb = 512 * (k/512 + 1)
						}
					}
					asmPathsAgree(t, r, tA, tB, m, n, k, ab[0], ab[1], lda, ldb, ldc, pad)
				}
			}
		}
	}
}

// asmPathsAgree runs one product on the AVX2 and the AVX-512 path, operands
// starting off floats into their slices, and fails unless C has the same
// bits.
func asmPathsAgree(t *testing.T, r *rand.Rand, tA, tB bool, m, n, k int, alpha, beta float32, lda, ldb, ldc, off int) {
	t.Helper()
	a := randSlice(r, off+max(m, k)*lda)[off:]
	b := randSlice(r, off+max(n, k)*ldb)[off:]
	c0 := randSlice(r, off+m*ldc)[off:]
	var want []float32
	for _, pa := range []path{pathAVX2, pathAVX512} {
		withPath(pa, func() {
			c := slices.Clone(c0)
			Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			if want == nil {
				want = c
				return
			}
			for j := range c {
				if math.Float32bits(c[j]) != math.Float32bits(want[j]) {
					t.Fatalf("tA=%v tB=%v %dx%dx%d alpha=%g beta=%g lda=%d ldb=%d ldc=%d: C[%d] = %v on %s, %v on avx2",
						tA, tB, m, n, k, alpha, beta, lda, ldb, ldc, j, c[j], pa, want[j])
				}
			}
		})
	}
}

// TestKernelEdges calls each assembly micro-kernel on every cut of its tile
// (rows × cols) in every beta mode and checks it against the portable
// kernel, and that nothing outside the cut is touched. Packed values are
// small integers, so every sum is exact and the kernels must agree bit for
// bit whatever their order of operations.
func TestKernelEdges(t *testing.T) {
	const kc, ldc = 9, nr + 3
	for _, pa := range kernels()[1:] {
		mr := pa.mr()
		r := rand.New(rand.NewPCG(23, uint64(mr)))
		ints := func(n int) []float32 {
			s := make([]float32, n)
			for i := range s {
				s[i] = float32(r.IntN(9) - 4)
			}
			return s
		}
		ap, bp := ints(kc*mr), ints(kc*nr)
		for _, mode := range []int{modeStore, modeAdd, modeScale} {
			for rows := 1; rows <= mr; rows++ {
				for cols := 1; cols <= nr; cols++ {
					c0 := ints(mr * ldc)
					want := slices.Clone(c0)
					kernelGeneric(kc, mr, ap, bp, want, ldc, 0.5, mode, rows, cols)
					got := slices.Clone(c0)
					kernel(pa, kc, ap, bp, got[:(rows-1)*ldc+cols], ldc, 0.5, mode, rows, cols)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s mode %d, %d×%d cut: c[%d] = %v, want %v", pa, mode, rows, cols, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestHalfKernelSameBits: the 13-row kernels give the bits of the 26-row
// ones on every cut of a half tile (rows ≤ 13 × cols), in every beta mode,
// with A packed, A read a row stride apart and C written transposed, on
// random values (so a different order of operations would show), and touch
// nothing outside the cut.
func TestHalfKernelSameBits(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512 kernels on this machine or build")
	}
	const kc, ldc, lda = 37, nr + 3, 41
	r := rand.New(rand.NewPCG(31, 37))
	ap, bp := randSlice(r, kc*mrAVX512), randSlice(r, kc*nr)
	arow := randSlice(r, mrAVX512*lda)
	var tidx [nr]int32
	for i := range tidx {
		tidx[i] = int32(i * ldc)
	}
	type call func(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, cmask uint64, step int, tidx *int32)
	for _, v := range []struct {
		name        string
		full, half  call
		a           []float32
		step        int
		transposedC bool
	}{
		{"packed", kernel26x16, kernel13x16, ap, mrAVX512, false},
		{"row A", kernel26x16RowA, kernel13x16RowA, arow, lda, false},
		{"packed, C transposed", kernel26x16, kernel13x16, ap, mrAVX512, true},
	} {
		for _, mode := range []int{modeStore, modeAdd, modeScale} {
			for rows := 1; rows <= mrHalfAVX512; rows++ {
				for cols := 1; cols <= nr; cols++ {
					c0 := randSlice(r, mrAVX512*ldc+nr)
					want, got := slices.Clone(c0), slices.Clone(c0)
					ti := (*int32)(nil)
					if v.transposedC {
						ti = &tidx[0]
					}
					cmask := uint64(1)<<cols - 1
					v.full(kc, &v.a[0], &bp[0], &want[0], ldc, 0.5, mode, rows, cmask, v.step, ti)
					v.half(kc, &v.a[0], &bp[0], &got[0], ldc, 0.5, mode, rows, cmask, v.step, ti)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s, mode %d, %d×%d cut: c[%d] = %v, the 26-row kernel gives %v", v.name, mode, rows, cols, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
