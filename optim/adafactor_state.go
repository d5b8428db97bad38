package optim

import (
	"fmt"

	"github.com/descentlab/descent/safetensors"
)

// adafactorHeader is the JSON kept in the safetensors metadata of a saved
// Adafactor state: the hyperparameters and, per parameter, its step and
// length (torch's state["step"]).
type adafactorHeader = slotHeader

const adafactorMetaKey = "descent.optim.adafactor"

// MarshalBinary encodes the state in the safetensors format: tensors
// "PARAM/row_var" and "PARAM/col_var" (matrices) or "PARAM/variance", as
// torch names them, the rest as JSON metadata.
func (o *AdafactorOptimizer[T]) MarshalBinary() ([]byte, error) {
	h := adafactorHeader{Version: stateVersion, DType: dtypeOf[T](), Hyper: FullSpec(o.h)}
	var tensors []safetensors.Tensor
	add := func(name string, v []T) {
		tensors = append(tensors, vecTensor(name, v))
	}
	for _, s := range o.slots {
		h.Params = append(h.Params, s.p.Name)
		h.Lengths = append(h.Lengths, len(s.p.Value))
		h.Steps = append(h.Steps, s.step)
		if s.rowVar != nil {
			add(s.p.Name+"/row_var", s.rowVar)
			add(s.p.Name+"/col_var", s.colVar)
		} else {
			add(s.p.Name+"/variance", s.varVec)
		}
	}
	return encodeState(tensors, adafactorMetaKey, h)
}

// UnmarshalBinary loads a state written by MarshalBinary into an optimizer
// over parameters with the same names, lengths and shapes; the next Step
// continues exactly. The saved hyperparameters replace the optimizer's. On
// error the optimizer is unchanged.
func (o *AdafactorOptimizer[T]) UnmarshalBinary(data []byte) error {
	var h adafactorHeader
	tensors, err := decodeState(data, "adafactor", adafactorMetaKey, &h)
	if err != nil {
		return err
	}
	hy, err := savedHyper[T]("adafactor", h.Version, h.DType, h.Hyper)
	if err != nil {
		return err
	}
	ah := hy.(Adafactor)
	if len(h.Params) != len(o.slots) || len(h.Lengths) != len(o.slots) || len(h.Steps) != len(o.slots) {
		return fmt.Errorf("optim: adafactor state has %d parameters, optimizer has %d", len(h.Params), len(o.slots))
	}
	byName := map[string][]T{}
	for _, t := range tensors {
		if t.DType != h.DType {
			return fmt.Errorf("optim: adafactor state: tensor %q is %s, header says %s", t.Name, t.DType, h.DType)
		}
		byName[t.Name] = fromBytes[T](t.Data)
	}
	type loaded struct{ row, col, vec []T }
	load := make([]loaded, len(o.slots))
	want := 0
	for i, s := range o.slots {
		name := s.p.Name
		if h.Params[i] != name || h.Lengths[i] != len(s.p.Value) || h.Steps[i] < 0 {
			return fmt.Errorf("optim: adafactor state parameter %d is %q of %d values (step %d), optimizer has %q of %d",
				i, h.Params[i], h.Lengths[i], h.Steps[i], name, len(s.p.Value))
		}
		get := func(buf string, n int) ([]T, error) {
			v, ok := byName[name+"/"+buf]
			if !ok || len(v) != n {
				return nil, fmt.Errorf("optim: adafactor state: parameter %q needs a %q buffer of %d values", name, buf, n)
			}
			want++
			return v, nil
		}
		if s.rowVar != nil {
			if load[i].row, err = get("row_var", len(s.rowVar)); err != nil {
				return err
			}
			if load[i].col, err = get("col_var", len(s.colVar)); err != nil {
				return err
			}
		} else if load[i].vec, err = get("variance", len(s.varVec)); err != nil {
			return err
		}
	}
	if want != len(byName) {
		return fmt.Errorf("optim: adafactor state: %d tensors, the parameters need %d", len(byName), want)
	}
	o.h = ah
	for i := range o.slots {
		s := &o.slots[i]
		s.step = h.Steps[i]
		copy(s.rowVar, load[i].row)
		copy(s.colVar, load[i].col)
		copy(s.varVec, load[i].vec)
	}
	return nil
}
