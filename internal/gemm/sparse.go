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

// Packed holds an n×k matrix W transposed in panels of 16 of its rows, for
// RowNT. A Packed belongs to one goroutine; its buffers grow once.
type Packed struct {
	ws   workspace
	n, k int
}

// Pack packs w (n rows of k, row stride ldw) and reports whether every
// element of it is finite (the condition for RowNT's bits). It needs
// HasSparse.
func (pk *Packed) Pack(w []float32, ldw, n, k int) (finite bool) {
	if n <= 0 || k <= 0 || ldw < k || len(w) < (n-1)*ldw+k {
		panic("gemm: Pack's matrix does not fit its slice")
	}
	pk.n, pk.k = n, k
	size := roundUp(n, nr) * k
	pk.ws.bpack = grow(pk.ws.bpack, size)
	p := problem{transB: true, n: n, k: k, b: w, ldb: ldw}
	packB512(&pk.ws, &p, 0, k, 0, n)
	return vec.AllFinite(pk.ws.bpack[:size])
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
	bt := pk.ws.bpack
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
			spRowNT(e-t, ip, vp, &bt[g*nr*k], nr*k, np, &c[g*nr], mask, add)
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
// + q] = gt[q·ld + o] for o < n. tmp needs 16·GradLD(n) floats.
func UnpackT(dst []float32, ldd int, gt []float32, n, lo, hi int, tmp []float32) {
	ld := GradLD(n)
	if lo >= hi {
		return
	}
	if len(tmp) < nr*ld || len(gt) < hi*ld || len(dst) < (n-1)*ldd+hi {
		panic("gemm: UnpackT's slices do not fit")
	}
	var idx [nr]int32
	for i := range idx {
		idx[i] = int32(i * ld)
	}
	for q0 := lo; q0 < hi; q0 += nr {
		cols := min(nr, hi-q0)
		packBTAVX512(n, &gt[q0*ld], ld, &idx[0], &tmp[0], uint64(1)<<cols-1)
		for o := range n {
			copy(dst[o*ldd+q0:o*ldd+q0+cols], tmp[o*nr:o*nr+cols])
		}
	}
}
