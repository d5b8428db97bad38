package optim

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/safetensors"
)

// sfHeader is the JSON kept in the metadata of a saved Schedule-Free state.
type sfHeader struct {
	Version   int      `json:"version"`
	DType     string   `json:"dtype"`
	Hyper     string   `json:"hyper"`
	Params    []string `json:"params"`
	K         int64    `json:"k"`
	WeightSum float64  `json:"weight_sum"`
	LRMax     float64  `json:"lr_max"`
	Eval      bool     `json:"eval"`
	Started   bool     `json:"started"`
}

const sfMetaKey = "descent.optim.sf_adamw"

// MarshalBinary encodes the state: tensors "PARAM/z", "PARAM/exp_avg_sq",
// "PARAM/x" and "PARAM/y" (y as saved in Eval mode, the parameters' value
// otherwise), the rest as JSON metadata.
func (o *ScheduleFree[T]) MarshalBinary() ([]byte, error) {
	h := sfHeader{Version: stateVersion, DType: dtypeOf[T](), Hyper: FullSpec(o.h), K: o.k,
		WeightSum: o.weightSum, LRMax: o.lrMax, Eval: o.eval, Started: o.started}
	var tensors []safetensors.Tensor
	for i, p := range o.params {
		h.Params = append(h.Params, p.Name)
		y := p.Value
		if o.eval {
			y = o.y[i]
		}
		tensors = append(tensors, vecTensor(p.Name+"/z", o.z[i]), vecTensor(p.Name+"/exp_avg_sq", o.v[i]),
			vecTensor(p.Name+"/x", o.x[i]), vecTensor(p.Name+"/y", y))
	}
	return encodeState(tensors, sfMetaKey, h)
}

// UnmarshalBinary loads a state written by MarshalBinary into an optimizer
// over parameters with the same names and lengths, and puts the saved
// mode's point into the parameters; the next Step continues exactly. On
// error nothing changes.
func (o *ScheduleFree[T]) UnmarshalBinary(data []byte) error {
	var h sfHeader
	tensors, err := decodeState(data, "schedule-free", sfMetaKey, &h)
	if err != nil {
		return err
	}
	hy, err := savedHyper[T](o.h.Method(), h.Version, h.DType, h.Hyper)
	if err != nil {
		return err
	}
	c, _ := sfConfigOf(hy)
	if h.K < 0 || math.IsNaN(h.WeightSum) || math.IsInf(h.WeightSum, 0) || math.IsNaN(h.LRMax) || math.IsInf(h.LRMax, 0) {
		return fmt.Errorf("optim: schedule-free state: k %d, weight_sum %v, lr_max %v", h.K, h.WeightSum, h.LRMax)
	}
	if len(h.Params) != len(o.params) {
		return fmt.Errorf("optim: schedule-free state has %d parameters, optimizer has %d", len(h.Params), len(o.params))
	}
	byName := map[string][]T{}
	for _, t := range tensors {
		if t.DType != h.DType {
			return fmt.Errorf("optim: schedule-free state: tensor %q is %s", t.Name, t.DType)
		}
		byName[t.Name] = fromBytes[T](t.Data)
	}
	if len(byName) != 4*len(o.params) {
		return fmt.Errorf("optim: schedule-free state: %d tensors, want %d", len(byName), 4*len(o.params))
	}
	for i, p := range o.params {
		if h.Params[i] != p.Name {
			return fmt.Errorf("optim: schedule-free state parameter %d is %q, optimizer has %q", i, h.Params[i], p.Name)
		}
		for _, b := range []string{"z", "exp_avg_sq", "x", "y"} {
			if v := byName[p.Name+"/"+b]; len(v) != len(p.Value) {
				return fmt.Errorf("optim: schedule-free state: parameter %q needs a %q buffer of %d values", p.Name, b, len(p.Value))
			}
		}
	}
	o.h, o.c, o.k, o.weightSum, o.lrMax, o.eval, o.started = hy, c, h.K, h.WeightSum, h.LRMax, h.Eval, h.Started
	for i, p := range o.params {
		copy(o.z[i], byName[p.Name+"/z"])
		copy(o.v[i], byName[p.Name+"/exp_avg_sq"])
		copy(o.x[i], byName[p.Name+"/x"])
		copy(o.y[i], byName[p.Name+"/y"])
		if o.eval {
			copy(p.Value, o.x[i])
		} else {
			copy(p.Value, o.y[i])
		}
	}
	return nil
}
