package checkpoint

import (
	"io"

	"github.com/descentlab/descent/safetensors"
)

// Tensor is one named float32 tensor: Data holds the elements row-major,
// len(Data) is the product of Shape. nn.Weights makes them from a model and
// nn.LoadWeights copies them back.
type Tensor = safetensors.Float32Tensor

// WriteWeights writes tensors as a safetensors file of F32 tensors, in the
// given order, with meta (may be nil) as its __metadata__
// (safetensors.WriteFloat32). Python reads it with safetensors' load_file,
// in numpy or torch.
func WriteWeights(w io.Writer, tensors []Tensor, meta map[string]string) error {
	return safetensors.WriteFloat32(w, tensors, meta)
}

// ReadWeights decodes a file written by WriteWeights: every tensor must be
// F32. The tensors come in file order (by data offset), which is the
// order they were written in (safetensors.ReadFloat32).
func ReadWeights(b []byte) ([]Tensor, map[string]string, error) {
	return safetensors.ReadFloat32(b)
}
