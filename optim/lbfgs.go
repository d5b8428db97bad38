package optim

import (
	"errors"
	"fmt"
	"math"
)

// Line searches of LBFGS.
const (
	LineSearchNone        = "none"
	LineSearchStrongWolfe = "strong_wolfe"
)

// LBFGS is the hyperparameters of torch.optim.LBFGS (Nocedal 1980; Liu &
// Nocedal 1989; torch's version follows minFunc): limited-memory BFGS with
// an optional strong-Wolfe line search. It is not an element-wise method:
// it runs on a closure that re-evaluates the loss and the gradient, so it
// has its own optimizer, NewLBFGS; New refuses it.
type LBFGS struct {
	LR              float64 // step length (with line_search_fn=strong_wolfe, the first trial step)
	MaxIter         int     // iterations per Step
	MaxEval         int     // closure evaluations per Step (torch's default: max_iter·5/4)
	ToleranceGrad   float64 // stop when max |g| ≤ tolerance_grad
	ToleranceChange float64 // stop when a step or a loss change is below tolerance_change
	HistorySize     int     // (s, y) pairs kept
	LineSearchFn    string  // LineSearchNone or LineSearchStrongWolfe
}

// DefaultLBFGS returns torch's defaults: lr 1, max_iter 20, max_eval 25,
// tolerance_grad 1e-7, tolerance_change 1e-9, history_size 100, no line
// search.
func DefaultLBFGS() LBFGS {
	return LBFGS{LR: 1, MaxIter: 20, MaxEval: 25, ToleranceGrad: 1e-7, ToleranceChange: 1e-9,
		HistorySize: 100, LineSearchFn: LineSearchNone}
}

func atLeastOne(v float64) bool { return v >= 1 }

func (h *LBFGS) fields() []field {
	return []field{
		num("lr", &h.LR, nonNeg, wantNonNeg, "step length (the first trial step of the line search)"),
		integer("max_iter", &h.MaxIter, atLeastOne, wantIntAtLeast1, "maximal number of iterations per step"),
		integer("max_eval", &h.MaxEval, atLeastOne, wantIntAtLeast1, "maximal number of loss evaluations per step (default max_iter·5/4)"),
		num("tolerance_grad", &h.ToleranceGrad, nonNeg, wantNonNeg, "stop when the largest |gradient| is at most this"),
		num("tolerance_change", &h.ToleranceChange, nonNeg, wantNonNeg, "stop when the step or the change of the loss is below this"),
		integer("history_size", &h.HistorySize, atLeastOne, wantIntAtLeast1, "number of past (step, gradient change) pairs kept"),
		enum("line_search_fn", &h.LineSearchFn, []string{LineSearchNone, LineSearchStrongWolfe}, "none (fixed step lr) or strong_wolfe"),
	}
}

// String lists the keys that differ from the defaults, max_eval's being
// max_iter·5/4 as in ParseSpec, so that the spec reads back the same.
func (h LBFGS) String() string {
	d := DefaultLBFGS()
	d.MaxEval = h.MaxIter * 5 / 4
	return specString(h.Method(), h.table(), d.table())
}

var _ Hyper = LBFGS{}

// errClosure is New's answer to LBFGS hyperparameters.
var errClosure = errors.New("optim: lbfgs re-evaluates the loss within a step: build it with NewLBFGS and call Step(closure)")

// LBFGSOptimizer runs torch.optim.LBFGS over parameters laid end to end,
// as torch flattens them. Each Step(closure) runs up to max_iter
// iterations; closure must set the gradient of every parameter (Grad) at
// the current values and return the loss.
//
// Its buffers are allocated by NewLBFGS and, for the history, during the
// first history_size iterations; later steps allocate nothing. It is not
// safe for concurrent use.
type LBFGSOptimizer[T Float] struct {
	h      LBFGS
	params []*Param[T]
	n      int

	// The state torch keeps (state["d"], ["t"], ...), flattened.
	g, prevG, d []T
	dirs, stps  [][]T     // ring of (y, s) pairs: oldest at head
	ro          []float64 // 1/(y·s) of each pair, in T's precision
	head, num   int
	hDiag, t    float64
	prevLoss    float64
	nIter       int64
	funcEvals   int64
	started     bool // prevG holds a gradient

	al                        []float64
	x0, gNew, gPrev, gB0, gB1 []T // line-search scratch
}

// NewLBFGS returns an L-BFGS optimizer over params (one group, as torch
// allows). Parameter names must be unique and non-empty.
func NewLBFGS[T Float](h LBFGS, params ...*Param[T]) (*LBFGSOptimizer[T], error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	if err := CheckRange[T](h); err != nil {
		return nil, err
	}
	if err := checkParams("lbfgs", params); err != nil {
		return nil, err
	}
	n := 0
	for _, p := range params {
		n += len(p.Value)
	}
	o := &LBFGSOptimizer[T]{h: h, params: append([]*Param[T](nil), params...), n: n}
	for _, b := range []*[]T{&o.g, &o.prevG, &o.d, &o.x0, &o.gNew, &o.gPrev, &o.gB0, &o.gB1} {
		*b = make([]T, n)
	}
	o.dirs = make([][]T, 0, h.HistorySize)
	o.stps = make([][]T, 0, h.HistorySize)
	o.ro = make([]float64, h.HistorySize)
	o.al = make([]float64, h.HistorySize)
	return o, nil
}

// checkParams checks the parameters of an optimizer with a type of its own
// (NewLBFGS, NewAdafactor), as NewGroups does: at least one, none nil,
// names non-empty and unique, Grad as long as Value, a shape that holds
// the values.
func checkParams[T Float](method string, params []*Param[T]) error {
	if len(params) == 0 {
		return paramErr("", "params", "%s: no parameters", method)
	}
	seen := map[string]bool{}
	for _, p := range params {
		switch {
		case p == nil:
			return paramErr("", "params", "%s: a nil parameter", method)
		case p.Name == "":
			return paramErr("", "name", "%s: a parameter with no name", method)
		case seen[p.Name]:
			return paramErr(p.Name, "name", "parameter name %q appears twice", p.Name)
		case len(p.Grad) != len(p.Value):
			return paramErr(p.Name, "grad", "parameter %q has %d values but %d gradients", p.Name, len(p.Value), len(p.Grad))
		case (p.Rows != 0 || p.Cols != 0) && !p.Matrix():
			return paramErr(p.Name, "shape", "parameter %q: shape %d×%d does not hold its %d values", p.Name, p.Rows, p.Cols, len(p.Value))
		}
		seen[p.Name] = true
	}
	return nil
}

// Hyper returns the hyperparameters.
func (o *LBFGSOptimizer[T]) Hyper() LBFGS { return o.h }

// SetLR sets lr, as assigning param_groups[0]["lr"] does in torch.
func (o *LBFGSOptimizer[T]) SetLR(lr float64) error {
	if err := checkLR[T]("lbfgs", lr); err != nil {
		return err
	}
	o.h.LR = lr
	return nil
}

// Evals is the number of closure calls so far (torch's state["func_evals"]).
func (o *LBFGSOptimizer[T]) Evals() int64 { return o.funcEvals }

// gather copies the gradients of the parameters into flat.
func (o *LBFGSOptimizer[T]) gather(flat []T) {
	off := 0
	for _, p := range o.params {
		if len(p.Grad) != len(p.Value) || off+len(p.Value) > o.n {
			panic(fmt.Sprintf("optim: lbfgs: parameter %q changed length", p.Name))
		}
		off += copy(flat[off:], p.Grad)
	}
}

// addStep adds t·d to the parameters (torch's _add_grad).
func (o *LBFGSOptimizer[T]) addStep(t float64, d []T) {
	off := 0
	for _, p := range o.params {
		axpy(p.Value, t, d[off:])
		off += len(p.Value)
	}
}

func (o *LBFGSOptimizer[T]) saveParams(x []T) {
	off := 0
	for _, p := range o.params {
		off += copy(x[off:], p.Value)
	}
}

func (o *LBFGSOptimizer[T]) setParams(x []T) {
	off := 0
	for _, p := range o.params {
		off += copy(p.Value, x[off:off+len(p.Value)])
	}
}

// dot is a·b accumulated in T, as torch's dot of T tensors.
func dot[T Float](a, b []T) float64 {
	var s T
	b = b[:len(a)]
	for i := range a {
		s += T(a[i] * b[i])
	}
	return float64(s)
}

func absMax[T Float](a []T) float64 {
	var m T
	for _, v := range a {
		m = max(m, abs(v))
	}
	return float64(m)
}

func abs[T Float](x T) T {
	if x < 0 {
		return -x
	}
	return x
}

// axpy sets y ← y + T(alpha)·x.
func axpy[T Float](y []T, alpha float64, x []T) {
	a := T(alpha)
	x = x[:len(y)]
	for i := range y {
		y[i] = y[i] + T(a*x[i])
	}
}

// Step runs one torch.optim.LBFGS.step(closure) and returns the loss of
// its first closure call (the loss before the step), as torch does.
func (o *LBFGSOptimizer[T]) Step(closure func() float64) float64 {
	h := o.h
	origLoss := closure()
	loss := origLoss
	currentEvals := 1
	o.funcEvals++
	o.gather(o.g)
	if absMax(o.g) <= float64(T(h.ToleranceGrad)) {
		return origLoss
	}
	g, d := o.g, o.d
	for nIter := 1; nIter <= h.MaxIter; nIter++ {
		o.nIter++
		if o.nIter == 1 {
			for i, v := range g {
				d[i] = -v
			}
			o.dirs, o.stps, o.head, o.num = o.dirs[:0], o.stps[:0], 0, 0
			o.hDiag = 1
		} else {
			o.update(g)
			o.direction(g)
		}
		copy(o.prevG, g)
		o.started = true
		o.prevLoss = loss
		if o.nIter == 1 {
			var sum T
			for _, v := range g {
				sum += abs(v)
			}
			// torch: min(1., 1./|g|.sum()) * lr, where 1./sum is a T
			// tensor and so is its product with lr.
			o.t = h.LR
			if s := T(1) / sum; s < 1 {
				o.t = float64(s * T(h.LR))
			}
		} else {
			o.t = h.LR
		}
		gtd := dot(g, d)
		if gtd > float64(T(-h.ToleranceChange)) {
			break
		}
		lsEvals := 0
		optCond := false
		if h.LineSearchFn == LineSearchStrongWolfe {
			o.saveParams(o.x0)
			loss, o.t, lsEvals = o.strongWolfe(closure, o.t, loss, gtd)
			o.addStep(o.t, d)
			optCond = absMax(g) <= float64(T(h.ToleranceGrad))
		} else {
			o.addStep(o.t, d)
			if nIter != h.MaxIter {
				loss = closure()
				o.gather(g)
				optCond = absMax(g) <= float64(T(h.ToleranceGrad))
				lsEvals = 1
			}
		}
		currentEvals += lsEvals
		o.funcEvals += int64(lsEvals)
		if nIter == h.MaxIter || currentEvals >= h.MaxEval || optCond {
			break
		}
		var step T
		tt := T(o.t)
		for _, v := range d {
			step = max(step, abs(v*tt))
		}
		if float64(step) <= float64(T(h.ToleranceChange)) || math.Abs(loss-o.prevLoss) < h.ToleranceChange {
			break
		}
	}
	return origLoss
}

// update adds the pair (y, s) = (g − g_prev, t·d) to the history when its
// curvature y·s is positive enough, dropping the oldest pair when full.
func (o *LBFGSOptimizer[T]) update(g []T) {
	tt := T(o.t)
	var ys, yy T
	for i := range g {
		yi := g[i] - o.prevG[i]
		si := o.d[i] * tt
		ys += T(yi * si)
		yy += T(yi * yi)
	}
	if float64(ys) <= float64(T(1e-10)) {
		return
	}
	var y, s []T
	if len(o.dirs) < o.h.HistorySize {
		y, s = make([]T, o.n), make([]T, o.n)
	} else {
		y, s = o.dirs[o.head], o.stps[o.head] // the oldest pair, dropped
	}
	for i := range g {
		y[i] = g[i] - o.prevG[i]
		s[i] = o.d[i] * tt
	}
	ro := float64(T(1) / ys)
	if len(o.dirs) < o.h.HistorySize {
		o.dirs = append(o.dirs, y)
		o.stps = append(o.stps, s)
		o.ro[len(o.dirs)-1] = ro
	} else {
		o.ro[o.head] = ro
		o.head = (o.head + 1) % o.h.HistorySize
	}
	o.num = len(o.dirs)
	o.hDiag = float64(ys / yy)
}

// pair returns the i-th oldest pair of the history.
func (o *LBFGSOptimizer[T]) pair(i int) (y, s []T, ro float64) {
	j := (o.head + i) % len(o.dirs)
	return o.dirs[j], o.stps[j], o.ro[j]
}

// direction sets d by the two-loop recursion from −g.
func (o *LBFGSOptimizer[T]) direction(g []T) {
	d := o.d
	for i, v := range g {
		d[i] = -v
	}
	for i := o.num - 1; i >= 0; i-- {
		y, s, ro := o.pair(i)
		o.al[i] = float64(T(dot(s, d)) * T(ro))
		axpy(d, -o.al[i], y)
	}
	hd := T(o.hDiag)
	for i := range d {
		d[i] = d[i] * hd
	}
	for i := 0; i < o.num; i++ {
		y, s, ro := o.pair(i)
		be := T(T(dot(y, d)) * T(ro))
		axpy(d, float64(T(o.al[i])-be), s)
	}
}

// evaluate is torch's _directional_evaluate: the loss and gradient (into
// gNew) at x0 + t·d; the parameters are x0 again afterwards.
func (o *LBFGSOptimizer[T]) evaluate(closure func() float64, t float64) float64 {
	o.addStep(t, o.d)
	f := closure()
	o.gather(o.gNew)
	o.setParams(o.x0)
	return f
}

// strongWolfe is torch's _strong_wolfe (c1 = 1e-4, c2 = 0.9, at most 25
// evaluations) from the parameters saved in x0, along d, from the trial
// step t; f, o.g and gtd are the loss, gradient and directional derivative
// at x0. It returns the loss at the step it picks, the step, and the number
// of evaluations, and leaves the gradient there in o.g.
func (o *LBFGSOptimizer[T]) strongWolfe(closure func() float64, t, f, gtd float64) (float64, float64, int) {
	const c1, c2, maxLS = 1e-4, 0.9, 25
	d := o.d
	dNorm := absMax(d)
	fNew := o.evaluate(closure, t)
	evals := 1
	gtdNew := dot(o.gNew, d)
	// The bracket: steps, losses, gradients (each slot owns its buffer) and
	// directional derivatives.
	var br, bf, bgtd [2]float64
	bg := [2][]T{o.gB0, o.gB1}
	nb := 0
	tPrev, fPrev, gtdPrev := 0.0, f, gtd
	gPrev := o.g // torch's g_prev = g, then clones of g_new
	done := false
	lsIter := 0
	for lsIter < maxLS {
		// torch's three tests, in its order: sufficient decrease fails
		// (bracket), the curvature condition holds (done), the slope turns
		// positive (bracket).
		decreaseFails := fNew > f+float64(c1*t*gtd) || (lsIter > 1 && fNew >= fPrev)
		if !decreaseFails && math.Abs(gtdNew) <= -c2*gtd {
			br[0], bf[0], nb, done = t, fNew, 1, true
			copy(bg[0], o.gNew)
			break
		}
		if decreaseFails || gtdNew >= 0 {
			br, bf, bgtd, nb = [2]float64{tPrev, t}, [2]float64{fPrev, fNew}, [2]float64{gtdPrev, gtdNew}, 2
			copy(bg[0], gPrev)
			copy(bg[1], o.gNew)
			break
		}
		minStep := t + float64(0.01*(t-tPrev))
		maxStep := t * 10
		tmp := t
		t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, &[2]float64{minStep, maxStep})
		tPrev, fPrev, gtdPrev = tmp, fNew, gtdNew
		copy(o.gPrev, o.gNew)
		gPrev = o.gPrev
		fNew = o.evaluate(closure, t)
		evals++
		gtdNew = dot(o.gNew, d)
		lsIter++
	}
	if lsIter == maxLS {
		br, bf, nb = [2]float64{0, t}, [2]float64{f, fNew}, 2
		copy(bg[0], o.g)
		copy(bg[1], o.gNew)
	}
	low, high := 0, 1
	if !(bf[0] <= bf[nb-1]) {
		low, high = 1, 0
	}
	insufProgress := false
	for !done && lsIter < maxLS {
		if math.Abs(br[1]-br[0])*dNorm < o.h.ToleranceChange {
			break
		}
		t = cubicInterpolate(br[0], bf[0], bgtd[0], br[1], bf[1], bgtd[1], nil)
		bmax, bmin := max(br[0], br[1]), min(br[0], br[1])
		eps := float64(0.1 * (bmax - bmin))
		if min(bmax-t, t-bmin) < eps {
			if insufProgress || t >= bmax || t <= bmin {
				if math.Abs(t-bmax) < math.Abs(t-bmin) {
					t = bmax - eps
				} else {
					t = bmin + eps
				}
				insufProgress = false
			} else {
				insufProgress = true
			}
		} else {
			insufProgress = false
		}
		fNew = o.evaluate(closure, t)
		evals++
		gtdNew = dot(o.gNew, d)
		lsIter++
		if fNew > f+float64(c1*t*gtd) || fNew >= bf[low] {
			br[high], bf[high], bgtd[high] = t, fNew, gtdNew
			copy(bg[high], o.gNew)
			low, high = 0, 1
			if !(bf[0] <= bf[1]) {
				low, high = 1, 0
			}
		} else {
			if math.Abs(gtdNew) <= -c2*gtd {
				done = true
			} else if gtdNew*(br[high]-br[low]) >= 0 {
				br[high], bf[high], bgtd[high] = br[low], bf[low], bgtd[low]
				copy(bg[high], bg[low])
			}
			br[low], bf[low], bgtd[low] = t, fNew, gtdNew
			copy(bg[low], o.gNew)
		}
	}
	copy(o.g, bg[low])
	return bf[low], br[low], evals
}

// cubicInterpolate is torch's _cubic_interpolate: the minimiser of the
// cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to
// bounds (or to [x1, x2] when bounds is nil), or the bounds' midpoint when
// the cubic has no minimum.
func cubicInterpolate(x1, f1, g1, x2, f2, g2 float64, bounds *[2]float64) float64 {
	lo, hi := x2, x1
	if bounds != nil {
		lo, hi = bounds[0], bounds[1]
	} else if x1 <= x2 {
		lo, hi = x1, x2
	}
	d1 := g1 + g2 - 3*(f1-f2)/(x1-x2)
	d2sq := float64(d1*d1) - float64(g1*g2)
	if d2sq >= 0 {
		d2 := math.Sqrt(d2sq)
		var minPos float64
		if x1 <= x2 {
			minPos = x2 - float64((x2-x1)*((g2+d2-d1)/(g2-g1+2*d2)))
		} else {
			minPos = x1 - float64((x1-x2)*((g1+d2-d1)/(g1-g2+2*d2)))
		}
		return pyMin(pyMax(minPos, lo), hi)
	}
	return (lo + hi) / 2
}

// pyMax and pyMin are Python's max(a, b) and min(a, b): a unless b is
// strictly beyond it (so a NaN a is kept).
func pyMax(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}

func pyMin(a, b float64) float64 {
	if b < a {
		return b
	}
	return a
}
