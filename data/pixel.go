package data

import "github.com/descentlab/descent/internal/vec"

// pixelValue[b] is the value of the pixel byte b: float32(b)/255, the
// correctly rounded quotient, so that 0 ↦ 0 and 255 ↦ 1 exactly.
var pixelValue = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// pixelsToFloat32 writes the value of each pixel of src (pixelValue) into
// dst and returns dst[:len(src)]. It panics if dst is shorter than src.
// vec.BytesToFloat32 divides by 255 in vector registers (AVX-512 or AVX2),
// giving pixelValue's correctly rounded quotients (TestPixelsToFloat32):
// 5–6 µs for a batch of 100 MNIST images against 27 µs for a table lookup
// unrolled by 8 and 41 µs for the plain loop (BenchmarkPixelsToFloat32).
func pixelsToFloat32(dst []float32, src []uint8) []float32 {
	dst = dst[:len(src)]
	vec.BytesToFloat32(dst, src, 255)
	return dst
}
