//go:build !noavx512

package gemm

// allowAVX512 is false only in builds with the tag noavx512, which force the
// AVX2 kernel on a CPU that has AVX-512 (CI runs that path this way).
const allowAVX512 = true
