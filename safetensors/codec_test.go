package safetensors

import (
	"bytes"
	"math"
	"testing"
)

// TestFloatCodec: the codec writes IEEE-754 little-endian bytes (checked
// against hand-written encodings), decodes them back bit for bit (signed
// zero, infinities, a NaN payload, subnormals) and does not allocate.
func TestFloatCodec(t *testing.T) {
	f32 := []float32{1, -2, float32(math.Copysign(0, -1)), float32(math.Inf(1)),
		math.Float32frombits(0x7fc00001), math.SmallestNonzeroFloat32}
	want32 := []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0, 0x80, 0, 0, 0x80, 0x7f,
		1, 0, 0xc0, 0x7f, 1, 0, 0, 0}
	if got := Float32s(f32); !bytes.Equal(got, want32) {
		t.Errorf("Float32s = % x, want % x", got, want32)
	}
	f64 := []float64{1, -2, math.Copysign(0, -1), math.Inf(-1),
		math.Float64frombits(0x7ff8000000000001), math.SmallestNonzeroFloat64}
	want64 := []byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc0,
		0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0xf0, 0xff,
		1, 0, 0, 0, 0, 0, 0xf8, 0x7f, 1, 0, 0, 0, 0, 0, 0, 0}
	if got := Float64s(f64); !bytes.Equal(got, want64) {
		t.Errorf("Float64s = % x, want % x", got, want64)
	}
	back32 := make([]float32, len(f32))
	ToFloat32s(back32, want32)
	for i := range f32 {
		if math.Float32bits(back32[i]) != math.Float32bits(f32[i]) {
			t.Errorf("ToFloat32s[%d] = %08x, want %08x", i, math.Float32bits(back32[i]), math.Float32bits(f32[i]))
		}
	}
	back64 := make([]float64, len(f64))
	ToFloat64s(back64, want64)
	for i := range f64 {
		if math.Float64bits(back64[i]) != math.Float64bits(f64[i]) {
			t.Errorf("ToFloat64s[%d] = %016x, want %016x", i, math.Float64bits(back64[i]), math.Float64bits(f64[i]))
		}
	}
	// A longer dst is written only in its first bytes.
	dst := bytes.Repeat([]byte{0xaa}, len(want32)+3)
	PutFloat32s(dst, f32)
	if !bytes.Equal(dst[:len(want32)], want32) || !bytes.Equal(dst[len(want32):], []byte{0xaa, 0xaa, 0xaa}) {
		t.Errorf("PutFloat32s into a longer dst: % x", dst)
	}
	buf := make([]byte, len(want64))
	if n := testing.AllocsPerRun(100, func() {
		PutFloat32s(buf, f32)
		PutFloat64s(buf, f64)
		ToFloat32s(back32, want32)
		ToFloat64s(back64, want64)
	}); n != 0 {
		t.Errorf("%v allocations per encode and decode, want 0", n)
	}
}
