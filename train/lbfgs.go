package train

import (
	"errors"

	"github.com/descentlab/descent/optim"
)

// errLBFGSBatch refuses lbfgs on mini-batches: its closure re-evaluates the
// loss several times per step, which must be one fixed function.
var errLBFGSBatch = errors.New("lbfgs needs --batch full: L-BFGS re-evaluates the loss within a step, which must be the same function each time")

// newLBFGS builds the L-BFGS optimizer of a full-batch run.
func (t *Trainer) newLBFGS(h optim.LBFGS, params []*optim.Param[float32]) error {
	if t.cfg.Batch != FullBatch {
		return errLBFGSBatch
	}
	var err error
	t.lbfgs, err = optim.NewLBFGS(h, params...)
	return err
}

// The optimizer's learning rate, spec and state, whichever optimizer runs.

func (t *Trainer) optLR() float64 {
	if t.lbfgs != nil {
		return t.lbfgs.Hyper().LR
	}
	return t.opt.LR(0)
}

func (t *Trainer) setOptLR(lr float64) error {
	if t.lbfgs != nil {
		return t.lbfgs.SetLR(lr)
	}
	return t.opt.SetAllLR(lr)
}

func (t *Trainer) optSpec() string {
	if t.lbfgs != nil {
		return t.lbfgs.Hyper().String()
	}
	return t.opt.Hyper(0).String()
}

func (t *Trainer) optState() ([]byte, error) {
	if t.lbfgs != nil {
		return t.lbfgs.MarshalBinary()
	}
	return t.opt.MarshalBinary()
}

func (t *Trainer) loadOptState(b []byte) error {
	if t.lbfgs != nil {
		return t.lbfgs.UnmarshalBinary(b)
	}
	return t.opt.UnmarshalBinary(b)
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
