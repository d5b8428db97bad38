package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/descentlab/descent/train"
	"github.com/descentlab/descent/train/report"
)

func newCompareCmd(e *env) *cobra.Command {
	var (
		f    runFlags
		opts []string
		runs []string
	)
	cmd := &cobra.Command{
		Use:   "compare (--opt SPEC [--opt SPEC ...] | --run NAME=FLAGS [--run NAME=FLAGS ...]) [--data mnist | --data-dir DIR] [--model SPEC] [--batch N|full] [--epochs N] -o DIR",
		Short: "Train the same network with several optimizers (or any variants) and report side by side",
		Long:  compareLong,
		Example: `  descent compare --data mnist --model mlp:784-100-10 --opt sgd:lr=0.1 --opt momentum:lr=0.01 --opt adagrad:lr=0.01 --opt rmsprop:lr=0.001 --opt adam:lr=0.001 --epochs 5 -o runs/cmp
  descent compare --subset 10000 --epochs 3 --opt sgd:lr=0.1 --opt adam -o runs/quick
  descent compare --model mlp:784-100-100-100-100-10,init=he --batch 128 --max-steps 2000 --smooth 0.9 --opt sgd:lr=0.01 --opt momentum:lr=0.01 --opt adagrad:lr=0.01 --opt adam:lr=0.001 -o runs/fig6-9
  descent compare --opt sgd:lr=0.01 --batch 128 --max-steps 2000 --smooth 0.9 --run "std=0.01=--model mlp:784-100-100-100-100-10,init=normal:0.01" --run "Xavier=--model mlp:784-100-100-100-100-10,init=xavier-normal" --run "He=--model mlp:784-100-100-100-100-10,init=he" -o runs/init
  descent compare --subset 1000 --epochs 20 --opt sgd:lr=0.01 --run "plain=--model mlp:784-100-100-100-100-100-10" --run "bn=--model mlp:784-100-100-100-100-100-10,bn" -o runs/bn`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCompare(e, cmd, &f, opts, runs)
		},
	}
	f.bind(cmd.Flags())
	f.bindReport(cmd.Flags())
	cmd.Flags().StringArrayVar(&opts, "opt", nil, "optimizer `SPEC`, NAME[:key=value,...]; repeat to compare (with --run: the optimizer of every run that gives none)")
	cmd.Flags().StringArrayVar(&runs, "run", nil, "a named variant, `NAME=FLAGS` (e.g. \"he=--model mlp:784-100-10,init=he --opt adam\"); repeat to compare")
	cmd.Flags().BoolVar(&f.overwrite, "overwrite", false, "replace the results (and checkpoints) a run left in -o DIR")
	countSets(cmd.Flags(), "opt", "run")
	return cmd
}

// runCompare checks the flags, trains every variant and writes the report.
func runCompare(e *env, cmd *cobra.Command, f *runFlags, opts, runs []string) error {
	if err := onceOnly(cmd, "compare"); err != nil {
		return err
	}
	o := f.reportOptions(cmd)
	if err := o.Check(); err != nil {
		return fmt.Errorf("compare: --%v", err)
	}
	vs, err := variants(cmd, f, opts, runs)
	if err != nil {
		return fmt.Errorf("compare: %v", err)
	}
	rf, err := claim("compare", f.output, f.overwrite)
	if err != nil {
		return err
	}
	trainSet, testSet, err := loadData(vs[0].cfg)
	if err != nil {
		rf.abandon()
		return fmt.Errorf("compare: %v", err)
	}
	trainers := make([]*train.Trainer, len(vs))
	for i, v := range vs {
		if trainers[i], err = train.New(v.cfg, trainSet, testSet); err != nil {
			rf.abandon()
			return fmt.Errorf("compare: %s: %v", v.what(), err)
		}
	}
	defer rf.done()
	if err := rf.clear(); err != nil {
		return fmt.Errorf("compare: %v", err)
	}
	if testCompareHook != nil {
		testCompareHook(trainers)
	}
	in := catchInterrupt(cmd.Context())
	defer in.stop()
	done, err := trainAll(e, in, trainers, vs, f.output, o)
	if err != nil {
		return err
	}
	if err := report.WriteDirOptions(f.output, "descent compare", done, o); err != nil {
		return fmt.Errorf("compare: %v", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", filepath.Join(f.output, "report.html"))
	return nil
}

// trainAll trains the variants one after the other and returns their
// results. A run that diverged is a result; an interrupt writes the report
// of the runs so far into dir and stops.
func trainAll(e *env, in *interrupt, trainers []*train.Trainer, vs []variant, dir string, o report.Options) ([]report.Run, error) {
	ctx := in.ctx
	done := make([]report.Run, 0, len(vs))
	for i, t := range trainers {
		v := vs[i]
		_, err := runWithProgress(ctx, e, t, v.name)
		warnStepLog(e, t, v.name)
		r := report.FromTrainer(v.name, t)
		if v.named {
			r.Flags, r.Summary.Name = v.flags, v.name
		}
		var nf *train.NonFiniteError
		switch {
		case errors.As(err, &nf):
			// A diverging run is a result, not a failure of the comparison.
			fmt.Fprintf(e.stderr, "descent: warning: %s: %v\n", v.name, err)
		case err != nil && ctx.Err() != nil:
			done = append(done, r)
			if werr := report.WriteDirOptions(dir, "descent compare", done, o); werr != nil {
				return nil, fmt.Errorf("compare: %v", werr)
			}
			return nil, in.stopped("compare: interrupted during %s; partial report in %s", v.name, dir)
		case err != nil:
			return nil, fmt.Errorf("compare: %s: %v", v.what(), err)
		}
		done = append(done, r)
	}
	return done, nil
}

// compareLong is compare's help text.
const compareLong = `compare trains the model once per --opt, each from the same seed, so every
optimizer starts from the same weights and sees the same batches in the same
order.

--run NAME=FLAGS runs named variants instead, each with the flags outside
--run changed by its own FLAGS: --opt, --model (layers, act, init, dropout,
bn), --batch, --epochs, --max-steps, --schedule, --clip and --ema. Weight
decay is the optimizer's weight_decay. Every variant sees the same data in
the same order (the data, --subset and --seed are shared), and variants
whose models have the same layers and init start from the same weights
(dropout and bn draw nothing from the weights' generator). A single-valued
flag given twice outside --run (a second --model, say) is an error: name
the variants with --run instead.

It writes into DIR:
  report.md     the setup, a table of results with a row per run (final test
                accuracy, test loss, training loss, steps and epochs, time;
                "diverged at step N" for a run that diverged), what each run
                trained, and the charts
  report.html   the same as one static page (charts embedded, no external assets)
  loss.png      training loss against the step (test loss dashed), overlaid;
                --smooth W draws the training loss as a moving average
  accuracy.png  test accuracy against the epoch, overlaid
  metrics.csv   every run's per-epoch rows: run,epoch,step,train_loss,
                test_loss,test_accuracy,seconds
  steps.csv     every run's steps: run,step,train_loss,lr (and
                smoothed_loss with --smooth)
  summary.json  every run's summary (as descent train writes it, with the
                run's name for --run)
--lang ja writes the reports and charts in Japanese.
A DIR that holds results (of compare or train) is refused; --overwrite
replaces them. While it runs, compare owns DIR as train does.
The other flags are those of descent train.`

// testCompareHook, when set (by the tests only), sees compare's trainers
// before their first step.
var testCompareHook func([]*train.Trainer)

// variant is one run of a comparison: its name, the flags that make it
// (for --run), and its config.
type variant struct {
	name, flags string
	named       bool // a --run
	cfg         train.Config
}

// what names the variant in an error: --opt SPEC or --run NAME.
func (v variant) what() string {
	if !v.named {
		return "--opt " + v.name
	}
	return "--run " + v.name
}

// variantFlags are the flags a --run may change; the others (the data,
// its subset and order, the output) every run of a comparison shares.
var variantFlags = []string{"opt", "model", "batch", "epochs", "max-steps", "schedule", "clip", "ema"}

// variants builds the comparison's runs: one per --opt, or one per --run,
// each the flags outside --run changed by its own.
func variants(cmd *cobra.Command, f *runFlags, opts, runs []string) ([]variant, error) {
	if len(runs) == 0 {
		if len(opts) == 0 {
			return nil, errors.New("at least one --opt SPEC (e.g. --opt sgd:lr=0.1 --opt adam) or --run NAME=FLAGS is required")
		}
		vs := make([]variant, len(opts))
		for i, o := range opts {
			cfg, err := f.config(cmd, o)
			if err != nil {
				return nil, err
			}
			vs[i] = variant{name: o, cfg: cfg}
		}
		return vs, nil
	}
	base := "adam:lr=0.001" // train's default
	switch len(opts) {
	case 0:
	case 1:
		base = opts[0]
	default:
		return nil, fmt.Errorf("--opt given %d times with --run: give each run's optimizer inside its --run (one --opt outside is every run's default)", len(opts))
	}
	vs := make([]variant, 0, len(runs))
	for _, r := range runs {
		name, flags, ok := cutRun(r)
		if !ok || name == "" || strings.ContainsAny(name, " \t\n") {
			return nil, fmt.Errorf("--run %q: want NAME=FLAGS, a name without spaces, e.g. --run \"he=--model mlp:784-100-10,init=he\"", r)
		}
		if slices.ContainsFunc(vs, func(v variant) bool { return v.name == name }) {
			return nil, fmt.Errorf("--run %s: the name is given twice; each run needs its own", name)
		}
		args, err := splitArgs(flags)
		if err != nil {
			return nil, fmt.Errorf("--run %s: %v", name, err)
		}
		vf, opt := *f, base
		fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
		fs.SetOutput(discard{})
		fs.StringVar(&opt, "opt", opt, "")
		fs.StringVar(&vf.model, "model", vf.model, "")
		fs.StringVar(&vf.batch, "batch", vf.batch, "")
		fs.IntVar(&vf.epochs, "epochs", vf.epochs, "")
		fs.IntVar(&vf.maxSteps, "max-steps", vf.maxSteps, "")
		fs.StringVar(&vf.schedule, "schedule", vf.schedule, "")
		fs.StringVar(&vf.clip, "clip", vf.clip, "")
		fs.Float64Var(&vf.ema, "ema", vf.ema, "")
		countSets(fs)
		for _, a := range args {
			flag, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if strings.HasPrefix(a, "-") && fs.Lookup(flag) == nil && cmd.Flags().Lookup(flag) != nil {
				return nil, fmt.Errorf("--run %s: --%s is shared by every run of a comparison; give it outside --run (a run may change %s)", name, flag, "--"+strings.Join(variantFlags, ", --"))
			}
		}
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("--run %s: %v (a run may change %s)", name, err, "--"+strings.Join(variantFlags, ", --"))
		}
		if fs.NArg() > 0 {
			return nil, fmt.Errorf("--run %s: %q is not a flag; want FLAGS such as \"--model mlp:784-100-10,init=he --opt adam\"", name, fs.Arg(0))
		}
		if err := onceOnlyIn(fs, "--run "+name); err != nil {
			return nil, err
		}
		cfg, err := vf.config(cmd, opt)
		if err != nil {
			return nil, fmt.Errorf("--run %s: %v", name, err)
		}
		vs = append(vs, variant{name: name, flags: strings.Join(args, " "), named: true, cfg: cfg})
	}
	return vs, nil
}

// cutRun splits a --run into its name and flags at the '=' that the
// flags follow ("std=0.01=--model …" is the run "std=0.01"), or at the
// last '=' when no flags follow ("same=").
func cutRun(r string) (name, flags string, ok bool) {
	if i := strings.Index(r, "=-"); i >= 0 {
		return strings.TrimSpace(r[:i]), r[i+1:], true
	}
	if i := strings.LastIndex(r, "="); i >= 0 && strings.TrimSpace(r[i+1:]) == "" {
		return strings.TrimSpace(r[:i]), "", true
	}
	return "", "", false
}

// splitArgs splits a --run's FLAGS into arguments at spaces, keeping
// what single or double quotes enclose together.
func splitArgs(s string) ([]string, error) {
	var (
		out   []string
		cur   strings.Builder
		quote rune
		in    bool
	)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("FLAGS %q: a quote is not closed", s)
	}
	if in {
		out = append(out, cur.String())
	}
	return out, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// counted wraps a flag's value to count how many times it is set.
type counted struct {
	pflag.Value
	n int
}

func (c *counted) Set(s string) error { c.n++; return c.Value.Set(s) }

// countSets makes every flag of fs but those named count how often it is
// given (onceOnly reads the counts).
func countSets(fs *pflag.FlagSet, except ...string) {
	fs.VisitAll(func(fl *pflag.Flag) {
		if !slices.Contains(except, fl.Name) {
			fl.Value = &counted{Value: fl.Value}
		}
	})
}

// onceOnly refuses a single-valued flag of cmd given more than once: the
// flag parser would keep the last silently.
func onceOnly(cmd *cobra.Command, name string) error {
	return onceOnlyIn(cmd.Flags(), name)
}

func onceOnlyIn(fs *pflag.FlagSet, where string) error {
	var err error
	fs.VisitAll(func(fl *pflag.Flag) {
		if c, ok := fl.Value.(*counted); ok && c.n > 1 && err == nil {
			err = fmt.Errorf("%s: --%s given %d times; to compare values of --%s, name a variant for each: --run \"NAME=--%s VALUE\"", where, fl.Name, c.n, fl.Name, fl.Name)
		}
	})
	return err
}
