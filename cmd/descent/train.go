package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/descentlab/descent/data"
	"github.com/descentlab/descent/internal/atomicfile"
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
}

func (f *runFlags) bind(fl *pflag.FlagSet) {
	fl.StringVar(&f.data, "data", train.DataMNIST, "data set: mnist (embedded); for other idx files use --data-dir")
	fl.StringVar(&f.dataDir, "data-dir", "", "read the four MNIST-format idx files (raw or .gz) from `DIR`, e.g. Fashion-MNIST")
	fl.StringVar(&f.model, "model", "mlp:784-100-10", "model `SPEC`, mlp:IN-H1-…-OUT[,act=relu|sigmoid|tanh][,init=torch|he|he-uniform|xavier|xavier-normal][,dropout=P]")
	fl.StringVar(&f.batch, "batch", "100", "examples per step: `N`, 1 (SGD) or full (GD)")
	fl.IntVar(&f.epochs, "epochs", 5, "passes over the training set")
	fl.Uint64Var(&f.seed, "seed", 1, "seed of the initial weights, batch order and dropout")
	fl.StringVar(&f.schedule, "schedule", "", "learning-rate schedule `SPEC`, e.g. cosine, step:step_size=1000,gamma=0.5, warmup_cosine:warmup=200")
	fl.StringVar(&f.clip, "clip", "", "clip gradients: norm=MAX (global L2 norm) or value=V")
	fl.IntVar(&f.maxSteps, "max-steps", 0, "stop after `N` optimizer steps (0: no limit)")
	fl.IntVar(&f.subset, "subset", 0, "use only the first `N` training and test examples (0: all)")
	fl.IntVar(&f.threads, "threads", 0, "threads for the matrix products (0: GOMAXPROCS)")
	fl.StringVarP(&f.output, "output", "o", "", "write the results into `DIR` (created if needed)")
}

// config builds the run's config from the flags (opt left to the caller)
// and checks it, so that bad input fails before any data is read.
func (f *runFlags) config(cmd *cobra.Command, opt string) (train.Config, error) {
	cfg := train.Config{
		Data: f.data, Model: f.model, Opt: opt, Epochs: f.epochs, Seed: f.seed,
		Schedule: f.schedule, Clip: f.clip, MaxSteps: f.maxSteps, Subset: f.subset, Threads: f.threads,
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
		return cfg, fmt.Errorf("--%v", err)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, flagError(err)
	}
	if f.output == "" {
		return cfg, errors.New("-o DIR is required: the folder for the results")
	}
	return cfg, nil
}

// flagError names the flag in an error from train.Config.Validate, whose
// messages start with the field's name.
func flagError(err error) error {
	msg := err.Error()
	for _, f := range []string{"model", "opt", "epochs", "max-steps", "subset", "threads", "clip", "batch"} {
		if strings.HasPrefix(msg, f) {
			return fmt.Errorf("--%s", msg)
		}
	}
	if strings.HasPrefix(msg, "schedule") {
		return fmt.Errorf("--%s", msg)
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
		f   runFlags
		opt string
	)
	cmd := &cobra.Command{
		Use:   "train [--data mnist | --data-dir DIR] [--model SPEC] [--opt SPEC] [--batch N|full] [--epochs N] -o DIR",
		Short: "Train a network on MNIST (or other idx data) with one optimizer",
		Long: `train trains a multilayer perceptron with one optimizer and writes into DIR:
  metrics.csv   one row per epoch: epoch,step,train_loss,test_loss,test_accuracy,seconds
  summary.json  test_accuracy (0–1), test_loss, seconds, examples_per_second,
                parameters, … and config, everything needed to repeat the run
  loss.png      training loss against the step, test loss at each epoch's end
Each file is written atomically. --batch full is gradient descent (every
example every step), --batch 1 is SGD, anything between is mini-batch SGD,
shuffled per epoch from --seed. The same flags give the same numbers.

A progress bar (epoch, step, loss, examples/s) goes to stderr when it is a
terminal; one line per epoch goes to stdout. A NaN or infinite loss or
gradient stops the run with an error naming the step and the parameter
(exit 1). Ctrl-C stops after the current step and writes what was done
(exit 130).`,
		Example: `  descent train --data mnist --model mlp:784-100-10 --opt adam:lr=0.001 --batch 100 --epochs 5 --seed 1 -o runs/adam
  descent train --opt sgd:lr=0.5 --batch full --epochs 50 -o runs/gd
  descent train --opt sgd:lr=0.1,momentum=0.9 --schedule cosine --clip norm=1 -o runs/sgdm
  descent train --data-dir ~/fashion-mnist --opt adam --subset 10000 --max-steps 500 -o runs/fashion`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.config(cmd, opt)
			if err != nil {
				return fmt.Errorf("train: %v", err)
			}
			trainSet, testSet, err := loadData(cfg)
			if err != nil {
				return fmt.Errorf("train: %v", err)
			}
			t, err := train.New(cfg, trainSet, testSet)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(f.output, 0o755); err != nil {
				return fmt.Errorf("train: -o: %v", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			_, runErr := runWithProgress(ctx, e, t, "")
			var nf *train.NonFiniteError
			if errors.As(runErr, &nf) {
				return &exitError{1, runErr}
			}
			if runErr != nil && !errors.Is(runErr, context.Canceled) {
				return runErr
			}
			if err := writeRun(f.output, report.FromTrainer(cfg.Opt, t)); err != nil {
				return fmt.Errorf("train: %v", err)
			}
			if runErr != nil {
				return &exitError{130, fmt.Errorf("train: interrupted after step %d of %d; partial results in %s", t.Steps(), t.TotalSteps(), f.output)}
			}
			fmt.Fprintf(e.stdout, "wrote %s\n", strings.Join([]string{
				filepath.Join(f.output, "metrics.csv"), filepath.Join(f.output, "summary.json"), filepath.Join(f.output, "loss.png")}, ", "))
			return nil
		},
	}
	f.bind(cmd.Flags())
	cmd.Flags().StringVar(&opt, "opt", "adam:lr=0.001", "optimizer `SPEC`, NAME[:key=value,...] as in descent trace")
	return cmd
}

// writeRun writes metrics.csv, summary.json and loss.png into dir.
func writeRun(dir string, r report.Run) error {
	if err := atomicfile.WriteFunc(filepath.Join(dir, "metrics.csv"), func(w io.Writer) error {
		return train.WriteCSV(w, r.Metrics)
	}); err != nil {
		return err
	}
	if err := atomicfile.WriteFunc(filepath.Join(dir, "summary.json"), func(w io.Writer) error {
		return report.WriteSummary(w, r.Summary)
	}); err != nil {
		return err
	}
	return atomicfile.WriteFunc(filepath.Join(dir, "loss.png"), func(w io.Writer) error {
		return report.LossChart(w, []report.Run{r})
	})
}

// runWithProgress runs t to the end, printing a line per epoch to stdout
// and, when stderr is a terminal, a progress bar there. label prefixes the
// lines (compare's optimizer).
func runWithProgress(ctx context.Context, e *env, t *train.Trainer, label string) (train.Summary, error) {
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
		examples += r.Examples
		if r.EpochEnd {
			m := r.Metric
			line := fmt.Sprintf("%sepoch %-5g step %-7d train_loss %.4f  test_loss %.4f  test_accuracy %.4f  %.1fs\n",
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

// pngBytes renders a chart into memory.
func pngBytes(draw func(io.Writer) error) ([]byte, error) {
	var b bytes.Buffer
	err := draw(&b)
	return b.Bytes(), err
}
