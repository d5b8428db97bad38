package lab

import (
	"fmt"
	"math"
	"strings"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/testfunc"
)

// Trajectory is the path of one optimizer on one function.
type Trajectory struct {
	Spec   string           // the optimizer spec as given, e.g. "adam:lr=0.02"
	Points []testfunc.Point // Points[0] is the start
	Loss   []float64        // Loss[k] = f(Points[k])
	// Diverged is the step at which the iterate or its loss stopped being
	// finite (the trajectory ends just before it), or 0 if it never did.
	Diverged int
	// Stopped, for a second-order comparator (newton, lbfgs) that ended
	// before its steps were done without diverging, is the last step of
	// its path, and StopReason says why (the gradient vanished, the line
	// search failed); 0 and "" otherwise.
	Stopped    int
	StopReason string
}

// MaxSteps bounds the steps of one run (a trajectory of 10⁷ points is
// already 160 MB).
const MaxSteps = 10_000_000

// Run runs the optimizer described by spec for steps steps on f from
// start. spec is an optim spec (see optim.ParseSpec) or a second-order
// comparator (see SecondOrder).
func Run(f testfunc.Function, start testfunc.Point, steps int, spec string) (Trajectory, error) {
	if steps < 0 || steps > MaxSteps {
		return Trajectory{}, fmt.Errorf("steps=%d: want an integer in [0, %d]", steps, MaxSteps)
	}
	if !finite(start.X) || !finite(start.Y) {
		return Trajectory{}, fmt.Errorf("start (%g, %g): want finite coordinates", start.X, start.Y)
	}
	if IsSecondOrder(spec) {
		return runSecondOrder(f, start, steps, spec)
	}
	if isLookahead(spec) {
		return runLookahead(f, start, steps, spec)
	}
	h, err := optim.ParseSpec(spec)
	if err != nil {
		return Trajectory{}, err
	}
	return RunHyper(f, start, steps, spec, h)
}

// isLookahead reports whether spec is a Lookahead wrapper,
// lookahead[:k=K,alpha=A]/INNER.
func isLookahead(spec string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(spec), "/")
	name, _, _ = strings.Cut(name, ":")
	return strings.TrimSpace(name) == "lookahead"
}

// runLookahead runs a Lookahead wrapper around an element-wise method.
func runLookahead(f testfunc.Function, start testfunc.Point, steps int, spec string) (Trajectory, error) {
	lo, h, err := optim.ParseLookahead(spec)
	if err != nil {
		return Trajectory{}, err
	}
	p := optim.NewParam("xy", []float64{start.X, start.Y})
	inner, err := optim.New(h, p)
	if err != nil {
		return Trajectory{}, err
	}
	l, err := optim.NewLookahead(lo, inner)
	if err != nil {
		return Trajectory{}, err
	}
	return record(f, start, steps, spec, p, func() {
		p.Grad[0], p.Grad[1] = f.Grad(p.Value[0], p.Value[1])
		l.Step()
	}), nil
}

// RunHyper is Run with parsed hyperparameters; spec labels the trajectory.
func RunHyper(f testfunc.Function, start testfunc.Point, steps int, spec string, h optim.Hyper) (Trajectory, error) {
	p := optim.NewParam("xy", []float64{start.X, start.Y})
	step, err := stepper(h, f, p)
	if err != nil {
		return Trajectory{}, err
	}
	return record(f, start, steps, spec, p, step), nil
}

// record runs step steps times from start and records the path.
func record(f testfunc.Function, start testfunc.Point, steps int, spec string, p *optim.Param[float64], step func()) Trajectory {
	tr := Trajectory{Spec: spec, Points: make([]testfunc.Point, 1, steps+1), Loss: make([]float64, 1, steps+1)}
	tr.Points[0] = start
	tr.Loss[0] = f.Value(start.X, start.Y)
	for k := 1; k <= steps; k++ {
		step()
		x, y := p.Value[0], p.Value[1]
		loss := f.Value(x, y)
		if !finite(x) || !finite(y) || !finite(loss) {
			tr.Diverged = k
			break
		}
		tr.Points = append(tr.Points, testfunc.Point{X: x, Y: y})
		tr.Loss = append(tr.Loss, loss)
	}
	return tr
}

// stepper returns the function that makes one step of h on f: Step after
// setting the gradient (adafactor's own optimizer, the vector (x, y) not
// factored; muon's with (x, y) a 1×2 matrix; lamb's) or, for lbfgs, one Step(closure), which evaluates f and its
// gradient as often as it needs (as torch.optim.LBFGS.step does).
func stepper(h optim.Hyper, f testfunc.Function, p *optim.Param[float64]) (func(), error) {
	if lb, ok := h.(optim.LBFGS); ok {
		o, err := optim.NewLBFGS(lb, p)
		if err != nil {
			return nil, err
		}
		closure := func() float64 {
			p.Grad[0], p.Grad[1] = f.Grad(p.Value[0], p.Value[1])
			return f.Value(p.Value[0], p.Value[1])
		}
		return func() { o.Step(closure) }, nil
	}
	var o interface{ Step() }
	var err error
	switch h := h.(type) {
	case optim.Adafactor:
		o, err = optim.NewAdafactor(h, p)
	case optim.AdamWScheduleFree, optim.SGDScheduleFree:
		o, err = optim.NewScheduleFree(h, p) // the path is y, where gradients are taken
	case optim.Muon:
		p.Rows, p.Cols = 1, 2 // muon takes matrices: (x, y) is a 1×2 one
		o, err = optim.NewMuon(h, p)
	case optim.LAMB:
		o, err = optim.NewLAMB(h, p)
	default:
		o, err = optim.New(h, p)
	}
	if err != nil {
		return nil, err
	}
	return func() {
		p.Grad[0], p.Grad[1] = f.Grad(p.Value[0], p.Value[1])
		o.Step()
	}, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Check reports whether spec is a spec Run accepts, without running it.
func Check(spec string) error {
	if IsSecondOrder(spec) {
		_, err := parseSecondOrder(spec)
		return err
	}
	if isLookahead(spec) {
		_, _, err := optim.ParseLookahead(spec)
		return err
	}
	_, err := optim.ParseSpec(spec)
	return err
}
