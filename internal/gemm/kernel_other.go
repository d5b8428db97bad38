//go:build !amd64 || noasm

package gemm

// hasAsm is false: this build has no assembly kernels.
const hasAsm = false

func kernel6x16(k int, a, b, c *float32, ldc int, beta float32, mode int) {
	panic("gemm: assembly kernel called in a build without it")
}
