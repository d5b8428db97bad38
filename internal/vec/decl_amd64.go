//go:build !noasm

package vec

import "github.com/descentlab/descent/internal/simd"

var best = func() Path {
	switch {
	case simd.AVX512:
		return AVX512
	case simd.AVX2:
		return AVX2
	}
	return Portable
}()

//go:noescape
func bytesToF32AVX512(dst *float32, src *byte, n int, div float32)

//go:noescape
func bytesToF32AVX2(dst *float32, src *byte, n int, div float32)

//go:noescape
func finiteAVX512(x *float32, n int) bool

//go:noescape
func finiteAVX2(x *float32, n int) bool

//go:noescape
func addBiasAVX512(z, b *float32, rows, c int, relu bool)

//go:noescape
func addBiasAVX2(z, b *float32, rows, c, full int, relu bool)

//go:noescape
func reluGradAVX512(grad, y *float32, n int)

//go:noescape
func reluGradAVX2(grad, y *float32, n int)

//go:noescape
func colSumsAVX512(dst, x *float32, rows, c int)

//go:noescape
func colSumsAVX2(dst, x *float32, rows, c, full int)

//go:noescape
func softmaxAVX512(dz, tops, sums, logits *float32, rows, c int, scale float32)

//go:noescape
func prefetchAsm(p *byte, n int)
