package optim

import (
	"fmt"
	"math"
	"strconv"

	"github.com/descentlab/descent/safetensors"
)

// lbfgsHeader is the JSON kept in the safetensors metadata of a saved
// L-BFGS state: torch's state["n_iter"], ["func_evals"], ["t"], ["H_diag"],
// ["prev_loss"] and ["ro"] (oldest pair first), and the parameters it was
// saved for.
type lbfgsHeader struct {
	Version   int       `json:"version"`
	DType     string    `json:"dtype"`
	Hyper     string    `json:"hyper"`
	Params    []string  `json:"params"`
	Lengths   []int     `json:"lengths"`
	NIter     int64     `json:"n_iter"`
	FuncEvals int64     `json:"func_evals"`
	T         float64   `json:"t"`
	HDiag     float64   `json:"h_diag"`
	PrevLoss  float64   `json:"prev_loss"`
	Started   bool      `json:"started"`
	Ro        []float64 `json:"ro"`
}

const lbfgsMetaKey = "descent.optim.lbfgs"

// MarshalBinary encodes the state (torch's state_dict of LBFGS) in the
// safetensors format: tensors "d", "prev_flat_grad", "old_dirs/i" and
// "old_stps/i" (i from the oldest pair), the rest as JSON metadata.
func (o *LBFGSOptimizer[T]) MarshalBinary() ([]byte, error) {
	h := lbfgsHeader{Version: stateVersion, DType: dtypeOf[T](), Hyper: FullSpec(o.h), NIter: o.nIter,
		FuncEvals: o.funcEvals, T: o.t, HDiag: o.hDiag, PrevLoss: o.prevLoss, Started: o.started}
	for _, p := range o.params {
		h.Params = append(h.Params, p.Name)
		h.Lengths = append(h.Lengths, len(p.Value))
	}
	tensors := []safetensors.Tensor{vecTensor("d", o.d), vecTensor("prev_flat_grad", o.prevG)}
	for i := 0; i < o.num; i++ {
		y, s, ro := o.pair(i)
		h.Ro = append(h.Ro, ro)
		tensors = append(tensors, vecTensor("old_dirs/"+strconv.Itoa(i), y), vecTensor("old_stps/"+strconv.Itoa(i), s))
	}
	return encodeState(tensors, lbfgsMetaKey, h)
}

// UnmarshalBinary loads a state written by MarshalBinary into an optimizer
// over parameters with the same names and lengths; the next Step continues
// exactly. The saved hyperparameters replace the optimizer's. On error the
// optimizer is unchanged.
func (o *LBFGSOptimizer[T]) UnmarshalBinary(data []byte) error {
	var h lbfgsHeader
	tensors, err := decodeState(data, "lbfgs", lbfgsMetaKey, &h)
	if err != nil {
		return err
	}
	hy, err := savedHyper[T]("lbfgs", h.Version, h.DType, h.Hyper)
	if err != nil {
		return err
	}
	lh := hy.(LBFGS)
	if len(h.Params) != len(o.params) || len(h.Lengths) != len(o.params) {
		return fmt.Errorf("optim: lbfgs state has %d parameters, optimizer has %d", len(h.Params), len(o.params))
	}
	for i, p := range o.params {
		if h.Params[i] != p.Name || h.Lengths[i] != len(p.Value) {
			return fmt.Errorf("optim: lbfgs state parameter %d is %q of %d values, optimizer has %q of %d",
				i, h.Params[i], h.Lengths[i], p.Name, len(p.Value))
		}
	}
	num := len(h.Ro)
	if num > lh.HistorySize || h.NIter < 0 || h.FuncEvals < 0 {
		return fmt.Errorf("optim: lbfgs state: %d pairs for history_size %d, n_iter %d, func_evals %d",
			num, lh.HistorySize, h.NIter, h.FuncEvals)
	}
	for _, v := range append([]float64{h.T, h.HDiag, h.PrevLoss}, h.Ro...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("optim: lbfgs state: a non-finite scalar (%v)", v)
		}
	}
	byName := map[string][]T{}
	for _, t := range tensors {
		if t.DType != h.DType {
			return fmt.Errorf("optim: lbfgs state: tensor %q is %s, header says %s", t.Name, t.DType, h.DType)
		}
		v := fromBytes[T](t.Data)
		if len(v) != o.n {
			return fmt.Errorf("optim: lbfgs state: tensor %q has %d values, the parameters %d", t.Name, len(v), o.n)
		}
		byName[t.Name] = v
	}
	want := 2 + 2*num
	if len(byName) != want || byName["d"] == nil || byName["prev_flat_grad"] == nil {
		return fmt.Errorf("optim: lbfgs state: %d tensors, want d, prev_flat_grad and %d pairs", len(byName), num)
	}
	dirs, stps := make([][]T, num, lh.HistorySize), make([][]T, num, lh.HistorySize)
	for i := range num {
		dirs[i], stps[i] = byName["old_dirs/"+strconv.Itoa(i)], byName["old_stps/"+strconv.Itoa(i)]
		if dirs[i] == nil || stps[i] == nil {
			return fmt.Errorf("optim: lbfgs state: pair %d missing", i)
		}
	}
	o.h = lh
	copy(o.d, byName["d"])
	copy(o.prevG, byName["prev_flat_grad"])
	o.dirs, o.stps, o.head, o.num = dirs, stps, 0, num
	o.ro = make([]float64, lh.HistorySize)
	copy(o.ro, h.Ro)
	o.al = make([]float64, lh.HistorySize)
	o.nIter, o.funcEvals, o.t, o.hDiag, o.prevLoss, o.started = h.NIter, h.FuncEvals, h.T, h.HDiag, h.PrevLoss, h.Started
	return nil
}
