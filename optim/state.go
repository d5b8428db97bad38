package optim

import (
	"bytes"
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
		gs := GroupState{Hyper: FullSpec(o.Hyper(gi))}
		names := g.bufferNames()
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

// LoadState replaces the optimizer's state with s (copying it). State is
// matched by parameter name: each group of s must hold the names of one
// group of the optimizer, in any order, and the groups of s may come in any
// order; every buffer must match its parameter's length. Each group takes
// the hyperparameters s saved for it (its learning rate included), as
// torch's load_state_dict does. On error the optimizer is unchanged; the
// error is a *ParamError naming the parameter and the part of its state
// (errors.As), wrapping a *HyperError when saved hyperparameters are bad.
func (o *Optimizer[T]) LoadState(s State[T]) error {
	if s.Method != o.method && !(s.Method == "adam" && o.method == "adam_note") { // adam:variant=note saved before adam_note
		return paramErr("", "method", "state is for %q, optimizer runs %q", s.Method, o.method)
	}
	if len(s.Groups) != len(o.groups) {
		return paramErr("", "groups", "state has %d parameter groups, optimizer has %d", len(s.Groups), len(o.groups))
	}
	match, err := o.matchGroups(s)
	if err != nil {
		return err
	}
	hypers := make([]Hyper, len(o.groups))
	states := map[string]paramState[T]{}
	for gi, gs := range s.Groups {
		g := &o.groups[match[gi]]
		h, err := o.parseSaved(g, gs.Hyper)
		if err != nil {
			return wrapParamErr("", "hyper", fmt.Sprintf("state group %d", gi), err)
		}
		if h.Method() != o.method {
			return paramErr("", "method", "state group %d runs %q, optimizer runs %q", gi, h.Method(), o.method)
		}
		if err := CheckRange[T](h); err != nil {
			return wrapParamErr("", "hyper", fmt.Sprintf("state group %d", gi), err)
		}
		hypers[match[gi]] = h
		names := bufferNames(h)
		if g.custom != nil {
			names = h.(Custom[T]).Buffers()
		}
		for _, name := range gs.Params {
			st, err := loadParam(h, name, len(o.byName[name].param.Value), names, s.Params[name])
			if err != nil {
				return err
			}
			states[name] = st
		}
	}
	for gi := range o.groups {
		o.groups[gi].hyper = hypers[gi]
		o.groups[gi].lr = hypers[gi].LearningRate()
		o.groups[gi].packed = false
		if c, ok := hypers[gi].(Custom[T]); ok && o.groups[gi].custom != nil {
			o.groups[gi].custom, o.groups[gi].customBufs = c, c.Buffers()
		}
		for _, sl := range o.groups[gi].slots {
			sl.st = states[sl.param.Name]
		}
	}
	return nil
}

// bufferNames names the buffers the group keeps per parameter.
func (g *group[T]) bufferNames() []string {
	if g.custom != nil {
		return g.customBufs
	}
	return bufferNames(g.hyper)
}

// parseSaved reads a group's saved hyperparameters: with ParseSpec, or
// with the group's Custom method's Parse.
func (o *Optimizer[T]) parseSaved(g *group[T], spec string) (Hyper, error) {
	if g.custom == nil {
		return ParseSpec(spec)
	}
	h, err := g.custom.Parse(spec)
	if err != nil {
		return nil, err
	}
	if _, ok := h.(Custom[T]); !ok {
		return nil, hyperErrf(o.method, "method", h.Method(), "a Custom method",
			"%s: Parse returned a %T, which is not an optim.Custom", o.method, h)
	}
	return h, h.Validate()
}

// matchGroups finds, for each group of s, the optimizer group holding the
// same parameter names (match[i] is the optimizer group of s.Groups[i]),
// and checks that s has a state for every parameter and for no other.
func (o *Optimizer[T]) matchGroups(s State[T]) ([]int, error) {
	groupOf := map[string]int{}
	for gi, g := range o.groups {
		for _, sl := range g.slots {
			groupOf[sl.param.Name] = gi
		}
	}
	match := make([]int, len(s.Groups))
	taken := make([]bool, len(o.groups))
	seen := map[string]bool{}
	for i, gs := range s.Groups {
		k := -1
		for _, name := range gs.Params {
			gk, ok := groupOf[name]
			if !ok {
				return nil, paramErr(name, "params", "state has parameter %q, which the optimizer does not have", name)
			}
			if seen[name] {
				return nil, paramErr(name, "params", "state lists parameter %q twice", name)
			}
			seen[name] = true
			if k < 0 {
				k = gk
			} else if gk != k {
				return nil, paramErr(name, "groups", "state group %d holds %q and %q, which are in different groups of the optimizer",
					i, gs.Params[0], name)
			}
		}
		if k < 0 { // an empty group: the first empty one left
			for gk, g := range o.groups {
				if len(g.slots) == 0 && !taken[gk] {
					k = gk
					break
				}
			}
			if k < 0 {
				return nil, paramErr("", "groups", "state group %d is empty, and no group of the optimizer is", i)
			}
		}
		if taken[k] {
			return nil, paramErr(gs.Params[0], "groups", "state groups of %q and of another parameter of its group are apart", gs.Params[0])
		}
		taken[k] = true
		match[i] = k
		if len(gs.Params) != len(o.groups[k].slots) {
			for _, sl := range o.groups[k].slots {
				if !seen[sl.param.Name] {
					return nil, paramErr(sl.param.Name, "params", "state has no entry for parameter %q", sl.param.Name)
				}
			}
		}
	}
	for name := range s.Params {
		if _, ok := groupOf[name]; !ok {
			return nil, paramErr(name, "params", "state has parameter %q, which the optimizer does not have", name)
		}
		if !seen[name] {
			return nil, paramErr(name, "params", "state has parameter %q in no group", name)
		}
	}
	for name := range seen {
		if _, ok := s.Params[name]; !ok {
			return nil, paramErr(name, "params", "state has no entry for parameter %q", name)
		}
	}
	return match, nil
}

// loadParam checks the saved state ps of parameter name, of n values, under
// hyperparameters h whose buffers are names, and returns it as a paramState.
func loadParam[T Float](h Hyper, name string, n int, names []string, ps ParamState[T]) (paramState[T], error) {
	st := paramState[T]{step: ps.Step, muProduct: 1}
	if ps.Step < 0 || ps.Step > MaxStateStep {
		return st, paramErr(name, "step", "parameter %q: step %d: want 0 ≤ step ≤ %d", name, ps.Step, int64(MaxStateStep))
	}
	if ps.Step > 0 || len(ps.Buffers) > 0 {
		for _, bn := range names {
			b, ok := ps.Buffers[bn]
			if !ok {
				return st, paramErr(name, bn, "parameter %q: state has no %q buffer (want %s)", name, bn, strings.Join(names, ", "))
			}
			if len(b) != n {
				return st, paramErr(name, bn, "parameter %q: %q buffer has %d values, parameter has %d", name, bn, len(b), n)
			}
			if err := checkBuffer(bn, b); err != nil {
				return st, wrapParamErr(name, bn, fmt.Sprintf("parameter %q", name), err)
			}
			st.bufs = append(st.bufs, slices.Clone(b))
		}
		if len(ps.Buffers) != len(names) {
			return st, paramErr(name, "buffers", "parameter %q: state has %d buffers, %s keeps %d (%s)", name, len(ps.Buffers), h.Method(), len(names), strings.Join(names, ", "))
		}
	}
	if v, ok := ps.Scalars["mu_product"]; ok {
		// A product of momentum factors in (0, 1): in [0, 1]
		// (it underflows to 0 in long runs).
		if !(v >= 0 && v <= 1) {
			return st, paramErr(name, "mu_product", "parameter %q: mu_product %v: want a number in [0, 1]", name, v)
		}
		st.muProduct = v
	}
	if err := loadASGDScalars(h, name, ps, &st); err != nil {
		return st, err
	}
	return st, nil
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
		return fmt.Errorf("optim: state: bad metadata: %w", err)
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
			return paramErr("", t.Name, "state: tensor %q is not named PARAM/BUFFER", t.Name)
		}
		name, bn := t.Name[:i], t.Name[i+1:]
		ps, ok := s.Params[name]
		if !ok {
			return paramErr(name, bn, "state: tensor %q belongs to no parameter of its groups", t.Name)
		}
		if t.DType != h.DType {
			return paramErr(name, bn, "state: tensor %q is %s, header says %s", t.Name, t.DType, h.DType)
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
		return nil, fmt.Errorf("optim: %s state: bad metadata: %w", what, err)
	}
	return tensors, nil
}

// vecTensor is v as a one-dimensional safetensors tensor named name.
func vecTensor[T Float](name string, v []T) safetensors.Tensor {
	return safetensors.Tensor{Name: name, DType: dtypeOf[T](), Shape: []int{len(v)}, Data: toBytes(v)}
}

// toBytes encodes v little-endian in the width of T, in one pass, with
// safetensors' codec. T's underlying type is float32 or float64, so v is
// viewed as a slice of it without a copy.
func toBytes[T Float](v []T) []byte {
	p := unsafe.Pointer(unsafe.SliceData(v))
	if dtypeOf[T]() == "F32" {
		return safetensors.Float32s(unsafe.Slice((*float32)(p), len(v)))
	}
	return safetensors.Float64s(unsafe.Slice((*float64)(p), len(v)))
}

// fromBytes decodes little-endian data of the width of T, in one pass,
// with safetensors' codec.
func fromBytes[T Float](data []byte) []T {
	var z T
	out := make([]T, len(data)/int(unsafe.Sizeof(z)))
	p := unsafe.Pointer(unsafe.SliceData(out))
	if dtypeOf[T]() == "F32" {
		safetensors.ToFloat32s(unsafe.Slice((*float32)(p), len(out)), data)
	} else {
		safetensors.ToFloat64s(unsafe.Slice((*float64)(p), len(out)), data)
	}
	return out
}
