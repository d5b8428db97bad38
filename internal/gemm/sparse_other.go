//go:build !amd64 || noasm

package gemm

func union4(n int, x *[4]*float32, idx *int32, v *[4]*float32, masks *[4]uint64) int {
	panic("gemm: assembly kernel called in a build without it")
}

func rows4NT(cnt int, idx *int32, v *[4]*float32, bt *float32, kstride int, np int, c *[4]*float32, lastmask uint64, add int) {
	panic("gemm: assembly kernel called in a build without it")
}

func gradRows26(cnt int, rows *int32, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, nrow int, cmask uint64) (finite bool) {
	panic("gemm: assembly kernel called in a build without it")
}
