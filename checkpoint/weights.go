package checkpoint

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/descentlab/descent/internal/safetensors"
	"github.com/descentlab/descent/nn"
)

// Tensor is one named float32 tensor: Data holds the elements row-major,
// len(Data) is the product of Shape.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// Weights copies a model's parameters into tensors, in the model's order
// and with its names and shapes ("fc1.weight" [out in], "fc1.bias" [out]).
func Weights(m *nn.Model) []Tensor {
	views := m.Params()
	out := make([]Tensor, len(views))
	for i, v := range views {
		out[i] = Tensor{Name: v.Name, Shape: slices.Clone(v.Shape), Data: slices.Clone(v.Value)}
	}
	return out
}

// LoadWeights copies tensors into the model's parameters. The tensors must
// be exactly the model's: the same names, each with the same shape; if not,
// nothing is copied and the error names the first difference.
func LoadWeights(m *nn.Model, tensors []Tensor) error {
	views := m.Params()
	byName := make(map[string]Tensor, len(tensors))
	for _, t := range tensors {
		byName[t.Name] = t
	}
	for _, v := range views {
		t, ok := byName[v.Name]
		if !ok {
			return fmt.Errorf("the checkpoint's model has no %s (model %s has %s)", v.Name, m.Spec(), names(views))
		}
		if !slices.Equal(t.Shape, v.Shape) || len(t.Data) != len(v.Value) {
			return fmt.Errorf("the checkpoint's %s has shape %v, model %s has %v (a checkpoint of another model)", v.Name, t.Shape, m.Spec(), v.Shape)
		}
	}
	if len(byName) != len(views) {
		for _, t := range tensors {
			if !slices.ContainsFunc(views, func(v nn.NamedView) bool { return v.Name == t.Name }) {
				return fmt.Errorf("the checkpoint has a tensor %s that model %s lacks (a checkpoint of another model)", t.Name, m.Spec())
			}
		}
	}
	for _, v := range views {
		copy(v.Value, byName[v.Name].Data)
	}
	return nil
}

func names(views []nn.NamedView) string {
	s := ""
	for i, v := range views {
		if i > 0 {
			s += ", "
		}
		s += v.Name
	}
	return s
}

// WriteWeights writes tensors as a safetensors file of F32 tensors, in the
// given order, with meta (may be nil) as its __metadata__. Python reads it
// with safetensors' load_file, in numpy or torch.
func WriteWeights(w io.Writer, tensors []Tensor, meta map[string]string) error {
	st := make([]safetensors.Tensor, len(tensors))
	for i, t := range tensors {
		st[i] = safetensors.Tensor{Name: t.Name, DType: "F32", Shape: t.Shape, Data: safetensors.Float32s(t.Data)}
	}
	return safetensors.Encode(w, st, meta)
}

// ReadWeights decodes a file written by WriteWeights: every tensor must be
// F32. The tensors come in file order (by data offset), which is the
// order they were written in.
func ReadWeights(b []byte) ([]Tensor, map[string]string, error) {
	st, meta, err := safetensors.Decode(b)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Tensor, len(st))
	for i, t := range st {
		if t.DType != "F32" {
			return nil, nil, fmt.Errorf("tensor %q is %s, want F32", t.Name, t.DType)
		}
		f := make([]float32, len(t.Data)/4)
		safetensors.ToFloat32s(f, t.Data)
		out[i] = Tensor{Name: t.Name, Shape: slices.Clone(t.Shape), Data: f}
	}
	if meta != nil {
		meta = maps.Clone(meta)
	}
	return out, meta, nil
}
