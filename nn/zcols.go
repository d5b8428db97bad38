package nn

import (
	"fmt"

	"github.com/descentlab/descent/internal/gemm"
	"github.com/descentlab/descent/internal/vec"
)

// Input columns that are zero in every row of a batch (MNIST's border
// pixels: on average 268 of 784 in a batch of 100) add nothing to the first
// layer's products: x·w is ±0 for finite w, and a sum is unchanged by a zero
// term. LossCols skips them. Its forward pass multiplies the batch's
// nonzero columns by the same columns of W₁, and Backward computes ∂W₁ over
// those columns alone and writes exact zeros (+0, as the full product gives)
// into the others.
//
// The bits are those of the full product: gemm sums over k in passes
// (gemm.PassDepth: k = 784 runs as three passes of 262), and
// gemm.SgemmSerialCols multiplies the compacted batch by W₁ as it is,
// packing only the rows of W₁ᵀ the batch's nonzero columns meet, pass by
// pass as the full product does, with the zero terms left out of each
// pass's chain. ∂W₁'s elements are sums over the batch, which compaction
// does not touch.
//
// The batch reaches the first layer compacted at the start of each thread's
// forward pass, for the rows that thread multiplies: LossCols compacts the
// rows of the full batch; after PlanCols, the caller's fill function gives
// each row whole into a row buffer of the thread's (train's gather: from
// the pixel bytes), so that the full float batch is never written.

// minSkipFraction: a batch whose zero columns are fewer than 1/minSkipFraction
// of the input runs the full product, which then costs little more than
// the compaction.
const minSkipFraction = 8

// colSkip is the state of a Loss that skipped zero columns, for its
// Backward.
type colSkip struct {
	on  bool     // the last Loss skipped columns
	set vec.Cols // the batch's nonzero columns
	k   int      // how many
	// planned is the number of rows of the batch that PlanCols planned,
	// for LossPlanned; 0 when there is none. fill gives its rows, into
	// rowBuf[part·Inputs:] on the thread of part part.
	planned int
	fill    func(dst []float32, i int)
	rowBuf  []float32
	xc      []float32 // the batch's nonzero columns, n×k
	// gc[i·out·colChunk:] holds, for column task i of ∂W₁, the nonzero
	// columns of its chunk of colChunk columns (weightTaskCols).
	gc []float32
}

// LossCols is Loss for a batch x whose column j is zero in every row
// wherever nonzero[j] is 0 (for a batch of pixel bytes, the OR of its
// rows: data.Dataset.GatherPartOr). Where Loss runs by rows on several
// threads and at least an eighth of the columns are zero, the first layer's
// products skip those columns; the loss, the gradients and so the trained
// weights are the same bits as Loss gives (TestLossColsSameBits). A column
// marked zero that is not makes the result wrong, not a panic: the caller
// vouches for nonzero. len(nonzero) must be Inputs.
func (m *Model) LossCols(x []float32, y []uint8, nonzero []byte) float64 {
	if len(nonzero) != m.Inputs() {
		panic(fmt.Sprintf("nn: %d column flags for %d inputs", len(nonzero), m.Inputs()))
	}
	m.colFlags = nonzero
	loss := m.Loss(x, y)
	m.colFlags = nil
	return loss
}

// PlanCols prepares the Loss of a batch of n rows whose column j is zero
// in every row wherever nonzero[j] is 0, to be given by fill, which writes
// row i whole (Inputs values) into dst: it reports whether it did, and then
// LossPlanned computes the loss, calling fill once for each row, from
// several goroutines at once (rows disjoint). Where it reports false (Loss
// would not skip columns for such a batch) the caller calls Loss or
// LossCols with the whole batch instead. len(nonzero) must be Inputs.
func (m *Model) PlanCols(n int, nonzero []byte, fill func(dst []float32, i int)) bool {
	if len(nonzero) != m.Inputs() {
		panic(fmt.Sprintf("nn: %d column flags for %d inputs", len(nonzero), m.Inputs()))
	}
	c := &m.cols
	c.planned, c.fill = 0, nil
	parts := m.rowParts(n)
	if parts <= 1 {
		return false
	}
	m.colFlags = nonzero
	m.planCols(n, parts)
	m.colFlags = nil
	if !c.on {
		return false
	}
	c.planned, c.fill = n, fill
	if len(c.rowBuf) < parts*m.Inputs() {
		c.rowBuf = make([]float32, parts*m.Inputs())
	}
	return true
}

// LossPlanned is Loss for the batch that PlanCols planned, with labels y
// (one per row): the same bits as Loss of the whole batch. The plan is used
// up; Backward follows as after Loss.
func (m *Model) LossPlanned(y []uint8) float64 {
	c := &m.cols
	n := c.planned
	if n == 0 || len(y) != n {
		panic(fmt.Sprintf("nn: LossPlanned with %d labels for a planned batch of %d rows", len(y), n))
	}
	c.planned = 0
	loss := m.loss(nil, y, n, true)
	c.fill = nil
	return loss
}

// planCols decides whether the Loss of a batch of n rows, split over parts
// threads by rows, skips zero columns, and prepares its buffers: it does
// where at least 1/minSkipFraction of the columns are zero and gemm can
// multiply every part's rows by the columns (gemm.ColsOK).
func (m *Model) planCols(n, parts int) {
	c := &m.cols
	c.on = false
	l := &m.layers[0]
	if m.colFlags == nil || l.out <= 3 {
		return
	}
	for part := range parts {
		lo, hi, ok := m.InputRows(n, part, parts)
		if !ok || !gemm.ColsOK(hi-lo) {
			return
		}
	}
	c.set.SetNonzero(m.colFlags)
	c.k = c.set.Count()
	if (l.in-c.k)*minSkipFraction < l.in {
		return
	}
	c.on = true
	if len(c.xc) < n*l.in {
		c.xc = make([]float32, n*l.in)
	}
}

// compactRows writes rows [lo, hi) of the batch, compacted to its nonzero
// columns, into c.xc, on the thread of part part, before its forward pass:
// from the batch in m.rows, or from PlanCols's fill.
func (m *Model) compactRows(part, lo, hi int) {
	c, r, d := &m.cols, &m.rows, m.Inputs()
	k := c.k
	for i := lo; i < hi; i++ {
		var row []float32
		if c.fill != nil {
			row = c.rowBuf[part*d : (part+1)*d]
			c.fill(row, i)
		} else {
			row = r.x[i*d : (i+1)*d]
		}
		vec.Compact(c.xc[i*k:(i+1)*k], row, &c.set)
	}
}

// forwardFirstCols computes rows [lo, hi) of the first layer's product
// z = x·W₁ᵀ over the batch's nonzero columns, on the calling goroutine.
func (m *Model) forwardFirstCols(lo, hi int, z []float32) {
	c, l := &m.cols, &m.layers[0]
	k := c.k
	gemm.SgemmSerialCols(hi-lo, l.out, l.in, c.xc[lo*k:hi*k], max(k, 1), l.w, l.in, z, l.out, c.set.Masks())
}

// colChunk is the width of the chunks of ∂W₁'s columns that
// weightTaskCols computes and spreads into ∂W₁ one at a time: ≤ 100×128
// floats (51 KB for MNIST's 100 neurons) stay in the core's caches between
// the product and its spreading, where a buffer for all of ∂W₁'s nonzero
// columns would push W₁ out of them.
const colChunk = 128

// planColTasks sizes the buffers of Backward's tasks over ∂W₁'s columns,
// before they run.
func (m *Model) planColTasks() {
	c := &m.cols
	if need := len(m.back.tasks) * m.layers[0].out * colChunk; len(c.gc) < need {
		c.gc = make([]float32, need)
	}
}

// weightTaskCols is weightTask i, for columns [lo, hi) of ∂W₁ (lo a
// multiple of 16), when the last Loss skipped zero columns: chunk by chunk,
// the product over the nonzero columns of the chunk, spread into ∂W₁ with
// +0 in the others. The elements are sums over the batch, the same however
// the columns are cut. It reports whether the gradients it computed are
// finite.
func (m *Model) weightTaskCols(i, lo, hi, n int, dz []float32) bool {
	c, l := &m.cols, &m.layers[0]
	k := c.k
	gc := c.gc[i*l.out*colChunk : (i+1)*l.out*colChunk]
	ok := true
	clo := c.set.CountBefore(lo)
	for a := lo; a < hi; a += colChunk {
		b := min(a+colChunk, hi)
		sub := c.set.Sub(a, b)
		w := sub.Count()
		if w > 0 {
			gemm.SgemmSerial(true, false, l.out, w, n, 1, dz, l.out, c.xc[clo:], k, 0, gc, w)
		}
		for o := range l.out {
			row := gc[o*w : (o+1)*w]
			ok = ok && vec.AllFinite(row)
			vec.Expand(l.gw[o*l.in+a:o*l.in+b], row, &sub)
		}
		clo += w
	}
	return ok
}
