//go:build noavx512

package gemm

// allowAVX512 is false: the build tag noavx512 forces the AVX2 kernel even
// on a CPU that has AVX-512.
const allowAVX512 = false
