package optim

import (
	"errors"
	"fmt"
	"math"

	"github.com/descentlab/descent/optim/internal/kernel"
)

// Adafactor is the hyperparameters of torch.optim.Adafactor (torch ≥ 2.5;
// Shazeer & Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear
// Memory Cost", with torch's use of lr and ε₁). For a matrix parameter
// (Param.Rows, Cols) the second moment is kept as a row factor and a
// column factor, rows + cols numbers instead of rows·cols. It is not an
// element-wise method (its steps need the norms of the parameter and of
// the update): build it with NewAdafactor.
type Adafactor struct {
	LR         float64 // caps the relative step ρₜ = min(lr, 1/√t) and scales the weight decay
	Beta2Decay float64 // τ ≤ 0: the second-moment average uses 1 − β₂ₜ = t^τ
	// Eps1 is ε₁ ≥ 0, the floor of the variance estimate's root; with
	// Eps1DType (torch's eps=(None, …), the default) it is the machine
	// epsilon of the element type instead.
	Eps1        float64
	Eps1DType   bool
	Eps2        float64 // ε₂: the smallest parameter scale
	D           float64 // d ≥ 1: the update's RMS is clipped to d
	WeightDecay float64 // decoupled: w ← w·(1 − lr·weight_decay)
	Maximize    bool
}

// DefaultAdafactor returns torch's defaults: lr 0.01, beta2_decay −0.8,
// eps (None, 1e-3), d 1, no weight decay.
func DefaultAdafactor() Adafactor {
	return Adafactor{LR: 0.01, Beta2Decay: -0.8, Eps1DType: true, Eps2: 1e-3, D: 1}
}

func (h *Adafactor) fields() []field {
	return []field{
		lrField(&h.LR),
		num("beta2_decay", &h.Beta2Decay, func(v float64) bool { return v <= 0 }, wantNonPos,
			"decay τ of β₂: the second moment is averaged with weight t^τ"),
		num("eps1", &h.Eps1, nonNeg, wantNonNeg, "ε₁, floor of the variance estimate's root (used with eps1_dtype=false)"),
		boolean("eps1_dtype", &h.Eps1DType, "use the element type's machine epsilon for ε₁ (torch's eps=(None, …))"),
		num("eps2", &h.Eps2, nonNeg, wantNonNeg, "ε₂, the smallest parameter scale of the step"),
		num("d", &h.D, atLeastOne, wantAtLeastOne, "clipping threshold: the update's RMS is at most d"),
		num("weight_decay", &h.WeightDecay, nonNeg, wantNonNeg, "decoupled weight decay: w ← w·(1 − lr·weight_decay)"),
		maxField(&h.Maximize),
	}
}

// Validate implements Hyper.
func (h Adafactor) Validate() error {
	if err := validate(h.Method(), h.fields()); err != nil {
		return err
	}
	if h.Eps1DType && h.Eps1 != 0 {
		return hyperErrf("adafactor", "eps1", formatNum(h.Eps1), "eps1 only with eps1_dtype=false",
			"adafactor: invalid eps1=%s with eps1_dtype=true: eps1 is used only with eps1_dtype=false", formatNum(h.Eps1))
	}
	return nil
}

var _ Hyper = Adafactor{}

var errAdafactor = errors.New("optim: adafactor needs the norms of whole parameters: build it with NewAdafactor")

// adafactorSlot is one parameter and its state: torch's state["step"] and
// row_var and col_var (a matrix) or variance (otherwise), and the update's
// scratch.
type adafactorSlot[T Float] struct {
	p                      *Param[T]
	step                   int64
	rowVar, colVar, varVec []T
	update                 []T
}

// AdafactorOptimizer runs torch.optim.Adafactor (its single-tensor
// _single_tensor_adafactor) over parameters, each a matrix (Param.Rows,
// Cols set) or a vector. It allocates its state in NewAdafactor; Step
// allocates nothing. It is not safe for concurrent use.
type AdafactorOptimizer[T Float] struct {
	h     Adafactor
	slots []adafactorSlot[T]
}

// NewAdafactor returns an Adafactor optimizer over params. Parameter names
// must be unique and non-empty.
func NewAdafactor[T Float](h Adafactor, params ...*Param[T]) (*AdafactorOptimizer[T], error) {
	if err := checkNew(h, params); err != nil {
		return nil, err
	}
	o := &AdafactorOptimizer[T]{h: h}
	for _, p := range params {
		s := adafactorSlot[T]{p: p, update: make([]T, len(p.Value))}
		if p.Matrix() {
			s.rowVar, s.colVar = make([]T, p.Rows), make([]T, p.Cols)
		} else {
			s.varVec = make([]T, len(p.Value))
		}
		o.slots = append(o.slots, s)
	}
	return o, nil
}

// Hyper returns the hyperparameters.
func (o *AdafactorOptimizer[T]) Hyper() Adafactor { return o.h }

// SetLR sets lr, as assigning param_groups[0]["lr"] does in torch.
func (o *AdafactorOptimizer[T]) SetLR(lr float64) error {
	if err := checkLR[T]("adafactor", lr); err != nil {
		return err
	}
	o.h.LR = lr
	return nil
}

// eps1 is ε₁ for T: torch.finfo(dtype).eps by default.
func (o *AdafactorOptimizer[T]) eps1() float64 {
	if !o.h.Eps1DType {
		return o.h.Eps1
	}
	if dtypeOf[T]() == "F32" {
		return 0x1p-23
	}
	return 0x1p-52
}

// norm2 is the Euclidean norm accumulated in T, as torch's norm of a T tensor.
func norm2[T Float](v []T) float64 {
	var s T
	for _, x := range v {
		s += T(x * x)
	}
	return float64(T(math.Sqrt(float64(s))))
}

// lerp is torch's lerp: a + w·(b − a) for |w| < 0.5, else b − (b − a)·(1 − w).
func lerp[T Float](a, b, w T) T {
	if abs(w) < 0.5 {
		return a + T(w*(b-a))
	}
	return b - T((b-a)*(1-w))
}

// Step applies one update to every parameter from its gradient.
func (o *AdafactorOptimizer[T]) Step() {
	for i := range o.slots {
		o.stepSlot(&o.slots[i])
	}
}

func (o *AdafactorOptimizer[T]) stepSlot(s *adafactorSlot[T]) {
	h := o.h
	p, n := s.p, len(s.p.Value)
	if len(p.Grad) != n || len(s.update) != n {
		panic(fmt.Sprintf("optim: adafactor: parameter %q changed length", p.Name))
	}
	w, g, u := p.Value, p.Grad[:n], s.update
	neg := T(1)
	if h.Maximize {
		neg = -1
	}
	s.step++
	t := float64(s.step)
	omb := T(math.Pow(t, h.Beta2Decay))
	rho := h.LR
	if r := 1 / math.Pow(t, 0.5); r < rho {
		rho = r
	}
	alpha := norm2(w) / math.Pow(float64(n), 0.5)
	if !(alpha > h.Eps2) {
		alpha = h.Eps2
	}
	alpha *= rho
	if h.WeightDecay != 0 {
		decay := T(1 - float64(h.LR*h.WeightDecay))
		for i := range w {
			w[i] = w[i] * decay
		}
	}
	eps1 := o.eps1()
	if s.rowVar != nil {
		rows, cols := p.Rows, p.Cols
		// The norms are of neg·g, whose squares are g's: neg is left out.
		for r := range rows {
			nr := T(norm2(g[r*cols : (r+1)*cols]))
			s.rowVar[r] = lerp(s.rowVar[r], nr*nr/T(cols), omb)
		}
		for c := range cols {
			var ss T
			for r := range rows {
				x := g[r*cols+c]
				ss += T(x * x)
			}
			nc := T(math.Sqrt(float64(ss)))
			s.colVar[c] = lerp(s.colVar[c], nc*nc/T(rows), omb)
		}
		var sum T
		for _, v := range s.rowVar {
			sum += v
		}
		mean := max(sum/T(rows), T(eps1))
		for r := range rows {
			for c := range cols {
				u[r*cols+c] = s.rowVar[r] * s.colVar[c] / mean
			}
		}
		floor := T(eps1 * eps1)
		for i := range u {
			u[i] = T(1) / T(math.Sqrt(float64(max(u[i], floor)))) * (neg * g[i])
		}
	} else {
		// V ← lerp(V, g², t^τ) and u = g/√max(V, ε₁²), fused.
		kernel.AdafactorVector(w, g, s.varVec, u, kernel.AdafactorArgs{Maximize: h.Maximize, W: math.Pow(t, h.Beta2Decay), Floor: eps1 * eps1})
	}
	denom := norm2(u) / (math.Pow(float64(n), 0.5) * h.D)
	if !(denom > 1) {
		denom = 1
	}
	kernel.SGD(w, u, kernel.Common{LR: alpha / denom}) // w ← w − (α/denom)·u
}
