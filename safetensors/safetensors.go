package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
)

// Tensor is one named tensor. Data holds its elements, little-endian.
type Tensor struct {
	Name  string
	DType string // F32, F64, I64, or another of the format's names ("U8", "BF16", ...)
	Shape []int
	Data  []byte
}

// The element types that have typed helpers here. Other dtypes of the
// format (BOOL, U8, I8, F16, BF16, I16, U16, I32, U32, U64) are read and
// written as bytes.
const (
	F32 = "F32"
	F64 = "F64"
	I64 = "I64"
)

// dtypeSize is the byte size of the element types this package accepts.
var dtypeSize = map[string]int{
	"BOOL": 1, "U8": 1, "I8": 1, "F16": 2, "BF16": 2, "I16": 2, "U16": 2,
	"F32": 4, "I32": 4, "U32": 4, "F64": 8, "I64": 8, "U64": 8,
}

// MaxHeader is the largest header Decode accepts (the reference
// implementation's limit is 100 MB).
const MaxHeader = 100 << 20

type entry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// Encode writes tensors (in the given order) and metadata. The header is
// JSON with its keys sorted, padded with spaces to a multiple of 8 bytes so
// that the data are 8-byte aligned.
func Encode(w io.Writer, tensors []Tensor, meta map[string]string) error {
	infos := make([]Info, len(tensors))
	for i, t := range tensors {
		infos[i] = Info{Name: t.Name, DType: t.DType, Shape: t.Shape}
		if err := checkTensor(t.Name, t.DType, t.Shape, int64(len(t.Data))); err != nil {
			return err
		}
	}
	sw, err := NewWriter(w, infos, meta)
	if err != nil {
		return err
	}
	for _, t := range tensors {
		if err := sw.Bytes(t.Data); err != nil {
			return err
		}
	}
	return sw.Close()
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// byteSize checks a tensor's name, dtype and shape and returns the bytes
// of its data.
func byteSize(name, dtype string, shape []int) (int64, error) {
	if name == "" || name == "__metadata__" {
		return 0, fmt.Errorf("safetensors: invalid tensor name %q", name)
	}
	size, ok := dtypeSize[dtype]
	if !ok {
		return 0, fmt.Errorf("safetensors: tensor %q: unknown dtype %q", name, dtype)
	}
	elems := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("safetensors: tensor %q: negative dimension %d", name, d)
		}
		if d != 0 && elems > math.MaxInt64/int64(size)/int64(d) {
			return 0, fmt.Errorf("safetensors: tensor %q: shape %v too large", name, shape)
		}
		elems *= int64(d)
	}
	return elems * int64(size), nil
}

// checkTensor checks a tensor and that its data has nbytes.
func checkTensor(name, dtype string, shape []int, nbytes int64) error {
	want, err := byteSize(name, dtype, shape)
	if err != nil {
		return err
	}
	if want != nbytes {
		return fmt.Errorf("safetensors: tensor %q: shape %v of %s needs %d bytes, has %d", name, shape, dtype, want, nbytes)
	}
	return nil
}

// Decode parses a whole safetensors file held in data, validating
// everything a hostile file could get wrong (header length, JSON, dtypes,
// shapes against sizes, offsets, holes and overlaps) before any tensor is
// returned. The returned
// tensors alias data and are sorted by data offset.
func Decode(data []byte) ([]Tensor, map[string]string, error) {
	if len(data) < 8 {
		return nil, nil, fmt.Errorf("safetensors: file is %d bytes, shorter than the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if n > MaxHeader || n > uint64(len(data)-8) {
		return nil, nil, fmt.Errorf("safetensors: header length %d exceeds the file (%d bytes) or the limit", n, len(data))
	}
	hdr, body := data[8:8+n], data[8+n:]
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(hdr))
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf("safetensors: bad header JSON: %v", err)
	}
	if raw == nil {
		return nil, nil, errors.New("safetensors: header is not a JSON object")
	}
	var meta map[string]string
	type placed struct {
		t     Tensor
		begin int64
	}
	var all []placed
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &meta); err != nil {
				return nil, nil, fmt.Errorf("safetensors: bad __metadata__: %v", err)
			}
			continue
		}
		var e entry
		d := json.NewDecoder(bytes.NewReader(msg))
		d.DisallowUnknownFields()
		if err := d.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: bad entry: %v", name, err)
		}
		b, end := e.DataOffsets[0], e.DataOffsets[1]
		if b < 0 || end < b || end > int64(len(body)) {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: data offsets [%d, %d] outside the %d data bytes", name, b, end, len(body))
		}
		if err := checkTensor(name, e.DType, e.Shape, end-b); err != nil {
			return nil, nil, err
		}
		all = append(all, placed{Tensor{Name: name, DType: e.DType, Shape: e.Shape, Data: body[b:end:end]}, b})
	}
	// The data must be covered exactly, without holes or overlaps.
	sort.Slice(all, func(i, j int) bool {
		if all[i].begin != all[j].begin {
			return all[i].begin < all[j].begin
		}
		return len(all[i].t.Data) < len(all[j].t.Data) // empty tensors first
	})
	out := make([]Tensor, len(all))
	var pos int64
	for i, p := range all {
		if p.begin != pos {
			return nil, nil, fmt.Errorf("safetensors: tensor %q starts at byte %d, want %d (holes or overlaps in the data)", p.t.Name, p.begin, pos)
		}
		pos += int64(len(p.t.Data))
		out[i] = p.t
	}
	if pos != int64(len(body)) {
		return nil, nil, fmt.Errorf("safetensors: %d data bytes but the tensors cover %d", len(body), pos)
	}
	return out, meta, nil
}

// Float32s returns the little-endian bytes of v.
func Float32s(v []float32) []byte {
	b := make([]byte, 4*len(v))
	PutFloat32s(b, v)
	return b
}

// Float64s returns the little-endian bytes of v.
func Float64s(v []float64) []byte {
	b := make([]byte, 8*len(v))
	PutFloat64s(b, v)
	return b
}

// PutFloat32s encodes v little-endian into dst, whose length must be at
// least 4·len(v). It does not allocate: this and ToFloat32s are the
// module's one float32 ↔ bytes codec (and PutFloat64s, ToFloat64s the
// float64 one).
func PutFloat32s(dst []byte, v []float32) {
	dst = dst[:4*len(v)]
	for i, x := range v {
		binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(x))
	}
}

// PutFloat64s encodes v little-endian into dst, whose length must be at
// least 8·len(v). It does not allocate.
func PutFloat64s(dst []byte, v []float64) {
	dst = dst[:8*len(v)]
	for i, x := range v {
		binary.LittleEndian.PutUint64(dst[8*i:], math.Float64bits(x))
	}
}

// ToFloat32s decodes little-endian float32 data into dst, whose length must
// be len(data)/4.
func ToFloat32s(dst []float32, data []byte) {
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
}

// ToFloat64s decodes little-endian float64 data into dst, whose length must
// be len(data)/8.
func ToFloat64s(dst []float64, data []byte) {
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
	}
}

// Int64s returns the little-endian bytes of v.
func Int64s(v []int64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(x))
	}
	return b
}

// ToInt64s decodes little-endian int64 data into dst, whose length must be
// len(data)/8.
func ToInt64s(dst []int64, data []byte) {
	for i := range dst {
		dst[i] = int64(binary.LittleEndian.Uint64(data[8*i:]))
	}
}

// NewF32 returns an F32 tensor holding a copy of v with the given shape.
func NewF32(name string, shape []int, v []float32) Tensor {
	return Tensor{Name: name, DType: F32, Shape: shape, Data: Float32s(v)}
}

// NewF64 returns an F64 tensor holding a copy of v with the given shape.
func NewF64(name string, shape []int, v []float64) Tensor {
	return Tensor{Name: name, DType: F64, Shape: shape, Data: Float64s(v)}
}

// NewI64 returns an I64 tensor holding a copy of v with the given shape.
func NewI64(name string, shape []int, v []int64) Tensor {
	return Tensor{Name: name, DType: I64, Shape: shape, Data: Int64s(v)}
}

// check reports an error unless t is a valid tensor of dtype.
func (t Tensor) check(dtype string) error {
	if t.DType != dtype {
		return fmt.Errorf("safetensors: tensor %q is %s, want %s", t.Name, t.DType, dtype)
	}
	return checkTensor(t.Name, t.DType, t.Shape, int64(len(t.Data)))
}

// AsFloat32 decodes the elements of an F32 tensor.
func (t Tensor) AsFloat32() ([]float32, error) {
	if err := t.check(F32); err != nil {
		return nil, err
	}
	v := make([]float32, len(t.Data)/4)
	ToFloat32s(v, t.Data)
	return v, nil
}

// AsFloat64 decodes the elements of an F64 tensor.
func (t Tensor) AsFloat64() ([]float64, error) {
	if err := t.check(F64); err != nil {
		return nil, err
	}
	v := make([]float64, len(t.Data)/8)
	ToFloat64s(v, t.Data)
	return v, nil
}

// AsInt64 decodes the elements of an I64 tensor.
func (t Tensor) AsInt64() ([]int64, error) {
	if err := t.check(I64); err != nil {
		return nil, err
	}
	v := make([]int64, len(t.Data)/8)
	ToInt64s(v, t.Data)
	return v, nil
}
