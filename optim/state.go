package optim

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/descentlab/descent/safetensors"
)

// State is everything an optimizer needs to continue exactly where it
// stopped: the hyperparameters of each group and, per parameter name, the
// step count and buffers. It is a plain value (the Optax model): save it,
// load it into an optimizer built over parameters with the same names and
// lengths, and the next Step gives the same numbers as never stopping.
type State[T Float] struct {
	Method string
	Groups []GroupState
	Params map[string]ParamState[T]
}

// GroupState is one parameter group: its hyperparameters, written as a full
// spec (every key, defaults included), and the names of its parameters.
type GroupState struct {
	Hyper  string
	Params []string
}

// ParamState is one parameter's state, with buffers named as in
// torch.optim's state_dict (exp_avg, exp_avg_sq, momentum_buffer, ...).
// Scalars holds per-parameter numbers other than the step (NAdam's
// mu_product).
type ParamState[T Float] struct {
	Step    int64
	Buffers map[string][]T
	Scalars map[string]float64
}

// State returns a deep copy of the optimizer's state.
func (o *Optimizer[T]) State() State[T] {
	s := State[T]{Method: o.method, Params: map[string]ParamState[T]{}}
	for gi, g := range o.groups {
		gs := GroupState{Hyper: fullSpec(o.Hyper(gi))}
		names := bufferNames(g.hyper)
		for _, sl := range g.slots {
			gs.Params = append(gs.Params, sl.param.Name)
			ps := ParamState[T]{Step: sl.st.step, Buffers: map[string][]T{}}
			for i, b := range sl.st.bufs {
				ps.Buffers[names[i]] = slices.Clone(b)
			}
			switch g.hyper.Method() {
			case "nadam":
				ps.Scalars = map[string]float64{"mu_product": sl.st.muProduct}
			case "asgd":
				ps.Scalars = map[string]float64{"eta": sl.st.eta, "mu": sl.st.avgMu}
			}
			s.Params[sl.param.Name] = ps
		}
		s.Groups = append(s.Groups, gs)
	}
	return s
}

// LoadState replaces the optimizer's state with s (copying it). The
// optimizer must have the same method, the same groups with the same
// parameter names, and every buffer must match its parameter's length. On
// error the optimizer is unchanged.
func (o *Optimizer[T]) LoadState(s State[T]) error {
	if s.Method != o.method {
		return fmt.Errorf("optim: state is for %q, optimizer runs %q", s.Method, o.method)
	}
	if len(s.Groups) != len(o.groups) {
		return fmt.Errorf("optim: state has %d parameter groups, optimizer has %d", len(s.Groups), len(o.groups))
	}
	hypers := make([]Hyper, len(o.groups))
	states := map[string]paramState[T]{}
	for gi, gs := range s.Groups {
		h, err := ParseSpec(gs.Hyper)
		if err != nil {
			return fmt.Errorf("optim: state group %d: %w", gi, err)
		}
		if h.Method() != o.method {
			return fmt.Errorf("optim: state group %d runs %q, optimizer runs %q", gi, h.Method(), o.method)
		}
		if err := CheckRange[T](h); err != nil {
			return fmt.Errorf("optim: state group %d: %w", gi, err)
		}
		hypers[gi] = h
		g := o.groups[gi]
		if len(gs.Params) != len(g.slots) {
			return fmt.Errorf("optim: state group %d has %d parameters, optimizer group has %d", gi, len(gs.Params), len(g.slots))
		}
		names := bufferNames(h)
		for i, sl := range g.slots {
			name := sl.param.Name
			if gs.Params[i] != name {
				return fmt.Errorf("optim: state group %d, parameter %d is %q, optimizer has %q", gi, i, gs.Params[i], name)
			}
			ps, ok := s.Params[name]
			if !ok {
				return fmt.Errorf("optim: state has no entry for parameter %q", name)
			}
			if ps.Step < 0 || ps.Step > MaxStateStep {
				return fmt.Errorf("optim: parameter %q: step %d: want 0 ≤ step ≤ %d", name, ps.Step, int64(MaxStateStep))
			}
			st := paramState[T]{step: ps.Step, muProduct: 1}
			if ps.Step > 0 || len(ps.Buffers) > 0 {
				for _, bn := range names {
					b, ok := ps.Buffers[bn]
					if !ok {
						return fmt.Errorf("optim: parameter %q: state has no %q buffer (want %s)", name, bn, strings.Join(names, ", "))
					}
					if len(b) != len(sl.param.Value) {
						return fmt.Errorf("optim: parameter %q: %q buffer has %d values, parameter has %d", name, bn, len(b), len(sl.param.Value))
					}
					if err := checkBuffer(bn, b); err != nil {
						return fmt.Errorf("optim: parameter %q: %w", name, err)
					}
					st.bufs = append(st.bufs, slices.Clone(b))
				}
				if len(ps.Buffers) != len(names) {
					return fmt.Errorf("optim: parameter %q: state has %d buffers, %s keeps %d (%s)", name, len(ps.Buffers), o.method, len(names), strings.Join(names, ", "))
				}
			}
			if v, ok := ps.Scalars["mu_product"]; ok {
				// A product of momentum factors in (0, 1): in [0, 1]
				// (it underflows to 0 in long runs).
				if !(v >= 0 && v <= 1) {
					return fmt.Errorf("optim: parameter %q: mu_product %v: want a number in [0, 1]", name, v)
				}
				st.muProduct = v
			}
			if err := loadASGDScalars(h, name, ps, &st); err != nil {
				return err
			}
			states[name] = st
		}
	}
	if len(s.Params) != len(states) {
		for name := range s.Params {
			if _, ok := states[name]; !ok {
				return fmt.Errorf("optim: state has parameter %q, which the optimizer does not have", name)
			}
		}
	}
	for gi := range o.groups {
		o.groups[gi].hyper = hypers[gi]
		o.groups[gi].lr = hypers[gi].LearningRate()
		o.groups[gi].packed = false
		for _, sl := range o.groups[gi].slots {
			sl.st = states[sl.param.Name]
		}
	}
	return nil
}

// MaxStateStep is the largest step count LoadState accepts: 2⁵³, past
// which float64 no longer counts every step (bias corrections use it), and
// far from the int64 wrap that would make the next Step's bias correction
// NaN.
const MaxStateStep = 1 << 53

// nonNegBuffers are the buffers that hold sums, averages or maxima of
// squares or magnitudes: negative values there are damage (a square root
// of them is NaN).
var nonNegBuffers = map[string]bool{"exp_avg_sq": true, "max_exp_avg_sq": true, "square_avg": true, "sum": true, "exp_inf": true, "acc_delta": true}

// checkBuffer refuses a loaded buffer that no run can have produced: a NaN
// or ±Inf anywhere (the next Step would spread it to the weights), or a
// negative value in a buffer of squares.
func checkBuffer[T Float](name string, b []T) error {
	nonNeg := nonNegBuffers[name]
	for i, x := range b {
		v := float64(x)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%q buffer [%d] is %v: want finite values", name, i, v)
		}
		if nonNeg && v < 0 {
			return fmt.Errorf("%q buffer [%d] is %v: a buffer of squares or magnitudes is never negative", name, i, v)
		}
	}
	return nil
}

// header is the JSON kept in the safetensors metadata of a saved state.
type header struct {
	Version int                           `json:"version"`
	DType   string                        `json:"dtype"`
	Method  string                        `json:"method"`
	Groups  []GroupState                  `json:"groups"`
	Steps   map[string]int64              `json:"steps"`
	Scalars map[string]map[string]float64 `json:"scalars,omitempty"`
}

const stateVersion = 1

func dtypeOf[T Float]() string {
	var z T
	if unsafe.Sizeof(z) == 4 {
		return "F32"
	}
	return "F64"
}

// MarshalBinary encodes the optimizer's state in the safetensors format:
// one tensor per buffer, named "PARAM/BUFFER", and the hyperparameters,
// step counts and scalars as JSON in the metadata key "descent.optim".
func (o *Optimizer[T]) MarshalBinary() ([]byte, error) {
	s := o.State()
	h := header{Version: stateVersion, DType: dtypeOf[T](), Method: s.Method, Groups: s.Groups,
		Steps: map[string]int64{}, Scalars: map[string]map[string]float64{}}
	var tensors []safetensors.Tensor
	for _, g := range s.Groups {
		for _, name := range g.Params {
			ps := s.Params[name]
			h.Steps[name] = ps.Step
			if len(ps.Scalars) > 0 {
				h.Scalars[name] = ps.Scalars
			}
			bufNames := make([]string, 0, len(ps.Buffers))
			for bn := range ps.Buffers {
				bufNames = append(bufNames, bn)
			}
			slices.Sort(bufNames)
			for _, bn := range bufNames {
				tensors = append(tensors, vecTensor(name+"/"+bn, ps.Buffers[bn]))
			}
		}
	}
	return encodeState(tensors, "descent.optim", h)
}

// UnmarshalBinary loads state written by MarshalBinary, with the checks of
// LoadState; on error the optimizer is unchanged.
func (o *Optimizer[T]) UnmarshalBinary(data []byte) error {
	tensors, meta, err := safetensors.Decode(data)
	if err != nil {
		return fmt.Errorf("optim: state: %w", err)
	}
	raw, ok := meta["descent.optim"]
	if !ok {
		return fmt.Errorf("optim: state: not an optimizer state (no descent.optim metadata)")
	}
	var h header
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		return fmt.Errorf("optim: state: bad metadata: %v", err)
	}
	if h.Version != stateVersion {
		return fmt.Errorf("optim: state: version %d, this build reads version %d", h.Version, stateVersion)
	}
	if want := dtypeOf[T](); h.DType != want {
		return fmt.Errorf("optim: state holds %s buffers, optimizer uses %s", h.DType, want)
	}
	s := State[T]{Method: h.Method, Groups: h.Groups, Params: map[string]ParamState[T]{}}
	for _, g := range h.Groups {
		for _, name := range g.Params {
			s.Params[name] = ParamState[T]{Step: h.Steps[name], Buffers: map[string][]T{}, Scalars: h.Scalars[name]}
		}
	}
	for _, t := range tensors {
		i := strings.LastIndexByte(t.Name, '/')
		if i < 0 {
			return fmt.Errorf("optim: state: tensor %q is not named PARAM/BUFFER", t.Name)
		}
		name, bn := t.Name[:i], t.Name[i+1:]
		ps, ok := s.Params[name]
		if !ok {
			return fmt.Errorf("optim: state: tensor %q belongs to no parameter of its groups", t.Name)
		}
		if t.DType != h.DType {
			return fmt.Errorf("optim: state: tensor %q is %s, header says %s", t.Name, t.DType, h.DType)
		}
		ps.Buffers[bn] = fromBytes[T](t.Data)
	}
	return o.LoadState(s)
}

// encodeState writes tensors and the JSON of h under the metadata key key,
// in the safetensors format: the saved state of the optimizers with a type
// of their own.
func encodeState(tensors []safetensors.Tensor, key string, h any) ([]byte, error) {
	meta, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = safetensors.Encode(&b, tensors, map[string]string{key: string(meta)})
	return b.Bytes(), err
}

// savedHyper checks a saved state's version and element type and parses
// its hyperparameters, which must be method's and fit in T.
func savedHyper[T Float](method string, version int, dtype, spec string) (Hyper, error) {
	if version != stateVersion {
		return nil, fmt.Errorf("optim: %s state: version %d, this build reads version %d", method, version, stateVersion)
	}
	if want := dtypeOf[T](); dtype != want {
		return nil, fmt.Errorf("optim: %s state holds %s buffers, optimizer uses %s", method, dtype, want)
	}
	hy, err := ParseSpec(spec)
	if err != nil {
		return nil, fmt.Errorf("optim: %s state: %w", method, err)
	}
	if hy.Method() != method {
		return nil, fmt.Errorf("optim: %s state: hyperparameters are for %q", method, hy.Method())
	}
	if err := CheckRange[T](hy); err != nil {
		return nil, fmt.Errorf("optim: %s state: %w", method, err)
	}
	return hy, nil
}

// decodeState reads what encodeState wrote: the tensors, and the metadata
// under key into h. what names the state in errors.
func decodeState(data []byte, what, key string, h any) ([]safetensors.Tensor, error) {
	tensors, meta, err := safetensors.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("optim: %s state: %w", what, err)
	}
	raw, ok := meta[key]
	if !ok {
		return nil, fmt.Errorf("optim: %s state: not a %s state (no %s metadata)", what, what, key)
	}
	if err := json.Unmarshal([]byte(raw), h); err != nil {
		return nil, fmt.Errorf("optim: %s state: bad metadata: %v", what, err)
	}
	return tensors, nil
}

// vecTensor is v as a one-dimensional safetensors tensor named name.
func vecTensor[T Float](name string, v []T) safetensors.Tensor {
	return safetensors.Tensor{Name: name, DType: dtypeOf[T](), Shape: []int{len(v)}, Data: toBytes(v)}
}

// toBytes encodes v little-endian in the width of T, in one pass.
func toBytes[T Float](v []T) []byte {
	if dtypeOf[T]() == "F32" {
		b := make([]byte, 4*len(v))
		for i, x := range v {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(x)))
		}
		return b
	}
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(float64(x)))
	}
	return b
}

// fromBytes decodes little-endian data of the width of T, in one pass.
func fromBytes[T Float](data []byte) []T {
	if dtypeOf[T]() == "F32" {
		out := make([]T, len(data)/4)
		for i := range out {
			out[i] = T(math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:])))
		}
		return out
	}
	out := make([]T, len(data)/8)
	for i := range out {
		out[i] = T(math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:])))
	}
	return out
}
