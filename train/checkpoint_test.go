package train

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/nn"
)

// withoutSeconds returns metrics with Seconds zeroed: the one column that
// depends on the clock.
func withoutSeconds(ms []Metric) []Metric {
	out := slices.Clone(ms)
	for i := range out {
		out[i].Seconds = 0
	}
	return out
}

// TestResumeExact: a run stopped at step k, checkpointed to disk, loaded
// and restored into a new Trainer on freshly built data ends with the same
// weights, optimizer state, metrics and loss curve, bit for bit, as the
// run never stopped. The configs cover dropout (its generator), a
// schedule, clipping, optimizers with buffers and scalars (nadam), GD,
// SGD, a mid-epoch stop, an epoch boundary and step 0.
func TestResumeExact(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		at   []int
	}{
		{"adam dropout cosine clip", func(c *Config) {
			c.Model, c.Schedule, c.Clip = "mlp:8-16-3,dropout=0.3", "cosine", "norm=1"
		}, []int{0, 5, 13, 26}},
		{"nadam sgd batch 1", func(c *Config) { c.Opt, c.Batch, c.Epochs = "nadam:lr=0.01", 1, 2 }, []int{1, 199, 250}},
		{"momentum full batch", func(c *Config) { c.Opt, c.Batch = "momentum:lr=0.1", FullBatch }, []int{1, 3}},
		{"adafactor", func(c *Config) { c.Opt = "adafactor:lr=0.05,weight_decay=0.01" }, []int{2, 14}},
		{"lookahead", func(c *Config) { c.Opt = "lookahead:k=4,alpha=0.5/adam:lr=0.01" }, []int{3, 13}},
		{"schedule-free", func(c *Config) { c.Opt = "sf_adamw:lr=0.01,warmup_steps=5" }, []int{4, 13}},
		{"lamb", func(c *Config) { c.Opt = "lamb:lr=0.01,weight_decay=0.01" }, []int{3, 13}},
		{"lbfgs full batch", func(c *Config) {
			c.Opt, c.Batch = "lbfgs:max_iter=4,history_size=3,line_search_fn=strong_wolfe", FullBatch
		}, []int{1, 3}},
		{"max steps mid epoch", func(c *Config) { c.MaxSteps, c.Schedule = 30, "warmup_cosine:warmup=5" }, []int{7, 29}},
		{"batch norm dropout", func(c *Config) { c.Model = "mlp:8-16-12-3,bn,dropout=0.2" }, []int{6, 13, 40}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			tc.edit(&cfg)
			ref := newTrainer(t, cfg)
			if _, err := ref.Run(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			for _, k := range tc.at {
				a, ck := checkpointAfter(t, cfg, k)
				loaded := saveAndLoad(t, ck)
				rc, err := CheckpointConfig(loaded)
				if err != nil || rc != cfg {
					t.Fatalf("recorded config %+v, %v; want %+v", rc, err, cfg)
				}
				b, err := Restore(rc, loaded, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := b.Run(context.Background(), nil); err != nil {
					t.Fatal(err)
				}
				pa, _ := ref.Model().Flat()
				pb, _ := b.Model().Flat()
				if !slices.Equal(pa, pb) {
					t.Errorf("resumed at step %d: weights differ", k)
				}
				sa, _ := ref.optState()
				sb, _ := b.optState()
				if !slices.Equal(sa, sb) {
					t.Errorf("resumed at step %d: optimizer state differs", k)
				}
				if ma, mb := withoutSeconds(ref.Metrics()), withoutSeconds(b.Metrics()); !reflect.DeepEqual(ma, mb) {
					t.Errorf("resumed at step %d: metrics\n%+v\nwant\n%+v", k, mb, ma)
				}
				if !reflect.DeepEqual(ref.Curve(), b.Curve()) {
					t.Errorf("resumed at step %d: loss curve differs", k)
				}
				if la, lb := ref.StepLog(), b.StepLog(); !reflect.DeepEqual(la, lb) || len(la.Loss) != ref.Steps() {
					t.Errorf("resumed at step %d: step log of %d steps differs from the uninterrupted run's %d", k, len(lb.Loss), len(la.Loss))
				}
				for i, buf := range ref.Model().Buffers() {
					if !slices.Equal(buf.Value, b.Model().Buffers()[i].Value) {
						t.Errorf("resumed at step %d: %s differs", k, buf.Name)
					}
				}
				if b.Elapsed() < a.Elapsed() {
					t.Errorf("resumed at step %d: training time went back from %v to %v", k, a.Elapsed(), b.Elapsed())
				}
			}
		})
	}
}

// A run extended with more epochs continues as the longer run would
// have (the run ends at an epoch boundary, so its last metric is the same).
func TestResumeExtendEpochs(t *testing.T) {
	cfg := testConfig()
	cfg.Epochs = 2
	a := newTrainer(t, cfg)
	if _, err := a.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ck, err := a.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	longer := cfg
	longer.Epochs = 4
	b, err := Restore(longer, ck, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ref := newTrainer(t, longer)
	if _, err := ref.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	pa, _ := ref.Model().Flat()
	pb, _ := b.Model().Flat()
	if !slices.Equal(pa, pb) || !reflect.DeepEqual(withoutSeconds(ref.Metrics()), withoutSeconds(b.Metrics())) {
		t.Error("a run extended from 2 to 4 epochs differs from a 4-epoch run")
	}
}

func TestRestoreRefuses(t *testing.T) {
	cfg := testConfig()
	a := newTrainer(t, cfg)
	for range 5 {
		a.Step()
	}
	ck, err := a.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	good := blobs(200, 8, 3, 1)
	edited := func(edit func(*Config)) Config {
		c := cfg
		edit(&c)
		return c
	}
	cases := []struct {
		name string
		cfg  Config
		ck   func() *checkpoint.Checkpoint
		data func() (*Trainer, error)
		want string
	}{
		{"fewer epochs", edited(func(c *Config) { c.Epochs = 4 }), nil, nil, "epochs 4: the run has 5"},
		{"other model", edited(func(c *Config) { c.Model = "mlp:8-32-3" }), nil, nil, `model: the run was recorded with "mlp:8-16-3", not "mlp:8-32-3"`},
		{"other seed", edited(func(c *Config) { c.Seed = 2 }), nil, nil, "seed: the run was recorded with"},
		{"limit added", edited(func(c *Config) { c.MaxSteps = 100 }), nil, nil, "max-steps 100: the run has 0"},
		{"model of another shape", cfg, func() *checkpoint.Checkpoint {
			c := *ck
			c.Model = nn.Weights(newTrainer(t, edited(func(c *Config) { c.Model = "mlp:8-4-3" })).Model())
			return &c
		}, nil, "fc1.weight has shape [4 8]"},
		{"future state field", cfg, func() *checkpoint.Checkpoint {
			c := *ck
			c.State = json.RawMessage(strings.Replace(string(ck.State), `{`, `{"new":1,`, 1))
			return &c
		}, nil, `unknown field "new"`},
		{"sampler behind", cfg, func() *checkpoint.Checkpoint {
			c := *ck
			c.State = json.RawMessage(strings.Replace(string(ck.State), `"steps":5`, `"steps":4`, 1))
			return &c
		}, nil, "the sampler has drawn 4 batches"},
	}
	for _, c := range cases {
		k := ck
		if c.ck != nil {
			k = c.ck()
		}
		_, err := Restore(c.cfg, k, good, blobs(100, 8, 3, 2))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	other := blobs(200, 8, 3, 1)
	other.X[17] += 1
	if _, err := Restore(cfg, ck, other, blobs(100, 8, 3, 2)); err == nil || !strings.Contains(err.Error(), "data differ") {
		t.Errorf("other data: err = %v", err)
	}
	// Allowed changes.
	for _, c := range []Config{
		edited(func(c *Config) { c.Epochs, c.OnNonFinite, c.CheckpointEvery, c.Keep = 9, NonFiniteSkip, 3, 2 }),
	} {
		if _, err := Restore(c, ck, good, blobs(100, 8, 3, 2)); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

func TestExtends(t *testing.T) {
	old := testConfig()
	old.MaxSteps = 50
	for _, tc := range []struct {
		edit func(*Config)
		ok   bool
	}{
		{func(c *Config) {}, true},
		{func(c *Config) { c.Epochs = 10 }, true},
		{func(c *Config) { c.MaxSteps = 0 }, true},
		{func(c *Config) { c.MaxSteps = 60 }, true},
		{func(c *Config) { c.MaxSteps = 40 }, false},
		{func(c *Config) { c.Epochs = 4 }, false},
		{func(c *Config) { c.Opt = "sgd" }, false},
		{func(c *Config) { c.Batch = FullBatch }, false},
		{func(c *Config) { c.Threads = 1 }, true}, // same bits on any number of threads
		{func(c *Config) { c.Keep, c.CheckpointEvery, c.OnNonFinite = 1, 1, NonFiniteSkip }, true},
		{func(c *Config) { c.DataDir = "moved" }, true},
		{func(c *Config) { c.Data = DataDir }, false},
	} {
		c := old
		tc.edit(&c)
		if err := c.Extends(old); (err == nil) != tc.ok {
			t.Errorf("%+v extends %+v: %v, want ok=%v", c, old, err, tc.ok)
		}
	}
}

// With OnNonFinite skip, a batch holding a NaN example is skipped, counted,
// and never reaches the weights; the run goes to its end.
func TestSkipNonFinite(t *testing.T) {
	cfg := testConfig()
	cfg.Batch, cfg.Epochs, cfg.OnNonFinite = 1, 3, NonFiniteSkip
	trainSet := blobs(200, 8, 3, 1)
	trainSet.X[8*42] = float32(math.NaN()) // example 42: one bad step per epoch
	tr, err := New(cfg, trainSet, blobs(100, 8, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	var skips []int
	s, err := tr.Run(context.Background(), func(_ *Trainer, r StepResult) error {
		if r.Skipped != nil {
			skips = append(skips, r.Step)
			if r.Skipped.Param != "" || r.Skipped.Step != r.Step {
				t.Errorf("skip report %+v at step %d", r.Skipped, r.Step)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(skips) != 3 || s.SkippedSteps != 3 || tr.Steps() != 600 {
		t.Errorf("skipped steps %v (summary %d) of %d; want one per epoch of 200", skips, s.SkippedSteps, tr.Steps())
	}
	for i, m := range tr.Metrics() {
		if m.Skipped != i+1 || math.IsNaN(m.TrainLoss) {
			t.Errorf("epoch %d: skipped %d, train loss %v", i+1, m.Skipped, m.TrainLoss)
		}
	}
	p, _ := tr.Model().Flat()
	if !optimFinite(p) {
		t.Error("a NaN reached the weights")
	}
	if s.TestAccuracy < 0.9 {
		t.Errorf("accuracy %v: training did not go on around the skipped steps", s.TestAccuracy)
	}
	if _, err := json.Marshal(s); err != nil {
		t.Error(err)
	}
}

func optimFinite(p []float32) bool {
	for _, x := range p {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return false
		}
	}
	return true
}

// A summary whose losses are not finite still encodes, with nulls.
func TestSummaryNonFiniteJSON(t *testing.T) {
	b, err := json.Marshal(Summary{TrainLoss: math.NaN(), TestLoss: math.Inf(1), TestAccuracy: 0.1, Steps: 3})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"train_loss":null`) || !strings.Contains(s, `"test_loss":null`) ||
		!strings.Contains(s, `"test_accuracy":0.1`) || !strings.Contains(s, `"steps":3`) {
		t.Errorf("summary JSON %s", s)
	}
}

func TestJFloat(t *testing.T) {
	for _, x := range []float64{0, math.Copysign(0, -1), 1e-310, math.MaxFloat64, 0.1, math.NaN(), math.Inf(1), math.Inf(-1)} {
		b, err := json.Marshal(jfloat(x))
		if err != nil {
			t.Fatal(err)
		}
		var y jfloat
		if err := json.Unmarshal(b, &y); err != nil {
			t.Fatal(err)
		}
		if math.Float64bits(float64(y)) != math.Float64bits(x) && !(math.IsNaN(x) && math.IsNaN(float64(y))) {
			t.Errorf("%v → %s → %v", x, b, y)
		}
	}
	var y jfloat
	if err := json.Unmarshal([]byte(`"lots"`), &y); err == nil {
		t.Error(`"lots" accepted`)
	}
}
