package optim

import (
	"math"
	"slices"
	"testing"

	"github.com/descentlab/descent/safetensors"
)

type namedF32 float32
type namedF64 float64

// TestStateCodecNamedTypes: optim's state encoding goes through
// safetensors' codec for float32, float64 and types based on them, giving
// the same bytes as the plain types and decoding them bit for bit.
func TestStateCodecNamedTypes(t *testing.T) {
	v32 := []float32{1.5, float32(math.Copysign(0, -1)), float32(math.Inf(-1)), 3e-39, -7}
	n32 := make([]namedF32, len(v32))
	for i, x := range v32 {
		n32[i] = namedF32(x)
	}
	if b := toBytes(n32); !slices.Equal(b, safetensors.Float32s(v32)) || !slices.Equal(toBytes(v32), b) {
		t.Errorf("toBytes of a named float32 type: % x", b)
	}
	if back := fromBytes[namedF32](toBytes(n32)); !slices.Equal(back, n32) {
		t.Errorf("fromBytes = %v, want %v", back, n32)
	}
	v64 := []float64{1.5, math.Copysign(0, -1), math.Inf(1), 5e-324, -7}
	n64 := make([]namedF64, len(v64))
	for i, x := range v64 {
		n64[i] = namedF64(x)
	}
	if b := toBytes(n64); !slices.Equal(b, safetensors.Float64s(v64)) || len(b) != 8*len(v64) {
		t.Errorf("toBytes of a named float64 type: % x", b)
	}
	back := fromBytes[namedF64](toBytes(n64))
	for i := range back {
		if math.Float64bits(float64(back[i])) != math.Float64bits(v64[i]) {
			t.Errorf("fromBytes[%d] = %v, want %v", i, back[i], v64[i])
		}
	}
	if len(toBytes[float32](nil)) != 0 || len(fromBytes[float64](nil)) != 0 {
		t.Error("empty slices should encode and decode to empty")
	}
}
