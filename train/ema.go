package train

import (
	"fmt"
	"math"
	"slices"

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
// yet (no step taken). A model with batch normalisation also has, while fn
// runs, the average's own running statistics, recomputed over the training
// set as torch.optim.swa_utils.update_bn does (averageRunningStats); the raw
// model's come back with its weights.
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
	if bufs := t.model.Buffers(); len(bufs) > 0 {
		// The average's own batch-normalisation statistics, as torch's
		// swa_utils.update_bn gives them; the raw model's come back after.
		saved := make([][]float32, len(bufs))
		for i, b := range bufs {
			saved[i] = slices.Clone(b.Value)
		}
		defer func() {
			for i, b := range bufs {
				copy(b.Value, saved[i])
			}
		}()
		t.averageRunningStats()
	}
	fn()
	return true
}

// averageRunningStats recomputes the model's batch-normalisation statistics
// as the plain average over the training set, in order, one training batch
// at a time (nn.Model.AccumulateRunningStats). Every batch has at least two
// examples: New refuses a batch-normalised run that would leave one.
func (t *Trainer) averageRunningStats() {
	t.model.ResetRunningStats()
	n := t.trainSet.N
	b := t.cfg.Batch.size(n)
	var x []float32
	for k, lo := 1, 0; n-lo >= 2; k, lo = k+1, lo+b {
		x = t.trainSet.Examples(x, lo, min(lo+b, n))
		t.model.AccumulateRunningStats(x, k)
	}
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
