package optim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/descentlab/descent/safetensors"
)

// LookaheadOptions are the hyperparameters of Lookahead (Zhang, Lucas, Hinton
// & Ba 2019, "Lookahead Optimizer: k steps forward, 1 step back"; the
// authors' lookahead_pytorch.py is the definition followed).
type LookaheadOptions struct {
	K     int     // inner steps between two synchronisations (la_steps)
	Alpha float64 // la_alpha in [0, 1]: fast ← α·fast + (1 − α)·slow; 1 is the inner optimizer alone
	// PullbackMomentum is what a synchronisation does to the inner
	// method's momentum buffer (torch's "momentum_buffer": sgd or rmsprop
	// with momentum > 0): "none" leaves it, "reset" zeroes it, "pullback"
	// interpolates it as the weights, m ← α·m + (1 − α)·m_slow, m_slow ← m.
	PullbackMomentum string
}

// Lookahead's choices of pullback_momentum.
const (
	PullbackNone     = "none"
	PullbackReset    = "reset"
	PullbackPullback = "pullback"
)

var pullbackModes = []string{PullbackNone, PullbackReset, PullbackPullback}

// DefaultLookahead returns the authors' defaults: k 5, alpha 0.8,
// pullback_momentum none.
func DefaultLookahead() LookaheadOptions {
	return LookaheadOptions{K: 5, Alpha: 0.8, PullbackMomentum: PullbackNone}
}

// Validate reports the first invalid option.
func (o LookaheadOptions) Validate() error {
	if o.K < 1 {
		return hyperErr("lookahead", "k", strconv.Itoa(o.K), wantIntAtLeast1)
	}
	if !(o.Alpha >= 0 && o.Alpha <= 1) {
		return hyperErr("lookahead", "alpha", formatNum(o.Alpha), wantUnitClosed)
	}
	if !contains(pullbackModes, o.PullbackMomentum) {
		want := "one of " + strings.Join(pullbackModes, ", ")
		return hyperErrf("lookahead", "pullback_momentum", o.PullbackMomentum, want, "lookahead: invalid pullback_momentum=%q: want %s", o.PullbackMomentum, want)
	}
	return nil
}

// String is the wrapper's spec, lookahead:k=K,alpha=A (and
// pullback_momentum=P unless it is none).
func (o LookaheadOptions) String() string {
	s := "lookahead:k=" + strconv.Itoa(o.K) + ",alpha=" + formatNum(o.Alpha)
	if o.PullbackMomentum != PullbackNone {
		s += ",pullback_momentum=" + o.PullbackMomentum
	}
	return s
}

// ParseLookahead parses "lookahead[:k=K,alpha=A,pullback_momentum=P]/INNER", INNER any spec
// ParseSpec reads (itself an element-wise method: not lbfgs or adafactor).
func ParseLookahead(spec string) (LookaheadOptions, Hyper, error) {
	outer, inner, ok := strings.Cut(strings.TrimSpace(spec), "/")
	if !ok {
		return LookaheadOptions{}, nil, hyperErrf("lookahead", "method", spec, "lookahead[:k=K,alpha=A]/INNER",
			"lookahead spec %q: want lookahead[:k=K,alpha=A]/INNER, e.g. lookahead:k=5/adam:lr=0.01", spec)
	}
	o := DefaultLookahead()
	name, rest, hasOpts := strings.Cut(strings.TrimSpace(outer), ":")
	if strings.TrimSpace(name) != "lookahead" {
		return o, nil, hyperErrf("", "method", name, "lookahead", "lookahead spec %q: starts with %q, want lookahead", spec, name)
	}
	if hasOpts {
		seen := map[string]bool{}
		for _, kv := range strings.Split(rest, ",") {
			key, val, ok := strings.Cut(kv, "=")
			key, val = strings.TrimSpace(key), strings.TrimSpace(val)
			if !ok || seen[key] {
				return o, nil, hyperErrf("lookahead", key, val, "k=K,alpha=A,pullback_momentum=P, each once",
					"lookahead: malformed or repeated option %q (want k=K,alpha=A,pullback_momentum=P)", kv)
			}
			seen[key] = true
			switch key {
			case "k":
				n, err := strconv.Atoi(val)
				if err != nil {
					return o, nil, hyperErrf("lookahead", "k", val, "an integer", "lookahead: invalid k=%q: want an integer", val)
				}
				o.K = n
			case "alpha":
				v, err := strconv.ParseFloat(val, 64)
				if err != nil {
					return o, nil, hyperErrf("lookahead", "alpha", val, "a number", "lookahead: invalid alpha=%q: want a number", val)
				}
				o.Alpha = v
			case "pullback_momentum":
				o.PullbackMomentum = val
			default:
				return o, nil, hyperErrf("lookahead", key, val, "k, alpha, pullback_momentum", "lookahead: unknown option %q (want k, alpha, pullback_momentum)", key)
			}
		}
	}
	if err := o.Validate(); err != nil {
		return o, nil, err
	}
	h, err := ParseSpec(inner)
	if err != nil {
		return o, nil, err
	}
	return o, h, nil
}

// Lookahead wraps an optimizer (the fast weights' method) and keeps slow
// weights, starting at the parameters' values: every K steps the
// parameters move to fast·α + (1 − α)·slow, which becomes the new slow.
// With pullback_momentum "reset" or "pullback" the inner method's momentum
// buffers follow (see LookaheadOptions). Step allocates nothing; it is not
// safe for concurrent use.
type Lookahead[T Float] struct {
	inner  *Optimizer[T]
	opts   LookaheadOptions
	params []*Param[T]
	slow   [][]T
	mom    [][]T // pullback: the momentum buffers at the last synchronisation (cached_mom)
	count  int   // inner steps since the last synchronisation
}

// NewLookahead wraps inner; the slow weights are the parameters' values now.
func NewLookahead[T Float](o LookaheadOptions, inner *Optimizer[T]) (*Lookahead[T], error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if inner == nil {
		return nil, fmt.Errorf("lookahead: no inner optimizer")
	}
	if err := checkPullback(o, inner); err != nil {
		return nil, err
	}
	l := &Lookahead[T]{inner: inner, opts: o, params: inner.Params()}
	for _, p := range l.params {
		l.slow = append(l.slow, append([]T(nil), p.Value...))
		if o.PullbackMomentum == PullbackPullback {
			l.mom = append(l.mom, make([]T, len(p.Value)))
		}
	}
	return l, nil
}

// checkPullback refuses a pullback_momentum other than none over an inner
// method without a momentum buffer (the authors' code fails on a missing
// state["momentum_buffer"]).
func checkPullback[T Float](o LookaheadOptions, inner *Optimizer[T]) error {
	if o.PullbackMomentum == PullbackNone {
		return nil
	}
	for i := range inner.groups {
		h := inner.groups[i].hyper
		if !slices.Contains(bufferNames(h), "momentum_buffer") {
			want := "none, or an inner method with a momentum buffer (sgd or rmsprop with momentum > 0)"
			return hyperErrf("lookahead", "pullback_momentum", o.PullbackMomentum, want,
				"lookahead: pullback_momentum=%s needs an inner method with a momentum buffer (sgd or rmsprop with momentum > 0), not %s", o.PullbackMomentum, h)
		}
	}
	return nil
}

// syncMomentum applies pullback_momentum to the inner method's momentum
// buffers (which exist: a synchronisation follows at least one step).
func (l *Lookahead[T]) syncMomentum(a, b T) {
	i := 0
	for gi := range l.inner.groups {
		g := &l.inner.groups[gi]
		k := slices.Index(bufferNames(g.hyper), "momentum_buffer")
		for _, s := range g.slots {
			m := s.st.bufs[k]
			if l.opts.PullbackMomentum == PullbackReset {
				clear(m)
			} else {
				c := l.mom[i][:len(m)]
				for j, v := range m {
					v = T(v*a) + T(b*c[j])
					m[j], c[j] = v, v
				}
			}
			i++
		}
	}
}

// Inner returns the wrapped optimizer (its learning rate is the one a
// schedule sets).
func (l *Lookahead[T]) Inner() *Optimizer[T] { return l.inner }

// Options returns the wrapper's hyperparameters.
func (l *Lookahead[T]) Options() LookaheadOptions { return l.opts }

// Slow returns the slow weights of parameter i (in Inner().Params()
// order), the weights that usually generalise better; do not modify it.
func (l *Lookahead[T]) Slow(i int) []T { return l.slow[i] }

// Step runs one inner step and, every K steps, the synchronisation.
func (l *Lookahead[T]) Step() {
	l.inner.Step()
	l.count++
	if l.count < l.opts.K {
		return
	}
	l.count = 0
	a, b := T(l.opts.Alpha), T(1-l.opts.Alpha)
	for i, p := range l.params {
		s := l.slow[i][:len(p.Value)]
		for j, w := range p.Value {
			v := T(w*a) + T(b*s[j])
			p.Value[j] = v
			s[j] = v
		}
	}
	if l.opts.PullbackMomentum != PullbackNone {
		l.syncMomentum(a, b)
	}
}

const lookaheadMetaKey = "descent.optim.lookahead"

// MarshalBinary encodes the wrapper's state (options, step counter, slow
// weights as tensors "slow/PARAM", pullback's momenta "momentum/PARAM") and the inner optimizer's state in one
// safetensors file.
func (l *Lookahead[T]) MarshalBinary() ([]byte, error) {
	inner, err := l.inner.MarshalBinary()
	if err != nil {
		return nil, err
	}
	dt := dtypeOf[T]()
	tensors := []safetensors.Tensor{{Name: "inner", DType: "U8", Shape: []int{len(inner)}, Data: inner}}
	for i, p := range l.params {
		tensors = append(tensors, vecTensor("slow/"+p.Name, l.slow[i]))
		if l.mom != nil {
			tensors = append(tensors, vecTensor("momentum/"+p.Name, l.mom[i]))
		}
	}
	return encodeState(tensors, lookaheadMetaKey, lookaheadHeader{Spec: l.opts.String(), Count: l.count, DType: dt})
}

// lookaheadHeader is the JSON kept in the metadata of a saved Lookahead.
type lookaheadHeader struct {
	Spec  string `json:"spec"`
	Count int    `json:"count"`
	DType string `json:"dtype"`
}

// UnmarshalBinary loads a state written by MarshalBinary, with the checks
// of the inner optimizer's UnmarshalBinary; on error nothing changes.
func (l *Lookahead[T]) UnmarshalBinary(data []byte) error {
	var h lookaheadHeader
	tensors, err := decodeState(data, "lookahead", lookaheadMetaKey, &h)
	if err != nil {
		return err
	}
	o, _, err := ParseLookahead(h.Spec + "/sgd")
	if err != nil {
		return wrapParamErr("", "lookahead", "lookahead state", err)
	}
	if h.DType != dtypeOf[T]() || h.Count < 0 || h.Count >= o.K {
		return paramErr("", "lookahead", "lookahead state: dtype %s, count %d for k=%d", h.DType, h.Count, o.K)
	}
	byName := map[string]safetensors.Tensor{}
	for _, t := range tensors {
		byName[t.Name] = t
	}
	if err := checkPullback(o, l.inner); err != nil {
		return wrapParamErr("", "lookahead", "lookahead state", err)
	}
	slow := make([][]T, len(l.params))
	var mom [][]T
	for i, p := range l.params {
		if o.PullbackMomentum == PullbackPullback {
			t, ok := byName["momentum/"+p.Name]
			if !ok || t.DType != h.DType {
				return paramErr(p.Name, "momentum", "lookahead state: no %s pullback momentum for %q", dtypeOf[T](), p.Name)
			}
			m := fromBytes[T](t.Data)
			if len(m) != len(p.Value) {
				return paramErr(p.Name, "momentum", "lookahead state: %d momenta for %q of %d values", len(m), p.Name, len(p.Value))
			}
			if err := checkBuffer("momentum_buffer", m); err != nil {
				return wrapParamErr(p.Name, "momentum", fmt.Sprintf("lookahead state: %q", p.Name), err)
			}
			mom = append(mom, m)
		}
		t, ok := byName["slow/"+p.Name]
		if !ok || t.DType != h.DType {
			return paramErr(p.Name, "slow", "lookahead state: no %s slow weights for %q", dtypeOf[T](), p.Name)
		}
		if slow[i] = fromBytes[T](t.Data); len(slow[i]) != len(p.Value) {
			return paramErr(p.Name, "slow", "lookahead state: %d slow weights for %q of %d values", len(slow[i]), p.Name, len(p.Value))
		}
	}
	if len(byName) != len(l.params)+len(mom)+1 {
		return paramErr("", "tensors", "lookahead state: %d tensors, want the inner state, %d slow weights and %d momenta", len(byName), len(l.params), len(mom))
	}
	in, ok := byName["inner"]
	if !ok {
		return paramErr("", "inner", "lookahead state: no inner optimizer state")
	}
	if err := l.inner.UnmarshalBinary(in.Data); err != nil {
		return err
	}
	l.opts, l.count, l.slow, l.mom = o, h.Count, slow, mom
	return nil
}
