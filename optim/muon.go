package optim

import (
	"errors"
	"fmt"
	"math"
)

// Muon is the hyperparameters of torch.optim.Muon (torch ≥ 2.9; Keller
// Jordan's "Muon: An optimizer for hidden layers in neural networks",
// 2024, and Moonshot AI's "Muon is Scalable for LLM Training", 2025): SGD
// momentum whose update, a matrix, is replaced by an approximately
// orthogonal one, the result of NSSteps Newton–Schulz iterations
// X ← aX + (bA + cA²)X, A = XXᵀ, from X = update/‖update‖. It updates 2-D
// parameters only (Param.Rows, Cols): torch.optim.Muon refuses the others,
// which take another method. Build it with NewMuon.
//
// As in torch, the iteration runs in bfloat16 (NSDType "bfloat16"): every
// operation's result is rounded to bfloat16, a matrix product accumulates
// its float32 products in order and rounds once. NSDType "param" runs it
// in the parameter's own type instead (descent's option: no bfloat16
// rounding, the trajectories a float reference reproduces to 1e-9).
type Muon struct {
	LR          float64
	WeightDecay float64 // decoupled: w ← w·(1 − lr·weight_decay)
	Momentum    float64 // μ: the buffer is B ← B + (1−μ)(g − B)
	Nesterov    bool    // the update is g + μ(B − g) instead of B
	// NSA, NSB, NSC are torch's ns_coefficients (a, b, c) of the quintic
	// iteration X ← aX + (bA + cA²)X.
	NSA, NSB, NSC float64
	Eps           float64 // the norm of the first X is at least eps
	NSSteps       int     // Newton–Schulz iterations, 0 to 99 (torch refuses 100 and more)
	// AdjustLRFn scales lr by the shape rows×cols: "original" (Keller
	// Jordan's) by √max(1, rows/cols), "match_rms_adamw" (Moonshot's) by
	// 0.2·√max(rows, cols), which gives the update AdamW's RMS.
	AdjustLRFn string
	NSDType    string // "bfloat16" (torch) or "param" (the parameter's type)
}

// Muon's choices of adjust_lr_fn and ns_dtype.
const (
	MuonAdjustOriginal = "original"
	MuonAdjustAdamW    = "match_rms_adamw"
	MuonNSBFloat16     = "bfloat16"
	MuonNSParam        = "param"
)

// DefaultMuon returns torch's defaults: lr 1e-3, weight_decay 0.1,
// momentum 0.95, nesterov, ns_coefficients (3.4445, −4.7750, 2.0315),
// eps 1e-7, ns_steps 5, adjust_lr_fn "original", and the iteration in
// bfloat16.
func DefaultMuon() Muon {
	return Muon{LR: 1e-3, WeightDecay: 0.1, Momentum: 0.95, Nesterov: true, NSA: 3.4445, NSB: -4.7750, NSC: 2.0315,
		Eps: 1e-7, NSSteps: 5, AdjustLRFn: MuonAdjustOriginal, NSDType: MuonNSBFloat16}
}

func (h *Muon) fields() []field {
	return []field{
		lrField(&h.LR),
		num("weight_decay", &h.WeightDecay, nonNeg, wantNonNeg, "decoupled weight decay: w ← w·(1 − lr·weight_decay)"),
		num("momentum", &h.Momentum, nonNeg, wantNonNeg, "momentum factor μ: B ← B + (1−μ)(g − B)"),
		boolean("nesterov", &h.Nesterov, "orthogonalise g + μ(B − g) instead of the buffer B"),
		num("ns_a", &h.NSA, nil, wantFinite, "coefficient a of the Newton–Schulz step X ← aX + (bA + cA²)X (ns_coefficients[0])"),
		num("ns_b", &h.NSB, nil, wantFinite, "coefficient b of the Newton–Schulz step (ns_coefficients[1])"),
		num("ns_c", &h.NSC, nil, wantFinite, "coefficient c of the Newton–Schulz step (ns_coefficients[2])"),
		num("eps", &h.Eps, positive, wantEps, "lower bound of the norm the update is divided by before the iteration"),
		integer("ns_steps", &h.NSSteps, func(v float64) bool { return v >= 0 && v < 100 }, wantNSSteps, "number of Newton–Schulz iterations"),
		enum("adjust_lr_fn", &h.AdjustLRFn, []string{MuonAdjustOriginal, MuonAdjustAdamW},
			"scale of lr by the shape A×B: original √max(1, A/B), match_rms_adamw 0.2·√max(A, B)"),
		enum("ns_dtype", &h.NSDType, []string{MuonNSBFloat16, MuonNSParam},
			"type of the Newton–Schulz iteration: bfloat16 as torch, or param, the parameter's own"),
	}
}

const wantNSSteps = "an integer in [0, 99]"

var _ Hyper = Muon{}

var errMuon = errors.New("optim: muon orthogonalises whole matrices: build it with NewMuon")

// muonSlot is one matrix parameter, its momentum buffer and the scratch of
// its Newton–Schulz iteration: x and next (s×l, s = min(rows, cols),
// l = max) and three s×s matrices, in float32 (holding bfloat16 values) or
// in T, whichever the iteration runs in.
type muonSlot[T Float] struct {
	p    *Param[T]
	step int64
	buf  []T
	f32  nsWork[float32]
	own  nsWork[T]
}

// nsWork is the scratch of one Newton–Schulz iteration.
type nsWork[E Float] struct {
	x, next, gram, cg, upd []E
}

func newNSWork[E Float](s, l int) nsWork[E] {
	return nsWork[E]{x: make([]E, s*l), next: make([]E, s*l), gram: make([]E, s*s), cg: make([]E, s*s), upd: make([]E, s*s)}
}

// MuonOptimizer runs torch.optim.Muon (its _single_tensor_muon, use_addmm
// off) over matrix parameters. It allocates its state and scratch in
// NewMuon; Step allocates nothing. It is not safe for concurrent use.
type MuonOptimizer[T Float] struct {
	h     Muon
	slots []muonSlot[T]
}

// NewMuon returns a Muon optimizer over params, each a matrix (Rows and
// Cols set, Rows·Cols = len(Value)); it refuses any other parameter, as
// torch does, naming it. Parameter names must be unique and non-empty.
func NewMuon[T Float](h Muon, params ...*Param[T]) (*MuonOptimizer[T], error) {
	if err := checkNew(h, params); err != nil {
		return nil, err
	}
	o := &MuonOptimizer[T]{h: h}
	for _, p := range params {
		if !p.Matrix() {
			return nil, &ParamError{Param: p.Name, Key: "shape", msg: fmt.Sprintf("muon: parameter %q is not a matrix (rows=%d, cols=%d, %d values): muon updates 2-D parameters only, as torch.optim.Muon; give the others to another method",
				p.Name, p.Rows, p.Cols, len(p.Value))}
		}
		s, l := min(p.Rows, p.Cols), max(p.Rows, p.Cols)
		sl := muonSlot[T]{p: p, buf: make([]T, len(p.Value))}
		if h.NSDType == MuonNSParam {
			sl.own = newNSWork[T](s, l)
		} else {
			sl.f32 = newNSWork[float32](s, l)
		}
		o.slots = append(o.slots, sl)
	}
	return o, nil
}

// Hyper returns the hyperparameters.
func (o *MuonOptimizer[T]) Hyper() Muon { return o.h }

// SetLR sets lr, as assigning param_groups[0]["lr"] does in torch.
func (o *MuonOptimizer[T]) SetLR(lr float64) error {
	if err := checkLR[T]("muon", lr); err != nil {
		return err
	}
	o.h.LR = lr
	return nil
}

// Step applies one update to every parameter from its gradient.
func (o *MuonOptimizer[T]) Step() {
	for i := range o.slots {
		s := &o.slots[i]
		if len(s.p.Value) != len(s.buf) || len(s.p.Grad) != len(s.buf) {
			panic(fmt.Sprintf("optim: muon: parameter %q changed length", s.p.Name))
		}
	}
	for i := range o.slots {
		s := &o.slots[i]
		if o.h.NSDType == MuonNSParam {
			muonStep(o.h, s, &s.own, false)
		} else {
			muonStep(o.h, s, &s.f32, true)
		}
	}
}

// bf16 rounds x to the nearest bfloat16 (ties to even; NaN stays NaN), as
// c10::BFloat16 does, and returns it as a float32.
func bf16(x float32) float32 {
	if x != x {
		return x
	}
	b := math.Float32bits(x)
	b += 0x7FFF + (b>>16)&1
	return math.Float32frombits(b &^ 0xFFFF)
}

// rnd is the rounding of the iteration's results: to bfloat16, or none.
func rnd[E Float](v E, bf bool) E {
	if bf {
		return E(bf16(float32(v)))
	}
	return v
}

// muonStep is _single_tensor_muon for one parameter, its iteration in E
// (float32 holding bfloat16 values when bf, else T).
func muonStep[T, E Float](h Muon, s *muonSlot[T], w *nsWork[E], bf bool) {
	p := s.p
	rows, cols := p.Rows, p.Cols
	tr := rows > cols // the iteration runs on the transpose, s×l with s ≤ l
	sd, ld := rows, cols
	if tr {
		sd, ld = cols, rows
	}
	s.step++
	wlerp, mu := T(1-h.Momentum), T(h.Momentum)
	x := w.x
	for r := range rows {
		for c := range cols {
			i := r*cols + c
			g := p.Grad[i]
			b := lerp(s.buf[i], g, wlerp)
			s.buf[i] = b
			u := b
			if h.Nesterov {
				u = lerp(g, b, mu)
			}
			j := i
			if tr {
				j = c*rows + r
			}
			if bf {
				x[j] = E(bf16(float32(u))) // float64 → float32 → bfloat16, as c10 converts
			} else {
				x[j] = E(u)
			}
		}
	}
	newtonSchulz(w, sd, ld, E(h.NSA), E(h.NSB), E(h.NSC), E(h.Eps), h.NSSteps, bf)
	ratio := math.Sqrt(max(1, float64(rows)/float64(cols)))
	if h.AdjustLRFn == MuonAdjustAdamW {
		ratio = 0.2 * math.Sqrt(float64(max(rows, cols)))
	}
	decay, alpha := T(1-float64(h.LR*h.WeightDecay)), T(-h.LR*ratio)
	x = w.x
	for r := range rows {
		for c := range cols {
			i := r*cols + c
			j := i
			if tr {
				j = c*rows + r
			}
			v := T(p.Value[i] * decay)
			p.Value[i] = v + T(alpha*T(x[j]))
		}
	}
}

// newtonSchulz orthogonalises w.x (s×l, row-major) in place, as torch's
// _zeropower_via_newtonschulz: X ← X/max(‖X‖, eps), then steps times
// A = XXᵀ, B = bA + (cA)A, X ← aX + BX, every result rounded when bf.
// Sums run in index order; a product's terms are rounded before they are
// added (the conversion keeps the compiler from fusing them).
func newtonSchulz[E Float](w *nsWork[E], s, l int, a, b, c, eps E, steps int, bf bool) {
	x, next, gram, cg, upd := w.x, w.next, w.gram, w.cg, w.upd
	var ss E
	for _, v := range x {
		ss += E(v * v)
	}
	n := rnd(E(math.Sqrt(float64(ss))), bf)
	n = rnd(max(n, eps), bf)
	for i, v := range x {
		x[i] = rnd(v/n, bf)
	}
	for range steps {
		for i := range s {
			xi := x[i*l : (i+1)*l]
			for j := range s {
				xj := x[j*l : (j+1)*l]
				var acc E
				for k, v := range xi {
					acc += E(v * xj[k])
				}
				gram[i*s+j] = rnd(acc, bf)
			}
		}
		for i, v := range gram {
			cg[i] = rnd(c*v, bf)
		}
		matmul(upd, cg, gram, s, s, s, bf)
		for i, v := range gram {
			upd[i] = rnd(rnd(b*v, bf)+upd[i], bf)
		}
		matmul(next, upd, x, s, s, l, bf)
		for i, v := range x {
			next[i] = rnd(rnd(a*v, bf)+next[i], bf)
		}
		x, next = next, x
	}
	w.x, w.next = x, next
}

// matmul sets dst (m×n) to the product of a (m×k) and b (k×n), each sum
// taken in index order and rounded once when bf.
func matmul[E Float](dst, a, b []E, m, k, n int, bf bool) {
	for i := range m {
		ai := a[i*k : (i+1)*k]
		for j := range n {
			var acc E
			for q, v := range ai {
				acc += E(v * b[q*n+j])
			}
			dst[i*n+j] = rnd(acc, bf)
		}
	}
}

const muonMetaKey = "descent.optim.muon"

func (o *MuonOptimizer[T]) views() []slotView[T] {
	out := make([]slotView[T], len(o.slots))
	for i := range o.slots {
		s := &o.slots[i]
		out[i] = slotView[T]{name: s.p.Name, n: len(s.p.Value), step: &s.step, names: []string{"momentum_buffer"}, bufs: [][]T{s.buf}}
	}
	return out
}

// MarshalBinary encodes the state in the safetensors format: a tensor
// "PARAM/momentum_buffer" per parameter, as torch names it, and the
// hyperparameters and step counts as JSON metadata.
func (o *MuonOptimizer[T]) MarshalBinary() ([]byte, error) {
	return marshalSlots(muonMetaKey, o.h, o.views())
}

// UnmarshalBinary loads a state written by MarshalBinary into an optimizer
// over parameters with the same names and lengths; the next Step continues
// exactly. The saved hyperparameters replace the optimizer's (their ns_dtype
// must be the optimizer's, whose scratch is made for it). On error the
// optimizer is unchanged.
func (o *MuonOptimizer[T]) UnmarshalBinary(data []byte) error {
	var hd slotHeader
	if _, err := decodeState(data, "muon", muonMetaKey, &hd); err != nil {
		return err
	}
	hy, err := savedHyper[T]("muon", hd.Version, hd.DType, hd.Hyper)
	if err != nil {
		return err
	}
	if mh := hy.(Muon); mh.NSDType != o.h.NSDType {
		return fmt.Errorf("optim: muon state has ns_dtype=%s, optimizer has ns_dtype=%s", mh.NSDType, o.h.NSDType)
	}
	hy, err = unmarshalSlots(data, "muon", muonMetaKey, o.views())
	if err != nil {
		return err
	}
	o.h = hy.(Muon)
	return nil
}
