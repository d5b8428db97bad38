//go:build !noasm

package gemm

import "github.com/descentlab/descent/internal/simd"

// hasAsm reports whether the AVX2+FMA kernels may run (internal/simd: the
// CPU's features less the build tags).
var hasAsm = simd.AVX2

// hasAVX512 reports whether the AVX-512 micro-kernel may run (it uses
// AVX512F only: ZMM FMAs with embedded broadcast and opmask registers); the
// build tag noavx512 turns it off.
var hasAVX512 = simd.AVX512

// kernel6x16 is the AVX2+FMA micro-kernel; see kernelGeneric for the contract.
// ldc is in elements; a holds k·6 floats and b k·16. With mask nil the whole
// 6×16 tile at c is written; otherwise only its first rows rows and the
// columns j with mask[j] == -1 are read or written.
//
//go:noescape
func kernel6x16(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, mask *int32)

// kernel26x16 is the AVX-512 micro-kernel; see kernelGeneric for the
// contract. The 26 values of A for step q are a[q·astep : q·astep+26] (a
// packed panel has astep 26; A stored transposed, its row stride); b holds
// k·16 floats. Only the first rows rows of the 26×16 tile at c, and in each
// the columns j with bit j of cmask set, are read or written.
//
//go:noescape
func kernel26x16(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, cmask uint64, astep int, tidx *int32)

// kernel26x16RowA is kernel26x16 with A read where it is stored, row-major
// with row stride lda: the value of row i for step q is a[i·lda+q].
//
//go:noescape
func kernel26x16RowA(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, cmask uint64, lda int, tidx *int32)

// kernel13x16 is kernel26x16 for a tile of at most 13 rows (half of one):
// it reads the first 13 values of A per step and keeps 13 rows of C, at
// half the cost. Its elements of C have the same bits as kernel26x16's.
//
//go:noescape
func kernel13x16(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, cmask uint64, astep int, tidx *int32)

// kernel13x16RowA is kernel26x16RowA for a tile of at most 13 rows.
//
//go:noescape
func kernel13x16RowA(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, cmask uint64, lda int, tidx *int32)

// packBNAVX512 sets dst[q·16+j] = b[q·ldb+j] for the columns j set in cmask and 0
// for the others, for q < kc; masked-off columns of b are not read.
//
//go:noescape
func packBNAVX512(kc int, b *float32, ldb int, dst *float32, cmask uint64)

// packBTAVX512 sets dst[q·16+j] = b[idx[j]+q] for the columns j set in cmask
// and 0 for the others, for q < kc, where idx[j] = j·ldb; masked-off rows of
// b are not read. A full panel goes through registers (packBTSAVX512), the
// others take a gather per k.
func packBTAVX512(kc int, b *float32, ldb int, idx *int32, dst *float32, cmask uint64) {
	if cmask == 1<<nr-1 {
		packBTSAVX512(kc, b, ldb, dst, nr, 0)
		return
	}
	packBTGatherAVX512(kc, b, ldb, idx, dst, cmask)
}

//go:noescape
func packBTGatherAVX512(kc int, b *float32, ldb int, idx *int32, dst *float32, cmask uint64)

// packBTSAVX512 sets dst[q·dstride+j] = b[j·ldb+q] for j < 16 and q < kc
// and, where check is not 0, reports whether all those values are finite
// (else it reports true, or what the last kc mod 16 columns say).
//
//go:noescape
func packBTSAVX512(kc int, b *float32, ldb int, dst *float32, dstride int, check int) (finite bool)

// gemvN32 sets y[0:32] = Σ_q x[q]·b[q·ldb : q·ldb+32].
//
//go:noescape
func gemvN32(k int, x, b *float32, ldb int, y *float32)

// gemvN8 sets y[j] = Σ_q x[q]·b[q·ldb+j] for each j < 8 with mask[j] == -1,
// touching no other element of b or y.
//
//go:noescape
func gemvN8(k int, x, b *float32, ldb int, y *float32, mask *int32)

// dot4 sets out[r] = Σ_{q<k} x[q]·b[r·ldb+q] for r < 4. mask holds -1 in its
// first k mod 8 words.
//
//go:noescape
func dot4(k int, x, b *float32, ldb int, out *float32, mask *int32)
