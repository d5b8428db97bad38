package safetensors

import (
	"fmt"
	"io"
	"maps"
	"slices"
)

// Float32Tensor is a named float32 tensor in memory, as model weights are:
// Data holds the elements row-major, len(Data) is the product of Shape.
type Float32Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// WriteFloat32 writes tensors as a file of F32 tensors, in the given
// order, with meta (may be nil) as its __metadata__, streaming the data
// (no byte copy of the tensors is made). Python reads it with safetensors'
// load_file, in numpy or torch.
func WriteFloat32(w io.Writer, tensors []Float32Tensor, meta map[string]string) error {
	infos := make([]Info, len(tensors))
	for i, t := range tensors {
		infos[i] = Info{Name: t.Name, DType: F32, Shape: t.Shape}
		if err := checkTensor(t.Name, F32, t.Shape, 4*int64(len(t.Data))); err != nil {
			return err
		}
	}
	sw, err := NewWriter(w, infos, meta)
	if err != nil {
		return err
	}
	for _, t := range tensors {
		if err := sw.Float32s(t.Data); err != nil {
			return err
		}
	}
	return sw.Close()
}

// ReadFloat32 decodes a file of F32 tensors (WriteFloat32's, or torch's
// save_file of float32 tensors): every tensor must be F32. The tensors come
// in file order (by data offset), which is the order they were written in;
// they and meta are copies, not aliases of b.
func ReadFloat32(b []byte) ([]Float32Tensor, map[string]string, error) {
	st, meta, err := Decode(b)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Float32Tensor, len(st))
	for i, t := range st {
		if t.DType != F32 {
			return nil, nil, fmt.Errorf("safetensors: tensor %q is %s, want F32", t.Name, t.DType)
		}
		f := make([]float32, len(t.Data)/4)
		ToFloat32s(f, t.Data)
		out[i] = Float32Tensor{Name: t.Name, Shape: slices.Clone(t.Shape), Data: f}
	}
	if meta != nil {
		meta = maps.Clone(meta)
	}
	return out, meta, nil
}
