package train

import (
	"context"
	"math"
	"strings"
	"testing"
)

// Epoch counts whose steps an int cannot hold are refused unless
// --max-steps bounds the run; New reserves memory for the epochs the run
// reaches, not for the count asked.
func TestHugeEpochs(t *testing.T) {
	tr, te := blobs(64, 8, 3, 1), blobs(32, 8, 3, 2)
	for _, c := range []struct {
		epochs, maxSteps, total int
		err                     string
	}{
		{1_000_000_000, 3, 3, ""},
		{184467440737095517, 3, 3, ""},
		{4611686018427387904, 3, 3, ""},
		{math.MaxInt, 5, 5, ""},
		{4611686018427387904, 0, 0, "more steps than can be counted"},
		{math.MaxInt / 4, 0, math.MaxInt / 4 * 4, ""}, // 4 steps an epoch: just fits
	} {
		cfg := testConfig()
		cfg.Epochs, cfg.MaxSteps = c.epochs, c.maxSteps
		tn, err := New(cfg, tr, te)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "epochs") {
				t.Errorf("epochs %d: %v, want an error with %q", c.epochs, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("epochs %d, max-steps %d: %v", c.epochs, c.maxSteps, err)
		}
		if tn.TotalSteps() != c.total || cap(tn.metrics) > 1024 {
			t.Errorf("epochs %d: %d steps (want %d), metrics capacity %d", c.epochs, tn.TotalSteps(), c.total, cap(tn.metrics))
		}
		if c.maxSteps > 0 {
			if _, err := tn.Run(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			if tn.Steps() != c.maxSteps {
				t.Errorf("ran %d steps", tn.Steps())
			}
		}
	}
}

// FuzzTotalSteps: the step count is never negative or past MaxSteps, and
// is Epochs·perEpoch whenever that product fits.
func FuzzTotalSteps(f *testing.F) {
	f.Add(1_000_000_000, 600, 3)
	f.Add(4611686018427387904, 2, 0)
	f.Add(184467440737095517, 100, 0)
	f.Add(math.MaxInt, math.MaxInt, 1)
	f.Fuzz(func(t *testing.T, epochs, perEpoch, maxSteps int) {
		if epochs < 1 || perEpoch < 1 || maxSteps < 0 {
			return
		}
		total, err := totalSteps(Config{Epochs: epochs, MaxSteps: maxSteps}, perEpoch)
		fits := epochs <= math.MaxInt/perEpoch
		switch {
		case err != nil:
			if fits || maxSteps > 0 {
				t.Fatalf("%d×%d, max %d: %v", epochs, perEpoch, maxSteps, err)
			}
		case total < 1 || (maxSteps > 0 && total > maxSteps):
			t.Fatalf("%d×%d, max %d: %d steps", epochs, perEpoch, maxSteps, total)
		case fits && maxSteps == 0 && total != epochs*perEpoch:
			t.Fatalf("%d×%d: %d steps", epochs, perEpoch, total)
		}
	})
}

// Training and test examples of different sizes are named as such; the
// message once read "takes 784 inputs but the examples have 784".
func TestDimsMessage(t *testing.T) {
	cfg := testConfig()
	_, err := New(cfg, blobs(64, 8, 3, 1), blobs(32, 6, 3, 2))
	if err == nil || !strings.Contains(err.Error(), "training examples have 8 values each but the test examples 6") {
		t.Errorf("%v", err)
	}
	cfg.Model = "mlp:6-16-3"
	_, err = New(cfg, blobs(64, 8, 3, 1), blobs(32, 8, 3, 2))
	if err == nil || !strings.Contains(err.Error(), "takes 6 inputs but the examples have 8") {
		t.Errorf("%v", err)
	}
}

// A run cut mid-epoch by MaxSteps and extended through a checkpoint gives
// that epoch's TrainLoss over all its steps, as the run never cut does;
// and the checkpoint carries the run's identity, kept by Restore.
func TestExtendedEpochLoss(t *testing.T) {
	tr, te := blobs(64, 8, 3, 1), blobs(32, 8, 3, 2) // 4 steps an epoch
	cfg := testConfig()
	cfg.Epochs = 1
	whole, err := New(cfg, tr, te)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := whole.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	cut := cfg
	cut.MaxSteps = 3
	a, _ := New(cut, tr, te)
	if _, err := a.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ck, err := a.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if ck.Run == "" || ck.Run != a.run {
		t.Fatalf("checkpoint run %q, trainer %q", ck.Run, a.run)
	}
	b, err := Restore(cfg, ck, tr, te)
	if err != nil {
		t.Fatal(err)
	}
	if b.run != ck.Run {
		t.Errorf("Restore took run %q, checkpoint has %q", b.run, ck.Run)
	}
	if _, err := b.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	got, want := b.Metrics()[len(b.Metrics())-1], whole.Metrics()[0]
	if got.TrainLoss != want.TrainLoss || got.Step != want.Step {
		t.Errorf("extended epoch: step %d train_loss %v; uninterrupted: step %d train_loss %v", got.Step, got.TrainLoss, want.Step, want.TrainLoss)
	}
}
