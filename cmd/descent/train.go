package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/data"
	"github.com/descentlab/descent/internal/atomicfile"
	"github.com/descentlab/descent/internal/runlock"
	"github.com/descentlab/descent/train"
	"github.com/descentlab/descent/train/report"
)

// runFlags are the flags train and compare share: everything in a
// train.Config but the optimizer.
type runFlags struct {
	data, dataDir, model, batch string
	schedule, clip, output      string
	epochs, maxSteps, subset    int
	threads                     int
	seed                        uint64
	overwrite                   bool
	ema                         float64
	smooth                      float64 // the loss chart's moving average (report.Options)
	lang                        string  // the reports' language
}

func (f *runFlags) bind(fl *pflag.FlagSet) {
	fl.StringVar(&f.data, "data", train.DataMNIST, "data set: mnist (a clone's data/mnist, or descent data fetch); for other idx files use --data-dir")
	fl.StringVar(&f.dataDir, "data-dir", "", "read the four MNIST-format idx files (raw or .gz) from `DIR`, e.g. Fashion-MNIST")
	fl.StringVar(&f.model, "model", "mlp:784-100-10", "model `SPEC`, mlp:IN-H1-…-OUT[,act=relu|sigmoid|tanh][,init=torch|he|he-uniform|xavier|xavier-normal|normal:STD][,dropout=P][,bn]")
	fl.StringVar(&f.batch, "batch", "100", "examples per step: `N`, 1 (SGD) or full (GD)")
	fl.IntVar(&f.epochs, "epochs", 5, "passes over the training set")
	fl.Uint64Var(&f.seed, "seed", 1, "seed of the initial weights, batch order and dropout")
	fl.StringVar(&f.schedule, "schedule", "", "learning-rate schedule `SPEC`, e.g. cosine, step:step_size=1000,gamma=0.5, warmup_cosine:warmup=200")
	fl.StringVar(&f.clip, "clip", "", "clip gradients: norm=MAX (global L2 norm) or value=V")
	fl.IntVar(&f.maxSteps, "max-steps", 0, "stop after `N` optimizer steps (0: no limit)")
	fl.IntVar(&f.subset, "subset", 0, "use only the first `N` training and test examples (0: all)")
	fl.Float64Var(&f.ema, "ema", 0, "also keep an exponential moving average of the weights with decay `DECAY` (e.g. 0.999): evaluated each epoch, saved as model_ema.safetensors")
	fl.IntVar(&f.threads, "threads", 0, "threads for the matrix products (0: GOMAXPROCS)")
	fl.StringVarP(&f.output, "output", "o", "", "write the results into `DIR` (created if needed)")
}

// bindReport adds the flags of the reports and charts.
func (f *runFlags) bindReport(fl *pflag.FlagSet) {
	fl.Float64Var(&f.smooth, "smooth", 0, "draw the training loss as an exponential moving average with weight `W` in [0, 1) (e.g. 0.9; 0: every step as it is)")
	fl.StringVar(&f.lang, "lang", "", "language of the reports and charts: en or ja (default $"+langEnv+", else en)")
}

// reportOptions are the report options of the flags, the language from
// --lang, else $DESCENT_LANG, else English (langOf).
func (f *runFlags) reportOptions(cmd *cobra.Command) report.Options {
	if f.lang = langOf(cmd); f.lang == "" {
		f.lang = report.LangEnglish
	}
	return report.Options{Smooth: f.smooth, Lang: f.lang}
}

// config builds the run's config from the flags (opt left to the caller)
// and checks it, so that bad input fails before any data is read.
func (f *runFlags) config(cmd *cobra.Command, opt string) (train.Config, error) {
	cfg := train.Config{
		Data: f.data, Model: f.model, Opt: opt, Epochs: f.epochs, Seed: f.seed,
		Schedule: f.schedule, Clip: f.clip, MaxSteps: f.maxSteps, Subset: f.subset, Threads: f.threads, EMA: f.ema,
	}
	if f.dataDir != "" {
		if cmd.Flags().Changed("data") {
			return cfg, errors.New("--data and --data-dir: give one of them")
		}
		cfg.Data, cfg.DataDir = train.DataDir, f.dataDir
	} else if f.data != train.DataMNIST {
		return cfg, fmt.Errorf("--data %q: unknown data set; want mnist, or --data-dir DIR for other idx files", f.data)
	}
	var err error
	if cfg.Batch, err = train.ParseBatch(f.batch); err != nil {
		return cfg, fmt.Errorf("--%w", err)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, flagError(err)
	}
	if f.output == "" {
		return cfg, errors.New("-o DIR is required: the folder for the results")
	}
	return cfg, nil
}

// flagError names the flag in an error from train.Config.Validate: a
// *train.FieldError, whose Field is the flag's name and whose message
// starts with it. Other errors are returned as they are.
func flagError(err error) error {
	var fe *train.FieldError
	if errors.As(err, &fe) && fe.Field != "data" { // --data's own messages name the flag
		return fmt.Errorf("--%w", err)
	}
	return err
}

// loadData reads the data set cfg names; errors are bad input (exit 2).
func loadData(cfg train.Config) (trainSet, testSet *data.Dataset, err error) {
	trainSet, testSet, err = train.LoadData(cfg)
	if err != nil {
		if cfg.Data == train.DataDir {
			return nil, nil, fmt.Errorf("--data-dir %s: %v", cfg.DataDir, err)
		}
		return nil, nil, err
	}
	return trainSet, testSet, nil
}

func newTrainCmd(e *env) *cobra.Command {
	var (
		f      runFlags
		opt    string
		ck     ckFlags
		resume string
	)
	cmd := &cobra.Command{
		Use:   "train [--data mnist | --data-dir DIR] [--model SPEC] [--opt SPEC] [--batch N|full] [--epochs N] -o DIR | --resume DIR",
		Short: "Train a network on MNIST (or other idx data) with one optimizer",
		Long:  trainLong,
		Example: `  descent train --data mnist --model mlp:784-100-10 --opt adam:lr=0.001 --batch 100 --epochs 5 --seed 1 -o runs/adam
  descent train --opt sgd:lr=0.5 --batch full --epochs 50 -o runs/gd
  descent train --opt sgd:lr=0.1,momentum=0.9 --schedule cosine --clip norm=1 -o runs/sgdm
  descent train --opt adam --checkpoint-every 500 --keep 2 -o runs/long
  descent train --resume runs/long
  descent train --resume runs/long --epochs 10
  descent train --data-dir ~/fashion-mnist --opt adam --subset 10000 --max-steps 500 -o runs/fashion`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var (
				t   *train.Trainer
				rf  *runFolder
				err error
			)
			o := f.reportOptions(cmd)
			if err := o.Check(); err != nil {
				return fmt.Errorf("train: --%v", err)
			}
			if cmd.Flags().Changed("resume") {
				t, rf, err = resumeTrainer(cmd, &f, opt, ck, resume)
			} else {
				t, rf, err = newTrainer(cmd, &f, opt, ck)
			}
			if err != nil {
				return err
			}
			defer rf.done()
			return trainAndSave(cmd.Context(), e, t, rf.dir, o)
		},
	}
	f.bind(cmd.Flags())
	f.bindReport(cmd.Flags())
	cmd.Flags().StringVar(&opt, "opt", "adam:lr=0.001", "optimizer `SPEC`, NAME[:key=value,...] as in descent trace")
	cmd.Flags().IntVar(&ck.every, "checkpoint-every", 0, "write a checkpoint every `N` steps (0: only at the end and when interrupted)")
	cmd.Flags().IntVar(&ck.keep, "keep", 3, "keep the newest `K` checkpoints (0: all)")
	cmd.Flags().StringVar(&ck.onNonFinite, "on-nonfinite", train.NonFiniteStop, "on a NaN or infinite loss or gradient: stop (the run, exit 1) or skip (the step)")
	cmd.Flags().StringVar(&resume, "resume", "", "continue the run in `DIR` from its newest checkpoint")
	cmd.Flags().BoolVar(&f.overwrite, "overwrite", false, "replace the results (and checkpoints) a run left in -o DIR")
	return cmd
}

// trainLong is train's help text.
const trainLong = `train trains a multilayer perceptron with one optimizer and writes into DIR:
  metrics.csv        one row per epoch: epoch,step,train_loss,test_loss,
                     test_accuracy,seconds (and skipped with --on-nonfinite skip)
  summary.json       test_accuracy (0–1), test_loss, seconds, examples_per_second,
                     parameters, … and config, everything needed to repeat the run
  steps.csv          one row per step: step,train_loss,lr (and smoothed_loss
                     with --smooth W, the values loss.png draws)
  loss.png           training loss against the step, test loss at each epoch's end
  accuracy.png       test accuracy against the epoch
  report.md, report.html  the run's setup, results and charts (--lang ja: in
                     Japanese, charts included)
  model.safetensors  the final weights (fc1.weight [out in], fc1.bias, …, F32;
                     with bn also bn1.weight, bn1.bias and the running
                     statistics bn1.running_mean, bn1.running_var),
                     readable by Python's safetensors
  model_ema.safetensors  with --ema DECAY: the moving average of the weights
  checkpoints/       step-NNNNNNNN/ folders: weights, optimizer state and a
                     manifest, every --checkpoint-every steps and at the end;
                     the newest --keep are kept
Each file is written atomically, and a checkpoint appears whole or not at
all, so a crash at any moment loses at most the steps since the last one.
DIR has one owner: while a run writes there (fresh or resumed) another
train or compare into it exits 2 naming its PID; the lock dies with the
process. A DIR that holds results is refused; --overwrite replaces them.
--batch full is gradient descent (every example every step), --batch 1 is
SGD, anything between is mini-batch SGD, shuffled per epoch from --seed.
The same flags give the same numbers.

--resume DIR continues the run in DIR from its newest checkpoint, with the
config recorded there, and gives the same weights and metrics (all but
seconds) as the run never stopped. With --resume only --epochs and
--max-steps (to extend the run), --checkpoint-every, --keep,
--on-nonfinite and --data-dir (if the data moved; they must be the same
data) may be given. A damaged checkpoint is an error (exit 2) and
nothing is written; remove its folder to resume from the one before.

A progress bar (epoch, step, loss, examples/s) goes to stderr when it is a
terminal; one line per epoch goes to stdout. A NaN or infinite loss or
gradient never reaches the weights: by default it stops the run with an
error naming the step and the parameter (exit 1), the last checkpoint
kept; --on-nonfinite skip skips such steps instead and counts them.
Ctrl-C (SIGINT) or SIGTERM stops after the current step, writes a
checkpoint and the results so far, and exits 130 or 143; a second one
stops at once.`

// ckFlags are train's flags on checkpoints and non-finite values.
type ckFlags struct {
	every, keep int
	onNonFinite string
}

// testStepHook, when set (by the tests only), runs after every step of
// descent train, so that a test can slow a run down enough to kill it at
// chosen points.
var testStepHook func(step int)

// newTrainer builds a fresh run from the flags. It owns -o (see claim)
// before it loads any data.
func newTrainer(cmd *cobra.Command, f *runFlags, opt string, ck ckFlags) (*train.Trainer, *runFolder, error) {
	cfg, err := f.config(cmd, opt)
	if err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	cfg.OnNonFinite, cfg.CheckpointEvery, cfg.Keep = ck.onNonFinite, ck.every, ck.keep
	if err := cfg.Validate(); err != nil {
		return nil, nil, fmt.Errorf("train: %w", flagError(err))
	}
	rf, err := claim("train", f.output, f.overwrite)
	if err != nil {
		return nil, nil, err
	}
	trainSet, testSet, err := loadData(cfg)
	if err != nil {
		rf.abandon()
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	t, err := train.New(cfg, trainSet, testSet)
	if err != nil {
		rf.abandon()
		return nil, nil, err
	}
	if err := rf.clear(); err != nil {
		rf.done()
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	return t, rf, nil
}

// resumeTrainer restores the run in dir from its newest checkpoint. The
// flags given may only extend the recorded config; everything is checked
// before anything is written, and the folder is locked first.
func resumeTrainer(cmd *cobra.Command, f *runFlags, opt string, ck ckFlags, dir string) (t *train.Trainer, rf *runFolder, err error) {
	fail := func(format string, a ...any) (*train.Trainer, *runFolder, error) {
		return nil, nil, fmt.Errorf("train: --resume %s: %w", dir, fmt.Errorf(format, a...))
	}
	if err := checkResumeFlags(cmd, f, dir); err != nil {
		return fail("%w", err)
	}
	l, err := runlock.Acquire(dir)
	if err != nil {
		return fail("%w", err)
	}
	defer func() {
		if err != nil {
			l.Release()
		}
	}()
	rf = &runFolder{dir: dir, lock: l}
	sweepTemps(dir)
	c, latest, err := latestCheckpoint(filepath.Join(dir, "checkpoints"))
	if err != nil {
		return fail("%w", err)
	}
	rec, err := train.CheckpointConfig(c)
	if err != nil {
		return fail("%w", err)
	}
	cfg, err := resumedConfig(cmd, f, opt, ck, rec)
	if err != nil {
		return fail("--%w", err)
	}
	if err := cfg.Validate(); err != nil {
		return fail("%w", flagError(err))
	}
	trainSet, testSet, err := loadData(cfg)
	if err != nil {
		return fail("%w", err)
	}
	t, err = train.Restore(cfg, c, trainSet, testSet)
	if err != nil {
		return fail("%s: %v", latest, err)
	}
	return t, rf, nil
}

// checkResumeFlags refuses the flags a resumed run cannot take and a run
// folder that is not there.
func checkResumeFlags(cmd *cobra.Command, f *runFlags, dir string) error {
	if dir == "" {
		return errors.New("want the folder of a run")
	}
	if fl := cmd.Flags(); fl.Changed("output") && filepath.Clean(f.output) != filepath.Clean(dir) {
		return errors.New("the run continues in its own folder; leave out -o")
	}
	if cmd.Flags().Changed("overwrite") {
		return errors.New("--overwrite starts a new run; a resumed run continues its own")
	}
	if _, serr := os.Stat(dir); serr != nil {
		return fmt.Errorf("%v", unwrapPathErr(serr))
	}
	return nil
}

// latestCheckpoint loads the newest checkpoint under root, checked against
// the run's others, and returns it with its folder.
func latestCheckpoint(root string) (*checkpoint.Checkpoint, string, error) {
	latest, err := checkpoint.Latest(root)
	if errors.Is(err, checkpoint.ErrNone) {
		return nil, "", fmt.Errorf("no checkpoint in %s to resume from", root)
	}
	if err != nil {
		return nil, "", err
	}
	c, err := checkpoint.Load(latest.Dir)
	if err == nil {
		err = checkpoint.CheckRun(root, c, latest.Dir)
	}
	if err != nil {
		if all, _ := checkpoint.List(root); len(all) > 1 {
			return nil, "", fmt.Errorf("%v (remove that folder to resume from %s)", err, all[len(all)-2].Dir)
		}
		return nil, "", err
	}
	return c, latest.Dir, nil
}

// resumedConfig is the recorded config rec changed by the flags given,
// which may only extend it. Its errors start with the flag's name, without
// the dashes.
func resumedConfig(cmd *cobra.Command, f *runFlags, opt string, ck ckFlags, rec train.Config) (train.Config, error) {
	cfg := rec
	fl := cmd.Flags()
	for _, step := range []struct {
		name  string
		apply func() error
	}{
		{"epochs", func() error { cfg.Epochs = f.epochs; return nil }},
		{"max-steps", func() error { cfg.MaxSteps = f.maxSteps; return nil }},
		{"checkpoint-every", func() error { cfg.CheckpointEvery = ck.every; return nil }},
		{"keep", func() error { cfg.Keep = ck.keep; return nil }},
		{"on-nonfinite", func() error { cfg.OnNonFinite = ck.onNonFinite; return nil }},
		{"model", func() error { cfg.Model = f.model; return nil }},
		{"opt", func() error { cfg.Opt = opt; return nil }},
		{"seed", func() error { cfg.Seed = f.seed; return nil }},
		{"schedule", func() error { cfg.Schedule = f.schedule; return nil }},
		{"clip", func() error { cfg.Clip = f.clip; return nil }},
		{"subset", func() error { cfg.Subset = f.subset; return nil }},
		{"threads", func() error { cfg.Threads = f.threads; return nil }},
		{"ema", func() error { cfg.EMA = f.ema; return nil }},
		{"data", func() error { cfg.Data, cfg.DataDir = f.data, ""; return nil }},
		{"data-dir", func() error { cfg.Data, cfg.DataDir = train.DataDir, f.dataDir; return nil }},
		{"batch", func() (err error) {
			cfg.Batch, err = train.ParseBatch(f.batch)
			return err
		}},
	} {
		if !fl.Changed(step.name) {
			continue
		}
		if err := step.apply(); err != nil {
			return cfg, err
		}
	}
	return cfg, cfg.Extends(rec)
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// trainAndSave runs t to its end in out, writing checkpoints as its config
// says, and then the results. SIGINT and SIGTERM stop the run after the
// current step with a checkpoint (exit 130 or 143).
func trainAndSave(parent context.Context, e *env, t *train.Trainer, out string, o report.Options) error {
	cfg := t.Config()
	root := filepath.Join(out, "checkpoints")
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	var got atomic.Value // the signal that stopped the run
	go func() {
		select {
		case s := <-sigs:
			got.Store(s)
			signal.Stop(sigs) // a second signal acts as usual: stop at once
			cancel()
		case <-ctx.Done():
		}
	}()
	save := func() (string, error) {
		c, err := t.Checkpoint()
		if err != nil {
			return "", err
		}
		return checkpoint.Save(root, c, cfg.Keep)
	}
	warned := false
	_, runErr := runWithProgress(ctx, e, t, "", func(t *train.Trainer, r train.StepResult) error {
		if r.Skipped != nil && !warned {
			fmt.Fprintf(e.stderr, "descent: warning: %v: step skipped (--on-nonfinite skip); later skips are counted in metrics.csv\n", strings.TrimPrefix(r.Skipped.Error(), "train: "))
			warned = true
		}
		if cfg.CheckpointEvery > 0 && r.Step%cfg.CheckpointEvery == 0 && !t.Done() {
			if _, err := save(); err != nil {
				return fmt.Errorf("train: %w", err)
			}
		}
		if testStepHook != nil {
			testStepHook(r.Step)
		}
		return nil
	})
	var nf *train.NonFiniteError
	if errors.As(runErr, &nf) {
		return nonFiniteExit(runErr, nf, root, out)
	}
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return runErr
	}
	ckDir, err := save()
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := writeResults(e, t, out, o); err != nil {
		return err
	}
	if runErr != nil {
		code, name := 130, "SIGINT"
		if s, _ := got.Load().(os.Signal); s == syscall.SIGTERM {
			code, name = 143, "SIGTERM"
		}
		return &exitError{code, fmt.Errorf("train: %s: stopped after step %d of %d; checkpoint %s written; continue with: descent train --resume %s", name, t.Steps(), t.TotalSteps(), ckDir, out)}
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", strings.Join([]string{
		filepath.Join(out, "metrics.csv"), filepath.Join(out, "steps.csv"), filepath.Join(out, "summary.json"),
		filepath.Join(out, "report.html"), filepath.Join(out, "model.safetensors"), ckDir}, ", "))
	return nil
}

// nonFiniteExit is the error (exit 1) of a run stopped by a non-finite
// value, saying where the last good checkpoint is and what would help.
func nonFiniteExit(runErr error, nf *train.NonFiniteError, root, out string) error {
	where := "no checkpoint was written yet (--checkpoint-every N writes them)"
	if last, err := checkpoint.Latest(root); err == nil {
		where = fmt.Sprintf("the last good checkpoint is %s; descent train --resume %s --on-nonfinite skip skips such steps", last.Dir, out)
		if nf.Weight {
			// Skipping steps cannot mend weights an update has already
			// broken, and a resumed run keeps its learning rate.
			where = fmt.Sprintf("nothing with it was saved; the last good checkpoint is %s, but only a new run with a lower learning rate avoids this", last.Dir)
		}
	} else if nf.Weight {
		where = "nothing with it was saved"
	}
	return &exitError{1, fmt.Errorf("%v; %s", runErr, where)}
}

// writeResults writes the run's metrics, report and charts, its final
// weights and their moving average (with --ema) into out.
func writeResults(e *env, t *train.Trainer, out string, o report.Options) error {
	warnStepLog(e, t, "")
	if err := writeRun(out, report.FromTrainer(t.Config().Opt, t), o); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	var modelErr error
	t.WithEvalPoint(func() { modelErr = writeModel(filepath.Join(out, "model.safetensors"), t) })
	if modelErr != nil {
		return fmt.Errorf("train: %v", modelErr)
	}
	var emaErr error
	if t.WithEMAWeights(func() { emaErr = writeModel(filepath.Join(out, "model_ema.safetensors"), t) }); emaErr != nil {
		return fmt.Errorf("train: %v", emaErr)
	}
	return nil
}

// warnStepLog warns when a run took more steps than its step log keeps
// (train.MaxStepLog): steps.csv and the loss chart stop there.
func warnStepLog(e *env, t *train.Trainer, label string) {
	if t.Steps() > train.MaxStepLog {
		if label != "" {
			label += ": "
		}
		fmt.Fprintf(e.stderr, "descent: warning: %s%d steps: steps.csv and the loss chart hold the first %d\n", label, t.Steps(), train.MaxStepLog)
	}
}

// writeModel writes the model's weights as safetensors, with the model
// spec and step in the metadata.
func writeModel(path string, t *train.Trainer) error {
	meta := map[string]string{"format": "pt", "descent.model": t.Model().Spec().String(), "descent.step": strconv.Itoa(t.Steps())}
	return atomicfile.WriteFunc(path, func(w io.Writer) error {
		return checkpoint.WriteWeights(w, train.ModelTensors(t.Model()), meta)
	})
}

// writeRun writes metrics.csv, steps.csv, summary.json, loss.png,
// accuracy.png, report.md and report.html into dir.
func writeRun(dir string, r report.Run, o report.Options) error {
	if err := atomicfile.WriteFunc(filepath.Join(dir, "metrics.csv"), func(w io.Writer) error {
		if r.Summary.Config.OnNonFinite == train.NonFiniteSkip {
			return train.WriteCSVSkipped(w, r.Metrics)
		}
		return train.WriteCSV(w, r.Metrics)
	}); err != nil {
		return err
	}
	if err := atomicfile.WriteFunc(filepath.Join(dir, "summary.json"), func(w io.Writer) error {
		return report.WriteSummary(w, r.Summary)
	}); err != nil {
		return err
	}
	if err := atomicfile.WriteFunc(filepath.Join(dir, "steps.csv"), func(w io.Writer) error {
		return report.WriteStepsCSV(w, []report.Run{r}, false, o.Smooth)
	}); err != nil {
		return err
	}
	return report.WriteCharts(dir, "descent train", []report.Run{r}, o)
}

// runWithProgress runs t to the end, printing a line per epoch to stdout
// and, when stderr is a terminal, a progress bar there. label prefixes the
// lines (compare's optimizer). after, if given, runs after each step, and
// an error from it stops the run.
func runWithProgress(ctx context.Context, e *env, t *train.Trainer, label string, after ...func(*train.Trainer, train.StepResult) error) (train.Summary, error) {
	var bar *progressbar.ProgressBar
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar = progressbar.NewOptions(t.TotalSteps(),
			progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(20),
			progressbar.OptionClearOnFinish(),
		)
		defer bar.Finish()
	}
	prefix := ""
	if label != "" {
		prefix = label + "  "
	}
	epochs := t.Config().Epochs
	var last time.Time
	examples, lastExamples := 0, 0
	lastTime := t.Elapsed()
	rate := 0.0
	return t.Run(ctx, func(t *train.Trainer, r train.StepResult) error {
		for _, f := range after {
			if err := f(t, r); err != nil {
				return err
			}
		}
		examples += r.Examples
		if r.EpochEnd {
			m := r.Metric
			line := fmt.Sprintf("%sepoch %-5.4g step %-7d train_loss %.4f  test_loss %.4f  test_accuracy %.4f  %.1fs\n",
				prefix, m.Epoch, m.Step, m.TrainLoss, m.TestLoss, m.TestAccuracy, m.Seconds)
			if bar != nil {
				bar.Clear()
			}
			io.WriteString(e.stdout, line)
		}
		if bar == nil {
			return nil
		}
		if now := time.Now(); now.Sub(last) >= 100*time.Millisecond || r.Step == t.TotalSteps() {
			if d := (t.Elapsed() - lastTime).Seconds(); d > 0 {
				rate = float64(examples-lastExamples) / d
			}
			bar.Describe(fmt.Sprintf("%sepoch %d/%d  loss %.4f  %.0f ex/s", prefix, min(r.Epoch+1, epochs), epochs, r.Loss, rate))
			bar.Set(r.Step)
			last, lastExamples, lastTime = now, examples, t.Elapsed()
		}
		return nil
	})
}
