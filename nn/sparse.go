package nn

import (
	"os"

	"github.com/descentlab/descent/internal/gemm"
)

// The sparse first layer. Where a batch is mostly zeros (MNIST: 19% of
// its pixels are not), the first layer's two products, z₁ = x·W₁ᵀ in Loss
// and ∂W₁ = ∂z₁ᵀ·x in Backward, leave out inputs that are zero: the
// forward product walks the positions where one of four consecutive rows
// is nonzero (39% of MNIST's for four random images), ∂W₁ each 16-column
// block over the rows that light it (58%), by internal/gemm's Union4,
// Rows4NT and GradRows.
// Every element is the dense product's chain of FMAs less terms whose input
// is zero, so the results have the same bits as the dense products on any
// number of threads (gemm's sparse.go gives the conditions: every weight
// finite, which Pack reports, and the dense product computed by the
// blocked kernels, which sparseOK and sparseGrad check). The forward pass
// decides per thread, after listing its rows: dense where more than
// maxSparseDensity of its groups' positions are listed, or a weight is not
// finite; Backward takes the sparse ∂W₁ only where every thread's rows
// went sparse.

// maxSparseDensity is the fraction of listed positions above which the
// dense product is faster: a listed position costs the sparse kernel about
// what a position of the dense product costs (BenchmarkSparse in
// internal/gemm: Rows4NT 26 µs over 39% of the positions, the dense
// forward product 60 µs over all), and listing and packing add a sixth.
const maxSparseDensity = 0.5

// maxSparsePack is the most bytes of packed W₁ for which the sparse
// forward kernel's scattered loads stay in a core's L2.
const maxSparsePack = 512 << 10

// sparseEnv turns the sparse first layer off for a process:
// DESCENT_SPARSE=off (benchmarks compare the two; the bits are the same).
var sparseEnv = os.Getenv("DESCENT_SPARSE") != "off"

// group is the number of batch rows that share one list of positions.
const group = 4

// sparseFirst is the state of the sparse first layer for the last Loss.
// A group of rows starting at row r0 (each thread's rows in groups of four
// from its first, the last group shorter) keeps its positions at
// idx[r0·stride:] and row r0+i's values at val[(r0+i)·stride:]; cnt[r0] is
// the number of positions and rows[r0] the group's rows (0 for a row that
// does not start a group).
type sparseFirst struct {
	off    bool // SetSparseInput(false)
	on     bool // the last Loss could take it (sparseOK for its batch)
	stride int  // Inputs()+16
	idx    []int32
	val    []float32
	cnt    []int32
	rows   []int8
	packed []gemm.Packed // one per thread of the forward pass
	used   []bool        // per thread: its rows went sparse
	ready  bool          // every row of the last Loss went sparse
	masks  []uint64      // per row: bit c set where it has a nonzero in columns [16c, 16c+16)
	lists  [][]int32     // per gradient task: the rows GradRows walks
	// Stand-ins for the rows missing from a short group: zero inputs,
	// values and ∂z₁ (never written), and per thread the values and the
	// product row that nobody reads.
	zeroX, zeroV, zeroD []float32
	scrV, scrZ          [][]float32
}

// SetSparseInput turns the sparse first layer on (the default, where the
// CPU has AVX-512) or off. Either way the results have the same bits; off
// makes every batch take the dense products.
func (m *Model) SetSparseInput(on bool) { m.sp.off = !on }

// SparseInputUsed reports whether the last Loss took the sparse first
// layer for every row of its batch (and so Backward will for ∂W₁).
func (m *Model) SparseInputUsed() bool { return m.sp.ready }

// sparseOK reports whether a part of rows rows of the first layer may
// take the sparse product at all.
func (m *Model) sparseOK(rows int) bool {
	l := &m.layers[0]
	return sparseEnv && !m.sp.off && gemm.HasSparse() && rows > gemm.MaxGemvRows &&
		gemm.PackedLD(l.out)*l.in*4 <= maxSparsePack && l.in%16 == 0 && l.in <= gemm.MaxSparseInputs
}

// ensureSparse sizes the lists for a batch of n on parts threads.
func (m *Model) ensureSparse(n, parts int) {
	sp, l := &m.sp, &m.layers[0]
	k := l.in
	sp.stride = k + 16
	if len(sp.cnt) < n {
		sp.idx = make([]int32, n*sp.stride)
		sp.val = make([]float32, n*sp.stride)
		sp.cnt = make([]int32, n)
		sp.rows = make([]int8, n)
		sp.masks = make([]uint64, n)
	}
	if sp.zeroX == nil {
		sp.zeroX = make([]float32, k)
		sp.zeroV = make([]float32, sp.stride)
		sp.zeroD = make([]float32, gemm.PackedLD(l.out))
	}
	for len(sp.packed) < parts {
		sp.packed = append(sp.packed, gemm.Packed{})
		sp.used = append(sp.used, false)
		sp.scrV = append(sp.scrV, make([]float32, sp.stride))
		sp.scrZ = append(sp.scrZ, make([]float32, l.out))
	}
}

// allPartsSparse reports whether every thread of the last forward pass
// that had rows took the sparse product.
func (m *Model) allPartsSparse(n, parts int) bool {
	for part := range parts {
		if lo, hi, _ := m.InputRows(n, part, parts); lo < hi && !m.sp.used[part] {
			return false
		}
	}
	return true
}

// vals returns row r0+i's values of the group at r0 with rows rows, or
// stand-in where that row is missing.
func (sp *sparseFirst) vals(r0, i, rows int, standIn []float32) []float32 {
	if i < rows {
		return sp.val[(r0+i)*sp.stride : (r0+i+1)*sp.stride]
	}
	return standIn
}

// sparseForward computes z = x·W₁ᵀ for rows [lo, hi) of the batch x
// (z holds those rows) by the sparse kernel, as thread part, and reports
// whether it did; where it did not, nothing of z was written.
func (m *Model) sparseForward(part, lo, hi int, x, z []float32) bool {
	sp, l := &m.sp, &m.layers[0]
	k, out := l.in, l.out
	listed := 0
	for r0 := lo; r0 < hi; r0 += group {
		rows := min(group, hi-r0)
		var xs, vs [group][]float32
		for i := range group {
			xs[i] = sp.zeroX
			if i < rows {
				xs[i] = x[(r0+i)*k : (r0+i+1)*k]
			}
			vs[i] = sp.vals(r0, i, rows, sp.scrV[part])
		}
		var masks [group]uint64
		c := gemm.Union4(xs, k, sp.idx[r0*sp.stride:(r0+1)*sp.stride], vs, &masks)
		copy(sp.masks[r0:r0+rows], masks[:rows])
		sp.cnt[r0], sp.rows[r0] = int32(c), int8(rows)
		for i := 1; i < rows; i++ {
			sp.rows[r0+i] = 0
		}
		listed += c
	}
	if float64(listed) > maxSparseDensity*float64((hi-lo+group-1)/group*k) {
		return false
	}
	pk := &sp.packed[part]
	if !pk.Pack(l.w, k, out, k) {
		return false
	}
	for r0 := lo; r0 < hi; r0 += group {
		rows := int(sp.rows[r0])
		c := int(sp.cnt[r0])
		var cs, vs [group][]float32
		for i := range group {
			cs[i] = sp.scrZ[part]
			if i < rows {
				cs[i] = z[(r0+i-lo)*out : (r0+i-lo+1)*out]
			}
			vs[i] = sp.vals(r0, i, rows, sp.scrV[part])[:c]
		}
		pk.Rows4NT(cs, sp.idx[r0*sp.stride:r0*sp.stride+c], vs)
	}
	return true
}

// sparseGrad computes columns [lo, hi) of ∂W₁ = ∂z₁ᵀ·x, as gradient task
// task, by 16-column blocks over the rows of the batch that have a
// nonzero there (the masks of the last Loss). dz has gemm.GradRowsPad
// floats of room past the batch's rows. It reports false, doing nothing,
// where the dense product must run.
func (m *Model) sparseGrad(task, lo, hi, n int, dz []float32) bool {
	sp, l := &m.sp, &m.layers[0]
	if !sp.ready || n > gemm.MaxPassDepth || l.out <= gemm.MaxGemvRows {
		return false
	}
	gemm.GradRows(l.gw, l.in, l.out, l.in, n, dz, m.x, sp.masks, lo, hi, sp.lists[task])
	return true
}

// sizeSparseGrad makes a row list for each of tasks gradient tasks on a
// batch of n.
func (m *Model) sizeSparseGrad(tasks, n int) {
	sp := &m.sp
	for len(sp.lists) < tasks {
		sp.lists = append(sp.lists, nil)
	}
	for i := range sp.lists[:tasks] {
		if len(sp.lists[i]) < n {
			sp.lists[i] = make([]int32, n)
		}
	}
}
