package safetensors

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

// TestWriterEqualsEncode checks that streaming F32, F64 and I64 tensors in
// pieces (each larger than the conversion buffer) writes the same bytes as
// Encode of the converted tensors, and that the typed readers get the
// elements back.
func TestWriterEqualsEncode(t *testing.T) {
	f := make([]float32, 20000)
	d := make([]float64, 9000)
	n := []int64{-1, 0, 1 << 62, math.MinInt64, 7}
	for i := range f {
		f[i] = float32(i)*0.37 - 11
	}
	for i := range d {
		d[i] = math.Sqrt(float64(i)) - 3
	}
	f[3], d[5] = float32(math.NaN()), math.Inf(-1)
	tensors := []Tensor{NewF32("w", []int{100, 200}, f), NewI64("step", []int{}, n[4:]), NewF64("v", []int{9000}, d), NewI64("ids", []int{5}, n), NewF32("none", []int{0, 3}, nil)}
	var want bytes.Buffer
	if err := Encode(&want, tensors, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	w, err := NewWriter(&got, []Info{{"w", F32, []int{100, 200}}, {"step", I64, []int{}}, {"v", F64, []int{9000}}, {"ids", I64, []int{5}}, {"none", F32, []int{0, 3}}}, map[string]string{"format": "pt"})
	if err != nil {
		t.Fatal(err)
	}
	steps := []error{w.Float32s(f[:12345]), w.Float32s(f[12345:]), w.Int64s(n[4:]), w.Float64s(d[:1]), w.Float64s(d[1:]), w.Bytes(Int64s(n[:2])), w.Int64s(n[2:]), w.Float32s(nil), w.Close()}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("Writer wrote %d bytes, Encode %d: they differ", got.Len(), want.Len())
	}
	ts, _, err := Decode(got.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Tensor{}
	for _, x := range ts {
		byName[x.Name] = x
	}
	gf, err1 := byName["w"].AsFloat32()
	gd, err2 := byName["v"].AsFloat64()
	gn, err3 := byName["ids"].AsInt64()
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	for i := range f {
		if math.Float32bits(gf[i]) != math.Float32bits(f[i]) {
			t.Fatalf("w[%d] = %v, want %v", i, gf[i], f[i])
		}
	}
	for i := range d {
		if math.Float64bits(gd[i]) != math.Float64bits(d[i]) {
			t.Fatalf("v[%d] = %v, want %v", i, gd[i], d[i])
		}
	}
	for i := range n {
		if gn[i] != n[i] {
			t.Fatalf("ids[%d] = %d, want %d", i, gn[i], n[i])
		}
	}
	if _, err := byName["w"].AsFloat64(); err == nil || !strings.Contains(err.Error(), `"w" is F32, want F64`) {
		t.Errorf("AsFloat64 of F32: %v", err)
	}
	if _, err := (Tensor{Name: "x", DType: F32, Shape: []int{3}, Data: make([]byte, 8)}).AsFloat32(); err == nil {
		t.Error("AsFloat32 of a tensor whose data does not fit its shape: no error")
	}
}

// TestWriterErrors checks that a Writer refuses writes of the wrong dtype,
// past a tensor's end or past the file's, and a Close with data missing,
// and that an error sticks.
func TestWriterErrors(t *testing.T) {
	infos := []Info{{"a", F32, []int{2}}, {"b", I64, []int{1}}}
	for _, c := range []struct {
		name  string
		write func(w *Writer) error
		want  string
	}{
		{"dtype", func(w *Writer) error { return w.Float64s([]float64{1}) }, `tensor "a" is F32, written as F64`},
		{"past the tensor", func(w *Writer) error { return w.Float32s(make([]float32, 3)) }, `tensor "a": 12 bytes written, 8 left`},
		{"missing", func(w *Writer) error { w.Float32s(make([]float32, 2)); return w.Close() }, `tensor "b": 8 of 8 bytes missing`},
		{"past the file", func(w *Writer) error {
			w.Float32s(make([]float32, 2))
			w.Int64s([]int64{1})
			return w.Bytes([]byte{0})
		}, "1 bytes written after the last tensor"},
		{"sticky", func(w *Writer) error { w.Int64s([]int64{1}); w.Float32s(make([]float32, 2)); return w.Close() }, `tensor "a" is F32, written as I64`},
	} {
		w, err := NewWriter(&bytes.Buffer{}, infos, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.write(w); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	for _, bad := range [][]Info{{{"", F32, nil}}, {{"x", "F8", nil}}, {{"x", F32, []int{-1}}}, {{"x", F32, nil}, {"x", F64, nil}}} {
		if _, err := NewWriter(&bytes.Buffer{}, bad, nil); err == nil {
			t.Errorf("NewWriter(%v): no error", bad)
		}
	}
}

// TestWriterAllocs checks that streaming allocates nothing per element:
// one buffer per Writer, whatever the size of the tensors.
func TestWriterAllocs(t *testing.T) {
	v := make([]float32, 1<<20)
	var out bytes.Buffer
	out.Grow(5 << 20)
	allocs := testing.AllocsPerRun(5, func() {
		out.Reset()
		w, _ := NewWriter(&out, []Info{{"v", F32, []int{len(v)}}}, nil)
		w.Float32s(v)
		w.Close()
	})
	if allocs > 40 { // the header's JSON encoding and the one buffer
		t.Errorf("streaming 4 MiB made %v allocations", allocs)
	}
}

// TestFloat32Files checks WriteFloat32/ReadFloat32 against each other and
// ReadFloat32's refusal of other dtypes.
func TestFloat32Files(t *testing.T) {
	in := []Float32Tensor{{"fc1.weight", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}}, {"fc1.bias", []int{2}, []float32{-1, 0.5}}}
	var b bytes.Buffer
	if err := WriteFloat32(&b, in, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	out, meta, err := ReadFloat32(b.Bytes())
	if err != nil || meta["k"] != "v" || len(out) != 2 || out[0].Name != "fc1.weight" || out[1].Data[1] != 0.5 || out[0].Shape[1] != 3 {
		t.Fatalf("ReadFloat32 = %v, %v, %v", out, meta, err)
	}
	if err := WriteFloat32(&b, []Float32Tensor{{"x", []int{3}, []float32{1}}}, nil); err == nil {
		t.Error("WriteFloat32 of a tensor shorter than its shape: no error")
	}
	b.Reset()
	Encode(&b, []Tensor{NewF64("x", []int{1}, []float64{1})}, nil)
	if _, _, err := ReadFloat32(b.Bytes()); err == nil || !strings.Contains(err.Error(), `"x" is F64, want F32`) {
		t.Errorf("ReadFloat32 of F64: %v", err)
	}
}
