package nn

import (
	"os"
	"runtime"

	"github.com/descentlab/descent/internal/gemm"
	"github.com/descentlab/descent/internal/vec"
)

// The sparse first layer. Where a batch is mostly zeros (MNIST: 19% of
// its pixels are not), the first layer's two products, z₁ = x·W₁ᵀ in Loss
// and ∂W₁ = ∂z₁ᵀ·x in Backward, leave out inputs that are zero: the
// forward product walks the positions where one of four consecutive rows
// is nonzero (39% of MNIST's for four random images), ∂W₁ each group of
// four columns over the rows that light it (28%), by internal/gemm's
// Union4, Rows4NT and GradCols.
// Every element is the dense product's chain of FMAs less terms whose input
// is zero, so the results have the same bits as the dense products on any
// number of threads (gemm's sparse.go gives the conditions: every weight
// finite, which Pack reports, and the dense product computed by the
// blocked kernels, which sparseOK and sparseGrad check). The forward pass
// decides per thread, after listing its rows: dense where more than
// maxSparseDensity of its groups' positions are listed, or a weight is not
// finite; Backward takes the sparse ∂W₁ only where every thread's rows
// went sparse. Where Loss does not split the batch by rows (a wide first
// layer, dropout, batch normalisation), sparseWhole does layer 0's product
// alone, over threads of its own, and Backward's ∂W₁ likewise.

// maxSparseDensity is the fraction of listed positions above which the
// dense product is faster: a listed position costs the sparse kernel about
// what a position of the dense product costs (BenchmarkSparse in
// internal/gemm: Rows4NT 26 µs over 39% of the positions, the dense
// forward product 60 µs over all), and listing and packing add a sixth.
const maxSparseDensity = 0.5

// maxSparsePack is the most bytes of packed W₁ each thread makes (so at
// most 4096 outputs on MNIST's 784 inputs). Above l2Pack, the forward
// product goes l2Panels panels (112 outputs) of W₁ at a time over all the
// thread's rows, so that the slice of the packed copy it reads stays in
// the core's L2.
const (
	maxSparsePack = 16 << 20
	l2Pack        = 512 << 10
	l2Panels      = 7
)

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
// does not start a group); nib[c·nstride + r] has bit j set where row r
// has a nonzero in columns [16c+4j, 16c+4j+4) (Union4's nibbles).
type sparseFirst struct {
	off     bool // SetSparseInput(false)
	on      bool // the last Loss could take it where it splits by rows
	ready   bool // every row of the last Loss went sparse
	whole   bool // in Loss's unsplit forward pass: layer 0's product is done
	stride  int  // Inputs()+16
	idx     []int32
	val     []float32
	cnt     []int32
	rows    []int8
	nib     []byte
	nstride int

	// Per thread: W₁ packed by it (where Loss splits by rows), the
	// positions it listed, whether its panels of the shared copy are
	// finite, whether its rows went sparse.
	packed []gemm.Packed
	listed []int
	finite []bool
	used   []bool
	// Where Loss does not split the batch by rows (sparseWhole): W₁ packed
	// by the threads together; sparseListPart, sparseWholePart and
	// sparseGradPart as func values, made once; the batch they work on.
	shared                  gemm.Packed
	listFn, wholeFn, gradFn func(part, parts int)
	n                       int
	x                       []float32
	// Stand-ins for the rows missing from a short group: zero inputs and
	// values (never written), and per thread the values and the product
	// row that nobody reads.
	zeroX, zeroV []float32
	scrV, scrZ   [][]float32
	scrN         [][]byte
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
		sp.nstride = (n + group + 63) &^ 63
		sp.nib = make([]byte, k/16*sp.nstride)
	}
	if sp.zeroX == nil {
		sp.zeroX = make([]float32, k)
		sp.zeroV = make([]float32, sp.stride)
	}
	for len(sp.packed) < parts {
		sp.packed = append(sp.packed, gemm.Packed{})
		sp.listed = append(sp.listed, 0)
		sp.finite = append(sp.finite, false)
		sp.used = append(sp.used, false)
		sp.scrV = append(sp.scrV, make([]float32, sp.stride))
		sp.scrZ = append(sp.scrZ, make([]float32, l.out))
		sp.scrN = append(sp.scrN, make([]byte, k/16*group))
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
	l := &m.layers[0]
	if !m.listSparse(part, lo, hi, x) {
		return false
	}
	pk := &m.sp.packed[part]
	if !pk.Pack(l.w, l.in, l.out, l.in) {
		return false
	}
	m.sparseRows(pk, part, lo, hi, z[:(hi-lo)*l.out])
	return true
}

// listSparse lists rows [lo, hi) of the batch x (listRows), as thread
// part, and reports whether they are sparse enough for the sparse product:
// at most maxSparseDensity of their groups' positions listed.
func (m *Model) listSparse(part, lo, hi int, x []float32) bool {
	listed := m.listRows(part, lo, hi, x)
	return float64(listed) <= maxSparseDensity*float64((hi-lo+group-1)/group*m.layers[0].in)
}

// sparseRows computes z = x·W₁ᵀ for rows [lo, hi) of the batch, listed by
// listRows (z holds those rows), with W₁ packed in pk, as thread part:
// l2Panels panels at a time where the packed copy is larger than l2Pack.
func (m *Model) sparseRows(pk *gemm.Packed, part, lo, hi int, z []float32) {
	chunk := pk.Panels()
	if gemm.PackedLD(m.layers[0].out)*m.layers[0].in*4 > l2Pack {
		chunk = l2Panels
	}
	for p0 := 0; p0 < pk.Panels(); p0 += chunk {
		m.rowsTimesW(pk, part, lo, hi, z, lo, p0, min(p0+chunk, pk.Panels()))
	}
}

// rowsTimesW computes panels [p0, p1) of z = x·W₁ᵀ (columns [16·p0,
// 16·p1)) for the groups of rows [lo, hi) listed by listRows, with W₁
// packed in pk; z holds rows from row z0 of the batch.
func (m *Model) rowsTimesW(pk *gemm.Packed, part, lo, hi int, z []float32, z0, p0, p1 int) {
	sp, out := &m.sp, m.layers[0].out
	for r0 := lo; r0 < hi; r0 += group {
		rows := int(sp.rows[r0])
		c := int(sp.cnt[r0])
		var cs, vs [group][]float32
		for i := range group {
			cs[i] = sp.scrZ[part]
			if i < rows {
				cs[i] = z[(r0+i-z0)*out : (r0+i-z0+1)*out]
			}
			vs[i] = sp.vals(r0, i, rows, sp.zeroV)[:c]
		}
		pk.Rows4NTPanels(cs, sp.idx[r0*sp.stride:r0*sp.stride+c], vs, p0, p1)
	}
}

// listRows lists the groups of four of rows [lo, hi) of the batch x (lo
// a multiple of four from the part's first row), as thread part, and
// returns the number of positions listed.
func (m *Model) listRows(part, lo, hi int, x []float32) int {
	sp, k := &m.sp, m.layers[0].in
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
		// A short group's stand-ins would write their nibbles over the
		// next rows': it goes through the part's scratch.
		nib, ns := sp.nib[r0:], sp.nstride
		if rows < group {
			nib, ns = sp.scrN[part], group
		}
		c := gemm.Union4(xs, k, sp.idx[r0*sp.stride:(r0+1)*sp.stride], vs, nib, ns)
		if rows < group {
			for b := 0; b < k/16; b++ {
				copy(sp.nib[b*sp.nstride+r0:b*sp.nstride+r0+rows], nib[b*group:b*group+rows])
			}
		}
		sp.cnt[r0], sp.rows[r0] = int32(c), int8(rows)
		for i := 1; i < rows; i++ {
			sp.rows[r0+i] = 0
		}
		listed += c
	}
	return listed
}

// wholeParts is the number of threads the first layer's sparse products
// take where Loss does not split the batch by rows, and wholeRows the
// rows of part part: whole groups of four.
func (m *Model) wholeParts(n int) int { return max(1, min(runtime.GOMAXPROCS(0), n/(2*group))) }

func wholeRows(n, part, parts int) (lo, hi int) {
	groups := (n + group - 1) / group
	return min(n, groups*part/parts*group), min(n, groups*(part+1)/parts*group)
}

// sparseWhole computes z₁ = x·W₁ᵀ for the whole batch x of n rows (into
// m.train.z[0]) by the sparse first layer where Loss does not split the
// batch by rows (a first layer whose product gemm splits by columns,
// dropout, batch normalisation), in two hand-overs: each thread lists its
// rows and packs its share of W₁'s panels into one shared copy, then each
// computes its panels' outputs for every row, so that no thread packs all
// of a large W₁. It reports false, having written nothing of z₁, where the
// batch is too dense or a weight is not finite.
func (m *Model) sparseWhole(x []float32, n int) bool {
	sp, l := &m.sp, &m.layers[0]
	parts := m.wholeParts(n)
	m.ensureSparse(n, parts)
	sp.shared.Size(l.out, l.in)
	if sp.listFn == nil {
		sp.listFn, sp.wholeFn = m.sparseListPart, m.sparseWholePart
	}
	sp.n, sp.x = n, x
	defer func() { sp.x = nil }()
	runParts(parts, sp.listFn)
	listed, finite := 0, true
	for part := range parts {
		listed += sp.listed[part]
		finite = finite && sp.finite[part]
	}
	if !finite || float64(listed) > maxSparseDensity*float64((n+group-1)/group*l.in) {
		return false
	}
	runParts(parts, sp.wholeFn)
	return true
}

// panelShare is thread part's share of np panels.
func panelShare(np, part, parts int) (p0, p1 int) { return np * part / parts, np * (part + 1) / parts }

// sparseListPart is sparseWhole's first hand-over on thread part.
func (m *Model) sparseListPart(part, parts int) {
	sp, l := &m.sp, &m.layers[0]
	lo, hi := wholeRows(sp.n, part, parts)
	sp.listed[part] = m.listRows(part, lo, hi, sp.x)
	p0, p1 := panelShare(sp.shared.Panels(), part, parts)
	sp.finite[part] = sp.shared.PackPanels(l.w, l.in, p0, p1)
}

// sparseWholePart is sparseWhole's second hand-over on thread part: its
// panels of z₁ for every row, l2Panels panels at a time.
func (m *Model) sparseWholePart(part, parts int) {
	sp, n, out := &m.sp, m.sp.n, m.layers[0].out
	p0, p1 := panelShare(sp.shared.Panels(), part, parts)
	for c0 := p0; c0 < p1; c0 += l2Panels {
		m.rowsTimesW(&sp.shared, part, 0, n, m.train.z[0][:n*out], 0, c0, min(c0+l2Panels, p1))
	}
}

// sparseGradWhole computes ∂W₁ and ∂b₁ of the last Loss by the sparse
// first layer where Backward does not split by rows: columns of ∂W₁ split
// over threads at multiples of 32.
func (m *Model) sparseGradWhole(n int) {
	sp := &m.sp
	parts := m.wholeParts(n)
	if sp.gradFn == nil {
		sp.gradFn = m.sparseGradPart
	}
	sp.n = n
	runParts(parts, sp.gradFn)
	l := &m.layers[0]
	vec.ColSums(l.gb, m.train.dz[0][:n*l.out])
}

// sparseGradPart is sparseGradWhole's work on thread part.
func (m *Model) sparseGradPart(part, parts int) {
	n, l := m.sp.n, &m.layers[0]
	if lo, hi := gradCols(l.in, part, parts); lo < hi {
		m.sparseGrad(lo, hi, n, m.train.dz[0][:n*l.out])
	}
}

// sparseGrad computes columns [lo, hi) of ∂W₁ = ∂z₁ᵀ·x by groups of four columns over the rows of the batch that have a
// nonzero there (the nibbles of the last Loss). It reports false, doing
// nothing, where the dense product must run.
func (m *Model) sparseGrad(lo, hi, n int, dz []float32) (done, finite bool) {
	sp, l := &m.sp, &m.layers[0]
	if !sp.ready || !m.sparseGradOK(n) {
		return false, false
	}
	return true, gemm.GradCols(l.gw, l.in, l.out, l.in, n, dz, m.x, sp.nib, sp.nstride, lo, hi)
}

// sparseGradOK reports whether ∂W₁ of a batch of n may be sparse: one
// pass over the batch, and more than gemv's rows of outputs (see gemm's
// GradCols).
func (m *Model) sparseGradOK(n int) bool {
	return n <= gemm.MaxPassDepth && m.layers[0].out > gemm.MaxGemvRows
}
