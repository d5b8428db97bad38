package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

func encodeIDX(t testing.TB, x *IDX) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteIDX(&buf, x); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// header builds an idx header from a magic number and dimensions.
func header(magic uint32, dims ...uint32) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return b
}

func TestIDXRoundTrip(t *testing.T) {
	cases := []*IDX{
		{Dims: []int{5}, Data: []byte{0, 1, 2, 9, 255}},
		{Dims: []int{2, 3, 2}, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		{Dims: []int{1, 1}, Data: []byte{42}},
	}
	for _, want := range cases {
		raw := encodeIDX(t, want)
		for name, in := range map[string][]byte{"raw": raw, "gzip": gz(raw)} {
			got, err := ReadIDX(bytes.NewReader(in))
			if err != nil {
				t.Fatalf("%s %v: %v", name, want.Dims, err)
			}
			if !equalInts(got.Dims, want.Dims) || !bytes.Equal(got.Data, want.Data) {
				t.Errorf("%s: got %v %v, want %v %v", name, got.Dims, got.Data, want.Dims, want.Data)
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReadIDXMalformed(t *testing.T) {
	good := encodeIDX(t, &IDX{Dims: []int{2, 2}, Data: []byte{1, 2, 3, 4}})
	gzGood := gz(good)
	corrupt := append([]byte(nil), gzGood...)
	corrupt[len(corrupt)-5] ^= 0xff // the CRC-32 in the gzip trailer
	cases := []struct {
		name   string
		in     []byte
		substr string // in the message
		format bool   // wraps ErrFormat
	}{
		{"empty", nil, "truncated header", true},
		{"short magic", []byte{0, 0, 8}, "truncated header", true},
		{"bad magic", header(0x12345678, 1), "bad magic", true},
		{"float type", header(0x00000d01, 1), "element type 0x0d", true},
		{"zero dims", header(0x00000800), "0 dimensions", true},
		{"too many dims", header(0x00000809), "9 dimensions", true},
		{"missing dims", header(0x00000803, 5, 5), "truncated header", true},
		{"zero dim", header(0x00000802, 3, 0), "dimension 1 is zero", true},
		{"absurd size", header(0x00000803, 1<<20, 1<<20, 1<<20), "more than", true},
		{"truncated data", append(header(0x00000801, 10), 1, 2, 3), "the file has 3", true},
		{"trailing data", append(good, 7), "trailing data", true},
		{"truncated gzip", gzGood[:len(gzGood)-4], "", false},
		{"gzip checksum", corrupt, "checksum", false},
		{"bad gzip header", []byte{0x1f, 0x8b, 0, 0}, "gzip", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, err := ReadIDX(bytes.NewReader(c.in))
			if err == nil {
				t.Fatalf("no error; got %v", x.Dims)
			}
			if !strings.Contains(err.Error(), c.substr) {
				t.Errorf("error %q does not mention %q", err, c.substr)
			}
			if c.format && !errors.Is(err, ErrFormat) {
				t.Errorf("error %q does not wrap ErrFormat", err)
			}
		})
	}
}

// TestReadIDXNoHeaderTrust checks that a header claiming ~1 GiB over a few
// bytes of data allocates in proportion to the data, not the header.
func TestReadIDXNoHeaderTrust(t *testing.T) {
	in := append(header(0x00000803, 1<<10, 1<<10, 1<<10), 1, 2, 3)
	allocs := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ReadIDX(bytes.NewReader(in))
		}
	}).AllocedBytesPerOp()
	// bufio's 4 KiB buffer, the 64 KiB first data chunk and small change.
	if allocs > 1<<17 {
		t.Errorf("ReadIDX of a %d-byte input allocated %d bytes", len(in), allocs)
	}
}

func FuzzReadIDX(f *testing.F) {
	f.Add(encodeIDX(f, &IDX{Dims: []int{3}, Data: []byte{0, 1, 2}}))
	f.Add(encodeIDX(f, &IDX{Dims: []int{2, 2, 2}, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}}))
	f.Add(gz(encodeIDX(f, &IDX{Dims: []int{1, 2}, Data: []byte{9, 9}})))
	f.Add(header(0x00000803, 1<<12, 1<<12, 1<<12))
	f.Add(header(0x00000801, 0))
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		x, err := ReadIDX(bytes.NewReader(in))
		if err != nil {
			return
		}
		n := 1
		for _, d := range x.Dims {
			n *= d
		}
		if n != len(x.Data) {
			t.Fatalf("dims %v but %d data bytes", x.Dims, len(x.Data))
		}
		// A raw input is exactly header plus data; gzip can expand.
		if in[0] != 0x1f && len(x.Data) > len(in) {
			t.Fatalf("%d data bytes from a %d-byte input", len(x.Data), len(in))
		}
		back := encodeIDX(t, x)
		y, err := ReadIDX(bytes.NewReader(back))
		if err != nil || !bytes.Equal(y.Data, x.Data) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
