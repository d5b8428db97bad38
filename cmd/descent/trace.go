package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/descentlab/descent/internal/atomicfile"
	"github.com/descentlab/descent/lab"
	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/testfunc"
)

func newTraceCmd(e *env) *cobra.Command {
	var (
		funcName string
		start    string
		steps    int
		opts     []string
		output   string
	)
	cmd := &cobra.Command{
		Use:   "trace --func NAME --opt SPEC [--opt SPEC ...] [--start X,Y] [--steps N] [-o FILE]",
		Short: "Run optimizers on a 2-D test function and write their paths",
		Long: `trace runs each optimizer from the start point on a 2-D test function, in
float64, and writes CSV (header optimizer,step,x,y,loss; step 0 is the start
point; one row per step per optimizer) to stdout, or to FILE when it ends in
.csv.

SPEC is NAME[:key=value,...] with NAME one of
  ` + strings.Join(optim.Methods(), ", ") + `
and keys named as torch.optim names them (lr, momentum, dampening, nesterov,
weight_decay, maximize, lr_decay, initial_accumulator_value, eps, alpha,
centered, amsgrad, rho, momentum_decay, beta1, beta2); omitted keys take
torch's defaults. Functions: ` + strings.Join(testfunc.Names(), ", ") + `.

A path that leaves the finite numbers stops at its last finite point, with
a warning on stderr.`,
		Example: `  descent trace --func rosenbrock --start -1.5,2 --steps 200 --opt sgd:lr=0.0005 --opt adam:lr=0.02
  descent trace --func elliptic --opt momentum:lr=0.1 --opt adam:lr=0.3 -o paths.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if funcName == "" {
				return fmt.Errorf("trace: --func is required (one of: %s)", strings.Join(testfunc.Names(), ", "))
			}
			f, err := testfunc.Lookup(funcName)
			if err != nil {
				return fmt.Errorf("trace: --func: %v", err)
			}
			if len(opts) == 0 {
				return fmt.Errorf("trace: at least one --opt SPEC is required (e.g. --opt adam:lr=0.01)")
			}
			p := f.Start()
			if cmd.Flags().Changed("start") {
				if p, err = parsePoint(start); err != nil {
					return fmt.Errorf("trace: --start: %v", err)
				}
			}
			if steps < 0 || steps > lab.MaxSteps {
				return fmt.Errorf("trace: --steps=%d: want an integer in [0, %d]", steps, lab.MaxSteps)
			}
			format := "csv"
			if output != "" {
				if !strings.EqualFold(extOf(output), ".csv") {
					return fmt.Errorf("trace: -o %s: unknown extension %q (want .csv)", output, extOf(output))
				}
			}
			hypers := make([]optim.Hyper, len(opts))
			for i, s := range opts {
				if hypers[i], err = optim.ParseSpec(s); err != nil {
					return fmt.Errorf("trace: --opt %s: %v", s, err)
				}
			}
			trs := make([]lab.Trajectory, len(opts))
			for i, s := range opts {
				if trs[i], err = lab.RunHyper(f, p, steps, s, hypers[i]); err != nil {
					return fmt.Errorf("trace: --opt %s: %v", s, err)
				}
				if d := trs[i].Diverged; d > 0 {
					fmt.Fprintf(e.stderr, "descent: warning: %s diverged at step %d on %s; its path stops at step %d\n", s, d, f.Name(), d-1)
				}
			}
			_ = format
			var buf bytes.Buffer
			if err := lab.WriteCSV(&buf, trs); err != nil {
				return err
			}
			if output == "" {
				_, err = e.stdout.Write(buf.Bytes())
				return err
			}
			if err := atomicfile.Write(output, buf.Bytes()); err != nil {
				return fmt.Errorf("trace: -o: %v", err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&funcName, "func", "", "test function: "+strings.Join(testfunc.Names(), ", ")+" (quadratic takes :cond=K)")
	fl.StringVar(&start, "start", "", "start point X,Y (default: the function's standard start)")
	fl.IntVar(&steps, "steps", 100, "number of optimizer steps")
	fl.StringArrayVar(&opts, "opt", nil, "optimizer SPEC, NAME[:key=value,...]; repeat to compare")
	fl.StringVarP(&output, "output", "o", "", "write to FILE (.csv) instead of stdout")
	return cmd
}

// parsePoint reads "X,Y".
func parsePoint(s string) (testfunc.Point, error) {
	xs, ys, ok := strings.Cut(s, ",")
	if !ok {
		return testfunc.Point{}, fmt.Errorf("%q: want X,Y (two numbers separated by a comma)", s)
	}
	x, err1 := strconv.ParseFloat(strings.TrimSpace(xs), 64)
	y, err2 := strconv.ParseFloat(strings.TrimSpace(ys), 64)
	if err1 != nil || err2 != nil || x != x || y != y || x-x != 0 || y-y != 0 {
		return testfunc.Point{}, fmt.Errorf("%q: want X,Y with two finite numbers", s)
	}
	return testfunc.Point{X: x, Y: y}, nil
}

func extOf(path string) string {
	i := strings.LastIndexByte(path, '.')
	if i < 0 || strings.ContainsRune(path[i:], '/') {
		return ""
	}
	return path[i:]
}
