package nn

import (
	"github.com/descentlab/descent/internal/gemm"
	"github.com/descentlab/descent/internal/vec"
	"github.com/descentlab/descent/internal/workpool"
)

// The first layer by neurons.
//
// Where the first layer holds most of the weights (784→100 under a rest of
// 100→10, or of three 100→100 layers), Loss and Backward on several
// threads give each thread a fixed block of the first layer's neurons (rows
// of W₁) for the whole step, step after step (workpool's owned parts: the
// same helper takes the same block): it computes those columns of z₁ =
// x·W₁ᵀ + b₁ for the whole batch, and in Backward those columns of
// δ₁ = (δ₂·W₂) ⊙ act′, the rows of ∂W₁ = δ₁ᵀ·x and the entries of ∂b₁ they
// give; StepOwned then has the optimizer update those rows of W₁ and b₁ on
// the same thread. A thread so touches only its own rows of W₁, ∂W₁ and the
// optimizer's state, which can stay in its core's L2 from one step to the
// next, instead of the whole of W₁ for its forward rows and a share of the
// optimizer's elements cut without regard to either. The rest of the
// network runs by rows as rowForward does (on the calling thread alone
// where it is small). Each element is computed by one product, as the
// single-thread pass computes it (gemm computes an element of C the same
// way whatever the columns or rows around it), so the bits are the same.

// maxNeuronParts bounds the threads of the split: workpool's owned runs
// take at most 24 parts, the first layer's blocks and the other layers'
// gradient tasks together.
const maxNeuronParts = 8

// minRestRowsWork is the flop count of the layers above the first from
// which they run by rows on every thread rather than on the calling one:
// below it a hand-over costs about as much as the work.
const minRestRowsWork = 1 << 21

// neuronSplit is the state of the split: the blocks, and what the owned
// runs read.
type neuronSplit struct {
	// active: the last Loss ran by neurons, and Backward and StepOwned
	// follow it.
	active bool
	parts  int
	cut    []int // part t owns neurons [cut[t], cut[t+1]) of the first layer
	// full is the first layer's neurons in whole panels of 16: the
	// forward pass computes the last part's neurons from full on (gemm's
	// ragged panel, which costs a whole one) by rows, each thread the
	// rows it gathered, so that no thread has a panel more than another.
	full int
	rest bool // the layers above the first run by rows on every thread
	n    int
	x    []float32
	// neuronForward, neuronGrad and neuronStep, made once.
	fwdFn, gradFn, stepFn func(part, parts int)
	finite                []bool // per block: its ∂W₁ rows and ∂b₁ entries are finite
	stepper               RangeStepper
}

// RangeStepper updates elements [lo, hi) of parameter i, the parameters
// numbered as Params lists them: an *optim.Optimizer between BeginStep and
// EndStep over one parameter per view of Params, in order.
type RangeStepper interface {
	StepRange(i, lo, hi int)
}

// neuronSplit reports whether Loss on a batch of n on parts threads (by
// rows otherwise, rowParts) runs the first layer by neurons, and plans the
// blocks: where the first layer has at least twice the weights of all the
// others and 16 neurons a thread. Blocks are cut at multiples of 16
// neurons, gemm's column panels, so that at most one has a ragged panel.
func (m *Model) neuronSplit(n, parts int) bool {
	if len(m.layers) < 2 || parts > maxNeuronParts {
		return false
	}
	l := &m.layers[0]
	rest := 0
	for _, k := range m.layers[1:] {
		rest += k.in * k.out
	}
	if l.in*l.out < 2*rest || l.out < 16*parts {
		return false
	}
	ns := &m.neurons
	if ns.fwdFn == nil {
		ns.fwdFn, ns.gradFn, ns.stepFn = m.neuronForward, m.neuronGrad, m.neuronStep
	}
	if ns.parts != parts {
		full := l.out &^ 15
		cut := make([]int, parts+1)
		for t := 1; t < parts; t++ {
			cut[t] = (full*t/parts + 8) &^ 15
			if cut[t] <= cut[t-1] {
				return false
			}
		}
		cut[parts] = l.out
		ns.cut, ns.full = cut, full
		ns.finite = make([]bool, parts)
		ns.parts = parts
	}
	ns.rest = 2*float64(n)*float64(rest) >= minRestRowsWork
	return true
}

// forwardNeurons is Loss's forward pass with the first layer by neurons;
// m.rows holds the batch.
func (m *Model) forwardNeurons(x []float32, n, parts int) {
	ns := &m.neurons
	ns.x, ns.n = x, n
	if !workpool.TryRunSharedOwned(parts, parts, ns.fwdFn) {
		for part := range parts {
			m.neuronForward(part, parts)
		}
	}
	ns.x = nil
	m.rows.from = 1
	if !ns.rest || !workpool.TryRunShared(parts, parts, m.rows.fn) {
		m.forwardRows(0, n)
	}
	ns.active = true
}

// neuronForward computes part's block of columns of the first layer's
// output for the whole batch, z₁[:, lo:hi] = act(x·W₁[lo:hi]ᵀ + b₁[lo:hi]),
// whole panels only, and the ragged panel's columns of its rows of the
// batch (see neuronSplit.full).
func (m *Model) neuronForward(part, parts int) {
	ns := &m.neurons
	n, l := ns.n, &m.layers[0]
	m.neuronBlock(0, n, ns.cut[part], min(ns.cut[part+1], ns.full))
	if ns.full < l.out {
		if lo, hi, _ := m.InputRows(n, part, parts); lo < hi {
			m.neuronBlock(lo, hi, ns.full, l.out)
		}
	}
}

// neuronBlock computes rows [r0, r1) and columns [lo, hi) of the first
// layer's output.
func (m *Model) neuronBlock(r0, r1, lo, hi int) {
	if r0 >= r1 || lo >= hi {
		return
	}
	l := &m.layers[0]
	z := m.train.z[0][:r1*l.out]
	gemm.SgemmSerial(false, true, r1-r0, hi-lo, l.in, 1, m.neurons.x[r0*l.in:r1*l.in], l.in, l.w[lo*l.in:hi*l.in], l.in, 0, z[r0*l.out+lo:], l.out)
	relu := m.spec.Act == ReLU
	for r := r0; r < r1; r++ {
		row := z[r*l.out+lo : r*l.out+hi]
		vec.AddBias(row, l.b[lo:hi], relu)
		activate(m.spec.Act, row)
	}
}

// backwardNeurons is Backward after forwardNeurons: the input gradients of
// the layers above the second by rows, then in one owned run each block's
// δ₁ columns, ∂W₁ rows and ∂b₁ entries, and the other layers' weight
// gradients as tasks.
func (m *Model) backwardNeurons(n, parts int) {
	ns, b := &m.neurons, &m.back
	if len(m.layers) > 2 {
		b.stop = 2
		if !ns.rest || !workpool.TryRunShared(parts, parts, b.rowsFn) {
			m.backwardRowRange(0, n)
		}
	}
	if b.tasksN != n || b.parts != parts || b.from != 1 {
		m.planGradTasks(n, parts, 1)
	}
	ns.n = n
	total := parts + len(b.tasks)
	if total > 24 || !workpool.TryRunSharedOwned(total, parts, ns.gradFn) {
		for i := range total {
			m.neuronGrad(i, total)
		}
	}
	m.finite, m.finiteKnown = true, true
	for _, ok := range ns.finite {
		m.finite = m.finite && ok
	}
	for _, ok := range b.finite {
		m.finite = m.finite && ok
	}
}

// neuronGrad is part i of backwardNeurons's run: block i's gradients for
// i below the number of blocks, else weight-gradient task i − blocks.
func (m *Model) neuronGrad(i, _ int) {
	ns := &m.neurons
	if i >= ns.parts {
		m.weightTask(i-ns.parts, 0)
		return
	}
	lo, hi, n := ns.cut[i], ns.cut[i+1], ns.n
	ws, l0, l1 := &m.train, &m.layers[0], &m.layers[1]
	d0, z0 := ws.dz[0][:n*l0.out], ws.z[0][:n*l0.out]
	// δ₁[:, lo:hi] = (δ₂·W₂[:, lo:hi]) ⊙ act′(z₁[:, lo:hi])
	gemm.SgemmSerial(false, false, n, hi-lo, l1.out, 1, ws.dz[1][:n*l1.out], l1.out, l1.w[lo:], l1.in, 0, d0[lo:], l0.out)
	for r := range n {
		activateGrad(m.spec.Act, d0[r*l0.out+lo:r*l0.out+hi], z0[r*l0.out+lo:r*l0.out+hi])
	}
	// ∂W₁[lo:hi] = δ₁[:, lo:hi]ᵀ·x, ∂b₁[lo:hi] = Σ over the batch of δ₁[:, lo:hi]
	gw := l0.gw[lo*l0.in : hi*l0.in]
	gemm.SgemmSerial(true, false, hi-lo, l0.in, n, 1, d0[lo:], l0.out, m.x, l0.in, 0, gw, l0.in)
	vec.ColSumsStride(l0.gb[lo:hi], d0[lo:], n, l0.out)
	ns.finite[i] = vec.AllFinite(gw) && vec.AllFinite(l0.gb[lo:hi])
}

// NeuronsOwned reports whether the last Backward ran the first layer by
// neurons (see StepOwned).
func (m *Model) NeuronsOwned() bool { return m.neurons.active }

// StepOwned has s update every parameter, where the last Loss and Backward
// ran the first layer by neurons, and reports true; else it does nothing
// and reports false. Each thread updates the rows of the first layer's
// weight and the entries of its bias whose gradients it computed, then an
// equal share of the other parameters (laid end to end), so that those
// rows stay in its core's caches. s must update elements independently
// (every built-in method of optim does), as each element is updated once,
// by one of the threads.
func (m *Model) StepOwned(s RangeStepper) bool {
	ns := &m.neurons
	if !ns.active {
		return false
	}
	ns.stepper = s
	if !workpool.TryRunSharedOwned(ns.parts, ns.parts, ns.stepFn) {
		for part := range ns.parts {
			m.neuronStep(part, ns.parts)
		}
	}
	ns.stepper = nil
	return true
}

// neuronStep is part part of StepOwned.
func (m *Model) neuronStep(part, parts int) {
	ns := &m.neurons
	s := ns.stepper
	lo, hi := ns.cut[part], ns.cut[part+1]
	l := &m.layers[0]
	s.StepRange(0, lo*l.in, hi*l.in)
	s.StepRange(1, lo, hi)
	total := len(m.params) - len(l.w) - len(l.b)
	size := ((total+parts-1)/parts + 15) &^ 15
	a, b := min(part*size, total), min((part+1)*size, total)
	off := 0
	for i := 2; i < len(m.views) && off < b; i++ {
		k := len(m.views[i].Value)
		if start, end := max(a-off, 0), min(b-off, k); start < end {
			s.StepRange(i, start, end)
		}
		off += k
	}
}
