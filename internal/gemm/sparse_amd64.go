//go:build !noasm

package gemm

// compressRow, spRowNT and spGradT are the AVX-512 kernels of sparse.go;
// sparse_amd64.s states their contracts.

//go:noescape
func compressRow(n int, x *float32, idx *int32, val *float32) int

//go:noescape
func spRowNT(cnt int, idx *int32, val *float32, bt *float32, kstride, pstride int, np int, c *float32, lastmask uint64, add int)

//go:noescape
func spGradT(cnt int, idx *int32, val *float32, dz *float32, gt *float32, ld int, np int, lastmask uint64)

//go:noescape
func packBTSAVX512(kc int, b *float32, ldb int, dst *float32, dstride int)

//go:noescape
func union4(n int, x *[4]*float32, idx *int32, v *[4]*float32) int

//go:noescape
func rows4NT(cnt int, idx *int32, v *[4]*float32, bt *float32, kstride int, np int, c *[4]*float32, lastmask uint64, add int)

//go:noescape
func grad4T(cnt int, idx *int32, v *[4]*float32, dz *[4]*float32, gt *float32, ld int, np int, lastmask uint64)
