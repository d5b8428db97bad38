package safetensors

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	in := []Tensor{
		{Name: "w", DType: "F32", Shape: []int{2, 3}, Data: Float32s([]float32{1, 2, 3, 4, 5, -6.5})},
		{Name: "empty", DType: "F64", Shape: []int{0}, Data: nil},
		{Name: "b", DType: "F64", Shape: []int{2}, Data: Float64s([]float64{0.1, 1e300})},
	}
	var buf bytes.Buffer
	if err := Encode(&buf, in, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(buf.Bytes())
	if (8+n)%8 != 0 {
		t.Errorf("data starts at byte %d, not 8-byte aligned", 8+n)
	}
	out, meta, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if meta["format"] != "pt" {
		t.Errorf("metadata = %v", meta)
	}
	got := map[string]Tensor{}
	for _, x := range out {
		got[x.Name] = x
	}
	for _, want := range in {
		g, ok := got[want.Name]
		if !ok || g.DType != want.DType || !bytes.Equal(g.Data, want.Data) || len(g.Shape) != len(want.Shape) {
			t.Errorf("tensor %q: got %+v, want %+v", want.Name, g, want)
		}
	}
	f := make([]float32, 6)
	ToFloat32s(f, got["w"].Data)
	if f[5] != -6.5 {
		t.Errorf("w[5] = %v, want -6.5", f[5])
	}
}

// TestSpecExample decodes the header layout given in the safetensors
// README by hand, so the reader is checked against the published format
// rather than against its own writer.
func TestSpecExample(t *testing.T) {
	hdr := `{"TENSOR":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}`
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(hdr)))
	b.WriteString(hdr)
	b.Write(Float32s([]float32{1.5, -2}))
	ts, meta, err := Decode(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].Name != "TENSOR" || meta["k"] != "v" {
		t.Fatalf("got %+v %v", ts, meta)
	}
}

func TestDecodeErrors(t *testing.T) {
	mk := func(hdr string, data []byte) []byte {
		var b bytes.Buffer
		binary.Write(&b, binary.LittleEndian, uint64(len(hdr)))
		b.WriteString(hdr)
		b.Write(data)
		return b.Bytes()
	}
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"short", []byte{1, 2}, "shorter"},
		{"huge header", mk("", nil)[:0], "shorter"},
		{"header past end", append([]byte{255, 0, 0, 0, 0, 0, 0, 0}, '{', '}'), "exceeds"},
		{"not json", mk("nope", nil), "bad header"},
		{"bad dtype", mk(`{"a":{"dtype":"X9","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), "unknown dtype"},
		{"size mismatch", mk(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)), "needs 8 bytes"},
		{"offsets out", mk(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 4)), "outside"},
		{"hole", mk(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), "starts at byte 4"},
		{"overlap", mk(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), "starts at byte 0, want 4"},
		{"trailing", mk(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 8)), "cover 4"},
		{"negative dim", mk(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`, nil), "negative"},
	}
	for _, c := range cases {
		_, _, err := Decode(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	var b bytes.Buffer
	Encode(&b, []Tensor{{Name: "x", DType: "F32", Shape: []int{2}, Data: Float32s([]float32{1, 2})}}, map[string]string{"a": "b"})
	f.Add(b.Bytes())
	f.Add([]byte{})
	f.Add([]byte("\x02\x00\x00\x00\x00\x00\x00\x00{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, _, err := Decode(data)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Encode(&out, ts, nil); err != nil {
			t.Fatalf("decoded tensors do not re-encode: %v", err)
		}
	})
}
