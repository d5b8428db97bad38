package data

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
// A table lookup is one load per pixel, with no division; unrolled by 8 it
// measured 1.3–2× as fast as the plain loop (BenchmarkPixelsToFloat32), and
// gathering a batch of 100 MNIST images from bytes is then no slower than
// copying their floats from a 188 MB float32 set (BenchmarkGather).
func pixelsToFloat32(dst []float32, src []uint8) []float32 {
	dst = dst[:len(src)]
	i := 0
	for ; i+8 <= len(src); i += 8 {
		s, d := src[i:i+8:i+8], dst[i:i+8:i+8]
		d[0] = pixelValue[s[0]]
		d[1] = pixelValue[s[1]]
		d[2] = pixelValue[s[2]]
		d[3] = pixelValue[s[3]]
		d[4] = pixelValue[s[4]]
		d[5] = pixelValue[s[5]]
		d[6] = pixelValue[s[6]]
		d[7] = pixelValue[s[7]]
	}
	for ; i < len(src); i++ {
		dst[i] = pixelValue[src[i]]
	}
	return dst
}
