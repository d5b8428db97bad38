package train

import (
	"context"
	"github.com/descentlab/descent/optim"
	"slices"
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
	if !(s.TestLoss < loss0/2) || s.Optimizer != "adafactor:lr=0.05,beta2_decay=-0.8,eps1=0,eps1_dtype=true,eps2=0.001,d=1,weight_decay=0,maximize=false" {
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
	if s.Optimizer != "lbfgs:max_iter=10,line_search_fn=strong_wolfe" || tr.Optimizer() != nil {
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

// TestEMA: --ema keeps the average of the weights, evaluates it, and a
// resumed run has the same average, bit for bit.
func TestEMA(t *testing.T) {
	cfg := testConfig()
	cfg.EMA = 0.9
	ref := newTrainer(t, cfg)
	s, err := ref.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.EMATestLoss == nil || !(*s.EMATestAccuracy > 0.9) {
		t.Fatalf("summary without a good EMA evaluation: %+v", s)
	}
	var emaFirst float32
	if !ref.WithEMAWeights(func() { emaFirst = ref.values[0][0] }) || emaFirst == ref.values[0][0] {
		t.Error("WithEMAWeights did not put the average in, or took it out")
	}
	_, ck := checkpointAfter(t, cfg, 17)
	b, err := Restore(cfg, ck, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := b.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	n1, e1 := ref.emaState()
	n2, e2 := b.emaState()
	if n1 != n2 || string(e1) != string(e2) || *s2.EMATestLoss != *s.EMATestLoss {
		t.Errorf("resumed average differs: %d vs %d updates", n2, n1)
	}
	cfg.EMA = 1
	if _, err := New(cfg, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2)); err == nil || !strings.Contains(err.Error(), "ema 1") {
		t.Errorf("ema 1: %v", err)
	}
}

// TestLookaheadTrains: --opt lookahead:…/SPEC trains and names itself in
// the summary; around lbfgs it is refused.
func TestLookaheadTrains(t *testing.T) {
	cfg := testConfig()
	cfg.Opt = "lookahead:k=5,alpha=0.5/adam:lr=0.02"
	tr := newTrainer(t, cfg)
	s, err := tr.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !(s.TestAccuracy > 0.9) || s.Optimizer != "lookahead:k=5,alpha=0.5/adam:lr=0.02,beta1=0.9,beta2=0.999,eps=1e-08,weight_decay=0,amsgrad=false,maximize=false,decoupled_weight_decay=false,variant=torch" {
		t.Errorf("lookahead: accuracy %v, optimizer %q", s.TestAccuracy, s.Optimizer)
	}
	cfg.Opt, cfg.Batch = "lookahead/lbfgs", FullBatch
	if _, err := New(cfg, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2)); err == nil || !strings.Contains(err.Error(), "element-wise") {
		t.Errorf("lookahead around lbfgs: %v", err)
	}
}

// TestScheduleFreeTrains: --opt sf_adamw trains; the test evaluation uses
// x, the evaluation point, and the training point y is back afterwards.
func TestScheduleFreeTrains(t *testing.T) {
	cfg := testConfig()
	cfg.Opt = "sf_adamw:lr=0.01"
	tr := newTrainer(t, cfg)
	s, err := tr.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !(s.TestAccuracy > 0.9) {
		t.Errorf("sf_adamw: accuracy %v", s.TestAccuracy)
	}
	y := append([]float32(nil), tr.values[0]...)
	var x []float32
	tr.WithEvalPoint(func() { x = append(x, tr.values[0]...) })
	if slices.Equal(x, y) || !slices.Equal(x, tr.sf.X(0)) || !slices.Equal(tr.values[0], y) {
		t.Error("WithEvalPoint did not evaluate at x, or did not put y back")
	}
	var atX float64
	tr.WithEvalPoint(func() { atX, _ = tr.model.Evaluate(tr.testSet.X, tr.testSet.Y) })
	if atY, _ := tr.model.Evaluate(tr.testSet.X, tr.testSet.Y); atX != s.TestLoss || atY == s.TestLoss {
		t.Errorf("summary test loss %v; at x %v, at y %v: want the one at x", s.TestLoss, atX, atY)
	}
}

// TestFullSpec: a summary's optimizer is the spec with every
// hyperparameter written, which reads back as the same hyperparameters;
// where a default depends on another key the short spec is kept.
func TestFullSpec(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"adam", "adam:lr=0.001,beta1=0.9,beta2=0.999,eps=1e-08,weight_decay=0,amsgrad=false,maximize=false,decoupled_weight_decay=false,variant=torch"},
		{"sgd:lr=0.1,momentum=0.9", "sgd:lr=0.1,momentum=0.9,dampening=0,weight_decay=0,nesterov=false,maximize=false"},
		{"lbfgs:max_iter=10", "lbfgs:max_iter=10"}, // max_eval defaults to max_iter·5/4
	} {
		h, err := optim.ParseSpec(c.in)
		if err != nil {
			t.Fatal(err)
		}
		got := fullSpec(h)
		if got != c.want {
			t.Errorf("fullSpec(%s) = %s, want %s", c.in, got, c.want)
		}
		back, err := optim.ParseSpec(got)
		if err != nil || back.String() != h.String() {
			t.Errorf("%s reads back as %v (%v), not %s", got, back, err, h)
		}
	}
}

// TestOwnOptimizers: lamb trains (its loss falls) with a schedule driving
// its lr; muon, which takes matrices only, refuses the model's biases by
// name, as torch.optim.Muon refuses non-2-D parameters.
func TestOwnOptimizers(t *testing.T) {
	cfg := testConfig()
	cfg.Opt, cfg.Schedule = "lamb:lr=0.02", "cosine"
	tr := newTrainer(t, cfg)
	first, err := tr.Step()
	if err != nil {
		t.Fatal(err)
	}
	for range 60 {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	last, _ := tr.Step()
	if !(last.Loss < first.Loss) || !(last.LR < first.LR) || !strings.HasPrefix(tr.optSpec(), "lamb:lr=") {
		t.Errorf("lamb: loss %g → %g, lr %g → %g, spec %q", first.Loss, last.Loss, first.LR, last.LR, tr.optSpec())
	}
	cfg.Opt = "muon:lr=0.02"
	if _, err := New(cfg, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2)); err == nil || !strings.Contains(err.Error(), "is not a matrix") {
		t.Errorf("muon over biases: %v", err)
	}
}
