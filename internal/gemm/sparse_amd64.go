//go:build !noasm

package gemm

// union4, rows4NT and gradCols4 are the AVX-512 kernels of
// sparse.go; sparse_amd64.s states their contracts.

//go:noescape
func union4(n int, x *[4]*float32, idx *int32, v *[4]*float32, nib *byte, stride int) int

//go:noescape
func rows4NT(cnt int, idx *int32, v *[4]*float32, bt *float32, kstride int, np int, c *[4]*float32, lastmask uint64, add int)

//go:noescape
func gradCols4(nw int, nib *byte, j int, rowmask uint64, x *float32, ldx int, dz *float32, ldz int, c *float32, ldc int, np int, lastmask uint64, nout int, pf *float32, npf int) (finite bool)
