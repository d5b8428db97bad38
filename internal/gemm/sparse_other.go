//go:build !amd64 || noasm

package gemm

func compressRow(n int, x *float32, idx *int32, val *float32) int {
	panic("gemm: assembly kernel called in a build without it")
}

func spRowNT(cnt int, idx *int32, val *float32, bt *float32, pstride int, np int, c *float32, lastmask uint64, add int) {
	panic("gemm: assembly kernel called in a build without it")
}

func spGradT(cnt int, idx *int32, val *float32, dz *float32, gt *float32, ld int, np int, lastmask uint64) {
	panic("gemm: assembly kernel called in a build without it")
}
