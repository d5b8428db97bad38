package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/descentlab/descent/internal/atomicfile"
	"github.com/descentlab/descent/lab"
	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/testfunc"
	"github.com/descentlab/descent/viz"
)

// traceFlags are the options of trace that describe its outputs.
type traceFlags struct {
	output, loss string
	xlim, ylim   string
	title        string
	layout, lang string
}

func newTraceCmd(e *env) *cobra.Command {
	var a traceArgs
	cmd := &cobra.Command{
		Use:   "trace --func NAME --opt SPEC [--opt SPEC ...] [--start X,Y] [--steps N] [-o FILE] [--loss FILE]",
		Short: "Run optimizers on a 2-D test function; write their paths as CSV or draw them",
		Long:  traceLong(),
		Example: `  descent trace --func rosenbrock --start -1.5,2 --steps 200 --opt sgd:lr=0.0005 --opt adam:lr=0.02
  descent trace --func elliptic --steps 60 --opt gd:lr=0.9 --opt momentum:lr=0.1 --opt adam:lr=0.3 -o elliptic.png
  descent trace --func rosenbrock --steps 300 --opt adam:lr=0.05 --opt adam:lr=0.05,variant=note -o adam.gif --loss adam-loss.png
  descent trace --func elliptic --start -7,2 --steps 30 --opt sgd:lr=0.95 --opt momentum:lr=0.1 --opt adagrad:lr=1.5 --opt adam:lr=0.3 --layout grid -o fig6-8.png
  descent trace --func beale --steps 300 --opt adam:lr=auto --opt rmsprop:lr=auto -o beale.png`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.run(e, cmd)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&a.funcName, "func", "", "test function: "+strings.Join(testfunc.Names(), ", ")+" (quadratic takes :cond=K)")
	fl.StringVar(&a.start, "start", "", "start point X,Y (default: the function's standard start)")
	fl.IntVar(&a.steps, "steps", 100, "number of optimizer steps")
	fl.StringArrayVar(&a.opts, "opt", nil, "optimizer SPEC, NAME[:key=value,...]; repeat to compare")
	fl.StringVarP(&a.tf.output, "output", "o", "", "write to FILE (.csv, .png, .svg or .gif) instead of CSV on stdout")
	fl.StringVar(&a.tf.loss, "loss", "", "also draw the loss against the step to FILE (.png or .svg)")
	fl.StringVar(&a.tf.xlim, "xlim", "", "x range A,B of the picture (default: the function's window, grown to fit the paths)")
	fl.StringVar(&a.tf.ylim, "ylim", "", "y range C,D of the picture")
	fl.StringVar(&a.tf.title, "title", "", "title of the picture (default: the function and its formula)")
	fl.StringVar(&a.tf.layout, "layout", "overlay", "overlay (every path on one map) or grid (one panel per optimizer, same axes and bands)")
	fl.StringVar(&a.tf.lang, "lang", "", "language of the words the pictures write (en or ja; default $DESCENT_LANG, else en)")
	return cmd
}

// traceArgs are trace's flags.
type traceArgs struct {
	funcName string
	start    string
	steps    int
	opts     []string
	tf       traceFlags
}

// run checks the flags, runs every optimizer and writes what they did.
func (a *traceArgs) run(e *env, cmd *cobra.Command) error {
	if a.funcName == "" {
		return fmt.Errorf("trace: --func is required (one of: %s)", strings.Join(testfunc.Names(), ", "))
	}
	f, err := testfunc.Lookup(a.funcName)
	if err != nil {
		return fmt.Errorf("trace: --func: %v", err)
	}
	if len(a.opts) == 0 {
		return fmt.Errorf("trace: at least one --opt SPEC is required (e.g. --opt adam:lr=0.01)")
	}
	p := f.Start()
	if cmd.Flags().Changed("start") {
		if p, err = lab.ParsePoint(a.start); err != nil {
			return fmt.Errorf("trace: --start: %v", err)
		}
	}
	if a.steps < 0 || a.steps > lab.MaxSteps {
		return fmt.Errorf("trace: --steps=%d: want an integer in [0, %d]", a.steps, lab.MaxSteps)
	}
	a.tf.lang = langOf(cmd)
	vo, err := a.tf.check()
	if err != nil {
		return fmt.Errorf("trace: %v", err)
	}
	if err := checkTraceOpts(a.opts); err != nil {
		return err
	}
	a.tf.warnUnused(e, cmd)
	in := catchInterrupt(cmd.Context())
	defer in.stop()
	trs, err := a.runAll(e, in, f, p)
	if err != nil {
		return err
	}
	if in.interrupted() {
		return in.stopped("trace: stopped before writing; nothing written")
	}
	if err := a.tf.write(e, f, trs, vo); err != nil {
		return err
	}
	if in.interrupted() { // the files being written were finished
		return in.stopped("trace: stopped after writing its output whole")
	}
	return nil
}

// checkTraceOpts checks every --opt SPEC before anything runs.
func checkTraceOpts(opts []string) error {
	for _, s := range opts {
		if m, auto := lab.AutoLR(s); auto {
			if err := lab.CheckAuto(m); err != nil {
				return fmt.Errorf("trace: --opt %s: %v", s, err)
			}
		} else if err := lab.Check(s); err != nil {
			return fmt.Errorf("trace: --opt %s: %v", s, err)
		}
	}
	return nil
}

// runAll runs every --opt from p, warning on e.stderr about the paths that
// diverged or stopped early; an interrupt stops it before the next.
func (a *traceArgs) runAll(e *env, in *interrupt, f testfunc.Function, p testfunc.Point) ([]lab.Trajectory, error) {
	var err error
	trs := make([]lab.Trajectory, len(a.opts))
	for i, s := range a.opts {
		if in.interrupted() {
			return nil, in.stopped("trace: stopped before writing; nothing written")
		}
		if m, auto := lab.AutoLR(s); auto {
			tu, err := lab.Search(f, p, a.steps, m)
			writeTuning(e.stderr, s, f.Name(), a.steps, tu)
			if err != nil {
				return nil, fmt.Errorf("trace: --opt %s: %v", s, err)
			}
			trs[i] = tu.Run
		} else if trs[i], err = lab.Run(f, p, a.steps, s); err != nil {
			return nil, fmt.Errorf("trace: --opt %s: %v", s, err)
		}
		if d := trs[i].Diverged; d > 0 {
			fmt.Fprintf(e.stderr, "descent: warning: %s diverged at step %d on %s; its path stops at step %d\n", s, d, f.Name(), d-1)
		}
		if k := trs[i].Stopped; trs[i].StopReason != "" {
			fmt.Fprintf(e.stderr, "descent: warning: %s stopped early on %s: %s; its path stops at step %d of %d\n", s, f.Name(), trs[i].StopReason, k, a.steps)
		}
	}
	return trs, nil
}

// traceLong is trace's help text.
func traceLong() string {
	return `trace runs each optimizer from the start point on a 2-D test function, in
float64, and writes CSV (header optimizer,step,x,y,loss; step 0 is the start
point; one row per step per optimizer) to stdout, or to FILE chosen by its
extension: .csv (the same CSV), .png or .svg (a contour map with the paths),
.gif (the paths growing step by step, with a step counter). --loss FILE
(.png or .svg) also draws the loss against the step.

--layout grid draws one panel per optimizer on the same axes and contour
levels (as the book's figure 6-8); a path of at most 60 steps has a dot at
each step; each method keeps its colour in every picture. --lang ja writes
the picture's own words in Japanese; --title may be Japanese anyway, and a
character no font can draw is an error naming it. With CSV output the
picture flags (--title, --xlim, --ylim, --layout, --lang) warn.

SPEC is NAME[:key=value,...] with NAME one of
  ` + strings.Join(optim.Methods(), ", ") + `
or a second-order comparator from gonum, newton[:increase=F] or
gonum_lbfgs[:history=M] (lbfgs is torch's L-BFGS; one of its steps is one
step(closure), up to max_iter iterations), or the Lookahead wrapper
lookahead[:k=K,alpha=A]/SPEC around a method, and
keys named as torch.optim names them (lr, momentum, dampening, nesterov,
weight_decay, maximize, lr_decay, initial_accumulator_value, eps, alpha,
centered, amsgrad, rho, momentum_decay, decoupled_weight_decay, etaminus,
etaplus, step_size_min, step_size_max, lambd, t0, max_iter, max_eval,
tolerance_grad, tolerance_change, history_size, line_search_fn, beta1, beta2, and
variant=note for the study note's version); omitted keys take torch's
defaults. lr=auto (e.g. adam:lr=auto) runs the gallery's learning-rate
search for that spec and prints every lr it tried, its score and the choice
on stderr.
Functions: ` + strings.Join(testfunc.Names(), ", ") + `.

A path that leaves the finite numbers stops at its last finite point, with
a warning on stderr. newton and gonum_lbfgs stop once the gradient vanishes.`
}

// warnUnused warns about the flags that only shape a picture when the output
// is CSV, which they cannot change.
func (tf *traceFlags) warnUnused(e *env, cmd *cobra.Command) {
	if tf.output != "" {
		if f, _ := viz.FormatOf(tf.output); f != "csv" {
			return
		}
	}
	var unused []string
	for _, name := range []string{"title", "xlim", "ylim", "layout", "lang"} {
		if tf.loss != "" && (name == "title" || name == "lang") {
			continue // they shape the loss chart
		}
		if cmd.Flags().Changed(name) {
			unused = append(unused, "--"+name)
		}
	}
	if len(unused) == 0 {
		return
	}
	where := "CSV on stdout"
	if tf.output != "" {
		where = "the CSV file " + tf.output
	}
	verb := "does"
	if len(unused) > 1 {
		verb = "do"
	}
	fmt.Fprintf(e.stderr, "descent: warning: %s %s nothing to %s: they shape a picture, -o FILE.png, .svg or .gif\n", strings.Join(unused, ", "), verb, where)
}

// writeTuning reports a learning-rate search: the grid, each lr's score or
// why it was ruled out, and the choice.
func writeTuning(w io.Writer, spec, fname string, steps int, tu lab.Tuning) {
	grid := lab.LRGrid()
	fmt.Fprintf(w, "descent: %s on %s, %d steps: searched %d learning rates from %g to %g (6 per decade: 1, 1.5, 2.2, 3.2, 4.6, 6.8);\n", spec, fname, steps, len(tu.Trials), grid[0], grid[len(grid)-1])
	fmt.Fprintf(w, "  score = mean over the steps of log10(f − f* + 1e-12), lower is better; runs that diverge or climb above their start are ruled out\n")
	for i, t := range tu.Trials {
		mark := " "
		if i == tu.Best {
			mark = "*"
		}
		if t.Out != "" {
			fmt.Fprintf(w, "  %s lr=%-8.4g %s\n", mark, t.LR, t.Out)
		} else {
			fmt.Fprintf(w, "  %s lr=%-8.4g score %.3f\n", mark, t.LR, t.Score)
		}
	}
	if tu.Best >= 0 {
		fmt.Fprintf(w, "descent: chose %s\n", tu.Run.Spec)
	}
}

// check validates the output flags before any work is done, so bad input
// never leaves a partial file behind.
func (tf *traceFlags) check() (viz.Options, error) {
	o := viz.Options{Title: tf.title, Layout: tf.layout, Lang: tf.lang}
	if err := viz.CheckLayout(tf.layout); err != nil {
		return o, fmt.Errorf("--layout %q: want overlay or grid", tf.layout)
	}
	if err := viz.CheckLang(tf.lang); err != nil {
		return o, fmt.Errorf("--lang %q: want en or ja", tf.lang)
	}
	if tf.output != "" {
		if _, err := viz.FormatOf(tf.output); err != nil {
			return o, fmt.Errorf("-o %s: %v", tf.output, err)
		}
	}
	if tf.loss != "" {
		if f, err := viz.FormatOf(tf.loss); err != nil || (f != "png" && f != "svg") {
			return o, fmt.Errorf("--loss %s: want a .png or .svg file", tf.loss)
		}
	}
	for _, lim := range []struct {
		name, val string
		dst       **[2]float64
	}{{"--xlim", tf.xlim, &o.XLim}, {"--ylim", tf.ylim, &o.YLim}} {
		if lim.val == "" {
			continue
		}
		p, err := lab.ParsePoint(lim.val)
		if err != nil || !(p.X < p.Y) {
			return o, fmt.Errorf("%s %q: want A,B with finite A < B", lim.name, lim.val)
		}
		if err := viz.CheckRange(p.X, p.Y); err != nil {
			return o, fmt.Errorf("%s %q: the range is %v", lim.name, lim.val, err)
		}
		*lim.dst = &[2]float64{p.X, p.Y}
	}
	return o, nil
}

// write writes the CSV or picture and the loss chart.
func (tf *traceFlags) write(e *env, f testfunc.Function, trs []lab.Trajectory, o viz.Options) error {
	paths := make([]viz.Path, len(trs))
	for i, tr := range trs {
		paths[i] = viz.Path{Label: tr.Label(), Points: tr.Points, Loss: tr.Loss}
	}
	if tf.output == "" {
		var buf bytes.Buffer
		if err := lab.WriteCSV(&buf, trs); err != nil {
			return err
		}
		if _, err := e.stdout.Write(buf.Bytes()); err != nil {
			return err
		}
	} else {
		format, _ := viz.FormatOf(tf.output)
		err := atomicfile.WriteFunc(tf.output, func(w io.Writer) error {
			switch format {
			case "csv":
				return lab.WriteCSV(w, trs)
			case "gif":
				return viz.Animate(w, f, paths, o)
			default:
				return viz.Contour(w, format, f, paths, o)
			}
		})
		if err != nil {
			return fmt.Errorf("trace: -o: %v", err)
		}
	}
	if tf.loss != "" {
		format, _ := viz.FormatOf(tf.loss)
		lo := o
		lo.XLim, lo.YLim, lo.Title = nil, nil, ""
		if tf.title != "" {
			lo.Title = tf.title + " — loss"
			if o.Lang == "ja" {
				lo.Title = tf.title + "（損失）"
			}
		}
		if err := atomicfile.WriteFunc(tf.loss, func(w io.Writer) error { return viz.Loss(w, format, paths, lo) }); err != nil {
			return fmt.Errorf("trace: --loss: %v", err)
		}
	}
	return nil
}
