package nn

import (
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/descentlab/descent/internal/gemm"
	"github.com/descentlab/descent/internal/vec"
	"github.com/descentlab/descent/internal/workpool"
)

// EvalChunk is the number of examples that Evaluate, Accuracy and Predict
// push through the network at a time, bounding their memory whatever the
// size of the set.
const EvalChunk = 1024

// workspace holds the per-batch buffers of one kind of pass (training or
// evaluation), sized for the largest batch seen and resliced for smaller ones.
type workspace struct {
	rows int         // batch size the buffers can hold
	z    [][]float32 // per layer, rows×out: pre-activation, then (hidden) activation in place
	mask [][]float32 // per hidden layer with dropout: 0 or 1/(1−p)
	h    [][]float32 // per hidden layer with dropout: z·mask, the next layer's input
	xhat [][]float32 // per hidden layer with batch normalisation: x̂ of the last training batch
	dz   [][]float32 // per layer: gradient of the loss with respect to z
	// Per row: the largest logit and the sum of exponentials
	// (crossEntropy), and for evaluation the softmax it writes.
	tops, sums []float32
	soft       []float32
}

func (ws *workspace) ensure(m *Model, n int, train bool) {
	if n <= ws.rows {
		return
	}
	L := len(m.layers)
	ws.z = make([][]float32, L)
	ws.tops, ws.sums = make([]float32, n), make([]float32, n)
	for i, l := range m.layers {
		ws.z[i] = make([]float32, n*l.out)
	}
	if !train {
		ws.soft = make([]float32, n*m.Classes())
	} else {
		ws.dz = make([][]float32, L)
		for i, l := range m.layers {
			ws.dz[i] = make([]float32, n*l.out)
		}
		if m.norms != nil {
			ws.xhat = make([][]float32, L-1)
			for i := range L - 1 {
				ws.xhat[i] = make([]float32, n*m.layers[i].out)
			}
		}
		if m.spec.Dropout > 0 {
			ws.mask = make([][]float32, L-1)
			ws.h = make([][]float32, L-1)
			for i := range L - 1 {
				ws.mask[i] = make([]float32, n*m.layers[i].out)
				ws.h[i] = make([]float32, n*m.layers[i].out)
			}
		}
	}
	ws.rows = n
}

// forward runs n examples x (n×Inputs) through the network and returns the
// logits (n×Classes, in ws). training applies dropout and normalises with
// the batch's statistics (else with the running ones).
func (m *Model) forward(ws *workspace, x []float32, n int, training bool) []float32 {
	in := x
	last := len(m.layers) - 1
	for li := range last {
		z := m.hidden(ws, li, in, n, training, BatchNormMomentum)
		in = z
		if training && m.spec.Dropout > 0 {
			keep := 1 - m.spec.Dropout
			scale := float32(1 / keep)
			mask, h := ws.mask[li][:len(z)], ws.h[li][:len(z)]
			for i, v := range z {
				mask[i] = 0
				if m.dropRNG.Float64() < keep {
					mask[i] = scale
				}
				h[i] = v * mask[i]
			}
			in = h
		}
	}
	l := &m.layers[last]
	z := ws.z[last][:n*l.out]
	gemm.Sgemm(false, true, n, l.out, l.in, 1, in, l.in, l.w, l.in, 0, z, l.out)
	vec.AddBias(z, l.b, false)
	return z
}

// hidden computes hidden layer li of n examples from its input in, into
// ws.z[li]: z = act(in·Wᵀ + b), with in n×in and W out×in, normalised in
// between when the model has batch normalisation (with the batch's
// statistics when training, moving the running ones by momentum). ReLU is
// applied in the same pass as the bias, or as the normalisation.
func (m *Model) hidden(ws *workspace, li int, in []float32, n int, training bool, momentum float64) []float32 {
	l := &m.layers[li]
	z := ws.z[li][:n*l.out]
	if li != 0 || !m.sp.whole {
		gemm.Sgemm(false, true, n, l.out, l.in, 1, in, l.in, l.w, l.in, 0, z, l.out)
	}
	vec.AddBias(z, l.b, m.spec.Act == ReLU && m.norms == nil)
	if m.norms != nil {
		var xhat []float32
		if training {
			xhat = ws.xhat[li][:len(z)]
		}
		m.norms[li].forward(z, xhat, n, training, m.spec.Act == ReLU, momentum)
	}
	activate(m.spec.Act, z)
	return z
}

// crossEntropy returns the summed softmax cross-entropy of the n rows of
// logits with labels y, and writes into dz the gradient of scale times that
// sum with respect to the logits: scale·(softmax(row) − onehot(y)). Each
// row's loss is computed stably as log Σ exp(z−max) − (z_y − max), with the
// exponentials of vec.SoftmaxRows (float32, in one vector pass over the
// row). A label ≥ the number of classes panics.
func crossEntropy(ws *workspace, logits []float32, y []uint8, c int, dz []float32, scale float32) float64 {
	checkLabels(y, c)
	softmaxGrad(ws, logits, y, c, dz, scale, 0, len(y))
	return ceTotal(ws, logits, y, c)
}

// checkLabels panics on a label ≥ the number of classes c.
func checkLabels(y []uint8, c int) {
	for _, yi := range y {
		if int(yi) >= c {
			panic(fmt.Sprintf("nn: label %d out of range for %d classes", yi, c))
		}
	}
}

// softmaxGrad is crossEntropy's pass over rows [lo, hi): each row's largest
// logit and sum of exponentials into ws.tops and ws.sums, and its gradient
// scale·(softmax(row) − onehot(y)) into dz.
func softmaxGrad(ws *workspace, logits []float32, y []uint8, c int, dz []float32, scale float32, lo, hi int) {
	vec.SoftmaxRows(dz[lo*c:hi*c], ws.tops[lo:hi], ws.sums[lo:hi], logits[lo*c:hi*c], c, scale)
	for i := lo; i < hi; i++ {
		dz[i*c+int(y[i])] -= scale
	}
}

// ceTotal sums the cross-entropy of every row, in row order, from the tops
// and sums softmaxGrad left in ws.
func ceTotal(ws *workspace, logits []float32, y []uint8, c int) float64 {
	var total float64
	for i, yi := range y {
		total += math.Log(float64(ws.sums[i])) - float64(logits[i*c+int(yi)]-ws.tops[i])
	}
	return total
}

// rowForward is Loss's forward pass split by rows over threads: each part
// takes the rows of the batch that the first layer's product would give it
// (InputRows, the rows the trainer gathers on that thread) through every
// layer and the loss's softmax, on one thread, so that a batch's rows stay
// in one core's caches from the gather to the logits' gradient and the
// layers after the first need no hand-over. A row's values do not depend on
// which rows share its product (gemm computes every element of C alike
// whatever the rows around it), so the bits are those of the pass over the
// whole batch.
type rowForward struct {
	fn    func(part, parts int) // forwardPart, made once
	x     []float32
	y     []uint8
	n     int
	scale float32
	fill  func(lo, hi int) // LossFill's, or nil
}

// runParts runs fn's parts on the shared pool, or here one after another
// where the pool is busy.
func runParts(parts int, fn func(part, parts int)) {
	if !workpool.TryRunShared(parts, parts, fn) {
		for part := range parts {
			fn(part, parts)
		}
	}
}

// rowParts returns how many threads Loss's forward pass on a batch of n
// rows is split over: the first layer's product split by rows over
// GOMAXPROCS threads, or 1 where it is not split (small products), where
// dropout draws its masks in one sequence, or where batch normalisation
// needs the statistics of the whole batch between two layers.
func (m *Model) rowParts(n int) int {
	parts := runtime.GOMAXPROCS(0)
	if parts < 2 || m.spec.Dropout > 0 || m.norms != nil {
		return 1
	}
	if _, _, ok := m.InputRows(n, 0, parts); !ok {
		return 1
	}
	return parts
}

// forwardPart runs Loss's forward pass on part's rows of the batch in
// m.rows (see rowForward) and leaves the logits' gradient of those rows in dz[last].
func (m *Model) forwardPart(part, parts int) {
	r := &m.rows
	lo, hi, _ := m.InputRows(r.n, part, parts)
	if lo >= hi {
		return
	}
	if r.fill != nil {
		r.fill(lo, hi)
		checkLabels(r.y[lo:hi], m.Classes())
	}
	ws := &m.train
	in := r.x[lo*m.Inputs() : hi*m.Inputs()]
	last := len(m.layers) - 1
	for li := range m.layers {
		l := &m.layers[li]
		z := ws.z[li][lo*l.out : hi*l.out]
		if li == 0 && m.sp.on && m.sparseOK(hi-lo) && m.sparseForward(part, lo, hi, r.x, z) {
			m.sp.used[part] = true
		} else {
			gemm.SgemmSerial(false, true, hi-lo, l.out, l.in, 1, in, l.in, l.w, l.in, 0, z, l.out)
		}
		m.biasAct(li, z)
		in = z
	}
	c := m.Classes()
	softmaxGrad(ws, ws.z[last][:r.n*c], r.y, c, ws.dz[last][:r.n*c], r.scale, lo, hi)
}

// biasAct adds layer li's bias to its outputs z and applies the
// activation, but not to the logits (the last layer): ReLU in the bias's
// pass.
func (m *Model) biasAct(li int, z []float32) {
	last := li == len(m.layers)-1
	vec.AddBias(z, m.layers[li].b, !last && m.spec.Act == ReLU)
	if !last {
		activate(m.spec.Act, z)
	}
}

func (m *Model) checkBatch(x []float32, y []uint8) int {
	n := len(y)
	if n == 0 {
		panic("nn: empty batch")
	}
	if len(x) != n*m.Inputs() {
		panic(fmt.Sprintf("nn: %d labels need %d×%d = %d inputs, got %d", n, n, m.Inputs(), n*m.Inputs(), len(x)))
	}
	return n
}

// Loss runs the training forward pass on the batch x (len(y) rows of
// Inputs values, row-major) with labels y, and returns the mean softmax
// cross-entropy over the batch. Dropout, if the spec has it, is applied.
// It remembers x and y for Backward: do not change them in between.
// A label ≥ Classes or a length mismatch panics. In the layer pipeline (a
// deep, narrow network on two threads, see the package documentation)
// Loss also computes the input gradients that Backward would.
func (m *Model) Loss(x []float32, y []uint8) float64 { return m.loss(x, y, nil) }

// LossFill is Loss on a batch whose rows are written as the forward pass
// needs them: fill(lo, hi) must write rows [lo, hi) of x and of y, which
// already have the batch's lengths. It is called once for each range of a
// set of disjoint ranges that cover the batch, each before those rows are
// read, on the threads that read them first, possibly several at once. A
// training loop that gathers its batch from a larger set so has each core
// gather the rows it reads (the two halves of the batch where the forward
// pass is split by rows; micro-batch by micro-batch, overlapping the
// layers above, in the layer pipeline). The result is Loss's on the filled
// batch; a label ≥ Classes panics (on the calling goroutine, wrapped with
// the helper's stack where a helper thread found it).
func (m *Model) LossFill(x []float32, y []uint8, fill func(lo, hi int)) float64 {
	return m.loss(x, y, fill)
}

// loss is Loss, and LossFill where fill is not nil.
func (m *Model) loss(x []float32, y []uint8, fill func(lo, hi int)) float64 {
	n := m.checkBatch(x, y)
	ws := &m.train
	ws.ensure(m, n, true)
	c := m.Classes()
	// ∂(mean CE)/∂logits = (softmax − onehot(y)) / n, for Backward.
	scale := float32(1 / float64(n))
	var total float64
	m.pipe.on = false
	if m.pipeOK(n) {
		if fill == nil {
			checkLabels(y, c)
		}
		m.pipeLoss(x, y, n, scale, fill)
		m.pipe.on = true
		total = ceTotal(ws, ws.z[len(m.layers)-1][:n*c], y, c)
	} else if parts := m.rowParts(n); parts > 1 {
		if fill == nil {
			checkLabels(y, c)
		}
		if m.rows.fn == nil {
			m.rows.fn = m.forwardPart
		}
		m.rows.x, m.rows.y, m.rows.n, m.rows.scale, m.rows.fill = x, y, n, scale, fill
		m.sp.on = m.sparseOK(n)
		if m.sp.on {
			m.ensureSparse(n, parts)
			clear(m.sp.used[:parts])
		}
		runParts(parts, m.rows.fn)
		m.rows.x, m.rows.y, m.rows.fill = nil, nil, nil
		m.sp.ready = m.sp.on && m.allPartsSparse(n, parts)
		total = ceTotal(ws, ws.z[len(m.layers)-1][:n*c], y, c)
	} else {
		if fill != nil {
			fill(0, n)
		}
		// The first layer's sparse product where the batch is not split by
		// rows: hidden then skips layer 0's product (m.sp.whole).
		m.sp.ready = len(m.layers) > 1 && m.sparseOK(n) && m.sparseWhole(x, n)
		m.sp.whole = m.sp.ready
		logits := m.forward(ws, x, n, true)
		m.sp.whole = false
		total = crossEntropy(ws, logits, y, c, ws.dz[len(m.layers)-1][:n*c], scale)
	}
	m.x, m.y, m.ready = x, y, true
	return total / float64(n)
}

// Backward computes the gradient of the last Loss with respect to every
// parameter and writes it into the gradient buffer, overwriting what was
// there (gradients are not accumulated across calls). It panics if Loss has
// not been called.
func (m *Model) Backward() {
	if !m.ready {
		panic("nn: Backward called before Loss")
	}
	n := len(m.y)
	m.finiteKnown = false
	// Loss left ∂(mean CE)/∂logits in m.train.dz[last], and as the layer
	// pipeline every ∂z.
	if m.pipe.on {
		m.pipeBackwardRun()
		return
	}
	if parts := m.rowParts(n); parts > 1 {
		m.backwardSplit(n, parts)
		return
	}
	for li := len(m.layers) - 1; li >= 0; li-- {
		l := &m.layers[li]
		// Above the first layer the weight gradient and the input gradient
		// are independent products of the same size: run them side by
		// side, one per thread, rather than each split over the threads
		// (one hand-over instead of two, and no tile cut in half).
		if li > 0 && 2*float64(n)*float64(l.in)*float64(l.out) >= minPairWork && runtime.GOMAXPROCS(0) > 1 {
			m.pairLayer, m.pairN = li, n
			if workpool.TryRunShared(2, 2, m.pair) {
				continue
			}
		}
		if li == 0 && m.sp.ready && m.sparseGradOK(n) {
			m.sparseGradWhole(n)
		} else {
			m.weightGrad(li, n, false)
		}
		if li > 0 {
			m.inputGrad(li, n, false)
		}
	}
}

// minPairWork is the flop count of a layer's gradient product from which
// Backward runs the layer's two products on two threads: below it the
// hand-over costs about as much as the product.
const minPairWork = 1 << 19

// pairPart is Backward's work on two threads: part 0 the weight gradient of
// layer m.pairLayer, part 1 its input gradient, each on its own goroutine.
func (m *Model) pairPart(part, _ int) {
	if part == 0 {
		m.weightGrad(m.pairLayer, m.pairN, true)
	} else {
		m.inputGrad(m.pairLayer, m.pairN, true)
	}
}

// weightGrad computes layer li's ∂W = dzᵀ·x (out×in) and ∂b = Σ over the
// batch of dz, for a batch of n; serial keeps the product on this goroutine.
func (m *Model) weightGrad(li, n int, serial bool) {
	ws, l := &m.train, &m.layers[li]
	dz := ws.dz[li][:n*l.out]
	in := m.x
	if li > 0 {
		in = m.layerInput(ws, li, n)
	}
	sgemmOn(serial)(true, false, l.out, l.in, n, 1, dz, l.out, in, l.in, 0, l.gw, l.in)
	vec.ColSums(l.gb, dz)
}

// sgemmOn returns gemm.SgemmSerial when serial, else gemm.Sgemm.
func sgemmOn(serial bool) func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if serial {
		return gemm.SgemmSerial
	}
	return gemm.Sgemm
}

// inputGrad computes ∂x = dz·W (n×in) for layer li ≥ 1 and takes it back
// through dropout and the activation of layer li−1, into dz[li−1].
func (m *Model) inputGrad(li, n int, serial bool) {
	ws, l := &m.train, &m.layers[li]
	dz := ws.dz[li][:n*l.out]
	prev := ws.dz[li-1][:n*l.in]
	sgemmOn(serial)(false, false, n, l.in, l.out, 1, dz, l.out, l.w, l.in, 0, prev, l.in)
	if m.spec.Dropout > 0 {
		for i, k := range ws.mask[li-1][:len(prev)] {
			prev[i] *= k
		}
	}
	activateGrad(m.spec.Act, prev, ws.z[li-1])
	if m.norms != nil {
		m.norms[li-1].backward(prev, ws.xhat[li-1][:len(prev)], n)
	}
}

// layerInput returns the input that layer li (≥ 1) saw in the last Loss.
func (m *Model) layerInput(ws *workspace, li, n int) []float32 {
	w := m.layers[li].in
	if m.spec.Dropout > 0 {
		return ws.h[li-1][:n*w]
	}
	return ws.z[li-1][:n*w]
}

// Evaluate returns the mean cross-entropy and the accuracy (fraction of
// examples whose largest logit is the label) of the model on x, y, without
// dropout, EvalChunk examples at a time. It does not disturb a pending
// Backward.
func (m *Model) Evaluate(x []float32, y []uint8) (loss, accuracy float64) {
	n := m.checkBatch(x, y)
	d, c := m.Inputs(), m.Classes()
	ws := &m.eval
	ws.ensure(m, min(n, EvalChunk), false)
	var total float64
	correct := 0
	for lo := 0; lo < n; lo += EvalChunk {
		hi := min(lo+EvalChunk, n)
		logits := m.forward(ws, x[lo*d:hi*d], hi-lo, false)
		total += crossEntropy(ws, logits, y[lo:hi], c, ws.soft[:(hi-lo)*c], 1)
		for i, yi := range y[lo:hi] {
			if argmax(logits[i*c:(i+1)*c]) == int(yi) {
				correct++
			}
		}
	}
	return total / float64(n), float64(correct) / float64(n)
}

// Accuracy returns the fraction of x, y that the model classifies correctly
// (see Evaluate).
func (m *Model) Accuracy(x []float32, y []uint8) float64 {
	_, a := m.Evaluate(x, y)
	return a
}

// Predict writes the predicted class (the largest logit, first on ties) of
// each example of x into dst[:0], growing it if needed, and returns it.
func (m *Model) Predict(dst []uint8, x []float32) []uint8 {
	d, c := m.Inputs(), m.Classes()
	if len(x)%d != 0 {
		panic(fmt.Sprintf("nn: %d inputs is not a whole number of %d-value examples", len(x), d))
	}
	n := len(x) / d
	dst = dst[:0]
	ws := &m.eval
	ws.ensure(m, min(n, EvalChunk), false)
	for lo := 0; lo < n; lo += EvalChunk {
		hi := min(lo+EvalChunk, n)
		logits := m.forward(ws, x[lo*d:hi*d], hi-lo, false)
		for i := range hi - lo {
			dst = append(dst, uint8(argmax(logits[i*c:(i+1)*c])))
		}
	}
	return dst
}

// argmax returns the index of the largest value of row, the first on ties.
func argmax(row []float32) int {
	k := 0
	for j, v := range row {
		if v > row[k] {
			k = j
		}
	}
	return k
}

// splitBackward is Backward on several threads in two passes, where Loss
// ran by rows (rowParts): first the input gradients of every layer, by the
// rows of the batch that each thread's forward pass took (a row of ∂x needs
// only that row of ∂z: each thread goes down the layers with no hand-over),
// then every weight and bias gradient, each a product over the whole batch,
// as tasks taken by the threads as they come: a large ∂W cut into column
// ranges, the others whole, the largest first. A gradient element is
// computed by one task, as the single-thread pass computes it, so the bits
// are the same.
type splitBackward struct {
	rowsFn, gradFn func(part, parts int) // backwardRows and weightTask, made once
	n              int
	tasks          []gradTask // for a batch of tasksN
	tasksN, parts  int
	// finite[i] is whether task i's ∂W columns and ∂b came out finite,
	// each task checking what it just wrote while it is in the cache.
	finite []bool
}

// gradTask is columns [lo, hi) of layer li's ∂W, and its ∂b when lo is 0.
type gradTask struct{ li, lo, hi int }

// backwardSplit is Backward by rows and tasks on parts threads.
func (m *Model) backwardSplit(n, parts int) {
	b := &m.back
	if b.rowsFn == nil {
		b.rowsFn, b.gradFn = m.backwardRows, m.weightTask
	}
	b.n = n
	if len(m.layers) > 1 && !workpool.TryRunShared(parts, parts, b.rowsFn) {
		for part := range parts {
			m.backwardRows(part, parts)
		}
	}
	if b.tasksN != n || b.parts != parts {
		m.planGradTasks(n, parts)
	}
	if !workpool.TryRunShared(len(b.tasks), parts, b.gradFn) {
		for i := range b.tasks {
			m.weightTask(i, len(b.tasks))
		}
	}
	m.finite, m.finiteKnown = true, true
	for _, ok := range b.finite {
		m.finite = m.finite && ok
	}
}

// backwardRows computes, for part's rows of the batch (the rows its forward
// pass took), ∂x of every layer above the first, back through the
// activation below it: dz[li−1] = (dz[li]·W) ⊙ act′.
func (m *Model) backwardRows(part, parts int) {
	n := m.back.n
	lo, hi, _ := m.InputRows(n, part, parts)
	if lo >= hi {
		return
	}
	ws := &m.train
	for li := len(m.layers) - 1; li > 0; li-- {
		l := &m.layers[li]
		dz := ws.dz[li][lo*l.out : hi*l.out]
		prev := ws.dz[li-1][lo*l.in : hi*l.in]
		gemm.SgemmSerial(false, false, hi-lo, l.in, l.out, 1, dz, l.out, l.w, l.in, 0, prev, l.in)
		activateGrad(m.spec.Act, prev, ws.z[li-1][lo*l.in:hi*l.in])
	}
}

// minTaskWork is the flop count of a weight gradient from which
// planGradTasks cuts it into one column range per thread.
const minTaskWork = 1 << 20

// planGradTasks lists the weight-gradient tasks of a batch of n on parts
// threads, largest first. Column ranges start at multiples of 32, where
// gemm's 32-column strips (products of at most three rows) and 16-column
// tiles both begin, so that each column is computed as in the whole product.
func (m *Model) planGradTasks(n, parts int) {
	b := &m.back
	b.tasks = b.tasks[:0]
	for li := len(m.layers) - 1; li >= 0; li-- {
		l := &m.layers[li]
		cuts := 1
		if 2*float64(n)*float64(l.in)*float64(l.out) >= minTaskWork {
			cuts = min(parts, l.in/32)
		}
		for c := range cuts {
			if lo, hi := gradCols(l.in, c, cuts); hi > lo {
				b.tasks = append(b.tasks, gradTask{li, lo, hi})
			}
		}
	}
	work := func(t gradTask) int { return (t.hi - t.lo) * m.layers[t.li].out }
	slices.SortStableFunc(b.tasks, func(x, y gradTask) int { return work(y) - work(x) })
	b.finite = make([]bool, len(b.tasks))
	b.tasksN, b.parts = n, parts
}

// gradCols is the column range [lo, hi) of ∂W (in columns) that cut c of
// cuts takes: starts at multiples of 32 (see planGradTasks), the last
// range to the end.
func gradCols(in, c, cuts int) (lo, hi int) {
	lo, hi = in*c/cuts&^31, in
	if c < cuts-1 {
		hi = in * (c + 1) / cuts &^ 31
	}
	return lo, hi
}

// weightTask runs task i of planGradTasks (gradLayer).
func (m *Model) weightTask(i, _ int) {
	t := m.back.tasks[i]
	m.back.finite[i] = m.gradLayer(t.li, t.lo, t.hi, m.back.n)
}

// gradLayer computes columns [lo, hi) of layer li's ∂W = dzᵀ·x for the
// last batch of n, and ∂b = Σ over the batch of dz when lo is 0, and
// reports whether what it wrote is finite (checked while it is in the
// cache).
func (m *Model) gradLayer(li, lo, hi, n int) bool {
	ws, l := &m.train, &m.layers[li]
	dz := ws.dz[li][:n*l.out]
	in := m.x
	if li > 0 {
		in = m.layerInput(ws, li, n)
	}
	sparse, finite := false, false
	if li == 0 {
		// The sparse ∂W₁ checks what it stores as it stores it.
		sparse, finite = m.sparseGrad(lo, hi, n, ws.dz[li][:n*l.out])
	}
	if !sparse {
		gemm.SgemmSerial(true, false, l.out, hi-lo, n, 1, dz, l.out, in[lo:], l.in, 0, l.gw[lo:], l.in)
	}
	ok := true
	if lo == 0 {
		vec.ColSums(l.gb, dz)
		ok = vec.AllFinite(l.gb)
	}
	switch {
	case sparse:
		ok = ok && finite
	case lo == 0 && hi == l.in:
		ok = ok && vec.AllFinite(l.gw)
	default:
		for r := 0; ok && r < l.out; r++ {
			ok = vec.AllFinite(l.gw[r*l.in+lo : r*l.in+hi])
		}
	}
	return ok
}
