package safetensors

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
)

// Info describes a tensor to be written by a Writer.
type Info struct {
	Name  string
	DType string
	Shape []int
}

// Writer streams a safetensors file: NewWriter writes the header, then the
// data of each tensor, in the order of the infos, are written with Bytes,
// Float32s, Float64s or Int64s (a tensor's data may take several calls, a
// call may not run past the end of the current tensor), and Close checks
// that all were written. It converts through a fixed 32 KiB buffer.
type Writer struct {
	w     io.Writer
	infos []Info
	sizes []int64 // bytes of each tensor
	cur   int     // the tensor being written
	left  int64   // its bytes still to come
	buf   []byte
	err   error
}

// NewWriter checks infos and meta and writes the header of a file holding
// those tensors, in that order, to w.
func NewWriter(w io.Writer, infos []Info, meta map[string]string) (*Writer, error) {
	header := map[string]any{}
	if len(meta) > 0 {
		header["__metadata__"] = meta
	}
	sizes := make([]int64, len(infos))
	var off int64
	for i, t := range infos {
		n, err := byteSize(t.Name, t.DType, t.Shape)
		if err != nil {
			return nil, err
		}
		if _, dup := header[t.Name]; dup {
			return nil, fmt.Errorf("safetensors: tensor name %q appears twice", t.Name)
		}
		header[t.Name] = entry{DType: t.DType, Shape: nonNil(t.Shape), DataOffsets: [2]int64{off, off + n}}
		sizes[i] = n
		off += n
	}
	h, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	for len(h)%8 != 0 { // pad with spaces so the data is 8-byte aligned
		h = append(h, ' ')
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(h)))
	if _, err := w.Write(n[:]); err != nil {
		return nil, err
	}
	if _, err := w.Write(h); err != nil {
		return nil, err
	}
	sw := &Writer{w: w, infos: infos, sizes: sizes, cur: -1}
	sw.next()
	return sw, nil
}

// next moves to the next tensor that has bytes to write.
func (w *Writer) next() {
	for w.left == 0 && w.cur < len(w.infos)-1 {
		w.cur++
		w.left = w.sizes[w.cur]
	}
}

// take checks that n bytes of dtype may be written now.
func (w *Writer) take(dtype string, n int64) error {
	if w.err != nil {
		return w.err
	}
	if n == 0 {
		return nil
	}
	if w.left == 0 {
		w.err = fmt.Errorf("safetensors: %d bytes written after the last tensor", n)
		return w.err
	}
	t := w.infos[w.cur]
	if dtype != "" && dtype != t.DType {
		w.err = fmt.Errorf("safetensors: tensor %q is %s, written as %s", t.Name, t.DType, dtype)
		return w.err
	}
	if n > w.left {
		w.err = fmt.Errorf("safetensors: tensor %q: %d bytes written, %d left", t.Name, n, w.left)
		return w.err
	}
	return nil
}

// done records n bytes written.
func (w *Writer) done(n int64, err error) error {
	if err != nil {
		w.err = err
		return err
	}
	w.left -= n
	w.next()
	return nil
}

// Bytes writes raw little-endian data of the current tensor, of any dtype.
func (w *Writer) Bytes(b []byte) error {
	if err := w.take("", int64(len(b))); err != nil || len(b) == 0 {
		return err
	}
	_, err := w.w.Write(b)
	return w.done(int64(len(b)), err)
}

// bufElems is the size of the conversion buffer in bytes.
const bufElems = 32 << 10

// Float32s writes elements of the current tensor, which must be F32.
func (w *Writer) Float32s(v []float32) error {
	if err := w.take(F32, 4*int64(len(v))); err != nil {
		return err
	}
	for len(v) > 0 {
		k := min(len(v), bufElems/4)
		b := w.scratch(4 * k)
		PutFloat32s(b, v[:k])
		_, err := w.w.Write(b)
		if err := w.done(int64(len(b)), err); err != nil {
			return err
		}
		v = v[k:]
	}
	return nil
}

// Float64s writes elements of the current tensor, which must be F64.
func (w *Writer) Float64s(v []float64) error {
	if err := w.take(F64, 8*int64(len(v))); err != nil {
		return err
	}
	for len(v) > 0 {
		k := min(len(v), bufElems/8)
		b := w.scratch(8 * k)
		PutFloat64s(b, v[:k])
		_, err := w.w.Write(b)
		if err := w.done(int64(len(b)), err); err != nil {
			return err
		}
		v = v[k:]
	}
	return nil
}

// Int64s writes elements of the current tensor, which must be I64.
func (w *Writer) Int64s(v []int64) error {
	if err := w.take(I64, 8*int64(len(v))); err != nil {
		return err
	}
	for len(v) > 0 {
		k := min(len(v), bufElems/8)
		b := w.scratch(8 * k)
		for i, x := range v[:k] {
			binary.LittleEndian.PutUint64(b[8*i:], uint64(x))
		}
		_, err := w.w.Write(b)
		if err := w.done(int64(len(b)), err); err != nil {
			return err
		}
		v = v[k:]
	}
	return nil
}

func (w *Writer) scratch(n int) []byte {
	if w.buf == nil {
		w.buf = make([]byte, bufElems)
	}
	return w.buf[:n]
}

// Close reports the first error of the writes, or an error naming the
// first tensor not written whole. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.left != 0 {
		t := w.infos[w.cur]
		w.err = fmt.Errorf("safetensors: tensor %q: %d of %d bytes missing", t.Name, w.left, w.sizes[w.cur])
		return w.err
	}
	return nil
}
