package train

import (
	"strings"
	"testing"
)

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
