package train

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/descentlab/descent/clip"
	"github.com/descentlab/descent/data"
	"github.com/descentlab/descent/nn"
	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/schedule"
)

// MaxCurvePoints bounds the training-loss curve a Trainer keeps: past that
// many steps each point is the mean loss of a run of consecutive steps.
const MaxCurvePoints = 2000

// MaxStepLog bounds the per-step record a Trainer keeps (StepLog): 8 bytes
// a step, 32 MiB at most. A longer run records its first MaxStepLog steps.
const MaxStepLog = 1 << 22

// ErrDone is returned by Step once the run has taken all its steps.
var ErrDone = errors.New("train: the run is complete")

// Trainer is one training run in progress. All of its state lives here:
//
//   - the model's weights and its dropout generator (nn.Model),
//   - the optimizer's state: step counts and buffers (optim.Optimizer),
//   - the position in the data: epoch, batch and shuffling generator
//     (data.Sampler),
//   - the schedule position, which is the step count (a Schedule is a pure
//     function of it),
//   - the counters and records: steps taken, the running loss of the
//     current epoch, the loss curve, the per-epoch metrics and the training
//     time so far.
//
// Everything else is scratch space rebuilt by New. Between two calls of
// Step the run is at a clean boundary: a checkpoint taken there and
// restored continues exactly. A Trainer is not safe for concurrent use.
type Trainer struct {
	cfg               Config
	clip              Clipping
	trainSet, testSet *data.Dataset
	model             *nn.Model
	opt               *optim.Optimizer[float32]
	lbfgs             *optim.LBFGSOptimizer[float32] // in place of opt for --opt lbfgs (ownopt.go)
	sf                *optim.ScheduleFree[float32]   // own for --opt sf_adamw, sf_sgd, for its Eval and Train
	own               ownOptimizer                   // in place of opt for --opt muon, lamb, adafactor, sf_* (ownopt.go)
	ownHyper          func() optim.Hyper             // own's hyperparameters
	look              *optim.Lookahead[float32]      // wraps opt for --opt lookahead:…/SPEC
	ema               *optim.Average[float32]        // Config.EMA's average, or nil (ema.go)
	emaLoss, emaAcc   float64                        // its last evaluation
	emaSwap           []float32                      // the raw weights while the average is in the model
	sched             schedule.Schedule              // nil: the optimizer's lr throughout
	sampler           *data.Sampler
	total             int // optimizer steps in the whole run

	// Run state besides model, opt and sampler.
	step       int           // optimizer steps taken
	examples   int           // training examples in those steps
	epochsDone int           // epochs whose end has been recorded
	epochLoss  float64       // Σ loss·examples over the current epoch's steps
	epochSeen  int           // examples in the current epoch so far
	curve      Curve         // training loss against step
	curveSum   float64       // Σ loss over the steps of the pending curve point
	curveN     int           // steps in the pending curve point
	metrics    []Metric      // one per finished epoch (and the end of the run)
	log        StepLog       // every step's loss and lr (the first MaxStepLog)
	elapsed    time.Duration // training time, evaluation excluded
	evalTime   time.Duration // evaluation time
	skipped    int           // steps skipped for a non-finite value (OnNonFinite skip)
	diverged   int           // the step whose non-finite value stopped the run, or 0
	fp         *dataPrint    // the data's fingerprint, computed by the first checkpoint
	run        string        // the run's identity in its checkpoints

	// Scratch, rebuilt by New.
	stride int // steps per curve point
	idx    []int
	batch  data.Batch
	names  []string    // parameter names, as the optimizer and grads order them
	grads  [][]float32 // gradient views, for clipping and checks
	values [][]float32 // weight views, for the check before anything is saved
	// fillRows as a func value, made at the first mini-batch so that later
	// steps allocate nothing.
	fillFn func(lo, hi int)
}

// Metric is the record of one epoch: the mean training loss over its steps
// (with the weights as they were at each step), and the test loss and
// accuracy after it. The last record of a run stopped by MaxSteps covers a
// partial epoch, and Epoch is then fractional.
type Metric struct {
	Epoch        float64 `json:"epoch"`         // epochs done, counted in steps
	Step         int     `json:"step"`          // optimizer steps done
	TrainLoss    float64 `json:"train_loss"`    // mean over the epoch's examples
	TestLoss     float64 `json:"test_loss"`     // mean cross-entropy on the test set
	TestAccuracy float64 `json:"test_accuracy"` // fraction of the test set, 0–1
	Seconds      float64 `json:"seconds"`       // training time so far, evaluation excluded
	Skipped      int     `json:"skipped"`       // steps skipped so far for a non-finite value
}

// Curve is the training loss against the optimizer step: Loss[i] is the mean
// loss of the steps up to and including Step[i] since the previous point.
type Curve struct {
	Step []int
	Loss []float64
}

// StepLog is the training loss and learning rate of every step: Loss[i]
// and LR[i] are those of step i+1 (the loss of its batch before the
// update, float32). A step skipped for a non-finite value has its bad loss.
// It holds the first MaxStepLog steps of a run.
type StepLog struct {
	Loss []float32
	LR   []float32
}

// StepResult reports one step.
type StepResult struct {
	Step     int     // optimizer steps done, this one included (1 for the first)
	Epoch    int     // epochs completed
	Loss     float64 // training loss of this step's batch, before the update
	LR       float64 // learning rate of this step (group 0)
	Examples int     // examples in the batch
	// EpochEnd is true when this step finished an epoch or the run; Metric
	// is then the epoch's record.
	EpochEnd bool
	Metric   Metric
	// Skipped is set when the step met a NaN or ±Inf under OnNonFinite
	// skip: it says where, and nothing was updated (Loss is the bad loss,
	// or the finite loss of a batch whose gradient was bad).
	Skipped *NonFiniteError
}

// NonFiniteError is clip.NonFiniteError, which a Trainer returns (or
// records in Result.Skipped) for a NaN or ±Inf in the loss, a gradient or
// a weight.
type NonFiniteError = clip.NonFiniteError

// New builds the run cfg describes on the given data: the model from
// cfg.Seed, an optimizer over its named parameters (one optim.Param per
// tensor, one group), the schedule and the sampler. cfg.Subset is applied
// here, and the batch must fit in the (cut) training set.
func New(cfg Config, trainSet, testSet *data.Dataset) (*Trainer, error) {
	if cfg.Method != nil && cfg.Opt == "" {
		cfg.Opt = cfg.Method.String()
	}
	p, err := cfg.parse()
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if trainSet, testSet, err = subset(trainSet, testSet, cfg.Subset); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if trainSet.Dim != testSet.Dim {
		return nil, fmt.Errorf("train: the training examples have %d values each but the test examples %d", trainSet.Dim, testSet.Dim)
	}
	if in := p.model.Sizes[0]; in != trainSet.Dim {
		return nil, fmt.Errorf("train: model %s takes %d inputs but the examples have %d", cfg.Model, in, trainSet.Dim)
	}
	if out, k := p.model.Sizes[len(p.model.Sizes)-1], max(trainSet.Classes, testSet.Classes); out != k {
		return nil, fmt.Errorf("train: model %s has %d outputs but the data has %d classes", cfg.Model, out, k)
	}
	if int(cfg.Batch) > trainSet.N {
		return nil, fmt.Errorf("train: batch %d is larger than the training set (%d examples)", int(cfg.Batch), trainSet.N)
	}
	if b := cfg.Batch.size(trainSet.N); p.model.BatchNorm && (b == 1 || trainSet.N%b == 1) {
		return nil, fmt.Errorf("train: batch %s on %d examples: model %s normalises with each batch's statistics, which needs at least 2 examples in every batch (this one leaves a batch of 1)", cfg.Batch, trainSet.N, cfg.Model)
	}
	t := &Trainer{cfg: cfg, clip: p.clip, trainSet: trainSet, testSet: testSet}
	if t.model, err = nn.New(p.model, cfg.Seed); err != nil {
		return nil, fmt.Errorf("train: model: %w", err)
	}
	views := t.model.Params()
	params := make([]*optim.Param[float32], len(views))
	shapes := make([][]int, len(views))
	for i, v := range views {
		shapes[i] = v.Shape
		params[i] = &optim.Param[float32]{Name: v.Name, Value: v.Value, Grad: v.Grad}
		t.names = append(t.names, v.Name)
		t.grads = append(t.grads, v.Grad)
		t.values = append(t.values, v.Value)
	}
	if err = t.newOptimizer(p.opt, params, shapes); err != nil {
		return nil, fmt.Errorf("train: opt: %w", err)
	}
	// Where nn keeps each layer on one core (its layer pipeline), the
	// optimizer updates each parameter on that core too.
	if parts := t.model.ParamParts(cfg.Batch.size(trainSet.N)); t.opt != nil && parts != nil {
		if err = t.opt.SetParts(parts); err != nil {
			return nil, fmt.Errorf("train: opt: %w", err)
		}
	}
	if p.look != nil {
		if t.opt == nil {
			return nil, fmt.Errorf("train: opt: lookahead wraps an element-wise method, not %s", p.opt.Method())
		}
		if t.look, err = optim.NewLookahead(*p.look, t.opt); err != nil {
			return nil, fmt.Errorf("train: opt: %w", err)
		}
	}
	if err = t.setupEMA(params); err != nil {
		return nil, fmt.Errorf("train: ema: %w", err)
	}
	if t.sampler, err = data.NewSampler(trainSet.N, cfg.Batch.size(trainSet.N), cfg.Seed); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if t.total, err = totalSteps(cfg, t.sampler.StepsPerEpoch()); err != nil {
		return nil, err
	}
	if cfg.Schedule != "" {
		if t.sched, err = schedule.Parse(cfg.Schedule, p.opt.LearningRate(), t.total); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	t.stride = (t.total-1)/MaxCurvePoints + 1 // total ≥ 1; no overflow near MaxInt
	npts := (t.total-1)/t.stride + 2
	t.curve = Curve{Step: make([]int, 0, npts), Loss: make([]float64, 0, npts)}
	// One metric per epoch end the run reaches, and one for a run that
	// stops mid-epoch; the capacity is bounded, append grows past it.
	t.metrics = make([]Metric, 0, min((t.total-1)/t.sampler.StepsPerEpoch()+2, 1024))
	nlog := min(t.total, MaxStepLog)
	t.log = StepLog{Loss: make([]float32, 0, nlog), LR: make([]float32, 0, nlog)}
	t.run = newRunID()
	t.idx = make([]int, 0, t.sampler.BatchSize())
	return t, nil
}

// totalSteps is the run's number of optimizer steps: cfg.Epochs epochs of
// perEpoch steps, or cfg.MaxSteps if fewer. Epochs whose steps an int
// cannot count are refused unless MaxSteps bounds the run.
func totalSteps(cfg Config, perEpoch int) (int, error) {
	if cfg.Epochs > math.MaxInt/perEpoch {
		if cfg.MaxSteps > 0 {
			return cfg.MaxSteps, nil
		}
		return 0, fmt.Errorf("train: epochs %d: %d epochs of %d steps are more steps than can be counted; want at most %d epochs, or a --max-steps limit", cfg.Epochs, cfg.Epochs, perEpoch, math.MaxInt/perEpoch)
	}
	total := cfg.Epochs * perEpoch
	if cfg.MaxSteps > 0 {
		total = min(total, cfg.MaxSteps)
	}
	return total, nil
}

// newRunID returns a fresh run identity: 16 random hex digits.
func newRunID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Step takes one optimizer step: draw the next batch, compute the loss and
// gradients, check them, clip them, update the weights. When the step ends
// an epoch (or the run) it also evaluates on the test set and records a
// Metric. After the first step at the largest batch (and the first
// evaluation) Step allocates nothing.
//
// A NaN or ±Inf loss or gradient leaves the weights and optimizer state
// untouched. With OnNonFinite stop (the default) Step returns a
// *NonFiniteError, the batch drawn but the step not counted; with skip
// the step counts as taken (the schedule moves on, the next step draws the
// next batch), is left out of the epoch's training loss, and
// StepResult.Skipped says why.
func (t *Trainer) Step() (StepResult, error) {
	if t.Done() {
		return StepResult{}, ErrDone
	}
	start := time.Now()
	x, y, fill := t.nextBatch()
	lr, err := t.scheduledLR()
	if err != nil {
		return StepResult{}, err
	}
	loss, bad := t.lossAndGrads(x, y, fill)
	if bad != nil && t.cfg.OnNonFinite != NonFiniteSkip {
		t.diverged = bad.Step
		return StepResult{}, bad
	}
	n := len(y)
	if bad == nil {
		t.optStep(loss, x, y)
		if t.ema != nil {
			t.ema.Update()
		}
		t.epochLoss += float64(loss * float64(n))
		t.epochSeen += n
		t.examples += n
		t.curveSum += loss
		t.curveN++
	} else {
		t.skipped++
	}
	t.step++
	if len(t.log.Loss) < MaxStepLog { // preallocated: no allocation here
		t.log.Loss = append(t.log.Loss, float32(loss))
		t.log.LR = append(t.log.LR, float32(lr))
	}
	t.elapsed += time.Since(start)

	t.closeCurvePoint()
	r := StepResult{Step: t.step, Loss: loss, LR: lr, Examples: n, Skipped: bad}
	epochEnd := t.sampler.Epoch() > t.epochsDone || t.Done()
	if every := t.cfg.CheckpointEvery; epochEnd || every > 0 && t.step%every == 0 {
		if err := t.checkWeights(); err != nil {
			t.diverged = t.step
			return StepResult{}, err
		}
	}
	if epochEnd {
		r.EpochEnd, r.Metric = true, t.endEpoch()
	}
	r.Epoch = t.epochsDone
	return r, nil
}

// nextBatch draws the next batch and returns its inputs and labels, and,
// where they are still to be gathered, the function that gathers rows
// [lo, hi) of them: nn's LossFill calls it on the threads that read those
// rows first, so that each core finds them in its own caches (a batch
// gathered by one core alone made a forward pass split by rows 20–30%
// slower: the other core pulled its rows across), and in the layer
// pipeline micro-batch by micro-batch, while the layers above work on the
// rows before.
func (t *Trainer) nextBatch() (x []float32, y []uint8, fill func(lo, hi int)) {
	t.idx = t.sampler.Next(t.idx)
	x, y = t.trainSet.X, t.trainSet.Y
	// GD draws 0…n−1 in order every step: a float32 set is used as it is,
	// and a set of pixel bytes is converted once, at the first step.
	if n := len(t.idx); n < t.trainSet.N || x == nil {
		switch {
		case n < t.trainSet.N:
			t.trainSet.Reserve(&t.batch, n)
			if t.fillFn == nil {
				t.fillFn = t.fillRows
			}
			fill = t.fillFn
		case t.batch.N != n:
			t.trainSet.Reserve(&t.batch, n)
			t.trainSet.GatherPart(&t.batch, t.idx, 0, n)
		}
		x, y = t.batch.X, t.batch.Y
	}
	return x, y, fill
}

// fillRows gathers rows [lo, hi) of the batch t.idx into t.batch.
func (t *Trainer) fillRows(lo, hi int) { t.trainSet.GatherPart(&t.batch, t.idx, lo, hi) }

// scheduledLR sets the optimizer's rate to the schedule's for this step
// and returns it.
func (t *Trainer) scheduledLR() (float64, error) {
	lr := t.optLR()
	if t.sched != nil {
		// The schedule gives the absolute rate; the trainer's optimizer has
		// one group, which SetAllLR sets to it (storing a number, no
		// allocation: TestStepAllocs runs a cosine schedule). It is set
		// only when it changes.
		if lr = t.sched.LR(t.step); lr != t.optLR() {
			if err := t.setOptLR(lr); err != nil {
				return lr, fmt.Errorf("train: step %d: schedule: %v", t.step+1, err)
			}
		}
	}
	return lr, nil
}

// lossAndGrads computes the loss of the batch and, when it is finite, the
// gradients (clipped as configured); bad says which was not finite.
func (t *Trainer) lossAndGrads(x []float32, y []uint8, fill func(lo, hi int)) (loss float64, bad *NonFiniteError) {
	if fill != nil {
		loss = t.model.LossFill(x, y, fill)
	} else {
		loss = t.model.Loss(x, y)
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		bad = &NonFiniteError{Step: t.step + 1, Value: loss}
	} else {
		t.model.Backward()
		// Without clipping, the gradient tasks checked what they computed
		// (nn.Model.GradsFinite): the same answer as a pass over t.grads.
		ok := t.clip.Kind == "" && t.model.GradsFinite() || t.clip.Kind != "" && t.clip.apply(t.grads)
		if !ok {
			i, j, _ := clip.FirstNonFinite(t.grads)
			bad = &NonFiniteError{Step: t.step + 1, Param: t.names[i], Index: j, Value: float64(t.grads[i][j])}
		}
	}
	return loss, bad
}

// closeCurvePoint ends the curve's current point when it has its stride
// of steps, or at the run's end.
func (t *Trainer) closeCurvePoint() {
	if t.curveN > 0 && (t.curveN == t.stride || t.Done()) {
		t.curve.Step = append(t.curve.Step, t.step)
		t.curve.Loss = append(t.curve.Loss, t.curveSum/float64(t.curveN))
		t.curveSum, t.curveN = 0, 0
	}
}

// checkWeights returns a *NonFiniteError naming the first weight that is
// NaN or ±Inf, or nil.
func (t *Trainer) checkWeights() error {
	if clip.AllFinite(t.values) {
		return nil
	}
	i, j, _ := clip.FirstNonFinite(t.values)
	return &NonFiniteError{Step: t.step, Param: t.names[i], Index: j, Value: float64(t.values[i][j]), Weight: true}
}

// endEpoch evaluates on the test set and records the epoch's Metric.
//
// A run that stops mid-epoch (MaxSteps) records the epoch so far but
// keeps its running sums, so that if the run is extended (a resume with a
// higher MaxSteps) the epoch's TrainLoss still averages all its steps.
func (t *Trainer) endEpoch() Metric {
	start := time.Now()
	whole := t.sampler.Epoch() > t.epochsDone
	var testLoss, acc float64
	t.WithEvalPoint(func() { testLoss, acc = t.model.Evaluate(t.testSet.X, t.testSet.Y) })
	t.evalEMA()
	t.evalTime += time.Since(start)
	epoch := float64(t.sampler.Steps()) / float64(t.sampler.StepsPerEpoch()) // exact at epoch ends
	trainLoss := math.NaN()                                                  // every step of the epoch was skipped
	if t.epochSeen > 0 {
		trainLoss = t.epochLoss / float64(t.epochSeen)
	}
	m := Metric{
		Epoch:        epoch,
		Step:         t.step,
		TrainLoss:    trainLoss,
		TestLoss:     testLoss,
		TestAccuracy: acc,
		Seconds:      t.elapsed.Seconds(),
		Skipped:      t.skipped,
	}
	t.metrics = append(t.metrics, m)
	t.epochsDone = t.sampler.Epoch()
	if whole {
		t.epochLoss, t.epochSeen = 0, 0
	}
	return m
}

// Done reports whether the run has taken all its steps.
func (t *Trainer) Done() bool { return t.step >= t.total }

// Run steps until the run is done, calling cb (if not nil) after every
// step. It stops early, after a complete step, when ctx is cancelled
// (returning ctx's error) or cb returns an error (returned as is).
// With cfg.Threads > 0 it sets GOMAXPROCS for its duration.
func (t *Trainer) Run(ctx context.Context, cb func(*Trainer, StepResult) error) (Summary, error) {
	if t.cfg.Threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(t.cfg.Threads))
	}
	for !t.Done() {
		if err := ctx.Err(); err != nil {
			return t.Summary(), err
		}
		r, err := t.Step()
		if err != nil {
			return t.Summary(), err
		}
		if cb != nil {
			if err := cb(t, r); err != nil {
				return t.Summary(), err
			}
		}
	}
	return t.Summary(), nil
}

// Run loads the data cfg names and trains on it: New, then Trainer.Run.
func Run(ctx context.Context, cfg Config, cb func(*Trainer, StepResult) error) (Summary, *Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return Summary{}, nil, fmt.Errorf("train: %w", err)
	}
	trainSet, testSet, err := LoadData(cfg)
	if err != nil {
		return Summary{}, nil, fmt.Errorf("train: %w", err)
	}
	t, err := New(cfg, trainSet, testSet)
	if err != nil {
		return Summary{}, nil, err
	}
	s, err := t.Run(ctx, cb)
	return s, t, err
}

// Config returns the run's configuration.
func (t *Trainer) Config() Config { return t.cfg }

// Model returns the model being trained.
func (t *Trainer) Model() *nn.Model { return t.model }

// Optimizer returns the optimizer.
// It is nil when the run uses lbfgs, adafactor or sf_adamw, which have
// optimizer types of their own.
func (t *Trainer) Optimizer() *optim.Optimizer[float32] { return t.opt }

// Sampler returns the batch sampler.
func (t *Trainer) Sampler() *data.Sampler { return t.sampler }

// Steps returns the number of optimizer steps taken.
func (t *Trainer) Steps() int { return t.step }

// TotalSteps returns the number of optimizer steps in the whole run.
func (t *Trainer) TotalSteps() int { return t.total }

// Metrics returns the per-epoch records so far. The slice is the Trainer's
// own: do not modify it.
func (t *Trainer) Metrics() []Metric { return t.metrics }

// Curve returns the training loss against the step so far, at most
// MaxCurvePoints points. The slices are the Trainer's own.
func (t *Trainer) Curve() Curve { return t.curve }

// StepLog returns the loss and learning rate of every step so far (the
// first MaxStepLog). The slices are the Trainer's own.
func (t *Trainer) StepLog() StepLog { return t.log }

// Diverged returns the step at which a NaN or ±Inf stopped the run (a
// *NonFiniteError from Step), or 0 if none did.
func (t *Trainer) Diverged() int { return t.diverged }

// Elapsed returns the training time so far, evaluation excluded.
func (t *Trainer) Elapsed() time.Duration { return t.elapsed }

// Skipped returns the number of steps skipped for a non-finite value.
func (t *Trainer) Skipped() int { return t.skipped }
