package optim

import (
	"fmt"

	"github.com/descentlab/descent/safetensors"
)

// checkNew is the checks of the constructors of the optimizers with a
// type of their own: valid hyperparameters that T can hold, and
// parameters as checkParams wants them.
func checkNew[T Float](h Hyper, params []*Param[T]) error {
	if err := h.Validate(); err != nil {
		return err
	}
	if err := CheckRange[T](h); err != nil {
		return err
	}
	return checkParams(h.Method(), params)
}

// slotView is one parameter of an optimizer with a type of its own (Muon,
// LAMB) as its saved state sees it: the parameter's name and length, its
// step count and its named buffers, each of a fixed length.
type slotView[T Float] struct {
	name  string
	n     int
	step  *int64
	names []string
	bufs  [][]T
}

// slotHeader is the JSON kept in the safetensors metadata of such a state.
type slotHeader struct {
	Version int      `json:"version"`
	DType   string   `json:"dtype"`
	Hyper   string   `json:"hyper"`
	Params  []string `json:"params"`
	Lengths []int    `json:"lengths"`
	Steps   []int64  `json:"steps"`
}

// marshalSlots encodes h and the slots' state: tensors "PARAM/BUFFER" and
// the rest as JSON under key.
func marshalSlots[T Float](key string, h Hyper, slots []slotView[T]) ([]byte, error) {
	hd := slotHeader{Version: stateVersion, DType: dtypeOf[T](), Hyper: FullSpec(h)}
	tensors := make([]safetensors.Tensor, 0, 2*len(slots))
	for _, s := range slots {
		hd.Params = append(hd.Params, s.name)
		hd.Lengths = append(hd.Lengths, s.n)
		hd.Steps = append(hd.Steps, *s.step)
		for i, b := range s.bufs {
			tensors = append(tensors, vecTensor(s.name+"/"+s.names[i], b))
		}
	}
	return encodeState(tensors, key, hd)
}

// unmarshalSlots decodes what marshalSlots wrote into slots of the same
// names, lengths and buffers, and returns the saved hyperparameters. It
// changes nothing unless everything checks: the method, element type,
// parameters, steps, buffer lengths and values (checkBuffer).
func unmarshalSlots[T Float](data []byte, method, key string, slots []slotView[T]) (Hyper, error) {
	var hd slotHeader
	tensors, err := decodeState(data, method, key, &hd)
	if err != nil {
		return nil, err
	}
	hy, err := savedHyper[T](method, hd.Version, hd.DType, hd.Hyper)
	if err != nil {
		return nil, err
	}
	if len(hd.Params) != len(slots) || len(hd.Lengths) != len(slots) || len(hd.Steps) != len(slots) {
		return nil, fmt.Errorf("optim: %s state has %d parameters, optimizer has %d", method, len(hd.Params), len(slots))
	}
	byName := map[string][]T{}
	for _, t := range tensors {
		if t.DType != hd.DType {
			return nil, fmt.Errorf("optim: %s state: tensor %q is %s, header says %s", method, t.Name, t.DType, hd.DType)
		}
		byName[t.Name] = fromBytes[T](t.Data)
	}
	load := make([][][]T, len(slots))
	want := 0
	for i, s := range slots {
		if hd.Params[i] != s.name || hd.Lengths[i] != s.n || hd.Steps[i] < 0 {
			return nil, fmt.Errorf("optim: %s state parameter %d is %q of %d values (step %d), optimizer has %q of %d",
				method, i, hd.Params[i], hd.Lengths[i], hd.Steps[i], s.name, s.n)
		}
		for j, b := range s.bufs {
			v, ok := byName[s.name+"/"+s.names[j]]
			if !ok || len(v) != len(b) {
				return nil, fmt.Errorf("optim: %s state: parameter %q needs a %q buffer of %d values", method, s.name, s.names[j], len(b))
			}
			if err := checkBuffer(s.names[j], v); err != nil {
				return nil, fmt.Errorf("optim: %s state: parameter %q: %w", method, s.name, err)
			}
			load[i] = append(load[i], v)
			want++
		}
	}
	if want != len(byName) {
		return nil, fmt.Errorf("optim: %s state: %d tensors, the parameters need %d", method, len(byName), want)
	}
	for i, s := range slots {
		*s.step = hd.Steps[i]
		for j, b := range s.bufs {
			copy(b, load[i][j])
		}
	}
	return hy, nil
}
