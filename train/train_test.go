package train

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/internal/simd"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/data"
)

// blobs returns n examples of dim features in classes Gaussian clusters
// (centres ±1 per feature, noise σ=0.5): easy to learn, quick to train.
func blobs(n, dim, classes int, seed uint64) *data.Dataset {
	r := rand.New(rand.NewPCG(seed, 7))
	centres := make([]float32, classes*dim)
	cr := rand.New(rand.NewPCG(99, 1)) // the same centres for every seed
	for i := range centres {
		centres[i] = float32(2*cr.IntN(2) - 1)
	}
	d := &data.Dataset{X: make([]float32, n*dim), Y: make([]uint8, n), N: n, Dim: dim, Classes: classes, Shape: []int{dim}}
	for i := range n {
		c := r.IntN(classes)
		d.Y[i] = uint8(c)
		for j := range dim {
			d.X[i*dim+j] = centres[c*dim+j] + float32(0.5*r.NormFloat64())
		}
	}
	return d
}

func testConfig() Config {
	return Config{Data: DataMNIST, Model: "mlp:8-16-3", Opt: "adam:lr=0.01", Batch: 16, Epochs: 5, Seed: 1}
}

func newTrainer(t *testing.T, cfg Config) *Trainer {
	t.Helper()
	tr, err := New(cfg, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// checkpointAfter runs k steps of a new trainer of cfg and returns the
// trainer and its checkpoint.
func checkpointAfter(t *testing.T, cfg Config, k int) (*Trainer, *checkpoint.Checkpoint) {
	t.Helper()
	a := newTrainer(t, cfg)
	for range k {
		if _, err := a.Step(); err != nil {
			t.Fatal(err)
		}
	}
	ck, err := a.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	return a, ck
}

// saveAndLoad writes ck to a new folder and reads it back, as a resumed
// run finds it.
func saveAndLoad(t *testing.T, ck *checkpoint.Checkpoint) *checkpoint.Checkpoint {
	t.Helper()
	dir, err := checkpoint.Save(t.TempDir(), ck, 1)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := checkpoint.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return loaded
}

func TestTrainingReducesLoss(t *testing.T) {
	tr := newTrainer(t, testConfig())
	first := tr.model
	loss0, acc0 := first.Evaluate(tr.testSet.X, tr.testSet.Y)
	s, err := tr.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ms := tr.Metrics()
	if len(ms) != 5 {
		t.Fatalf("%d metrics, want one per epoch (5)", len(ms))
	}
	// 200 examples in batches of 16: ⌈200/16⌉ = 13 steps an epoch.
	for i, m := range ms {
		if m.Epoch != float64(i+1) || m.Step != 13*(i+1) {
			t.Errorf("metric %d: epoch %v step %d, want %d and %d", i, m.Epoch, m.Step, i+1, 13*(i+1))
		}
	}
	if !(ms[4].TrainLoss < ms[0].TrainLoss/2) || !(s.TestLoss < loss0/4) {
		t.Errorf("loss did not fall: train %v → %v, test %v → %v", ms[0].TrainLoss, ms[4].TrainLoss, loss0, s.TestLoss)
	}
	if !(s.TestAccuracy > 0.95) {
		t.Errorf("test accuracy %v (from %v): the blobs are nearly separable", s.TestAccuracy, acc0)
	}
	if s.Steps != 65 || s.Epochs != 5 || s.Parameters != 8*16+16+16*3+3 || s.TrainExamples != 200 {
		t.Errorf("summary %+v", s)
	}
}

// TestReproducible runs the same config twice: everything but the time
// must be identical, and the weights bit for bit.
func TestReproducible(t *testing.T) {
	cfg := testConfig()
	cfg.Model = "mlp:8-16-3,dropout=0.2"
	cfg.Schedule = "cosine"
	cfg.Clip = "norm=1"
	run := func() *Trainer {
		tr := newTrainer(t, cfg)
		if _, err := tr.Run(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		return tr
	}
	a, b := run(), run()
	strip := func(ms []Metric) []Metric {
		out := append([]Metric(nil), ms...)
		for i := range out {
			out[i].Seconds = 0
		}
		return out
	}
	if !reflect.DeepEqual(strip(a.Metrics()), strip(b.Metrics())) {
		t.Errorf("metrics differ:\n%+v\n%+v", a.Metrics(), b.Metrics())
	}
	if !reflect.DeepEqual(a.Curve(), b.Curve()) {
		t.Error("loss curves differ")
	}
	wa, _ := a.model.Flat()
	wb, _ := b.model.Flat()
	if !reflect.DeepEqual(wa, wb) {
		t.Error("weights differ")
	}
	// Another seed gives other numbers.
	cfg.Seed = 2
	c := newTrainer(t, cfg)
	c.Run(context.Background(), nil)
	if reflect.DeepEqual(strip(a.Metrics()), strip(c.Metrics())) {
		t.Error("seeds 1 and 2 gave the same metrics")
	}
}

// TestBatchMethods checks GD, SGD and mini-batch: examples per step and
// steps per epoch.
func TestBatchMethods(t *testing.T) {
	for _, tc := range []struct {
		batch         Batch
		perStep, spe  int
		wantFullOrder bool
	}{
		{FullBatch, 200, 1, true},
		{1, 1, 200, false},
		{32, 32, 7, false}, // ⌈200/32⌉ = 7, the last batch holds 8
	} {
		cfg := testConfig()
		cfg.Opt, cfg.Batch, cfg.Epochs = "sgd:lr=0.1", tc.batch, 2
		tr := newTrainer(t, cfg)
		seen := 0
		_, err := tr.Run(context.Background(), func(tr *Trainer, r StepResult) error {
			want := tc.perStep
			if r.Step%tc.spe == 0 && tc.batch != FullBatch {
				want = 200 - (tc.spe-1)*tc.perStep
			}
			if r.Examples != want {
				t.Errorf("batch %v step %d: %d examples, want %d", tc.batch, r.Step, r.Examples, want)
			}
			if r.EpochEnd != (r.Step%tc.spe == 0) {
				t.Errorf("batch %v step %d: EpochEnd %v", tc.batch, r.Step, r.EpochEnd)
			}
			seen += r.Examples
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if tr.Steps() != 2*tc.spe || seen != 400 {
			t.Errorf("batch %v: %d steps, %d examples; want %d and 400", tc.batch, tr.Steps(), seen, 2*tc.spe)
		}
		if s := tr.Summary(); s.Config.Batch != tc.batch {
			t.Errorf("summary batch %v", s.Config.Batch)
		}
	}
}

func TestMaxStepsPartialEpoch(t *testing.T) {
	cfg := testConfig()
	cfg.MaxSteps = 20 // 13 steps an epoch: one epoch and 7/13 of another
	tr := newTrainer(t, cfg)
	s, err := tr.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ms := tr.Metrics()
	if len(ms) != 2 || ms[1].Step != 20 || ms[1].Epoch != 20.0/13 || s.Epochs != ms[1].Epoch {
		t.Fatalf("metrics %+v", ms)
	}
	if _, err := tr.Step(); !errors.Is(err, ErrDone) {
		t.Errorf("Step after the end: %v, want ErrDone", err)
	}
}

func TestScheduleDrivesLR(t *testing.T) {
	cfg := testConfig()
	cfg.Opt, cfg.Schedule, cfg.Epochs = "sgd:lr=0.1", "step:step_size=10,gamma=0.5", 2
	tr := newTrainer(t, cfg)
	tr.Run(context.Background(), func(_ *Trainer, r StepResult) error {
		want := 0.1 * math.Pow(0.5, float64((r.Step-1)/10))
		if math.Abs(r.LR-want) > 1e-15 {
			t.Errorf("step %d: lr %v, want %v", r.Step, r.LR, want)
		}
		return nil
	})
}

func TestNonFiniteLoss(t *testing.T) {
	cfg := testConfig()
	trainSet := blobs(200, 8, 3, 1)
	trainSet.X[3] = float32(math.NaN()) // poisons example 0, drawn within the first epoch
	cfg.Batch = FullBatch
	tr, err := New(cfg, trainSet, blobs(100, 8, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := tr.model.Flat()
	before = append([]float32(nil), before...)
	_, err = tr.Run(context.Background(), nil)
	var nf *NonFiniteError
	if !errors.As(err, &nf) || nf.Step != 1 || nf.Param != "" || !strings.Contains(err.Error(), "step 1") {
		t.Fatalf("error %v, want a NonFiniteError at step 1", err)
	}
	after, _ := tr.model.Flat()
	if !reflect.DeepEqual(before, after) {
		t.Error("the failed step changed the weights")
	}
}

func TestNonFiniteGradientDiverging(t *testing.T) {
	// Plain SGD with an absurd learning rate overflows within a few steps.
	cfg := testConfig()
	cfg.Opt = "sgd:lr=1e30"
	tr := newTrainer(t, cfg)
	_, err := tr.Run(context.Background(), nil)
	var nf *NonFiniteError
	if !errors.As(err, &nf) {
		t.Fatalf("error %v, want a NonFiniteError", err)
	}
	if !strings.Contains(err.Error(), "step ") {
		t.Errorf("message %q does not name the step", err)
	}
}

func TestClippingNamesParameter(t *testing.T) {
	grads := [][]float32{{1, 2}, {3, float32(math.Inf(1)), 4}}
	for _, c := range []Clipping{{}, {"norm", 1}, {"value", 0.5}} {
		g := [][]float32{append([]float32(nil), grads[0]...), append([]float32(nil), grads[1]...)}
		if c.apply(g) {
			t.Errorf("%+v: an Inf gradient passed", c)
		}
		if !reflect.DeepEqual(g[0], grads[0]) {
			t.Errorf("%+v changed gradients it rejected", c)
		}
	}
	g := [][]float32{{3, 4}}
	if !(Clipping{"norm", 1}).apply(g) || math.Abs(float64(g[0][0])-0.6) > 1e-6 {
		t.Errorf("norm clip gave %v", g)
	}
	g = [][]float32{{3, -4, 0.1}}
	if !(Clipping{"value", 0.5}).apply(g) || !reflect.DeepEqual(g[0], []float32{0.5, -0.5, 0.1}) {
		t.Errorf("value clip gave %v", g)
	}
}

func TestCancel(t *testing.T) {
	tr := newTrainer(t, testConfig())
	ctx, cancel := context.WithCancel(context.Background())
	_, err := tr.Run(ctx, func(_ *Trainer, r StepResult) error {
		if r.Step == 5 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || tr.Steps() != 5 {
		t.Errorf("err %v after %d steps, want Canceled after 5", err, tr.Steps())
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Model = "cnn:1" }, "model"},
		{func(c *Config) { c.Opt = "adamm" }, "opt"},
		{func(c *Config) { c.Batch = 201 }, "larger than the training set (200 examples)"},
		{func(c *Config) { c.Epochs = 0 }, "epochs"},
		{func(c *Config) { c.Clip = "norm=-1" }, "clip"},
		{func(c *Config) { c.Schedule = "cosine:tmax=3" }, "schedule"},
		{func(c *Config) { c.Data = "cifar" }, "data"},
		{func(c *Config) { c.Model = "mlp:9-4-3" }, "9 inputs"},
		{func(c *Config) { c.Model = "mlp:8-4-2" }, "3 classes"},
	} {
		cfg := testConfig()
		tc.edit(&cfg)
		_, err := New(cfg, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", cfg, err, tc.want)
		}
	}
}

func TestConfigJSON(t *testing.T) {
	for _, b := range []Batch{FullBatch, 1, 100} {
		cfg := testConfig()
		cfg.Batch, cfg.Clip, cfg.Schedule, cfg.MaxSteps = b, "value=0.5", "cosine", 7
		p, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var got Config
		if err := json.Unmarshal(p, &got); err != nil || !reflect.DeepEqual(got, cfg) {
			t.Errorf("round trip of %s: %+v, %v", p, got, err)
		}
	}
	if p, _ := json.Marshal(Config{Batch: FullBatch}); !strings.Contains(string(p), `"batch":"full"`) {
		t.Errorf("full batch written as %s", p)
	}
	for _, s := range []string{"0", "-1", "x", "1.5", ""} {
		if _, err := ParseBatch(s); err == nil {
			t.Errorf("ParseBatch(%q) accepted", s)
		}
	}
}

// TestStepAllocs: after the first step (and first evaluation) a step
// allocates nothing, over epoch ends, schedule and clipping included.
func TestStepAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops gemm's pooled jobs at random")
	}
	for _, batch := range []Batch{FullBatch, 1, 16} {
		cfg := testConfig()
		cfg.Batch, cfg.Epochs, cfg.Clip = batch, 10000, "norm=1"
		cfg.Schedule = "cosine" // changes the rate, through optim.SetLR, every step
		cfg.Model = "mlp:8-16-3,dropout=0.1"
		if batch == 16 {
			cfg.Model += ",bn"
		}
		tr := newTrainer(t, cfg)
		for range 2 * tr.sampler.StepsPerEpoch() { // past an epoch end and its evaluation
			if _, err := tr.Step(); err != nil {
				t.Fatal(err)
			}
		}
		allocs := testing.AllocsPerRun(300, func() {
			if _, err := tr.Step(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("batch %v: %v allocations per step", batch, allocs)
		}
	}
}

// TestSameBitsAnyThreads: a run large enough for its matrix products and
// optimizer steps to be split across threads gives the same weights and
// metrics, bit for bit, on one thread and on three; this is what lets a run
// be resumed with another --threads.
func TestSameBitsAnyThreads(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	cfg := Config{Data: DataMNIST, Model: "mlp:784-100-10", Opt: "adam:lr=0.001", Batch: 100, Epochs: 1, Subset: 1000, Seed: 1}
	trainSet, testSet, err := LoadData(cfg)
	if err != nil {
		t.Fatal(err)
	}
	run := func(threads int) ([]float32, []Metric) {
		c := cfg
		c.Threads = threads
		tr, err := New(c, trainSet, testSet)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Run(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		w, _ := tr.model.Flat()
		ms := append([]Metric(nil), tr.Metrics()...)
		for i := range ms {
			ms[i].Seconds = 0
		}
		return slices.Clone(w), ms
	}
	w1, m1 := run(1)
	w3, m3 := run(3)
	if !slices.Equal(w1, w3) {
		t.Error("weights after one epoch differ between one thread and three")
	}
	if !reflect.DeepEqual(m1, m3) {
		t.Errorf("metrics differ between one thread and three:\n%+v\n%+v", m1, m3)
	}
}

// TestNonFiniteWeights: weights that an update made NaN or ±Inf (finite
// gradients, too large a learning rate) are caught at the next epoch end or
// checkpoint step, as a *NonFiniteError naming the weight, and Checkpoint
// refuses them, so that they are never saved. With --on-nonfinite skip the
// NaN losses they cause are skipped step after step, and before this check
// the run went on to save them.
func TestNonFiniteWeights(t *testing.T) {
	cfg := testConfig()
	cfg.CheckpointEvery = 3
	cfg.OnNonFinite = NonFiniteSkip
	tr := newTrainer(t, cfg)
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	tr.values[1][4] = float32(math.Inf(1)) // as an overflowing update would leave it
	if _, err := tr.Checkpoint(); err == nil {
		t.Error("Checkpoint saved an infinite weight")
	}
	var err error
	for k := 0; k < 2 && err == nil; k++ {
		_, err = tr.Step()
	}
	var nf *NonFiniteError
	if !errors.As(err, &nf) || !nf.Weight || nf.Param != tr.names[1] || nf.Index != 4 || nf.Step != 3 {
		t.Fatalf("steps 2-3 with an infinite weight: %v, want a NonFiniteError for weight %s[4] at step 3 (a checkpoint step)", err, tr.names[1])
	}
	if msg := err.Error(); !strings.Contains(msg, "weight "+tr.names[1]+"[4] is +Inf after the update") {
		t.Errorf("message %q", msg)
	}
}

// TestSparseInputSameModel: training on MNIST with the sparse first layer
// (nn.Model.SetSparseInput) gives the weights and metrics of the dense
// products, bit for bit, for the two small nets; and the sparse
// path did run.
func TestSparseInputSameModel(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	for _, c := range []struct{ model, opt string }{
		{"mlp:784-100-10", "adam:lr=0.001"},
		{"mlp:784-100-100-100-100-10,init=he", "sgd:lr=0.01,momentum=0.9"},
	} {
		cfg := Config{Data: DataMNIST, Model: c.model, Opt: c.opt, Batch: 100, Epochs: 1, Subset: 2000, Seed: 1, Threads: 2}
		trainSet, testSet, err := LoadData(cfg)
		if err != nil {
			t.Fatal(err)
		}
		run := func(sparse bool) ([]float32, []Metric, bool) {
			tr, err := New(cfg, trainSet, testSet)
			if err != nil {
				t.Fatal(err)
			}
			tr.model.SetSparseInput(sparse)
			used := false
			for !tr.Done() {
				if _, err := tr.Step(); err != nil {
					t.Fatal(err)
				}
				used = used || tr.model.SparseInputUsed()
			}
			w, _ := tr.model.Flat()
			ms := append([]Metric(nil), tr.Metrics()...)
			for i := range ms {
				ms[i].Seconds = 0
			}
			return slices.Clone(w), ms, used
		}
		wd, md, _ := run(false)
		ws, ms, used := run(true)
		if !used && simd.AVX512 {
			t.Fatalf("%s: the sparse first layer never ran", c.model)
		}
		if !slices.Equal(wd, ws) {
			t.Errorf("%s: weights differ between the sparse first layer and the dense products", c.model)
		}
		if !reflect.DeepEqual(md, ms) {
			t.Errorf("%s: metrics differ:\n%+v\n%+v", c.model, md, ms)
		}
	}
}
