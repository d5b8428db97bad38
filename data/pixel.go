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
// A table lookup is one load per pixel, with no division.
func pixelsToFloat32(dst []float32, src []uint8) []float32 {
	dst = dst[:len(src)]
	for i, b := range src {
		dst[i] = pixelValue[b]
	}
	return dst
}
