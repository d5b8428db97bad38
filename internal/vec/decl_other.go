//go:build !amd64 || noasm

package vec

const best = Portable

func bytesToF32AVX512(dst *float32, src *byte, n int, div float32) { panic("vec: no assembly") }
func bytesToF32AVX2(dst *float32, src *byte, n int, div float32)   { panic("vec: no assembly") }
func finiteAVX512(x *float32, n int) bool                          { panic("vec: no assembly") }
func finiteAVX2(x *float32, n int) bool                            { panic("vec: no assembly") }
func addBiasAVX512(z, b *float32, rows, c int, relu bool)          { panic("vec: no assembly") }
func addBiasAVX2(z, b *float32, rows, c, full int, relu bool)      { panic("vec: no assembly") }
func reluGradAVX512(grad, y *float32, n int)                       { panic("vec: no assembly") }
func reluGradAVX2(grad, y *float32, n int)                         { panic("vec: no assembly") }
func colSumsAVX512(dst, x *float32, rows, c int)                   { panic("vec: no assembly") }
func colSumsAVX2(dst, x *float32, rows, c, full int)               { panic("vec: no assembly") }

func softmaxAVX512(dz, tops, sums, logits *float32, rows, c int, scale float32) {
	panic("vec: no assembly")
}

func prefetchAsm(p *byte, n int) {}
