package lab

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/descentlab/descent/testfunc"
)

// SecondOrder lists the second-order comparators Run accepts besides the
// optim methods: Newton's method with a Hessian modification and L-BFGS,
// both from gonum/optimize. gonum's L-BFGS is gonum_lbfgs; lbfgs is
// optim's, torch.optim.LBFGS. Each of their major iterations (a line search
// along the Newton or quasi-Newton direction) is one step of the
// trajectory; they stop early once the gradient vanishes (‖∇f‖∞ < 1e-12).
// It returns a new slice each call.
func SecondOrder() []string { return slices.Clone(secondOrder) }

var secondOrder = []string{"newton", "gonum_lbfgs"}

// IsSecondOrder reports whether spec names a second-order comparator.
func IsSecondOrder(spec string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(spec), ":")
	return slices.Contains(secondOrder, strings.TrimSpace(name))
}

// parseSecondOrder returns the gonum method described by spec:
// newton[:increase=F] (the factor τ grows by until H+τI is positive
// definite, default 5) or gonum_lbfgs[:history=M] (default 10).
func parseSecondOrder(spec string) (optimize.Method, error) {
	name, rest, hasOpts := strings.Cut(strings.TrimSpace(spec), ":")
	name = strings.TrimSpace(name)
	var allowed string
	newton := &optimize.Newton{Increase: 5}
	lbfgs := &optimize.LBFGS{Store: 10}
	switch name {
	case "newton":
		allowed = "increase"
	case "gonum_lbfgs":
		allowed = "history"
	default:
		return nil, fmt.Errorf("unknown second-order method %q (want newton or gonum_lbfgs)", name)
	}
	if hasOpts {
		for _, kv := range strings.Split(rest, ",") {
			key, val, ok := strings.Cut(kv, "=")
			key, val = strings.TrimSpace(key), strings.TrimSpace(val)
			if !ok || key == "" {
				return nil, fmt.Errorf("spec %q: malformed option %q (want key=value)", spec, kv)
			}
			if key != allowed {
				return nil, fmt.Errorf("%s: unknown option %q (want %s)", name, key, allowed)
			}
			switch key {
			case "increase":
				v, err := strconv.ParseFloat(val, 64)
				if err != nil || !(v > 1) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("newton: invalid increase=%q: want a finite number > 1", val)
				}
				newton.Increase = v
			case "history":
				v, err := strconv.Atoi(val)
				if err != nil || v < 1 || v > 1000 {
					return nil, fmt.Errorf("gonum_lbfgs: invalid history=%q: want an integer in [1, 1000]", val)
				}
				lbfgs.Store = v
			}
		}
	}
	if name == "newton" {
		return newton, nil
	}
	return lbfgs, nil
}

// recorder keeps the location of every major iteration.
type recorder struct {
	tr  *Trajectory
	max int
}

var errStop = errors.New("lab: step limit")

func (r *recorder) Init() error { return nil }

func (r *recorder) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	// Minimize records a major iteration only while the run goes on; the
	// one that ends it (gradient threshold, iteration limit) arrives as
	// the PostIteration location.
	if op != optimize.MajorIteration && op != optimize.PostIteration {
		return nil
	}
	x, y, f := loc.X[0], loc.X[1], loc.F
	if op == optimize.PostIteration {
		last := r.tr.Points[len(r.tr.Points)-1]
		if (last == testfunc.Point{X: x, Y: y}) || r.tr.Diverged > 0 || len(r.tr.Points) > r.max {
			return nil
		}
	}
	if !finite(x) || !finite(y) || !finite(f) {
		r.tr.Diverged = len(r.tr.Points)
		return errStop
	}
	r.tr.Points = append(r.tr.Points, testfunc.Point{X: x, Y: y})
	r.tr.Loss = append(r.tr.Loss, f)
	if len(r.tr.Points) > r.max {
		return errStop
	}
	return nil
}

// runSecondOrder runs newton or lbfgs for at most steps major iterations.
func runSecondOrder(f testfunc.Function, start testfunc.Point, steps int, spec string) (Trajectory, error) {
	method, err := parseSecondOrder(spec)
	if err != nil {
		return Trajectory{}, err
	}
	tr := Trajectory{Spec: spec, Points: []testfunc.Point{start}, Loss: []float64{f.Value(start.X, start.Y)}}
	if steps == 0 {
		return tr, nil
	}
	prob := optimize.Problem{
		Func: func(x []float64) float64 { return f.Value(x[0], x[1]) },
		Grad: func(g, x []float64) { g[0], g[1] = f.Grad(x[0], x[1]) },
		Hess: func(h *mat.SymDense, x []float64) {
			xx, xy, yy := f.Hess(x[0], x[1])
			h.SetSym(0, 0, xx)
			h.SetSym(0, 1, xy)
			h.SetSym(1, 1, yy)
		},
	}
	rec := &recorder{tr: &tr, max: steps}
	settings := &optimize.Settings{
		Recorder:          rec,
		MajorIterations:   steps,
		GradientThreshold: 1e-12,
		Converger:         optimize.NeverTerminate{},
	}
	// Minimize's own error (a failed line search near the optimum, a limit)
	// ends the path where it is; the points so far are the answer.
	res, err := optimize.Minimize(prob, []float64{start.X, start.Y}, settings, method)
	if len(tr.Points) > steps+1 {
		tr.Points, tr.Loss = tr.Points[:steps+1], tr.Loss[:steps+1]
	}
	if n := len(tr.Points) - 1; n < steps && tr.Diverged == 0 {
		tr.Stopped, tr.StopReason = n, stopReason(res, err)
	}
	return tr, nil
}

// stopReason says in words why Minimize ended a run early.
func stopReason(res *optimize.Result, err error) string {
	switch {
	case err != nil && !errors.Is(err, errStop):
		return strings.TrimPrefix(err.Error(), "optimize: ")
	case res != nil && res.Status == optimize.GradientThreshold:
		return "the gradient vanished (‖∇f‖∞ < 1e-12)"
	case res != nil:
		return "gonum/optimize ended it: " + res.Status.String()
	}
	return "gonum/optimize ended it"
}
