package nn

import (
	"os"
	"runtime"
	"sync/atomic"

	"github.com/descentlab/descent/internal/gemm"
)

// The layer pipeline: a training step of a deep, narrow network on two
// threads, split by layers instead of by rows. Thread 0 owns the first
// layer (the batch, W₁, its packed copy, ∂W₁), thread 1 every layer above
// it. Loss runs the batch through in micro-batches (pipeEnd):
// thread 0 computes the first layer's outputs of one micro-batch after
// another, and thread 1, as each is ready, takes it through the layers
// above, the loss's gradient and back down to ∂z₁ (Backward's input
// gradients, done here so that thread 1 has work while thread 0 finishes
// the first layer). Backward then computes ∂W₁ and ∂b₁ on thread 0 and
// every other weight gradient on thread 1, each over the whole batch.
//
// Why: on the two-core machines of issue 10 a core's write to a cache
// line that the other core has read costs 6 to 18 times a write to its
// own (bench/xcore), and the step split by rows wrote most of its data
// where the other core had read it: W₁, read whole by both threads, ∂W
// cut by columns over rows that both computed, the activations. Split by
// layers, only the first layer's outputs (thread 0 to 1) and ∂z₁ (1 to 0)
// cross between the cores, 2·n·out₁ floats a step.
//
// The bits are those of the step on one thread: every output and input
// gradient row is computed by the same kernels over the same k, whatever
// rows a product takes at once, and every weight gradient is the whole
// product over the batch, as on one thread (TestPipeSameBits).
//
// It runs where GOMAXPROCS is 2, the network has no dropout or batch
// normalisation, at least three layers, and the two threads' work is about
// even (pipeBalanced); DESCENT_PIPE=off or Model.SetPipeline(false) turns
// it off (the bits are the same either way).

// pipeFirstRows and pipeRows are the rows of the first micro-batch and of
// the others, multiples of the sparse layer's groups of four. Thread 1
// waits for the first, and thread 0 for thread 1's work on the last: small
// micro-batches shorten both, large ones make thread 1's products faster.
// Book net, batch 128, SGD (BenchmarkTrainSteps p50, two rounds
// alternating): 20 then 36 rows 226.5 and 229.1 µs, against 247.8 and
// 238.7 with 24 then 52, 240.6 and 241.5 with 24, 40, 40, 24, and 258.7
// and 255.8 with 16 then 28 (docs/speed-log.md).
const (
	pipeFirstRows = 20
	pipeRows      = 36
)

// pipeEnd is the end of the micro-batch that starts at row lo of n. A
// micro-batch never leaves fewer than gemm.MaxGemvRows+1 rows after it: a
// product of so few rows takes gemm's row-at-a-time path, whose sums are
// not the blocked kernels' chains.
func pipeEnd(lo, n int) int {
	hi := min(lo+pipeRows, n)
	if lo == 0 {
		hi = min(pipeFirstRows, n)
	}
	if n-hi <= gemm.MaxGemvRows {
		hi = n
	}
	return hi
}

// pipeEnv turns the layer pipeline off for a process: DESCENT_PIPE=off.
var pipeEnv = os.Getenv("DESCENT_PIPE") != "off"

// pipeState is the state of the layer pipeline for the last Loss.
type pipeState struct {
	off bool // SetPipeline(false)
	on  bool // the last Loss ran as a pipeline
	// done is the number of rows whose first-layer outputs are ready,
	// written by thread 0 as it goes and read by thread 1.
	done atomic.Int64
	// packed: W₁ was packed (finite) for this Loss; sparse: every
	// micro-batch took the sparse first layer.
	packed, dense, sparse bool
	// finite[0] is ∂W₁'s and ∂b₁'s, finite[1] every other gradient's.
	finite      [2]bool
	fwdFn, bwFn func(part, parts int)
	// Thread 1's weights packed once per Loss for all its micro-batches:
	// op(B) = Wᵀ of the forward products and W of the input gradients,
	// per layer (index 0 unused).
	fwd, bwd []gemm.PackedB
	n        int
	x        []float32
	y        []uint8
	scale    float32
	fill     func(lo, hi int) // LossFill's, or nil
}

// SetPipeline turns the layer pipeline on (the default, where it applies)
// or off. Either way the results have the same bits.
func (m *Model) SetPipeline(on bool) { m.pipe.off = !on }

// pipeOK reports whether Loss on a batch of n runs as the layer pipeline.
func (m *Model) pipeOK(n int) bool {
	return pipeEnv && !m.pipe.off && runtime.GOMAXPROCS(0) == 2 && m.spec.Dropout == 0 && m.norms == nil &&
		len(m.layers) >= 3 && n >= pipeFirstRows+pipeRows && m.pipeBalanced()
}

// pipeBalanced reports whether the layers above the first are between a
// half and twice the work of the first (multiply-adds per row: three
// products each above, the first layer's two at the half that MNIST's
// sparse inputs leave), and every layer is at most maxPipeWidth wide:
// wider layers' products split well by columns over both threads.
func (m *Model) pipeBalanced() bool {
	first := float64(m.layers[0].in) * float64(m.layers[0].out)
	rest := 0.0
	for li := range m.layers {
		if m.layers[li].out > maxPipeWidth {
			return false
		}
		if li > 0 {
			rest += 3 * float64(m.layers[li].in) * float64(m.layers[li].out)
		}
	}
	return rest >= 0.5*first && rest <= 2*first
}

// maxPipeWidth is the widest layer the pipeline takes.
const maxPipeWidth = 512

// pipeLoss is Loss's forward pass as the layer pipeline.
func (m *Model) pipeLoss(x []float32, y []uint8, n int, scale float32, fill func(lo, hi int)) {
	p := &m.pipe
	if p.fwdFn == nil {
		p.fwdFn, p.bwFn = m.pipeForward, m.pipeBackward
	}
	if len(p.fwd) < len(m.layers) {
		p.fwd, p.bwd = make([]gemm.PackedB, len(m.layers)), make([]gemm.PackedB, len(m.layers))
	}
	p.n, p.x, p.y, p.scale, p.fill = n, x, y, scale, fill
	p.done.Store(0)
	p.packed, p.dense, p.sparse = false, false, true
	m.sp.on = m.sparseOK(n)
	if m.sp.on {
		m.ensureSparse(n, 1)
	}
	runParts(2, p.fwdFn)
	p.x, p.y, p.fill = nil, nil, nil
	p.sparse = p.sparse && m.sp.on
	m.sp.ready = p.sparse
}

// pipeForward is one thread's part of pipeLoss.
func (m *Model) pipeForward(part, _ int) {
	p := &m.pipe
	if part == 0 {
		// Whatever happens here, thread 1 must not wait for ever.
		defer p.done.Store(int64(p.n))
		for lo, hi := 0, 0; lo < p.n; lo = hi {
			hi = pipeEnd(lo, p.n)
			if p.fill != nil {
				p.fill(lo, hi)
			}
			m.pipeFirst(lo, hi)
			p.done.Store(int64(hi))
		}
		return
	}
	// While thread 0 computes the first micro-batch, pack the weights.
	for li := 1; li < len(m.layers); li++ {
		l := &m.layers[li]
		p.fwd[li].Pack(true, l.in, l.out, l.w, l.in)
		p.bwd[li].Pack(false, l.out, l.in, l.w, l.in)
	}
	for lo, hi := 0, 0; lo < p.n; lo = hi {
		hi = pipeEnd(lo, p.n)
		for spins := 0; p.done.Load() < int64(hi); spins++ {
			if spins&63 == 63 {
				runtime.Gosched()
			}
		}
		if p.fill != nil {
			checkLabels(p.y[lo:hi], m.Classes())
		}
		m.pipeRest(lo, hi)
	}
}

// pipeFirst computes the first layer's outputs of rows [lo, hi), on
// thread 0: the sparse product where it may (W₁ packed at the first
// micro-batch), else the dense one.
func (m *Model) pipeFirst(lo, hi int) {
	p, sp, l := &m.pipe, &m.sp, &m.layers[0]
	z := m.train.z[0][lo*l.out : hi*l.out]
	sparse := false
	if sp.on && !p.dense && m.listSparse(0, lo, hi, p.x) {
		pk := &sp.packed[0]
		if !p.packed {
			p.packed = pk.Pack(l.w, l.in, l.out, l.in)
			p.dense = !p.packed
		}
		if p.packed {
			m.sparseRows(pk, 0, lo, hi, z)
			sparse = true
		}
	}
	if !sparse {
		p.sparse = false
		gemm.SgemmSerial(false, true, hi-lo, l.out, l.in, 1, p.x[lo*l.in:hi*l.in], l.in, l.w, l.in, 0, z, l.out)
	}
	m.biasAct(0, z)
}

// pipeRest takes rows [lo, hi) from the first layer's outputs through the
// layers above, the loss's gradient and back to ∂z₁, on thread 1.
func (m *Model) pipeRest(lo, hi int) {
	p, ws := &m.pipe, &m.train
	last := len(m.layers) - 1
	in := ws.z[0][lo*m.layers[0].out : hi*m.layers[0].out]
	for li := 1; li <= last; li++ {
		l := &m.layers[li]
		z := ws.z[li][lo*l.out : hi*l.out]
		gemm.SgemmPackedB(hi-lo, in, l.in, &p.fwd[li], z, l.out)
		m.biasAct(li, z)
		in = z
	}
	c := m.Classes()
	softmaxGrad(ws, ws.z[last][:p.n*c], p.y, c, ws.dz[last][:p.n*c], p.scale, lo, hi)
	for li := last; li > 0; li-- {
		l := &m.layers[li]
		dz := ws.dz[li][lo*l.out : hi*l.out]
		prev := ws.dz[li-1][lo*l.in : hi*l.in]
		gemm.SgemmPackedB(hi-lo, dz, l.out, &p.bwd[li], prev, l.in)
		activateGrad(m.spec.Act, prev, ws.z[li-1][lo*l.in:hi*l.in])
	}
}

// pipeBackwardRun is Backward after a pipelined Loss (whose batch of
// m.pipe.n rows it takes): the weight gradients, the first layer's on
// thread 0 and the others on thread 1.
func (m *Model) pipeBackwardRun() {
	runParts(2, m.pipe.bwFn)
	m.finite, m.finiteKnown = m.pipe.finite[0] && m.pipe.finite[1], true
}

// pipeBackward is one thread's part of pipeBackwardRun.
func (m *Model) pipeBackward(part, _ int) {
	p := &m.pipe
	if part == 0 {
		p.finite[0] = m.gradLayer(0, 0, m.layers[0].in, p.n)
		return
	}
	ok := true
	for li := len(m.layers) - 1; li > 0; li-- {
		ok = m.gradLayer(li, 0, m.layers[li].in, p.n) && ok
	}
	p.finite[1] = ok
}

// ParamParts returns, for a training step on a batch of n, the thread that
// computes each parameter's gradient (Params order; 0 is the goroutine
// that calls Loss and Backward), where every parameter is read and its
// gradient computed on one thread only: the layer pipeline's first layer
// on thread 0, the layers above on thread 1. Elsewhere (one thread, the
// step split by rows) it returns nil. A training loop passes it to its
// optimizer (optim's Optimizer.SetParts), so that each parameter is also
// updated on the core that holds it.
func (m *Model) ParamParts(n int) []int {
	if !m.pipeOK(n) {
		return nil
	}
	parts := make([]int, len(m.views))
	for i := range parts {
		// fc1.weight and fc1.bias come first (Params).
		if i >= 2 {
			parts[i] = 1
		}
	}
	return parts
}
