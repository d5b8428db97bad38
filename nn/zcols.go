package nn

import (
	"fmt"

	"github.com/descentlab/descent/internal/gemm"
	"github.com/descentlab/descent/internal/vec"
	"github.com/descentlab/descent/internal/workpool"
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
// (gemm.PassDepth: k = 784 runs as three passes of 262), so the forward pass
// compacts each pass's columns separately and multiplies them by one call
// each, the first storing and the others adding, which is what the full
// product does pass by pass with the zero terms in its chains. ∂W₁'s
// elements are sums over the batch, which compaction does not touch.

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
	// sub[i] is the part of set in column task i of ∂W₁ (weightTaskCols).
	sub []vec.Cols
	// passEnd[s] is the number of nonzero columns before the end of the
	// full product's pass s over the input.
	passEnd []int
	xc      []float32 // the batch's nonzero columns, n×k
	// wc holds W₁'s nonzero columns (out×k) for the forward pass, then
	// ∂W₁'s for Backward (which needs no W₁): one buffer less to cache.
	wc []float32
	// compactFn is compactPart as a func value, made once.
	compactFn func(part, parts int)
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

// planCols decides whether the Loss of a batch of n rows, split over parts
// threads by rows, skips zero columns, and prepares its buffers.
func (m *Model) planCols(n, parts int) {
	c := &m.cols
	c.on = false
	l := &m.layers[0]
	if m.colFlags == nil || n <= 3 || l.out <= 3 {
		return
	}
	c.set.SetNonzero(m.colFlags)
	c.k = c.set.Count()
	if (l.in-c.k)*minSkipFraction < l.in {
		return
	}
	c.on = true
	c.passEnd = c.passEnd[:0]
	d := gemm.PassDepth(l.in)
	for end := d; ; end += d {
		end = min(end, l.in)
		c.passEnd = append(c.passEnd, c.set.CountBefore(end))
		if end == l.in {
			break
		}
	}
	if len(c.xc) < n*l.in {
		c.xc = make([]float32, n*l.in)
	}
	if len(c.wc) < l.out*l.in {
		c.wc = make([]float32, l.out*l.in)
	}
}

// compactCols compacts the batch in m.rows and W₁ to the batch's nonzero
// columns on parts threads, before the forward pass: each part the rows of
// the batch that its forward pass takes and a share of W₁'s rows, so that
// W₁ is compacted once for all parts.
func (m *Model) compactCols(parts int) {
	c := &m.cols
	if c.compactFn == nil {
		c.compactFn = m.compactPart
	}
	if !workpool.TryRunShared(parts, parts, c.compactFn) {
		for part := range parts {
			m.compactPart(part, parts)
		}
	}
}

// compactPart is part's share of compactCols.
func (m *Model) compactPart(part, parts int) {
	c, l, r := &m.cols, &m.layers[0], &m.rows
	k := c.k
	lo, hi, _ := m.InputRows(r.n, part, parts)
	for i := lo; i < hi; i++ {
		vec.Compact(c.xc[i*k:(i+1)*k], r.x[i*l.in:(i+1)*l.in], &c.set)
	}
	for o := l.out * part / parts; o < l.out*(part+1)/parts; o++ {
		vec.Compact(c.wc[o*k:(o+1)*k], l.w[o*l.in:(o+1)*l.in], &c.set)
	}
}

// forwardFirstCols computes rows [lo, hi) of the first layer's product
// z = x·W₁ᵀ over the batch's nonzero columns (compactCols made them), on
// the calling goroutine, pass by pass (see colSkip).
func (m *Model) forwardFirstCols(lo, hi int, x, z []float32) {
	c, l := &m.cols, &m.layers[0]
	k := c.k
	if k == 0 || hi-lo <= 3 {
		// Nothing to multiply, or a part so small that gemm sums it
		// without passes: the full product, whose bits it must match.
		gemm.SgemmSerial(false, true, hi-lo, l.out, l.in, 1, x[lo*l.in:hi*l.in], l.in, l.w, l.in, 0, z, l.out)
		return
	}
	wc := c.wc[:l.out*k]
	xc := c.xc[lo*k : hi*k]
	var beta float32
	prev := 0
	for _, end := range c.passEnd {
		gemm.SgemmSerial(false, true, hi-lo, l.out, end-prev, 1, xc[prev:], k, wc[prev:], k, beta, z, l.out)
		beta, prev = 1, end
	}
}

// planColTasks gives each of Backward's tasks over ∂W₁'s columns the part
// of the batch's nonzero columns in its range, before they run.
func (m *Model) planColTasks() {
	c := &m.cols
	for len(c.sub) < len(m.back.tasks) {
		c.sub = append(c.sub, vec.Cols{})
	}
	for i, t := range m.back.tasks {
		if t.li == 0 {
			c.sub[i] = c.set.Sub(t.lo, t.hi)
		}
	}
}

// weightTaskCols is weightTask for columns [lo, hi) of ∂W₁ (lo a multiple
// of 16) when the last Loss skipped zero columns: the product over the
// nonzero columns among them, spread back into ∂W₁ with +0 in the others.
// It reports whether the gradients it computed are finite.
func (m *Model) weightTaskCols(i, lo, hi, n int, dz []float32) bool {
	c, l := &m.cols, &m.layers[0]
	k := c.k
	sub := &c.sub[i]
	clo := c.set.CountBefore(lo)
	chi := clo + sub.Count()
	if chi > clo {
		gemm.SgemmSerial(true, false, l.out, chi-clo, n, 1, dz, l.out, c.xc[clo:], k, 0, c.wc[clo:], k)
	}
	ok := true
	for o := range l.out {
		row := c.wc[o*k+clo : o*k+chi]
		ok = ok && vec.AllFinite(row)
		vec.Expand(l.gw[o*l.in+lo:o*l.in+hi], row, sub)
	}
	return ok
}
