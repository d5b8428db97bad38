//go:build !amd64 || noasm

package kernel

// hasAVX512 is false: this build has no AVX-512 kernels.
const hasAVX512 = false

func adam32x16(n int, c *float32, p, gr, m, v *float32) {
	panic("kernel: no AVX-512 kernels in this build")
}

func sgdMomentum32x16(n int, c *float32, p, gr, buf *float32) {
	panic("kernel: no AVX-512 kernels in this build")
}
