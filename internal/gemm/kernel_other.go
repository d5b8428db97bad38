//go:build !amd64 || noasm

package gemm

// hasAsm is false: this build has no assembly kernels.
const hasAsm = false

// hasAVX512 is false: this build has no assembly kernels.
const hasAVX512 = false

func kernel26x16(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, cmask uint64, astep int, tidx *int32) {
	panic("gemm: assembly kernel called in a build without it")
}

func kernel26x16RowA(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, cmask uint64, lda int, tidx *int32) {
	panic("gemm: assembly kernel called in a build without it")
}

func kernel13x16(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, cmask uint64, astep int, tidx *int32) {
	panic("gemm: assembly kernel called in a build without it")
}

func kernel13x16RowA(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, cmask uint64, lda int, tidx *int32) {
	panic("gemm: assembly kernel called in a build without it")
}

func packBNAVX512(kc int, b *float32, ldb int, dst *float32, cmask uint64) {
	panic("gemm: assembly kernel called in a build without it")
}

func packBTAVX512(kc int, b *float32, ldb int, idx *int32, dst *float32, cmask uint64) {
	panic("gemm: assembly kernel called in a build without it")
}

func kernel6x16(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, mask *int32) {
	panic("gemm: assembly kernel called in a build without it")
}

func gemvN32(k int, x, b *float32, ldb int, y *float32) {
	panic("gemm: assembly kernel called in a build without it")
}

func gemvN8(k int, x, b *float32, ldb int, y *float32, mask *int32) {
	panic("gemm: assembly kernel called in a build without it")
}

func dot4(k int, x, b *float32, ldb int, out *float32, mask *int32) {
	panic("gemm: assembly kernel called in a build without it")
}

func packBTSAVX512(kc int, b *float32, ldb int, dst *float32, dstride int, check int) bool {
	panic("gemm: assembly kernel called in a build without it")
}
