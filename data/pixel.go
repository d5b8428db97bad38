package data

import "github.com/descentlab/descent/internal/vec"

// pixelsToFloat32 writes the value of each pixel byte b of src,
// float32(b)/255 (the correctly rounded quotient, so 0 ↦ 0 and 255 ↦ 1),
// into dst and returns dst[:len(src)]. It panics if dst is shorter than src.
// vec.BytesToFloat32 divides by 255 in vector registers (AVX-512 or AVX2),
// equal to a table of the quotients (TestPixelsToFloat32):
// 5–6 µs for a batch of 100 MNIST images against 27 µs for a table lookup
// unrolled by 8 and 41 µs for the plain loop (BenchmarkPixelsToFloat32).
func pixelsToFloat32(dst []float32, src []uint8) []float32 {
	dst = dst[:len(src)]
	vec.BytesToFloat32(dst, src, 255)
	return dst
}
