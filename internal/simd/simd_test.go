package simd

import "testing"

// The levels nest, and the build tags take away what they say.
func TestLevels(t *testing.T) {
	if AVX512 && !AVX2 {
		t.Error("AVX-512 on without AVX2")
	}
	if !asm && AVX2 {
		t.Error("noasm build (or not amd64) with AVX2 on")
	}
	if !allowAVX512 && AVX512 {
		t.Error("noavx512 build with AVX-512 on")
	}
	t.Logf("AVX2 %v, AVX-512 %v", AVX2, AVX512)
}
