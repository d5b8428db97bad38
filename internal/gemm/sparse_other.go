//go:build !amd64 || noasm

package gemm

func compressRow(n int, x *float32, idx *int32, val *float32) int {
	panic("gemm: assembly kernel called in a build without it")
}

func spRowNT(cnt int, idx *int32, val *float32, bt *float32, kstride, pstride int, np int, c *float32, lastmask uint64, add int) {
	panic("gemm: assembly kernel called in a build without it")
}

func spGradT(cnt int, idx *int32, val *float32, dz *float32, gt *float32, ld int, np int, lastmask uint64) {
	panic("gemm: assembly kernel called in a build without it")
}

func packBTSAVX512(kc int, b *float32, ldb int, dst *float32, dstride int) {
	panic("gemm: assembly kernel called in a build without it")
}

func union4(n int, x *[4]*float32, idx *int32, v *[4]*float32) int {
	panic("gemm: assembly kernel called in a build without it")
}

func rows4NT(cnt int, idx *int32, v *[4]*float32, bt *float32, kstride int, np int, c *[4]*float32, lastmask uint64, add int) {
	panic("gemm: assembly kernel called in a build without it")
}

func grad4T(cnt int, idx *int32, v *[4]*float32, dz *[4]*float32, gt *float32, ld int, np int, lastmask uint64) {
	panic("gemm: assembly kernel called in a build without it")
}
