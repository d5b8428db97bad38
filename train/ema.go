package train

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/safetensors"
)

// The exponential moving average of the weights (Config.EMA): updated
// after every step that changed the weights, as torch.optim.swa_utils's
// AveragedModel with get_ema_avg_fn(decay) (the first update copies the
// weights), evaluated at the end of every epoch and written beside the raw
// weights by the command (model_ema.safetensors).

// setupEMA starts the average of params when the run asks for one.
func (t *Trainer) setupEMA(params []*optim.Param[float32]) error {
	if t.cfg.EMA == 0 {
		return nil
	}
	var err error
	t.ema, err = optim.NewAverage(optim.AverageEMA, t.cfg.EMA, params...)
	t.emaLoss, t.emaAcc = math.NaN(), math.NaN() // not evaluated yet
	return err
}

// WithEMAWeights runs fn with the model's weights replaced by their moving
// average, then puts the raw weights back. It reports false, running
// nothing, when the run keeps no average (Config.EMA = 0) or it has none
// yet (no step taken).
func (t *Trainer) WithEMAWeights(fn func()) bool {
	if t.ema == nil || t.ema.Count() == 0 {
		return false
	}
	raw, _ := t.model.Flat()
	t.emaSwap = append(t.emaSwap[:0], raw...)
	for i, v := range t.values {
		copy(v, t.ema.Values(i))
	}
	defer copy(raw, t.emaSwap)
	fn()
	return true
}

// evalEMA evaluates the averaged weights on the test set.
func (t *Trainer) evalEMA() {
	t.WithEMAWeights(func() {
		t.emaLoss, t.emaAcc = t.model.Evaluate(t.testSet.X, t.testSet.Y)
	})
}

// emaState encodes the average for a checkpoint: its update count and the
// averaged values, little-endian float32, parameter after parameter.
func (t *Trainer) emaState() (int64, []byte) {
	if t.ema == nil {
		return 0, nil
	}
	var b []byte
	for i := range t.values {
		b = append(b, safetensors.Float32s(t.ema.Values(i))...)
	}
	return t.ema.Count(), b
}

// loadEMAState restores what emaState encoded.
func (t *Trainer) loadEMAState(n int64, b []byte) error {
	if t.ema == nil {
		if n != 0 || len(b) != 0 {
			return fmt.Errorf("the checkpoint has a weight average, the run keeps none")
		}
		return nil
	}
	vals := make([][]float32, len(t.values))
	off := 0
	for i, v := range t.values {
		if off+4*len(v) > len(b) {
			return fmt.Errorf("weight average: %d bytes, the weights need %d", len(b), 4*(off/4+len(v)))
		}
		vals[i] = make([]float32, len(v))
		safetensors.ToFloat32s(vals[i], b[off:off+4*len(v)])
		off += 4 * len(v)
	}
	if off != len(b) {
		return fmt.Errorf("weight average: %d bytes, the weights need %d", len(b), off)
	}
	return t.ema.SetState(n, vals)
}
