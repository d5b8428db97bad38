package nn

import (
	"fmt"
	"slices"
	"strings"

	"github.com/descentlab/descent/safetensors"
)

// Weights copies a model's parameters into tensors, in the model's order
// and with its names and shapes ("fc1.weight" [out in], "fc1.bias" [out]),
// ready for safetensors.WriteFloat32 or a checkpoint.
func Weights(m *Model) []safetensors.Float32Tensor {
	views := m.Params()
	out := make([]safetensors.Float32Tensor, len(views))
	for i, v := range views {
		out[i] = safetensors.Float32Tensor{Name: v.Name, Shape: slices.Clone(v.Shape), Data: slices.Clone(v.Value)}
	}
	return out
}

// LoadWeights copies tensors into the model's parameters. The tensors must
// be exactly the model's: the same names, each with the same shape; if not,
// nothing is copied and the error names the first difference.
func LoadWeights(m *Model, tensors []safetensors.Float32Tensor) error {
	views := m.Params()
	byName := make(map[string]safetensors.Float32Tensor, len(tensors))
	for _, t := range tensors {
		byName[t.Name] = t
	}
	for _, v := range views {
		t, ok := byName[v.Name]
		if !ok {
			return fmt.Errorf("the checkpoint's model has no %s (model %s has %s)", v.Name, m.Spec(), viewNames(views))
		}
		if !slices.Equal(t.Shape, v.Shape) || len(t.Data) != len(v.Value) {
			return fmt.Errorf("the checkpoint's %s has shape %v, model %s has %v (a checkpoint of another model)", v.Name, t.Shape, m.Spec(), v.Shape)
		}
	}
	if len(byName) != len(views) {
		for _, t := range tensors {
			if !slices.ContainsFunc(views, func(v NamedView) bool { return v.Name == t.Name }) {
				return fmt.Errorf("the checkpoint has a tensor %s that model %s lacks (a checkpoint of another model)", t.Name, m.Spec())
			}
		}
	}
	for _, v := range views {
		copy(v.Value, byName[v.Name].Data)
	}
	return nil
}

func viewNames(views []NamedView) string {
	names := make([]string, len(views))
	for i, v := range views {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}
