package train

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzRestore feeds Restore a checkpoint whose state JSON, dropout state
// and optimizer bytes are fuzzed (the weights and config stay valid, as
// the checkpoint package's checks would have left them): Restore must
// refuse or give a Trainer that can take steps and checkpoint (or refuse
// to, for weights a fuzzed state made NaN); never panic.
//
// Its inputs are a few kilobytes and each run builds a Trainer, so the
// fuzzer's default minute of minimising each new input dominates: run it
// with -fuzzminimizetime 5s.
func FuzzRestore(f *testing.F) {
	cfg := testConfig()
	cfg.Model, cfg.Epochs = "mlp:8-4-3,dropout=0.2", 2
	trainSet, testSet := blobs(40, 8, 3, 1), blobs(20, 8, 3, 2)
	tr, err := New(cfg, trainSet, testSet)
	if err != nil {
		f.Fatal(err)
	}
	for range 3 {
		tr.Step()
	}
	ck, err := tr.Checkpoint()
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(ck.State), ck.Optimizer)
	f.Add([]byte(`{}`), ck.Optimizer)
	f.Add([]byte(`{"step":3,"epochs_done":1,"sampler":{"n":40,"batch":16,"epoch":1,"pos":32,"steps":3}}`), []byte{})
	f.Fuzz(func(t *testing.T, state, opt []byte) {
		if !json.Valid(state) {
			return // the checkpoint package refuses it before train sees it
		}
		c := *ck
		c.State, c.Optimizer = state, opt
		// The manifest's counters agree with the state's, or Restore
		// stops at that check.
		var st struct {
			Step       int `json:"step"`
			EpochsDone int `json:"epochs_done"`
		}
		json.Unmarshal(state, &st)
		c.Step, c.Epoch = st.Step, st.EpochsDone
		r, err := Restore(cfg, &c, trainSet, testSet)
		if err != nil {
			return
		}
		for range 4 {
			if _, err := r.Step(); err != nil {
				break
			}
		}
		// A fuzzed optimizer state can drive the weights to NaN; Checkpoint
		// must then refuse them, and otherwise work.
		if _, err := r.Checkpoint(); err != nil {
			var nf *NonFiniteError
			if !errors.As(err, &nf) || !nf.Weight {
				t.Fatalf("a restored run cannot checkpoint: %v", err)
			}
		}
	})
}
