//go:build !noasm

package gemm

// compressRow, spRowNT and spGradT are the AVX-512 kernels of sparse.go;
// sparse_amd64.s states their contracts.

//go:noescape
func compressRow(n int, x *float32, idx *int32, val *float32) int

//go:noescape
func spRowNT(cnt int, idx *int32, val *float32, bt *float32, pstride int, np int, c *float32, lastmask uint64, add int)

//go:noescape
func spGradT(cnt int, idx *int32, val *float32, dz *float32, gt *float32, ld int, np int, lastmask uint64)
