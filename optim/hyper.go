package optim

import (
	"math"
	"strconv"
	"strings"
)

// Hyper is the hyperparameters of one method: SGD, Momentum, Adagrad,
// RMSprop, Adam, AdamNote, AdamW, NAdam, RAdam, Adamax, Adadelta, Lion,
// Rprop, ASGD (and LBFGS, Adafactor and the Schedule-Free methods, which
// have optimizer types of their own). Each is a plain value; its DefaultX
// constructor gives torch.optim's defaults, and a field's zero value means
// zero, never "use the default": Adam{LR: 1e-3, Beta1: .9, Beta2: .999,
// Eps: 1e-8} is DefaultAdam(), and Adam{} is refused by Validate (eps must
// be > 0), not silently completed.
//
// The set is open: a program's own method implements [Custom] (Hyper and
// an update rule) and runs in an [Optimizer] with groups, SetLR, schedules
// and saved state like the built-in ones.
type Hyper interface {
	// Method is the method's name as the CLI spells it, e.g. "adam".
	Method() string
	// LearningRate is the lr hyperparameter.
	LearningRate() float64
	// Validate reports the first invalid hyperparameter, naming the
	// option, its value and what is allowed.
	Validate() error
	// String is the spec of the hyperparameters, NAME:key=value,...,
	// listing only the keys that differ from the defaults. ParseSpec
	// reads it back.
	String() string
}

// builtin is a method of this package: its hyperparameters are a field
// table (parsing, validation, printing and saving) and its update rule a
// fused kernel.
type builtin interface {
	Hyper
	withLR(lr float64) Hyper
	table() []field
}

// withLR returns h with lr as its learning rate, for a built-in method or
// a Custom one (of element type T).
func withLR[T Float](h Hyper, lr float64) Hyper {
	switch h := h.(type) {
	case builtin:
		return h.withLR(lr)
	case Custom[T]:
		return h.WithLR(lr)
	}
	return h
}

// fieldKind says how a hyperparameter is written in a spec.
type fieldKind int

const (
	kindNum fieldKind = iota
	kindBool
	kindEnum
	kindInt
)

// field is one hyperparameter: its spec key, where it lives, and what values
// are allowed. One table per method drives parsing, validation, printing and
// saving, so the four can never disagree.
type field struct {
	key     string
	kind    fieldKind
	num     *float64
	flag    *bool
	enum    *string
	integer *int
	allowed []string           // kindEnum: the allowed values
	check   func(float64) bool // kindNum, kindInt: nil means any finite number
	want    string             // kindNum, kindInt: what check allows, in words
	doc     string             // one line for explain and docs
}

func num(key string, p *float64, check func(float64) bool, want, doc string) field {
	return field{key: key, kind: kindNum, num: p, check: check, want: want, doc: doc}
}

func boolean(key string, p *bool, doc string) field {
	return field{key: key, kind: kindBool, flag: p, doc: doc}
}

func integer(key string, p *int, check func(float64) bool, want, doc string) field {
	return field{key: key, kind: kindInt, integer: p, check: check, want: want, doc: doc}
}

func enum(key string, p *string, allowed []string, doc string) field {
	return field{key: key, kind: kindEnum, enum: p, allowed: allowed, doc: doc}
}

func nonNeg(v float64) bool     { return v >= 0 }
func unitOpen(v float64) bool   { return v >= 0 && v < 1 }
func unitClosed(v float64) bool { return v >= 0 && v <= 1 }
func openUnit(v float64) bool   { return v > 0 && v < 1 }

const (
	wantNonNeg     = "a finite number ≥ 0"
	wantUnitOpen   = "a number in [0, 1)"
	wantUnitClosed = "a number in [0, 1]"
	wantFinite     = "a finite number"
	// The ranges of the methods with a field of their own (Rprop,
	// Adafactor, L-BFGS, Schedule-Free, Lookahead's k).
	wantAboveOne    = "a finite number > 1"
	wantAtLeastOne  = "a finite number ≥ 1"
	wantOpenUnit    = "a number in (0, 1)"
	wantNonPos      = "a number ≤ 0"
	wantIntAtLeast1 = "an integer ≥ 1"
)

// Variants of a method's update rule, as the spec key variant writes them.
// They are spec words only: the study note's Adam is its own method,
// AdamNote (adam_note, or adam:variant=note in a spec), and for momentum,
// adagrad and rmsprop the note's code is the real method, so variant=note
// is accepted there and changes nothing.
const (
	// VariantTorch is the method as torch.optim and its paper define it.
	VariantTorch = "torch"
	// VariantNote is the method exactly as the study note's code writes it
	// (see the package documentation for where the two differ).
	VariantNote = "note"
)

var variants = []string{VariantTorch, VariantNote}

func lrField(p *float64) field {
	return num("lr", p, nonNeg, wantNonNeg, "learning rate")
}
func wdField(p *float64) field {
	return num("weight_decay", p, nonNeg, wantNonNeg, "L2 penalty added to the gradient: g ← g + weight_decay·w")
}
func maxField(p *bool) field {
	return boolean("maximize", p, "maximize the objective instead of minimizing it (negates the gradient)")
}
func decoupledField(p *bool) field {
	return boolean("decoupled_weight_decay", p, "apply weight_decay as AdamW does, w ← w·(1 − lr·weight_decay), instead of adding weight_decay·w to the gradient")
}
func epsField(p *float64) field {
	return num("eps", p, positive, wantEps, "term added for numerical stability")
}

// positive is eps's check: with eps = 0 every method that divides by a
// root of its accumulated squares gives 0/0 = NaN for a weight whose
// gradient has always been 0 (a never-lit pixel of MNIST).
func positive(v float64) bool { return v > 0 }

const wantEps = "a finite number > 0"

func beta1Field(p *float64) field {
	return num("beta1", p, unitOpen, wantUnitOpen, "decay rate of the first-moment (mean) estimate")
}
func beta2Field(p *float64) field {
	return num("beta2", p, unitOpen, wantUnitOpen, "decay rate of the second-moment (uncentered variance) estimate")
}

// validate checks every field of a table, then returns nil or the first
// error, which names the method, the option, its value and what is allowed.
func validate(method string, tab []field) error {
	for _, f := range tab {
		switch f.kind {
		case kindNum:
			v := *f.num
			ok := !math.IsNaN(v) && !math.IsInf(v, 0)
			if ok && f.check != nil {
				ok = f.check(v)
			}
			if !ok {
				want := f.want
				if want == "" {
					want = wantFinite
				}
				return hyperErr(method, f.key, formatNum(v), want)
			}
		case kindInt:
			if f.check != nil && !f.check(float64(*f.integer)) {
				return hyperErr(method, f.key, strconv.Itoa(*f.integer), f.want)
			}
		case kindEnum:
			if !contains(f.allowed, *f.enum) {
				return badEnum(method, f, *f.enum)
			}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// formatNum writes a float64 so that strconv.ParseFloat reads back the same value.
func formatNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// fieldValue is the spec text of a field's current value.
func fieldValue(f field) string {
	switch f.kind {
	case kindNum:
		return formatNum(*f.num)
	case kindBool:
		return strconv.FormatBool(*f.flag)
	case kindInt:
		return strconv.Itoa(*f.integer)
	default:
		return *f.enum
	}
}

// stringOf is the String method of every Hyper: the spec of h listing the
// keys whose values differ from the method's defaults.
func stringOf(h builtin) string {
	tab, _, _ := newMethod(h.Method())
	return specString(h.Method(), h.table(), tab)
}

// specString writes NAME:key=value,... listing the fields of tab whose
// values differ from those of def (the method's defaults).
func specString(method string, tab, def []field) string {
	var b strings.Builder
	b.WriteString(method)
	sep := byte(':')
	for i, f := range tab {
		v := fieldValue(f)
		if v == fieldValue(def[i]) {
			continue
		}
		b.WriteByte(sep)
		sep = ','
		b.WriteString(f.key)
		b.WriteByte('=')
		b.WriteString(v)
	}
	return b.String()
}

// SGD is stochastic gradient descent with optional momentum, as
// torch.optim.SGD. With Momentum = 0 it is plain gradient descent,
// w ← w − lr·g; which examples the gradient comes from (all, one, or a
// mini-batch) is the training loop's business, not the optimizer's.
type SGD struct {
	LR          float64 // learning rate (torch 2.x default 0.001; torch 1.13 requires it)
	Momentum    float64 // momentum factor μ ≥ 0
	Dampening   float64 // dampening of the gradient in the momentum buffer, in [0, 1]
	WeightDecay float64 // L2 penalty ≥ 0
	Nesterov    bool    // Nesterov momentum (needs Momentum > 0 and Dampening = 0)
	Maximize    bool
}

// DefaultSGD returns torch.optim.SGD's defaults.
func DefaultSGD() SGD { return SGD{LR: 0.001} }

func (h *SGD) fields() []field {
	return []field{
		lrField(&h.LR),
		num("momentum", &h.Momentum, nonNeg, wantNonNeg, "momentum factor μ"),
		num("dampening", &h.Dampening, unitClosed, wantUnitClosed, "dampening of the gradient in the momentum buffer"),
		wdField(&h.WeightDecay),
		boolean("nesterov", &h.Nesterov, "use Nesterov momentum"),
		maxField(&h.Maximize),
	}
}

// Validate implements Hyper.
func (h SGD) Validate() error {
	if err := validate(h.Method(), h.fields()); err != nil {
		return err
	}
	if h.Nesterov && (h.Momentum <= 0 || h.Dampening != 0) {
		return hyperErrf("sgd", "nesterov", "true", "momentum > 0 and dampening = 0",
			"sgd: invalid nesterov=true with momentum=%s, dampening=%s: Nesterov momentum needs momentum > 0 and dampening = 0",
			formatNum(h.Momentum), formatNum(h.Dampening))
	}
	return nil
}

// Momentum is the study note's momentum method: v ← μv − lr·g; w ← w + v.
// Under a constant lr it equals SGD with momentum μ and no dampening
// (v = −lr·buf); when lr changes between steps the two differ, because
// here the old velocity keeps the old lr while SGD rescales the whole
// buffer by the new lr.
type Momentum struct {
	LR          float64
	Momentum    float64 // μ in [0, 1)
	WeightDecay float64
	Maximize    bool
}

// DefaultMomentum returns lr 0.01 and μ 0.9.
func DefaultMomentum() Momentum { return Momentum{LR: 0.01, Momentum: 0.9} }

func (h *Momentum) fields() []field {
	return []field{
		lrField(&h.LR),
		num("momentum", &h.Momentum, unitOpen, wantUnitOpen, "momentum factor μ (the note's 慣性)"),
		wdField(&h.WeightDecay),
		maxField(&h.Maximize),
	}
}

// Adagrad is torch.optim.Adagrad (Duchi, Hazan & Singer 2011).
type Adagrad struct {
	LR                      float64
	LRDecay                 float64 // lr_t = lr / (1 + (t−1)·lr_decay)
	WeightDecay             float64
	InitialAccumulatorValue float64 // h₀
	Eps                     float64
	Maximize                bool
}

// DefaultAdagrad returns torch's defaults: lr 0.01, eps 1e-10.
func DefaultAdagrad() Adagrad { return Adagrad{LR: 0.01, Eps: 1e-10} }

func (h *Adagrad) fields() []field {
	return []field{
		lrField(&h.LR),
		num("lr_decay", &h.LRDecay, nonNeg, wantNonNeg, "learning-rate decay: lr/(1+(t−1)·lr_decay)"),
		wdField(&h.WeightDecay),
		num("initial_accumulator_value", &h.InitialAccumulatorValue, nonNeg, wantNonNeg, "starting value h₀ of the sum of squared gradients"),
		epsField(&h.Eps),
		maxField(&h.Maximize),
	}
}

// RMSprop is torch.optim.RMSprop (Hinton's lecture 6e; centered form from
// Graves 2013).
type RMSprop struct {
	LR          float64
	Alpha       float64 // smoothing constant of the squared-gradient average (the note's ρ)
	Eps         float64
	WeightDecay float64
	Momentum    float64
	Centered    bool // normalise by the estimated variance instead of the second moment
	Maximize    bool
}

// DefaultRMSprop returns torch's defaults: lr 0.01, alpha 0.99, eps 1e-8.
func DefaultRMSprop() RMSprop {
	return RMSprop{LR: 0.01, Alpha: 0.99, Eps: 1e-8}
}

func (h *RMSprop) fields() []field {
	return []field{
		lrField(&h.LR),
		num("alpha", &h.Alpha, unitClosed, wantUnitClosed, "smoothing constant α of the squared-gradient average"),
		epsField(&h.Eps),
		wdField(&h.WeightDecay),
		num("momentum", &h.Momentum, nonNeg, wantNonNeg, "momentum factor"),
		boolean("centered", &h.Centered, "divide by the estimated variance of the gradient"),
		maxField(&h.Maximize),
	}
}

// Adam is torch.optim.Adam (Kingma & Ba 2015; AMSGrad from Reddi, Kale &
// Kumar 2018). WeightDecay is an L2 penalty added to the gradient, or with
// DecoupledWeightDecay AdamW's decoupled decay.
type Adam struct {
	LR          float64
	Beta1       float64
	Beta2       float64
	Eps         float64
	WeightDecay float64
	AMSGrad     bool
	Maximize    bool
	// DecoupledWeightDecay (torch ≥ 2.x's decoupled_weight_decay) applies
	// WeightDecay as AdamW does, w ← w·(1 − lr·λ), instead of as an L2 term.
	DecoupledWeightDecay bool
}

// DefaultAdam returns torch's defaults: lr 0.001, betas (0.9, 0.999), eps 1e-8.
func DefaultAdam() Adam {
	return Adam{LR: 0.001, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

func (h *Adam) fields() []field {
	return []field{
		lrField(&h.LR),
		beta1Field(&h.Beta1),
		beta2Field(&h.Beta2),
		epsField(&h.Eps),
		wdField(&h.WeightDecay),
		boolean("amsgrad", &h.AMSGrad, "use the maximum of past second moments (AMSGrad)"),
		maxField(&h.Maximize),
		decoupledField(&h.DecoupledWeightDecay),
	}
}

// AdamNote is the study note's Adam, as its code writes it (see the
// package documentation): the bias corrected by 1−β instead of 1−βᵗ and ε
// inside the square root,
//
//	m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − lr·m̂/√(v̂+ε),  m̂ = m/(1−β₁), v̂ = v/(1−β₂)
//
// It is a method of its own, adam_note (a spec may also write it
// adam:variant=note), so that the real Adam has no switch that turns it
// into the note's. It keeps Adam's buffers (exp_avg, exp_avg_sq) and has
// no AMSGrad or decoupled weight decay, as the note has none.
type AdamNote struct {
	LR          float64
	Beta1       float64
	Beta2       float64
	Eps         float64
	WeightDecay float64
	Maximize    bool
}

// DefaultAdamNote returns Adam's defaults: lr 0.001, betas (0.9, 0.999), eps 1e-8.
func DefaultAdamNote() AdamNote { return AdamNote{LR: 0.001, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8} }

func (h *AdamNote) fields() []field {
	return []field{
		lrField(&h.LR),
		beta1Field(&h.Beta1),
		beta2Field(&h.Beta2),
		num("eps", &h.Eps, positive, wantEps, "term added under the square root, √(v̂ + eps), as the note's code does"),
		wdField(&h.WeightDecay),
		maxField(&h.Maximize),
	}
}

// AdamW is torch.optim.AdamW (Loshchilov & Hutter 2019): Adam with weight
// decay decoupled from the gradient, w ← w·(1 − lr·weight_decay) before the
// Adam step.
type AdamW struct {
	LR          float64
	Beta1       float64
	Beta2       float64
	Eps         float64
	WeightDecay float64
	AMSGrad     bool
	Maximize    bool
}

// DefaultAdamW returns torch's defaults: lr 0.001, betas (0.9, 0.999), eps 1e-8, weight_decay 0.01.
func DefaultAdamW() AdamW {
	return AdamW{LR: 0.001, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01}
}

func (h *AdamW) fields() []field {
	return []field{
		lrField(&h.LR),
		beta1Field(&h.Beta1),
		beta2Field(&h.Beta2),
		epsField(&h.Eps),
		num("weight_decay", &h.WeightDecay, nonNeg, wantNonNeg, "decoupled weight decay: w ← w·(1 − lr·weight_decay)"),
		boolean("amsgrad", &h.AMSGrad, "use the maximum of past second moments (AMSGrad)"),
		maxField(&h.Maximize),
	}
}

// NAdam is torch.optim.NAdam (Dozat 2016): Adam with Nesterov momentum and
// the momentum schedule μ_t = β₁(1 − ½·0.96^(t·momentum_decay)).
type NAdam struct {
	LR            float64
	Beta1         float64
	Beta2         float64
	Eps           float64
	WeightDecay   float64
	MomentumDecay float64
	Maximize      bool
	// DecoupledWeightDecay (torch ≥ 2.x) applies WeightDecay as AdamW does.
	DecoupledWeightDecay bool
}

// DefaultNAdam returns torch's defaults: lr 0.002, betas (0.9, 0.999), eps 1e-8, momentum_decay 0.004.
func DefaultNAdam() NAdam {
	return NAdam{LR: 0.002, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, MomentumDecay: 0.004}
}

func (h *NAdam) fields() []field {
	return []field{
		lrField(&h.LR),
		beta1Field(&h.Beta1),
		beta2Field(&h.Beta2),
		epsField(&h.Eps),
		wdField(&h.WeightDecay),
		num("momentum_decay", &h.MomentumDecay, nonNeg, wantNonNeg, "momentum decay ψ of the schedule μ_t = β₁(1 − ½·0.96^(tψ))"),
		maxField(&h.Maximize),
		decoupledField(&h.DecoupledWeightDecay),
	}
}

// RAdam is torch.optim.RAdam (Liu et al. 2020): Adam whose adaptive step is
// switched on only once the variance of the adaptive lr is tractable, and
// rectified by a factor r_t.
type RAdam struct {
	LR          float64
	Beta1       float64
	Beta2       float64
	Eps         float64
	WeightDecay float64
	Maximize    bool
	// DecoupledWeightDecay (torch ≥ 2.x) applies WeightDecay as AdamW does.
	DecoupledWeightDecay bool
}

// DefaultRAdam returns torch's defaults: lr 0.001, betas (0.9, 0.999), eps 1e-8.
func DefaultRAdam() RAdam { return RAdam{LR: 0.001, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8} }

func (h *RAdam) fields() []field {
	return []field{
		lrField(&h.LR),
		beta1Field(&h.Beta1),
		beta2Field(&h.Beta2),
		epsField(&h.Eps),
		wdField(&h.WeightDecay),
		maxField(&h.Maximize),
		decoupledField(&h.DecoupledWeightDecay),
	}
}

// Adamax is torch.optim.Adamax (Kingma & Ba 2015, §7.1): Adam with the
// infinity norm in place of the second moment.
type Adamax struct {
	LR          float64
	Beta1       float64
	Beta2       float64
	Eps         float64
	WeightDecay float64
	Maximize    bool
}

// DefaultAdamax returns torch's defaults: lr 0.002, betas (0.9, 0.999), eps 1e-8.
func DefaultAdamax() Adamax { return Adamax{LR: 0.002, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8} }

func (h *Adamax) fields() []field {
	return []field{
		lrField(&h.LR),
		beta1Field(&h.Beta1),
		num("beta2", &h.Beta2, unitOpen, wantUnitOpen, "decay rate of u, the decaying maximum of |g|"),
		epsField(&h.Eps),
		wdField(&h.WeightDecay),
		maxField(&h.Maximize),
	}
}

// Adadelta is torch.optim.Adadelta (Zeiler 2012).
type Adadelta struct {
	LR          float64 // scale of the delta (torch default 1.0)
	Rho         float64 // decay rate of the running averages
	Eps         float64
	WeightDecay float64
	Maximize    bool
}

// DefaultAdadelta returns torch's defaults: lr 1.0, rho 0.9, eps 1e-6.
func DefaultAdadelta() Adadelta { return Adadelta{LR: 1.0, Rho: 0.9, Eps: 1e-6} }

func (h *Adadelta) fields() []field {
	return []field{
		lrField(&h.LR),
		num("rho", &h.Rho, unitClosed, wantUnitClosed, "decay rate ρ of the running averages"),
		epsField(&h.Eps),
		wdField(&h.WeightDecay),
		maxField(&h.Maximize),
	}
}

// Lion is the EvoLved Sign Momentum optimizer (Chen et al. 2023, "Symbolic
// Discovery of Optimization Algorithms", Algorithm 2): the step is the sign
// of an interpolation of momentum and gradient; weight decay is decoupled.
type Lion struct {
	LR          float64
	Beta1       float64 // interpolation for the update direction
	Beta2       float64 // decay of the momentum
	WeightDecay float64 // decoupled: w ← w·(1 − lr·weight_decay)
	Maximize    bool
}

// DefaultLion returns the paper's defaults: lr 1e-4, betas (0.9, 0.99).
func DefaultLion() Lion { return Lion{LR: 1e-4, Beta1: 0.9, Beta2: 0.99} }

func (h *Lion) fields() []field {
	return []field{
		lrField(&h.LR),
		num("beta1", &h.Beta1, unitOpen, wantUnitOpen, "interpolation between momentum and gradient for the update direction"),
		num("beta2", &h.Beta2, unitOpen, wantUnitOpen, "decay rate of the momentum m"),
		num("weight_decay", &h.WeightDecay, nonNeg, wantNonNeg, "decoupled weight decay: w ← w·(1 − lr·weight_decay)"),
		maxField(&h.Maximize),
	}
}

// Compile-time checks that every method implements Hyper.
var (
	_ Hyper = SGD{}
	_ Hyper = Momentum{}
	_ Hyper = Adagrad{}
	_ Hyper = RMSprop{}
	_ Hyper = Adam{}
	_ Hyper = AdamNote{}
	_ Hyper = AdamW{}
	_ Hyper = NAdam{}
	_ Hyper = RAdam{}
	_ Hyper = Adamax{}
	_ Hyper = Adadelta{}
	_ Hyper = Lion{}
)
