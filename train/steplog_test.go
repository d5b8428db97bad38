package train

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/descentlab/descent/checkpoint"
)

// TestStepLog: the step log has one entry per step, each the loss and
// learning rate that Step reported for it, in float32.
func TestStepLog(t *testing.T) {
	cfg := testConfig()
	cfg.Schedule = "cosine"
	tr := newTrainer(t, cfg)
	var losses, lrs []float32
	if _, err := tr.Run(context.Background(), func(_ *Trainer, r StepResult) error {
		losses = append(losses, float32(r.Loss))
		lrs = append(lrs, float32(r.LR))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	log := tr.StepLog()
	if len(log.Loss) != tr.Steps() || len(log.LR) != tr.Steps() || tr.Steps() != 5*13 {
		t.Fatalf("%d losses and %d rates for %d steps", len(log.Loss), len(log.LR), tr.Steps())
	}
	for i := range losses {
		if log.Loss[i] != losses[i] || log.LR[i] != lrs[i] {
			t.Fatalf("step %d: log %v, %v; Step reported %v, %v", i+1, log.Loss[i], log.LR[i], losses[i], lrs[i])
		}
	}
	if log.LR[0] != 0.01 || !(log.LR[len(log.LR)-1] < 0.001) {
		t.Errorf("cosine rates %v … %v", log.LR[0], log.LR[len(log.LR)-1])
	}
}

// TestBatchNormNeedsTwo: a model with batch normalisation is refused with a
// batch of 1, or one that leaves a last batch of 1 in each epoch.
func TestBatchNormNeedsTwo(t *testing.T) {
	for _, b := range []Batch{1, 199} { // 200 examples: 199 leaves 1
		cfg := testConfig()
		cfg.Model, cfg.Batch = "mlp:8-16-3,bn", b
		_, err := New(cfg, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2))
		if err == nil || !strings.Contains(err.Error(), "at least 2 examples") {
			t.Errorf("batch %v: %v", b, err)
		}
	}
	cfg := testConfig()
	cfg.Model = "mlp:8-16-3,bn"
	s, err := newTrainer(t, cfg).Run(context.Background(), nil)
	if err != nil || !(s.TestAccuracy > 0.9) || math.IsNaN(s.TestLoss) {
		t.Errorf("batch norm run: accuracy %v, loss %v, %v", s.TestAccuracy, s.TestLoss, err)
	}
}

// TestStepLogOlderCheckpoint: a checkpoint written before the step log
// existed restores with the steps it does not know as NaN (steps.csv
// writes them as empty fields, the chart leaves them out), and the log goes on.
func TestStepLogOlderCheckpoint(t *testing.T) {
	a, ck := checkpointAfter(t, testConfig(), 7)
	var kept []checkpoint.Tensor
	for _, tn := range ck.Model {
		if !strings.HasPrefix(tn.Name, "train.") {
			kept = append(kept, tn)
		}
	}
	if len(kept) != len(ck.Model)-2 {
		t.Fatalf("the checkpoint has %d tensors, %d without the step log", len(ck.Model), len(kept))
	}
	ck.Model = kept
	b, err := Restore(testConfig(), ck, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Step(); err != nil {
		t.Fatal(err)
	}
	log := b.StepLog()
	if len(log.Loss) != 8 || !math.IsNaN(float64(log.Loss[6])) || math.IsNaN(float64(log.Loss[7])) || log.LR[7] != 0.01 {
		t.Errorf("step log after the restore: %v, %v", log.Loss, log.LR)
	}
	// A step log of the wrong length is refused.
	ck2, _ := a.Checkpoint()
	for i := range ck2.Model {
		if strings.HasPrefix(ck2.Model[i].Name, "train.") {
			ck2.Model[i].Data, ck2.Model[i].Shape = ck2.Model[i].Data[:3], []int{3}
		}
	}
	if _, err := Restore(testConfig(), ck2, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2)); err == nil || !strings.Contains(err.Error(), "step log has 3 steps") {
		t.Errorf("a short step log: %v", err)
	}
}
