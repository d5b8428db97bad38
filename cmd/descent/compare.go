package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/descentlab/descent/train"
	"github.com/descentlab/descent/train/report"
)

func newCompareCmd(e *env) *cobra.Command {
	var (
		f    runFlags
		opts []string
	)
	cmd := &cobra.Command{
		Use:   "compare --opt SPEC [--opt SPEC ...] [--data mnist | --data-dir DIR] [--model SPEC] [--batch N|full] [--epochs N] -o DIR",
		Short: "Train the same network with several optimizers and report side by side",
		Long: `compare trains the model once per --opt, each from the same seed, so every
optimizer starts from the same weights and sees the same batches in the same
order. It writes into DIR:
  report.md     one table: final test accuracy, test loss, training loss and
                time per optimizer, with the charts
  report.html   the same as one static page (charts embedded, no external assets)
  loss.png      training loss against the step (test loss dashed), overlaid
  accuracy.png  test accuracy against the epoch, overlaid
  metrics.csv   every optimizer's per-epoch rows, with an optimizer column
  summary.json  every optimizer's summary (as descent train writes it)
A DIR that holds results (of compare or train) is refused; --overwrite
replaces them. While it runs, compare owns DIR as train does.
The other flags are those of descent train.`,
		Example: `  descent compare --data mnist --model mlp:784-100-10 --opt sgd:lr=0.1 --opt momentum:lr=0.01 --opt adagrad:lr=0.01 --opt rmsprop:lr=0.001 --opt adam:lr=0.001 --epochs 5 -o runs/cmp
  descent compare --subset 10000 --epochs 3 --opt sgd:lr=0.1 --opt adam -o runs/quick`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(opts) == 0 {
				return errors.New("compare: at least one --opt SPEC is required (e.g. --opt sgd:lr=0.1 --opt adam)")
			}
			cfgs := make([]train.Config, len(opts))
			for i, o := range opts {
				var err error
				if cfgs[i], err = f.config(cmd, o); err != nil {
					return fmt.Errorf("compare: %v", err)
				}
			}
			rf, err := claim("compare", f.output, f.overwrite)
			if err != nil {
				return err
			}
			trainSet, testSet, err := loadData(cfgs[0])
			if err != nil {
				rf.abandon()
				return fmt.Errorf("compare: %v", err)
			}
			trainers := make([]*train.Trainer, len(opts))
			for i, cfg := range cfgs {
				if trainers[i], err = train.New(cfg, trainSet, testSet); err != nil {
					rf.abandon()
					return fmt.Errorf("compare: --opt %s: %v", cfg.Opt, err)
				}
			}
			defer rf.done()
			if err := rf.clear(); err != nil {
				return fmt.Errorf("compare: %v", err)
			}
			in := catchInterrupt(cmd.Context())
			defer in.stop()
			ctx := in.ctx
			runs := make([]report.Run, 0, len(opts))
			for i, t := range trainers {
				_, err := runWithProgress(ctx, e, t, opts[i])
				var nf *train.NonFiniteError
				switch {
				case errors.As(err, &nf):
					// A diverging optimizer is a result, not a failure of the comparison.
					fmt.Fprintf(e.stderr, "descent: warning: %s: %v\n", opts[i], err)
				case err != nil && ctx.Err() != nil:
					runs = append(runs, report.FromTrainer(opts[i], t))
					if werr := writeComparison(f.output, runs); werr != nil {
						return fmt.Errorf("compare: %v", werr)
					}
					return in.stopped("compare: interrupted during %s; partial report in %s", opts[i], f.output)
				case err != nil:
					return fmt.Errorf("compare: --opt %s: %v", opts[i], err)
				}
				runs = append(runs, report.FromTrainer(report.Label(opts[i], err), t))
			}
			if err := writeComparison(f.output, runs); err != nil {
				return fmt.Errorf("compare: %v", err)
			}
			fmt.Fprintf(e.stdout, "wrote %s\n", filepath.Join(f.output, "report.html"))
			return nil
		},
	}
	f.bind(cmd.Flags())
	cmd.Flags().StringArrayVar(&opts, "opt", nil, "optimizer `SPEC`, NAME[:key=value,...]; repeat to compare")
	cmd.Flags().BoolVar(&f.overwrite, "overwrite", false, "replace the results (and checkpoints) a run left in -o DIR")
	return cmd
}

// writeComparison writes the charts, the reports, metrics.csv and
// summary.json of runs into dir.
func writeComparison(dir string, runs []report.Run) error {
	return report.WriteDir(dir, "descent compare", runs)
}
