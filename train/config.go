package train

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/descentlab/descent/clip"
	"github.com/descentlab/descent/data"
	"github.com/descentlab/descent/nn"
	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/schedule"
)

// Config is everything that defines a training run. Written to JSON (as
// summary.json's "config") it is enough to repeat the run exactly. Specs are
// kept as the strings the user gave, so the record reads like the command
// line; Validate parses them all.
type Config struct {
	// Data names the data set: DataMNIST (data.LoadMNIST: the clone's data/mnist or the user cache)
	// or DataDir (the four idx files in DataDir).
	Data    string `json:"data"`
	DataDir string `json:"data_dir,omitempty"`
	// Model is an nn model spec, e.g. "mlp:784-100-10".
	Model string `json:"model"`
	// Opt is an optimizer spec, e.g. "adam:lr=0.001" (optim.ParseSpec).
	Opt string `json:"opt"`
	// Method, when set, is the optimizer in place of Opt's spec: a method
	// of package optim, or the program's own (an optim.Custom[float32]),
	// which the Trainer runs with the schedule, clipping and checkpoints
	// as any other. Opt is then empty or Method's String(), which New
	// records as Opt. A checkpoint holds only that text: Restore needs
	// the Config with the same Method again.
	Method optim.Hyper `json:"-"`
	// Batch is the number of examples per step; FullBatch (GD) uses the
	// whole training set every step.
	Batch Batch `json:"batch"`
	// Epochs is the number of passes over the training set, ≥ 1.
	Epochs int `json:"epochs"`
	// Seed draws the initial weights, the batch order and dropout masks.
	Seed uint64 `json:"seed"`
	// Schedule is a learning-rate schedule spec (schedule.Parse) applied to
	// the optimizer's lr; empty keeps the lr constant.
	Schedule string `json:"schedule,omitempty"`
	// Clip is gradient clipping before each step: "norm=MAX" (global L2
	// norm, clip.GlobalNorm) or "value=V" (clip.Value); empty clips nothing.
	Clip string `json:"clip,omitempty"`
	// MaxSteps, when > 0, stops the run after that many optimizer steps even
	// if Epochs are not done. 0 means no limit (a run of no steps is not a
	// run).
	MaxSteps int `json:"max_steps,omitempty"`
	// Subset, when > 0, trains on the first Subset training examples and
	// evaluates on the first Subset test examples (all of them if fewer).
	// 0 means the whole sets.
	Subset int `json:"subset,omitempty"`
	// Threads, when > 0, sets GOMAXPROCS (the matrix products' parallelism)
	// for the duration of Run. 0 leaves it as it is.
	Threads int `json:"threads,omitempty"`

	// OnNonFinite says what a NaN or ±Inf loss or gradient does:
	// NonFiniteStop (or empty) ends the run with a *NonFiniteError,
	// NonFiniteSkip skips the step (the batch is used up, the weights and
	// optimizer state are untouched) and counts it in Metric.Skipped.
	OnNonFinite string `json:"on_nonfinite,omitempty"`
	// CheckpointEvery and Keep say how the run is checkpointed: every
	// CheckpointEvery steps (0: only at the end and when interrupted),
	// keeping the newest Keep checkpoints (0: all). The Trainer does not
	// save by itself; they are recorded here so that a resumed run keeps
	// them. Neither changes the run's numbers.
	CheckpointEvery int `json:"checkpoint_every,omitempty"`
	Keep            int `json:"keep,omitempty"`
	// EMA, when > 0, keeps an exponential moving average of the weights with
	// this decay (swa_utils.AveragedModel with get_ema_avg_fn), evaluated at
	// each epoch's end (Summary.EMATestLoss) beside the raw weights. 0: none.
	EMA float64 `json:"ema,omitempty"`
}

// The values of Config.OnNonFinite.
const (
	NonFiniteStop = "stop"
	NonFiniteSkip = "skip"
)

// The data sets Config.Data names.
const (
	DataMNIST = "mnist" // MNIST from data.FindMNIST's folder (data.LoadMNIST)
	DataDir   = "dir"   // idx files in Config.DataDir (data.LoadDir)
)

// Batch is a batch size: a number of examples ≥ 1, or FullBatch. It is
// written as the number, or "full", in text and JSON.
type Batch int

// FullBatch is the batch of the whole training set: gradient descent.
const FullBatch Batch = 0

// ParseBatch reads a batch size: a positive integer or "full".
func ParseBatch(s string) (Batch, error) {
	s = strings.TrimSpace(s)
	if s == "full" {
		return FullBatch, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("batch %q: want a positive integer or \"full\"", s)
	}
	return Batch(n), nil
}

func (b Batch) String() string {
	if b == FullBatch {
		return "full"
	}
	return strconv.Itoa(int(b))
}

// MarshalJSON writes "full" or the number.
func (b Batch) MarshalJSON() ([]byte, error) {
	if b == FullBatch {
		return []byte(`"full"`), nil
	}
	return []byte(strconv.Itoa(int(b))), nil
}

// UnmarshalJSON reads "full", a number, or a number in a string.
func (b *Batch) UnmarshalJSON(p []byte) error {
	var s string
	if err := json.Unmarshal(p, &s); err != nil {
		s = string(p)
	}
	v, err := ParseBatch(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// size is the batch size for a training set of n examples.
func (b Batch) size(n int) int {
	if b == FullBatch {
		return n
	}
	return int(b)
}

// Clipping is a parsed Config.Clip.
type Clipping struct {
	Kind string  // "" (none), "norm" or "value"
	Max  float64 // the max norm or the clip value, > 0
}

// ParseClip reads "norm=MAX" or "value=V" (empty: no clipping).
func ParseClip(s string) (Clipping, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Clipping{}, nil
	}
	k, v, ok := strings.Cut(s, "=")
	k = strings.TrimSpace(k)
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if !ok || (k != "norm" && k != "value") || err != nil || !(x > 0) || math.IsInf(x, 0) {
		return Clipping{}, fmt.Errorf("clip %q: want norm=MAX or value=V with a finite number > 0", s)
	}
	return Clipping{Kind: k, Max: x}, nil
}

// apply clips grads in place. ok is false if a gradient is not finite; the
// gradients are then unchanged.
func (c Clipping) apply(grads [][]float32) (ok bool) {
	switch c.Kind {
	case "norm":
		n, _ := clip.GlobalNorm(grads, c.Max) // c.Max was validated
		return !math.IsNaN(n) && !math.IsInf(n, 0)
	case "value":
		if !clip.AllFinite(grads) {
			return false
		}
		clip.Value(grads, c.Max)
		return true
	default:
		return clip.AllFinite(grads)
	}
}

// parsed is a Config with its specs parsed.
type parsed struct {
	model nn.Spec
	opt   optim.Hyper
	look  *optim.LookaheadOptions // Opt is lookahead:…/SPEC: the wrapper; opt is SPEC
	clip  Clipping
}

// FieldError is an invalid Config field. Field is its name as the command
// line's flag writes it (data, model, opt, batch, epochs, max-steps,
// subset, threads, clip, on-nonfinite, checkpoint-every, keep, ema,
// schedule); Err says what is wrong, starting with the field's name, and
// wraps the cause where there is one: a *optim.HyperError for a bad opt
// spec, a *schedule.OptionError or *schedule.SpecError for a bad schedule.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
}

// Validate checks every field and spec, without loading data. Errors are
// a *FieldError naming the field and what is allowed.
func (c *Config) Validate() error {
	_, err := c.parse()
	return err
}

func (c *Config) parse() (parsed, error) {
	var p parsed
	var err error
	switch c.Data {
	case DataMNIST:
	case DataDir:
		if c.DataDir == "" {
			return p, fieldErr("data", "data: \"dir\" needs a data directory")
		}
	default:
		return p, fieldErr("data", "data %q: want %q or %q (idx files in a directory)", c.Data, DataMNIST, DataDir)
	}
	if p.model, err = nn.ParseModel(c.Model); err != nil {
		return p, fieldErr("model", "model: %w", err)
	}
	if c.Method != nil {
		if c.Opt != "" && c.Opt != c.Method.String() {
			return p, fieldErr("opt", "opt %q with Method %s: give one of them", c.Opt, c.Method)
		}
		if err = c.Method.Validate(); err != nil {
			return p, fieldErr("opt", "opt: %w", err)
		}
		p.opt = c.Method
	} else if strings.HasPrefix(strings.TrimSpace(c.Opt), "lookahead") {
		var lo optim.LookaheadOptions
		if lo, p.opt, err = optim.ParseLookahead(c.Opt); err != nil {
			return p, fieldErr("opt", "opt: %w", err)
		}
		p.look = &lo
	} else if p.opt, err = optim.ParseSpec(c.Opt); err != nil {
		return p, fieldErr("opt", "opt: %w", err)
	}
	if err = optim.CheckRange[float32](p.opt); err != nil {
		return p, fieldErr("opt", "opt: %w", err)
	}
	if c.Batch < 0 {
		return p, fieldErr("batch", "batch %d: want a positive integer or full", int(c.Batch))
	}
	if c.Epochs < 1 {
		return p, fieldErr("epochs", "epochs %d: want an integer ≥ 1", c.Epochs)
	}
	if c.MaxSteps < 0 {
		return p, fieldErr("max-steps", "max-steps %d: want an integer ≥ 0 (0: no limit)", c.MaxSteps)
	}
	if c.Subset < 0 {
		return p, fieldErr("subset", "subset %d: want an integer ≥ 0 (0: all examples)", c.Subset)
	}
	if c.Threads < 0 {
		return p, fieldErr("threads", "threads %d: want an integer ≥ 0 (0: GOMAXPROCS)", c.Threads)
	}
	if p.clip, err = ParseClip(c.Clip); err != nil {
		return p, &FieldError{Field: "clip", Err: err}
	}
	switch c.OnNonFinite {
	case "", NonFiniteStop, NonFiniteSkip:
	default:
		return p, fieldErr("on-nonfinite", "on-nonfinite %q: want %q or %q", c.OnNonFinite, NonFiniteStop, NonFiniteSkip)
	}
	if c.CheckpointEvery < 0 {
		return p, fieldErr("checkpoint-every", "checkpoint-every %d: want an integer ≥ 0 (0: only at the end)", c.CheckpointEvery)
	}
	if c.Keep < 0 {
		return p, fieldErr("keep", "keep %d: want an integer ≥ 0 (0: keep every checkpoint)", c.Keep)
	}
	if !(c.EMA >= 0 && c.EMA < 1) {
		return p, fieldErr("ema", "ema %v: want a decay in (0, 1), or 0 for no average", c.EMA)
	}
	if c.Schedule != "" { // checked again with the real step count in New
		// The step count is unknown before the data are loaded: check with
		// a long run, so that length-dependent defaults (warmup_cosine's
		// t_max = total − warmup) are valid; New checks the real count.
		if _, err := schedule.Parse(c.Schedule, p.opt.LearningRate(), 1<<30); err != nil {
			return p, &FieldError{Field: "schedule", Err: err}
		}
	}
	return p, nil
}

// LoadData loads the training and test sets c names, cut to c.Subset
// examples before anything is decoded (New applies the same cut, which then
// changes nothing). The training set keeps its pixels as bytes and Step
// converts each batch as it gathers it; the test set is converted to
// float32 once here, because its evaluation (nn.Model.Evaluate) takes the
// whole matrix and sums the per-example losses in one pass, which
// evaluating converted chunks could not repeat bit for bit.
func LoadData(c Config) (trainSet, testSet *data.Dataset, err error) {
	opt := data.Options{Subset: c.Subset, CacheDir: data.CacheDir()}
	switch c.Data {
	case DataMNIST:
		trainSet, testSet, err = data.LoadMNIST(opt)
	case DataDir:
		trainSet, testSet, err = data.LoadDir(c.DataDir, opt)
	default:
		return nil, nil, fmt.Errorf("data %q: want %q or %q", c.Data, DataMNIST, DataDir)
	}
	if err != nil {
		return nil, nil, err
	}
	return trainSet, testSet.Float32(), nil
}

func subset(trainSet, testSet *data.Dataset, n int) (*data.Dataset, *data.Dataset, error) {
	if n <= 0 {
		return trainSet, testSet, nil
	}
	var err error
	if n < trainSet.N {
		if trainSet, err = trainSet.Subset(n); err != nil {
			return nil, nil, err
		}
	}
	if n < testSet.N {
		if testSet, err = testSet.Subset(n); err != nil {
			return nil, nil, err
		}
	}
	return trainSet, testSet, nil
}
