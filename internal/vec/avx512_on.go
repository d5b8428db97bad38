//go:build !noavx512

package vec

const noAVX512 = false
