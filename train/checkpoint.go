package train

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/data"
	"github.com/descentlab/descent/nn"
	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/safetensors"
)

// state is the Trainer's own state as a checkpoint's manifest records it:
// everything besides the weights and the optimizer state (which have
// their files). Floats are written in full precision, and NaN or ±Inf as
// strings, so that they come back bit for bit.
type state struct {
	Step       int           `json:"step"`
	Examples   int           `json:"examples"`
	EpochsDone int           `json:"epochs_done"`
	EpochLoss  jfloat        `json:"epoch_loss"`
	EpochSeen  int           `json:"epoch_seen"`
	Skipped    int           `json:"skipped"`
	CurveStep  []int         `json:"curve_step"`
	CurveLoss  []jfloat      `json:"curve_loss"`
	CurveSum   jfloat        `json:"curve_sum"`
	CurveN     int           `json:"curve_n"`
	Metrics    []savedMetric `json:"metrics"`
	ElapsedNS  int64         `json:"elapsed_ns"`
	EvalNS     int64         `json:"eval_ns"`
	LR         jfloat        `json:"lr"` // for the reader; the optimizer state holds it too
	Sampler    savedSampler  `json:"sampler"`
	Dropout    []byte        `json:"dropout_rng"` // nn.Model.DropoutState
	Data       dataPrint     `json:"data"`
	EMACount   int64         `json:"ema_count,omitempty"` // the weight average (Config.EMA): updates
	EMA        []byte        `json:"ema,omitempty"`       // and values, float32 little-endian
}

type savedMetric struct {
	Epoch        jfloat `json:"epoch"`
	Step         int    `json:"step"`
	TrainLoss    jfloat `json:"train_loss"`
	TestLoss     jfloat `json:"test_loss"`
	TestAccuracy jfloat `json:"test_accuracy"`
	Seconds      jfloat `json:"seconds"`
	Skipped      int    `json:"skipped"`
}

// savedSampler is data.SamplerState; RNG is the PCG state at the start of
// the current epoch.
type savedSampler struct {
	N     int    `json:"n"`
	Batch int    `json:"batch"`
	Epoch int    `json:"epoch"`
	Pos   int    `json:"pos"`
	Steps int    `json:"steps"`
	RNG   []byte `json:"rng"`
}

// dataPrint identifies the data a run trained on, so that a resume on
// other data (a replaced --data-dir) is refused rather than silently
// inexact.
type dataPrint struct {
	Train  int    `json:"train_examples"`
	Test   int    `json:"test_examples"`
	SHA256 string `json:"sha256"` // of both sets' sizes, examples and labels
	// Scheme says how SHA256 took in the examples: printValues (0, absent
	// from the checkpoints written before it) or printStored.
	Scheme int `json:"scheme,omitempty"`
}

// The ways a fingerprint takes in a set's examples.
const (
	// printValues hashes the float32 bits of every value, converting pixel
	// bytes: 4 bytes a value, whatever the set holds.
	printValues = 0
	// printStored hashes the examples as the set holds them: the pixel
	// bytes, or the float32 bits of X. MNIST's pixels then cost a quarter
	// of the hashing (47 MB, not 188 MB), so a checkpoint is that much
	// cheaper. Every checkpoint is written with it; Restore checks an
	// older one with printValues.
	printStored = 1
)

// jfloat is a float64 that JSON carries exactly, NaN and ±Inf included.
type jfloat float64

func (f jfloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	switch {
	case math.IsNaN(x):
		return []byte(`"NaN"`), nil
	case math.IsInf(x, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(x, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

func (f *jfloat) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		switch s {
		case "NaN":
			*f = jfloat(math.NaN())
		case "+Inf":
			*f = jfloat(math.Inf(1))
		case "-Inf":
			*f = jfloat(math.Inf(-1))
		default:
			return fmt.Errorf("%q is not a number", s)
		}
		return nil
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*f = jfloat(x)
	return nil
}

// fingerprint hashes the sizes, the examples (as scheme says) and the labels
// of both sets.
func fingerprint(trainSet, testSet *data.Dataset, scheme int) dataPrint {
	const chunk = 16 // examples converted at a time for printValues
	h := sha256.New()
	var vals []float32
	buf := make([]byte, 0, 1<<16)
	for _, d := range []*data.Dataset{trainSet, testSet} {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(d.N))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(d.Dim))
		h.Write(buf)
		buf = buf[:0]
		if scheme == printStored && d.Pixels != nil {
			h.Write(d.Pixels)
		} else {
			for lo := 0; lo < d.N; lo += chunk {
				vals = d.Examples(vals, lo, min(lo+chunk, d.N))
				// The hash sees one byte stream however it is cut.
				if n := 4 * len(vals); len(buf)+n > cap(buf) {
					h.Write(buf)
					buf = slices.Grow(buf[:0], n)
				}
				n := len(buf)
				buf = buf[:n+4*len(vals)]
				safetensors.PutFloat32s(buf[n:], vals)
			}
		}
		h.Write(buf)
		buf = buf[:0]
		h.Write(d.Y)
	}
	return dataPrint{Train: trainSet.N, Test: testSet.N, SHA256: hex.EncodeToString(h.Sum(nil)), Scheme: scheme}
}

// Checkpoint returns the run's complete state as a checkpoint: the
// weights, the optimizer state and, in the manifest, the config and the
// loop's state (sampler and dropout generators, counters, running sums,
// the loss curve and metrics so far). Save it with checkpoint.Save; Restore
// continues from it exactly. Call it between Steps. It refuses (with a
// *NonFiniteError) weights that are NaN or ±Inf.
func (t *Trainer) Checkpoint() (*checkpoint.Checkpoint, error) {
	if err := t.checkWeights(); err != nil {
		return nil, err
	}
	opt, err := t.optState()
	if err != nil {
		return nil, fmt.Errorf("train: checkpoint: %w", err)
	}
	if t.fp == nil {
		p := fingerprint(t.trainSet, t.testSet, printStored)
		t.fp = &p
	}
	ss := t.sampler.State()
	st := state{
		Step: t.step, Examples: t.examples, EpochsDone: t.epochsDone,
		EpochLoss: jfloat(t.epochLoss), EpochSeen: t.epochSeen, Skipped: t.skipped,
		CurveStep: t.curve.Step, CurveSum: jfloat(t.curveSum), CurveN: t.curveN,
		ElapsedNS: int64(t.elapsed), EvalNS: int64(t.evalTime), LR: jfloat(t.optLR()),
		Sampler: savedSampler{N: ss.N, Batch: ss.Batch, Epoch: ss.Epoch, Pos: ss.Pos, Steps: ss.Steps, RNG: ss.RNG},
		Dropout: t.model.DropoutState(), Data: *t.fp,
		CurveLoss: make([]jfloat, len(t.curve.Loss)), Metrics: make([]savedMetric, len(t.metrics)),
	}
	st.EMACount, st.EMA = t.emaState()

	if st.CurveStep == nil {
		st.CurveStep = []int{}
	}
	for i, x := range t.curve.Loss {
		st.CurveLoss[i] = jfloat(x)
	}
	for i, m := range t.metrics {
		st.Metrics[i] = savedMetric{Epoch: jfloat(m.Epoch), Step: m.Step, TrainLoss: jfloat(m.TrainLoss),
			TestLoss: jfloat(m.TestLoss), TestAccuracy: jfloat(m.TestAccuracy), Seconds: jfloat(m.Seconds), Skipped: m.Skipped}
	}
	stateJSON, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("train: checkpoint: %w", err)
	}
	cfgJSON, err := json.Marshal(t.cfg)
	if err != nil {
		return nil, fmt.Errorf("train: checkpoint: %w", err)
	}
	return &checkpoint.Checkpoint{Step: t.step, Epoch: t.epochsDone, Run: t.run, Config: cfgJSON, State: stateJSON,
		Model: append(ModelTensors(t.model), t.logTensors()...), Optimizer: opt}, nil
}

// The names of the step log's tensors in a checkpoint's weights file,
// beside the model's: float32, one value per step (Trainer.StepLog).
const (
	stepLossTensor = "train.step_loss"
	stepLRTensor   = "train.step_lr"
)

// ModelTensors copies a model's parameters and then its buffers (the
// running statistics of batch normalisation, nn.Model.Buffers) into
// tensors: what model.safetensors and a checkpoint hold of the model, named
// as torch's state_dict names them.
func ModelTensors(m *nn.Model) []checkpoint.Tensor {
	out := nn.Weights(m)
	for _, b := range m.Buffers() {
		out = append(out, checkpoint.Tensor{Name: b.Name, Shape: slices.Clone(b.Shape), Data: slices.Clone(b.Value)})
	}
	return out
}

// logTensors is the step log as checkpoint tensors (none before the first
// step: a tensor of no elements says nothing).
func (t *Trainer) logTensors() []checkpoint.Tensor {
	n := len(t.log.Loss)
	if n == 0 {
		return nil
	}
	return []checkpoint.Tensor{
		{Name: stepLossTensor, Shape: []int{n}, Data: slices.Clone(t.log.Loss)},
		{Name: stepLRTensor, Shape: []int{n}, Data: slices.Clone(t.log.LR)},
	}
}

// splitTensors separates a checkpoint's tensors into the model's
// parameters (for checkpoint.LoadWeights), its buffers and the step log,
// checking that every buffer of m is there with its shape.
func splitTensors(m *nn.Model, all []checkpoint.Tensor) (params []checkpoint.Tensor, log StepLog, err error) {
	buffers := map[string]nn.NamedView{}
	for _, b := range m.Buffers() {
		buffers[b.Name] = b
	}
	found := 0
	for _, tn := range all {
		switch b, isBuf := buffers[tn.Name]; {
		case tn.Name == stepLossTensor:
			log.Loss = tn.Data
		case tn.Name == stepLRTensor:
			log.LR = tn.Data
		case isBuf:
			if !slices.Equal(tn.Shape, b.Shape) || len(tn.Data) != len(b.Value) {
				return nil, StepLog{}, fmt.Errorf("the checkpoint's %s has shape %v, model %s has %v", tn.Name, tn.Shape, m.Spec(), b.Shape)
			}
			found++
		default:
			params = append(params, tn)
		}
	}
	if found != len(buffers) {
		return nil, StepLog{}, fmt.Errorf("the checkpoint lacks the running statistics of model %s's batch normalisation", m.Spec())
	}
	if len(log.Loss) != len(log.LR) {
		return nil, StepLog{}, fmt.Errorf("the checkpoint's step log has %d losses and %d learning rates", len(log.Loss), len(log.LR))
	}
	return params, log, nil
}

// loadBuffers copies the buffers among tensors into the model (splitTensors
// has checked them).
func loadBuffers(m *nn.Model, tensors []checkpoint.Tensor) {
	for _, b := range m.Buffers() {
		for _, tn := range tensors {
			if tn.Name == b.Name {
				copy(b.Value, tn.Data)
			}
		}
	}
}

// CheckpointConfig returns the config recorded in a checkpoint.
func CheckpointConfig(ck *checkpoint.Checkpoint) (Config, error) {
	return checkpointConfig(ck, nil)
}

// checkpointConfig is CheckpointConfig for a run of the optimizer method
// (Config.Method; nil: the recorded spec's).
func checkpointConfig(ck *checkpoint.Checkpoint, method optim.Hyper) (Config, error) {
	c := Config{Method: method}
	d := json.NewDecoder(bytes.NewReader(ck.Config))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("train: checkpoint config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("train: checkpoint config: %w", err)
	}
	return c, nil
}

// Extends reports (as a nil error) whether c may continue the run recorded
// as old: every field as in old except Epochs, which may grow; MaxSteps,
// which may grow or become 0 (no limit) if old had a limit; and
// OnNonFinite, CheckpointEvery and Keep, which do not change the numbers
// of the steps already taken; Threads, since a run gives the same bits on
// any number of threads; and DataDir, since the data may have moved
// (Restore checks that they are the same data). A schedule whose shape depends on the run's
// length (cosine, linear, one-cycle) is stretched over the longer run from
// the resume point on.
func (c Config) Extends(old Config) error {
	if c.Epochs < old.Epochs {
		return fmt.Errorf("epochs %d: the run has %d; a resumed run may only get more", c.Epochs, old.Epochs)
	}
	if c.MaxSteps != old.MaxSteps && (old.MaxSteps == 0 || (c.MaxSteps != 0 && c.MaxSteps < old.MaxSteps)) {
		return fmt.Errorf("max-steps %d: the run has %d; a resumed run may only raise it or lift it (0)", c.MaxSteps, old.MaxSteps)
	}
	a, b := c, old
	a.Epochs, a.MaxSteps, a.OnNonFinite, a.CheckpointEvery, a.Keep, a.DataDir, a.Threads = 0, 0, "", 0, 0, "", 0
	b.Epochs, b.MaxSteps, b.OnNonFinite, b.CheckpointEvery, b.Keep, b.DataDir, b.Threads = 0, 0, "", 0, 0, "", 0
	a.Method, b.Method = nil, nil // compared as Opt, their text
	if a != b {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		var ma, mb map[string]any
		json.Unmarshal(ja, &ma)
		json.Unmarshal(jb, &mb)
		for _, k := range []string{"data", "model", "opt", "batch", "seed", "schedule", "clip", "subset", "ema"} {
			if fmt.Sprint(ma[k]) != fmt.Sprint(mb[k]) {
				return fmt.Errorf("%s: the run was recorded with %v, not %v; a resumed run keeps it (only epochs, max-steps, threads, on-nonfinite, checkpoint-every, keep and the data's folder may change)", strings.ReplaceAll(k, "_", "-"), show(mb[k]), show(ma[k]))
			}
		}
		return errors.New("the config differs from the recorded run's")
	}
	return nil
}

func show(v any) string {
	if v == nil {
		return "none"
	}
	return fmt.Sprintf("%q", fmt.Sprint(v))
}

// Restore builds the run cfg describes on the given data (as New does) and
// loads the state of ck into it, so that it continues exactly where ck
// was taken. cfg is normally CheckpointConfig(ck), or an extension of it
// (Config.Extends). The data must be the data the checkpoint was trained
// on, and the model the checkpoint's: anything else is an error, and
// nothing is returned half restored.
func Restore(cfg Config, ck *checkpoint.Checkpoint, trainSet, testSet *data.Dataset) (*Trainer, error) {
	if cfg.Method != nil && cfg.Opt == "" {
		cfg.Opt = cfg.Method.String() // as New records it
	}
	old, err := checkpointConfig(ck, cfg.Method)
	if err != nil {
		return nil, err
	}
	if err := cfg.Extends(old); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	var st state
	d := json.NewDecoder(bytes.NewReader(ck.State))
	d.DisallowUnknownFields()
	if err := d.Decode(&st); err != nil {
		return nil, fmt.Errorf("train: checkpoint state: %w", err)
	}
	t, err := New(cfg, trainSet, testSet)
	if err != nil {
		return nil, err
	}
	if err := st.check(ck, t.total); err != nil {
		return nil, err
	}
	if st.Data.Scheme != printValues && st.Data.Scheme != printStored {
		return nil, fmt.Errorf("train: checkpoint state: data fingerprint scheme %d: want %d or %d", st.Data.Scheme, printValues, printStored)
	}
	if p := fingerprint(t.trainSet, t.testSet, st.Data.Scheme); p != st.Data {
		return nil, fmt.Errorf("train: the data differ from those the checkpoint was trained on (%d/%d training/test examples then, %d/%d now, or other values)", st.Data.Train, st.Data.Test, p.Train, p.Test)
	} else {
		t.fp = &p
	}
	if err := t.sampler.SetState(data.SamplerState{N: st.Sampler.N, Batch: st.Sampler.Batch, Epoch: st.Sampler.Epoch,
		Pos: st.Sampler.Pos, Steps: st.Sampler.Steps, RNG: st.Sampler.RNG}); err != nil {
		return nil, fmt.Errorf("train: checkpoint state: %w", err)
	}
	if err := t.model.SetDropoutState(st.Dropout); err != nil {
		return nil, fmt.Errorf("train: checkpoint state: %w", err)
	}
	params, log, err := splitTensors(t.model, ck.Model)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if err := nn.LoadWeights(t.model, params); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if want := min(st.Step, MaxStepLog); len(log.Loss) != want && len(log.Loss) != 0 {
		return nil, fmt.Errorf("train: checkpoint: the step log has %d steps, the run took %d", len(log.Loss), st.Step)
	}
	loadBuffers(t.model, ck.Model)
	if err := t.loadOptState(ck.Optimizer); err != nil {
		return nil, fmt.Errorf("train: checkpoint optimizer state: %w", err)
	}
	t.run = ck.Run
	if err := t.loadEMAState(st.EMACount, st.EMA); err != nil {
		return nil, fmt.Errorf("train: checkpoint state: %w", err)
	}
	if st.EpochsDone > 0 {
		t.evalEMA() // the summary's evaluation of the average, as the run had it
	}
	t.restoreCounters(&st, log)
	return t, nil
}

// check refuses a state that does not agree with itself, with the
// checkpoint's manifest, or with a run of total steps.
func (st *state) check(ck *checkpoint.Checkpoint, total int) error {
	if st.Step != ck.Step || st.EpochsDone != ck.Epoch {
		return fmt.Errorf("train: checkpoint state: step %d, epoch %d; the manifest says step %d, epoch %d", st.Step, st.EpochsDone, ck.Step, ck.Epoch)
	}
	if st.Step > total {
		return fmt.Errorf("train: the checkpoint is at step %d, past the run's %d steps", st.Step, total)
	}
	if st.Examples < 0 || st.EpochSeen < 0 || st.Skipped < 0 || st.Skipped > st.Step || st.CurveN < 0 ||
		st.ElapsedNS < 0 || st.EvalNS < 0 || len(st.CurveStep) != len(st.CurveLoss) {
		return errors.New("train: checkpoint state: negative counters or a curve whose steps and losses differ in number")
	}
	if st.Sampler.Steps != st.Step || st.Sampler.Epoch != st.EpochsDone {
		return fmt.Errorf("train: checkpoint state: the sampler has drawn %d batches in %d epochs, the run took %d steps in %d epochs", st.Sampler.Steps, st.Sampler.Epoch, st.Step, st.EpochsDone)
	}
	return nil
}

// restoreCounters sets t's counters, step log, curve and metrics to those
// of st and log.
func (t *Trainer) restoreCounters(st *state, log StepLog) {
	t.step, t.examples, t.epochsDone = st.Step, st.Examples, st.EpochsDone
	t.epochLoss, t.epochSeen, t.skipped = float64(st.EpochLoss), st.EpochSeen, st.Skipped
	t.curveSum, t.curveN = float64(st.CurveSum), st.CurveN
	t.elapsed, t.evalTime = time.Duration(st.ElapsedNS), time.Duration(st.EvalNS)
	t.log.Loss = append(t.log.Loss[:0], log.Loss...)
	t.log.LR = append(t.log.LR[:0], log.LR...)
	for len(t.log.Loss) < min(t.step, MaxStepLog) { // a checkpoint from before the log: unknown steps
		t.log.Loss = append(t.log.Loss, float32(math.NaN()))
		t.log.LR = append(t.log.LR, float32(math.NaN()))
	}
	t.curve.Step = append(t.curve.Step[:0], st.CurveStep...)
	t.curve.Loss = t.curve.Loss[:0]
	for _, x := range st.CurveLoss {
		t.curve.Loss = append(t.curve.Loss, float64(x))
	}
	t.metrics = t.metrics[:0]
	for _, m := range st.Metrics {
		t.metrics = append(t.metrics, Metric{Epoch: float64(m.Epoch), Step: m.Step, TrainLoss: float64(m.TrainLoss),
			TestLoss: float64(m.TestLoss), TestAccuracy: float64(m.TestAccuracy), Seconds: float64(m.Seconds), Skipped: m.Skipped})
	}
}
