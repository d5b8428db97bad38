package train

import (
	"encoding"
	"errors"
	"strings"

	"github.com/descentlab/descent/optim"
)

// errLBFGSBatch refuses lbfgs on mini-batches: its closure re-evaluates the
// loss several times per step, which must be one fixed function.
var errLBFGSBatch = errors.New("lbfgs needs --batch full: L-BFGS re-evaluates the loss within a step, which must be the same function each time")

// The methods with an optimizer type of their own (optim.NewLBFGS, and
// Trainer.own's) run in place of t.opt; these helpers pick the one
// that runs.

// newLBFGS builds the L-BFGS optimizer of a full-batch run.
func (t *Trainer) newLBFGS(h optim.LBFGS, params []*optim.Param[float32]) error {
	if t.cfg.Batch != FullBatch {
		return errLBFGSBatch
	}
	var err error
	t.lbfgs, err = optim.NewLBFGS(h, params...)
	return err
}

// newOptimizer builds the optimizer of h over params: lbfgs, adafactor,
// the schedule-free methods, muon and lamb their own, every other method
// optim.New's. Weight matrices carry their
// shape (nn's Shape) for adafactor's factored second moments.
func (t *Trainer) newOptimizer(h optim.Hyper, params []*optim.Param[float32], shapes [][]int) error {
	for i, s := range shapes {
		if len(s) == 2 {
			params[i].Rows, params[i].Cols = s[0], s[1]
		}
	}
	var err error
	switch h := h.(type) {
	case optim.LBFGS:
		return t.newLBFGS(h, params)
	case optim.Adafactor:
		var o *optim.AdafactorOptimizer[float32]
		if o, err = optim.NewAdafactor(h, params...); err == nil {
			t.own, t.ownHyper = o, func() optim.Hyper { return o.Hyper() }
		}
	case optim.AdamWScheduleFree, optim.SGDScheduleFree:
		if t.sf, err = optim.NewScheduleFree(h, params...); err == nil {
			t.own, t.ownHyper = t.sf, t.sf.Hyper
		}
	case optim.Muon:
		var o *optim.MuonOptimizer[float32]
		if o, err = optim.NewMuon(h, params...); err == nil {
			t.own, t.ownHyper = o, func() optim.Hyper { return o.Hyper() }
		}
	case optim.LAMB:
		var o *optim.LAMBOptimizer[float32]
		if o, err = optim.NewLAMB(h, params...); err == nil {
			t.own, t.ownHyper = o, func() optim.Hyper { return o.Hyper() }
		}
	default:
		t.opt, err = optim.New(h, params...)
	}
	return err
}

// ownOptimizer is the optimizer of muon, lamb, adafactor or the
// schedule-free methods (optim.NewMuon, optim.NewLAMB, optim.NewAdafactor,
// optim.NewScheduleFree): Step, SetLR and the state's codec are all the trainer
// needs; Trainer.ownHyper returns its hyperparameters.
type ownOptimizer interface {
	Step()
	SetLR(lr float64) error
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// The optimizer's learning rate, spec and state, whichever optimizer runs.

func (t *Trainer) optLR() float64 {
	switch {
	case t.lbfgs != nil:
		return t.lbfgs.Hyper().LR
	case t.own != nil:
		return t.ownHyper().LearningRate()
	}
	return t.opt.LR(0)
}

func (t *Trainer) setOptLR(lr float64) error {
	switch {
	case t.lbfgs != nil:
		return t.lbfgs.SetLR(lr)
	case t.own != nil:
		return t.own.SetLR(lr)
	}
	return t.opt.SetAllLR(lr)
}

func (t *Trainer) optSpec() string {
	switch {
	case t.lbfgs != nil:
		return fullSpec(t.lbfgs.Hyper())
	case t.own != nil:
		return fullSpec(t.ownHyper())
	case t.look != nil:
		return t.look.Options().String() + "/" + fullSpec(t.opt.Hyper(0))
	}
	return fullSpec(t.opt.Hyper(0))
}

// fullSpec writes h with every hyperparameter, defaults included
// ("adam:lr=0.001,beta1=0.9,…"), so that a summary says what ran without
// the reader knowing the defaults: the keys of optim.SchemaOf in its order,
// each with h's value where h.String lists it and the default otherwise.
// Where a default depends on another key (L-BFGS's max_eval on max_iter)
// that spelled-out spec would not read back as h, and h.String is returned.
func fullSpec(h optim.Hyper) string {
	s := h.String()
	schema, err := optim.SchemaOf(h.Method())
	if err != nil {
		return s
	}
	given := map[string]string{}
	if _, rest, ok := strings.Cut(s, ":"); ok {
		for _, kv := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(kv, "=")
			given[k] = v
		}
	}
	var b strings.Builder
	b.WriteString(h.Method())
	for i, p := range schema.Params {
		if i == 0 {
			b.WriteByte(':')
		} else {
			b.WriteByte(',')
		}
		v, ok := given[p.Key]
		if !ok {
			v = p.Default
		}
		b.WriteString(p.Key + "=" + v)
	}
	if back, err := optim.ParseSpec(b.String()); err != nil || back.String() != s {
		return s
	}
	return b.String()
}

// optCodec is whichever optimizer runs, as its state's encoder and decoder.
func (t *Trainer) optCodec() interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
} {
	switch {
	case t.lbfgs != nil:
		return t.lbfgs
	case t.own != nil:
		return t.own
	case t.look != nil:
		return t.look
	}
	return t.opt
}

func (t *Trainer) optState() ([]byte, error) { return t.optCodec().MarshalBinary() }

func (t *Trainer) loadOptState(b []byte) error { return t.optCodec().UnmarshalBinary(b) }

// optStep takes the optimizer step of a batch whose loss and gradients are
// computed and checked.
func (t *Trainer) optStep(loss float64, x []float32, y []uint8) {
	switch {
	case t.lbfgs != nil:
		t.lbfgsStep(loss, x, y)
	case t.own != nil:
		t.own.Step()
	case t.look != nil:
		t.look.Step()
	default:
		t.opt.Step()
	}
}

// lbfgsStep runs one L-BFGS step(closure) on the batch (x, y), whose loss
// and gradients (clipped) the caller has just computed and checked: the
// closure's first call, at the same weights, returns them as they are, and
// later calls recompute them at the weights the step tries. A NaN or Inf
// there reaches the weights, which the checks of the epoch's end report.
func (t *Trainer) lbfgsStep(loss float64, x []float32, y []uint8) {
	first := true
	t.lbfgs.Step(func() float64 {
		if first {
			first = false
			return loss
		}
		l := t.model.Loss(x, y)
		t.model.Backward()
		t.clip.apply(t.grads)
		return l
	})
}

// WithEvalPoint runs fn with the model's weights at the point to evaluate
// and save: for sf_adamw its average x (the reference's optimizer.eval()),
// then the training point y is put back; for every other method the
// weights as they are.
func (t *Trainer) WithEvalPoint(fn func()) {
	if t.sf == nil {
		fn()
		return
	}
	t.sf.Eval()
	defer t.sf.Train()
	fn()
}
