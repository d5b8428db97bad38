//go:build !noasm

package kernel

import "github.com/descentlab/descent/internal/simd"

// hasAVX512 reports whether adam32x16 may run: the CPU has AVX-512F and
// the build allows it (internal/simd: not under -tags noavx512 or noasm).
var hasAVX512 = simd.AVX512

// adam32x16 is adam32 with flags 0 on 16-lane vectors; n is a multiple of
// 16. See adam_avx512_amd64.s.
//
//go:noescape
func adam32x16(n int, c *float32, p, gr, m, v *float32)

// sgdMomentum32x16 is sgdMomentum32 with flags 0 on 16-lane vectors; n is
// a multiple of 16. See momentum_avx512_amd64.s.
//
//go:noescape
func sgdMomentum32x16(n int, c *float32, p, gr, buf *float32)
