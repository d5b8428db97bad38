//go:build noavx512

package simd

const allowAVX512 = false
