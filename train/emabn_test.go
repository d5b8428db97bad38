package train

import (
	"context"
	"slices"
	"testing"
)

// TestEMABatchNormStats: with batch normalisation, the averaged weights are
// evaluated with their own running statistics — inside WithEMAWeights the
// buffers are those nn's AccumulateRunningStats gives the averaged weights
// over the training set, batch after batch — and the raw model's come back
// afterwards.
func TestEMABatchNormStats(t *testing.T) {
	cfg := testConfig()
	cfg.Model, cfg.EMA, cfg.Epochs = "mlp:8-16-3,bn", 0.9, 2
	tr := newTrainer(t, cfg)
	if _, err := tr.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	bufs := tr.model.Buffers()
	raw := make([][]float32, len(bufs))
	for i, b := range bufs {
		raw[i] = slices.Clone(b.Value)
	}
	var inside [][]float32
	if !tr.WithEMAWeights(func() {
		for _, b := range bufs {
			inside = append(inside, slices.Clone(b.Value))
		}
	}) {
		t.Fatal("no average")
	}
	for i, b := range bufs {
		if !slices.Equal(b.Value, raw[i]) {
			t.Errorf("%s not restored after WithEMAWeights", b.Name)
		}
	}
	// The same statistics computed directly: the average's weights in the
	// model, reset, then the 200 training examples 16 at a time (the last
	// batch has 8).
	p, _ := tr.model.Flat()
	saved := slices.Clone(p)
	for i, v := range tr.values {
		copy(v, tr.ema.Values(i))
	}
	tr.model.ResetRunningStats()
	var x []float32
	for k, lo := 1, 0; lo < 200; k, lo = k+1, lo+16 {
		x = tr.trainSet.Examples(x, lo, min(lo+16, 200))
		tr.model.AccumulateRunningStats(x, k)
	}
	for i, b := range bufs {
		if !slices.Equal(inside[i], b.Value) {
			t.Errorf("%s inside WithEMAWeights %v, want the average's own %v", b.Name, inside[i][:3], b.Value[:3])
		}
		if slices.Equal(inside[i], raw[i]) {
			t.Errorf("%s inside WithEMAWeights is the raw model's", b.Name)
		}
	}
	copy(p, saved)
}
