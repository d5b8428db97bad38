package train

import (
	"context"
	"strings"
	"testing"
)

// TestAdafactorTrains: --opt adafactor trains, factoring the weight
// matrices (their shape comes from nn).
func TestAdafactorTrains(t *testing.T) {
	cfg := testConfig()
	cfg.Opt = "adafactor:lr=0.05"
	tr := newTrainer(t, cfg)
	loss0, _ := tr.model.Evaluate(tr.testSet.X, tr.testSet.Y)
	s, err := tr.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !(s.TestLoss < loss0/2) || s.Optimizer != "adafactor:lr=0.05" {
		t.Errorf("adafactor: test loss %v → %v (%s)", loss0, s.TestLoss, s.Optimizer)
	}
	blob, _ := tr.optState()
	if !strings.Contains(string(blob), "fc1.weight/row_var") || !strings.Contains(string(blob), "fc1.bias/variance") {
		t.Error("fc1.weight is not factored, or fc1.bias is")
	}
}

// TestLBFGSFullBatch: --batch full --opt lbfgs trains (the loss falls far
// below where one gradient step per epoch leaves it) and mini-batches are
// refused.
func TestLBFGSFullBatch(t *testing.T) {
	cfg := testConfig()
	cfg.Opt, cfg.Batch, cfg.Epochs = "lbfgs:line_search_fn=strong_wolfe,max_iter=10", FullBatch, 3
	tr := newTrainer(t, cfg)
	loss0, _ := tr.model.Evaluate(tr.testSet.X, tr.testSet.Y)
	s, err := tr.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !(s.TestLoss < loss0/4) || !(s.TestAccuracy > 0.95) {
		t.Errorf("lbfgs: test loss %v → %v, accuracy %v", loss0, s.TestLoss, s.TestAccuracy)
	}
	if s.Optimizer != "lbfgs:max_iter=10,max_eval=12,line_search_fn=strong_wolfe" || tr.Optimizer() != nil {
		t.Errorf("summary optimizer %q", s.Optimizer)
	}
	if tr.lbfgs.Evals() <= int64(s.Steps) {
		t.Errorf("%d closure calls in %d steps: the closure was not re-evaluated", tr.lbfgs.Evals(), s.Steps)
	}
	cfg.Batch = 16
	if _, err := New(cfg, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2)); err == nil || !strings.Contains(err.Error(), "--batch full") {
		t.Errorf("lbfgs with batch 16: %v", err)
	}
}
