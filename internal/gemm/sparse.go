package gemm

import (
	"sort"

	"github.com/descentlab/descent/internal/vec"
)

// The sparse first layer. A network's first layer multiplies the batch as
// it came: MNIST's images are 81% zeros. The kernels below walk each row's
// nonzero inputs only, and give every element the dense product's bits:
// the dense kernels compute an element as one chain of FMAs over k, one
// chain per pass of depth passDepth(k), the passes added in order, and a
// term whose input is zero leaves the chain as it was (fma(0, w, s) = s)
// unless w is ±Inf or NaN, or s is −0 (which a chain starting at +0 only
// reaches through underflow below 2⁻¹⁴⁹). Hence the callers' conditions:
// every weight finite (Packed.Pack reports it), and the dense product they
// stand for computed by the blocked kernels (more than maxGemvRows rows;
// for the gradient, a batch of at most kcMax rows: one pass).

// HasSparse reports whether the sparse kernels run here: they need
// AVX-512 (the build tags noasm and noavx512 turn them off).
func HasSparse() bool { return hasAVX512 }

// MaxGemvRows is the number of rows up to which a product takes the
// row-at-a-time path, whose sums are not the blocked kernels' chains.
const MaxGemvRows = maxGemvRows

// MaxPassDepth is the deepest pass over k: a gradient over a batch of at
// most this many rows is one chain per element.
const MaxPassDepth = kcMax

// Nonzeros writes the positions q where x[q] ≠ 0 (NaN included) to idx
// and the values to val, in order, and returns their number. idx and val
// need room for len(x)+16 elements (the kernel stores whole vectors).
// It needs HasSparse.
func Nonzeros(x []float32, idx []int32, val []float32) int {
	if len(idx) < len(x)+16 || len(val) < len(x)+16 {
		panic("gemm: Nonzeros needs len(x)+16 room")
	}
	if len(x) == 0 {
		return 0
	}
	return compressRow(len(x), &x[0], &idx[0], &val[0])
}

// Packed holds an n×k matrix W transposed, k rows of GradLD(n) floats
// (row q holds W's column q, zeros past n), for RowNT. A Packed belongs to
// one goroutine; its buffers grow once.
type Packed struct {
	bt, rag []float32
	n, k    int
}

// Pack packs w (n rows of k, row stride ldw) and reports whether every
// element of it is finite (the condition for RowNT's bits). It needs
// HasSparse.
func (pk *Packed) Pack(w []float32, ldw, n, k int) (finite bool) {
	if n <= 0 || k <= 0 || ldw < k || len(w) < (n-1)*ldw+k {
		panic("gemm: Pack's matrix does not fit its slice")
	}
	pk.n, pk.k = n, k
	ld := GradLD(n)
	pk.bt = grow(pk.bt, k*ld)
	for j0 := 0; j0 < n; j0 += nr {
		src, ldb := w[j0*ldw:], ldw
		if rows := n - j0; rows < nr {
			// The last rows, copied above zero rows: a whole panel.
			pk.rag = grow(pk.rag, nr*k)
			for j := range rows {
				copy(pk.rag[j*k:(j+1)*k], w[(j0+j)*ldw:(j0+j)*ldw+k])
			}
			clear(pk.rag[rows*k : nr*k])
			src, ldb = pk.rag, k
		}
		packBTSAVX512(k, &src[0], ldb, &pk.bt[j0], ld)
	}
	return vec.AllFinite(pk.bt[:k*ld])
}

// RowNT sets c[0:n] to x·Wᵀ for the row x given by its nonzeros (idx,
// val from Nonzeros; positions < k): the bits that SgemmSerial(false,
// true, m, n, k, 1, X, k, W, ldw, 0, C, n) gives that row for any m >
// MaxGemvRows, when Pack reported W finite.
func (pk *Packed) RowNT(c []float32, idx []int32, val []float32) {
	n, k := pk.n, pk.k
	cnt := len(idx)
	if len(val) != cnt || len(c) < n {
		panic("gemm: RowNT's slices do not fit")
	}
	// Room for the kernel's loads past the list: none, it reads cnt
	// entries; but &idx[t] must exist when t == cnt.
	idx, val = idx[:cnt:cnt], val[:cnt:cnt]
	kcb := passDepth(k)
	bt, ld := pk.bt, GradLD(n)
	panels := (n + nr - 1) / nr
	var dummyI [1]int32
	var dummyV [1]float32
	for g := 0; g < panels; g += 8 {
		np := min(8, panels-g)
		last := min(nr, n-(g+np-1)*nr)
		mask := uint64(1)<<last - 1
		t := 0
		for pc := 0; pc < k; pc += kcb {
			e := t
			for e < cnt && int(idx[e]) < pc+kcb {
				e++
			}
			ip, vp := &dummyI[0], &dummyV[0]
			if e > t {
				ip, vp = &idx[t], &val[t]
			}
			add := 0
			if pc > 0 {
				add = 1
			}
			spRowNT(e-t, ip, vp, &bt[g*nr], 4*ld, 4*nr, np, &c[g*nr], mask, add)
			t = e
		}
	}
}

// GradLD is the row stride of the transposed gradient that GradT adds to,
// for n outputs: whole vectors.
func GradLD(n int) int { return roundUp(n, nr) }

// GradT adds, for each nonzero (q, v) of one batch row given by idx, val
// (in order), v·dz[0:n] to row q of gt (row stride GradLD(n)) by one FMA
// per element: the transposed gradient ∂Wᵀ = Xᵀ·dZ built row by row of
// the batch. Started from +0 and run over the batch's rows in order, each
// element is the chain that SgemmSerial(true, false, n, k, m, 1, dZ, n, X,
// k, 0, ∂W, k) computes for it when m ≤ MaxPassDepth and n > MaxGemvRows.
// The padding columns n ≤ o < GradLD(n) of gt are left finite only if they
// were zero and every v is finite.
func GradT(gt []float32, n int, idx []int32, val []float32, dz []float32) {
	ld := GradLD(n)
	cnt := len(idx)
	if len(val) != cnt || len(dz) < n {
		panic("gemm: GradT's slices do not fit")
	}
	if cnt == 0 {
		return
	}
	if top := int(slicesMax(idx)); (top+1)*ld > len(gt) {
		panic("gemm: GradT's position past gt")
	}
	panels := ld / nr
	for g := 0; g < panels; g += 8 {
		np := min(8, panels-g)
		last := min(nr, n-(g+np-1)*nr)
		spGradT(cnt, &idx[0], &val[0], &dz[g*nr], &gt[g*nr], ld, np, uint64(1)<<last-1)
	}
}

// slicesMax is the largest of a sorted, nonempty list: its last element.
func slicesMax(idx []int32) int32 { return idx[len(idx)-1] }

// Span returns the part of a sorted list of positions (and its values)
// that lies in [lo, hi).
func Span(idx []int32, val []float32, lo, hi int) ([]int32, []float32) {
	a := sort.Search(len(idx), func(i int) bool { return int(idx[i]) >= lo })
	b := a + sort.Search(len(idx)-a, func(i int) bool { return int(idx[a+i]) >= hi })
	return idx[a:b], val[a:b]
}

// UnpackT writes rows [lo, hi) of gt (row stride GradLD(n)), transposed,
// into columns [lo, hi) of the n×k matrix dst (row stride ldd): dst[o·ldd
// + q] = gt[q·ld + o] for o < n.
func UnpackT(dst []float32, ldd int, gt []float32, n, lo, hi int) {
	ld := GradLD(n)
	if lo >= hi {
		return
	}
	if len(gt) < hi*ld || len(dst) < (n-1)*ldd+hi {
		panic("gemm: UnpackT's slices do not fit")
	}
	q0 := lo
	for ; q0+nr <= hi; q0 += nr {
		packBTSAVX512(n, &gt[q0*ld], ld, &dst[q0], ldd)
	}
	for ; q0 < hi; q0++ {
		for o := range n {
			dst[o*ldd+q0] = gt[q0*ld+o]
		}
	}
}

// Union4 lists the positions q < k where any of the four rows x[i] (k
// floats each) is nonzero: idx gets q and v[i] gets x[i][q], zero where
// that row is zero there. It returns their number. idx and every v[i]
// need room for k+16 elements. It needs HasSparse.
func Union4(x [4][]float32, k int, idx []int32, v [4][]float32) int {
	if k <= 0 {
		return 0
	}
	var xp, vp [4]*float32
	for i := range 4 {
		if len(x[i]) < k || len(v[i]) < k+16 {
			panic("gemm: Union4's rows do not fit")
		}
		xp[i], vp[i] = &x[i][0], &v[i][0]
	}
	if len(idx) < k+16 {
		panic("gemm: Union4 needs k+16 room")
	}
	return union4(k, &xp, &idx[0], &vp)
}

// Rows4NT is RowNT for four rows given by one list of positions (Union4's):
// c[i][0:n] = x[i]·Wᵀ, the bits that SgemmSerial gives those rows (see
// RowNT), when Pack reported W finite.
func (pk *Packed) Rows4NT(c [4][]float32, idx []int32, v [4][]float32) {
	n, k := pk.n, pk.k
	cnt := len(idx)
	var vp [4]*float32
	var zero [1]float32
	for i := range 4 {
		if len(c[i]) < n || len(v[i]) < cnt {
			panic("gemm: Rows4NT's slices do not fit")
		}
		vp[i] = &zero[0]
	}
	var idx0 [1]int32
	kcb := passDepth(k)
	bt, ld := pk.bt, GradLD(n)
	panels := (n + nr - 1) / nr
	for g := 0; g < panels; g += 7 {
		np := min(7, panels-g)
		last := min(nr, n-(g+np-1)*nr)
		var gc [4]*float32
		for i := range 4 {
			gc[i] = &c[i][g*nr]
		}
		t := 0
		for pc := 0; pc < k; pc += kcb {
			e := t
			for e < cnt && int(idx[e]) < pc+kcb {
				e++
			}
			ip := &idx0[0]
			if e > t {
				ip = &idx[t]
				for i := range 4 {
					vp[i] = &v[i][t]
				}
			}
			add := 0
			if pc > 0 {
				add = 1
			}
			rows4NT(e-t, ip, &vp, &bt[g*nr], 4*ld, np, &gc, uint64(1)<<last-1, add)
			t = e
		}
	}
}

// GradT4 is GradT for four batch rows in order, given by one list of
// positions (Union4's): for each position q, row q of gt gets v[i]·dz[i]
// added by one FMA per element for i = 0, 1, 2, 3 in turn.
func GradT4(gt []float32, n int, idx []int32, v [4][]float32, dz [4][]float32) {
	ld := GradLD(n)
	cnt := len(idx)
	if cnt == 0 {
		return
	}
	if (int(idx[cnt-1])+1)*ld > len(gt) {
		panic("gemm: GradT4's position past gt")
	}
	var vp, dp [4]*float32
	for i := range 4 {
		if len(v[i]) < cnt || len(dz[i]) < n {
			panic("gemm: GradT4's slices do not fit")
		}
		vp[i] = &v[i][0]
	}
	panels := ld / nr
	for g := 0; g < panels; g += 7 {
		np := min(7, panels-g)
		last := min(nr, n-(g+np-1)*nr)
		for i := range 4 {
			dp[i] = &dz[i][g*nr]
		}
		grad4T(cnt, &idx[0], &vp, &dp, &gt[g*nr], ld, np, uint64(1)<<last-1)
	}
}
