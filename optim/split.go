package optim

import "fmt"

// A step in pieces: BeginStep, StepRange over every element, EndStep.
//
// Step reads every gradient after the caller has computed them all; by
// then a large model's gradients have left the core's caches. A caller that
// computes the gradients in pieces (nn.Model.BackwardStep: one weight
// gradient's columns per task) can instead update each piece's weights as
// soon as it has the piece, while it is in the cache of the core that made
// it. The result is Step's, bit for bit: every method of this package
// updates each element from that element's own value, gradient and state
// with the step's scalars, so neither the order of the pieces, nor how the
// elements are cut, nor which goroutine runs a piece changes a bit.

// BeginStep starts a step taken in pieces. It does what Step does before
// any element changes: checks the lengths (panicking as Step does),
// allocates the state on the first step, advances every parameter's step
// count once and computes the step's scalars. Then every element of every
// parameter must be updated by exactly one StepRange before EndStep ends
// the step; nothing else may be called on the optimizer in between.
//
// BeginStep returns false, changing nothing, when a group runs a [Custom]
// method, whose Update takes whole parameters: use Step.
func (o *Optimizer[T]) BeginStep() bool {
	for gi := range o.groups {
		if o.groups[gi].custom != nil {
			return false
		}
	}
	o.prepare()
	o.makeCalls()
	o.stepping = true
	return true
}

// StepRange updates elements [lo, hi) of parameter i (in the order of
// Params) in the step BeginStep started. Calls on disjoint ranges may run
// at once on several goroutines; it allocates nothing. It panics if i is
// not a parameter's index or [lo, hi) is not within it.
func (o *Optimizer[T]) StepRange(i, lo, hi int) {
	o.calls[i].run(lo, hi)
}

// EndStep ends the step BeginStep started. It panics if no step was
// started.
func (o *Optimizer[T]) EndStep() {
	if !o.stepping {
		panic(fmt.Sprintf("optim: EndStep without BeginStep (%s)", o.method))
	}
	o.stepping = false
}
