package gemm

// The sparse first layer. A network's first layer multiplies the batch as
// it came: MNIST's images are 81% zeros. The kernels below leave out terms
// whose input is zero, and give every element the dense product's bits:
// the dense kernels compute an element as one chain of FMAs over k, one
// chain per pass of depth passDepth(k), the passes added in order, and a
// term whose input is zero leaves the chain as it was (fma(0, w, s) = s)
// unless w is ±Inf or NaN, or s is −0 (which a chain starting at +0 only
// reaches through underflow below 2⁻¹⁴⁹). Hence the callers' conditions:
// the other factor finite (Packed.Pack reports it for W; for GradCols, ∂Z),
// and the dense product they stand for computed by the blocked kernels
// (more than maxGemvRows rows; for the gradient, a batch of at most kcMax
// rows: one pass).
//
//   - Union4 lists, for four rows of the batch, the positions where any of
//     them is nonzero (39% of MNIST's 784 for four random images) with the
//     four rows' values there, and which groups of four columns each row
//     lights (its nibbles).
//   - Rows4NT is the forward product x·Wᵀ of the four rows over that list,
//     W packed transposed (Packed): one row of W per listed position.
//   - GradCols is ∂W = ∂Zᵀ·X by groups of four columns, each over the batch
//     rows that light it (28% of MNIST's rows per group, against 58% per
//     16-column block): four columns of up to 112 outputs in registers, the
//     rows taken from a bitmap made from the nibbles, the 4×16 tiles
//     transposed into ∂W's rows.

// HasSparse reports whether the sparse kernels run here: they need
// AVX-512 (the build tags noasm and noavx512 turn them off).
func HasSparse() bool { return hasAVX512 }

// MaxGemvRows is the number of rows up to which a product takes the
// row-at-a-time path, whose sums are not the blocked kernels' chains.
const MaxGemvRows = maxGemvRows

// MaxSparseInputs is the longest row the sparse first layer takes; longer
// rows take the dense products.
const MaxSparseInputs = 64 * nr

// MaxPassDepth is the deepest pass over k: a gradient over a batch of at
// most this many rows is one chain per element.
const MaxPassDepth = kcMax

// Packed holds an n×k matrix W transposed, k rows of PackedLD(n) floats
// (row q holds W's column q, zeros past n), for Rows4NT. Its buffers grow
// in Size; goroutines may then run PackPanels on different panels, and
// Rows4NT, at once.
type Packed struct {
	bt, rag []float32
	n, k    int
}

// Pack packs w (n rows of k, row stride ldw) and reports whether every
// element of it is finite (the condition for Rows4NT's bits). It needs
// HasSparse.
func (pk *Packed) Pack(w []float32, ldw, n, k int) (finite bool) {
	pk.Size(n, k)
	return pk.PackPanels(w, ldw, 0, pk.Panels())
}

// Size makes room for an n×k matrix: the call that allocates, made before
// goroutines share pk through PackPanels.
func (pk *Packed) Size(n, k int) {
	if n <= 0 || k <= 0 {
		panic("gemm: Packed.Size needs n and k > 0")
	}
	pk.n, pk.k = n, k
	pk.bt = grow(pk.bt, k*PackedLD(n))
	if n%nr != 0 {
		pk.rag = grow(pk.rag, nr*k)
	}
}

// PackPanels packs panels [p0, p1) of w (its rows [16·p0, 16·p1), row
// stride ldw) as Pack does, into the matrix Size made room for, and
// reports whether those rows are finite. Goroutines may pack different
// panels of one Packed at once: a panel is its own 64-byte column of
// every packed row.
func (pk *Packed) PackPanels(w []float32, ldw, p0, p1 int) (finite bool) {
	n, k := pk.n, pk.k
	if ldw < k || len(w) < (n-1)*ldw+k || p0 < 0 || p1 > pk.Panels() {
		panic("gemm: PackPanels' matrix does not fit its slice")
	}
	ld := PackedLD(n)
	finite = true
	for p := p0; p < p1; p++ {
		j0 := p * nr
		src, ldb := w[j0*ldw:], ldw
		if rows := n - j0; rows < nr {
			// The last rows, copied above zero rows: a whole panel.
			for j := range rows {
				copy(pk.rag[j*k:(j+1)*k], w[(j0+j)*ldw:(j0+j)*ldw+k])
			}
			clear(pk.rag[rows*k : nr*k])
			src, ldb = pk.rag, k
		}
		// The zero rows of a ragged panel are finite: the kernel checks
		// all 16 rows as it transposes them.
		finite = packBTSAVX512(k, &src[0], ldb, &pk.bt[j0], ld, 1) && finite
	}
	return finite
}

// PackedLD is the row stride of a Packed n×k matrix: n rounded up to
// whole vectors.
func PackedLD(n int) int { return roundUp(n, nr) }

// Union4 lists the positions q < k where any of the four rows x[i] (k
// floats each) is nonzero: idx gets q and v[i] gets x[i][q], zero where
// that row is zero there. It returns their number, and sets nib[c·stride
// + i] to the groups of four columns in [16c, 16c+16) where row i has a
// nonzero (bit j for columns [16c+4j, 16c+4j+4); GradCols' input). idx
// and every v[i] need room for k+16 elements; k is at most
// MaxSparseInputs. It needs HasSparse.
func Union4(x [4][]float32, k int, idx []int32, v [4][]float32, nib []byte, stride int) int {
	if k <= 0 {
		return 0
	}
	if k > MaxSparseInputs {
		panic("gemm: Union4's rows are longer than MaxSparseInputs")
	}
	if stride < 4 || len(nib) < ((k+nr-1)/nr-1)*stride+4 {
		panic("gemm: Union4's nibbles do not fit")
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
	return union4(k, &xp, &idx[0], &vp, &nib[0], stride)
}

// Rows4NT sets c[i][0:n] = x[i]·Wᵀ for the four rows x[i] given by one
// list of positions (Union4's; positions < k, values v[i]): the bits that
// SgemmSerial(false, true, m, n, k, 1, X, k, W, ldw, 0, C, n) gives those
// rows for any m > MaxGemvRows, when Pack reported W finite.
func (pk *Packed) Rows4NT(c [4][]float32, idx []int32, v [4][]float32) {
	pk.Rows4NTPanels(c, idx, v, 0, pk.Panels())
}

// Panels is the number of panels of 16 rows of W that pk holds.
func (pk *Packed) Panels() int { return (pk.n + nr - 1) / nr }

// Rows4NTPanels is Rows4NT for the outputs of panels [p0, p1) of W only
// (columns [16·p0, min(16·p1, n)) of each c[i]).
func (pk *Packed) Rows4NTPanels(c [4][]float32, idx []int32, v [4][]float32, p0, p1 int) {
	n, k := pk.n, pk.k
	if p0 < 0 || p1 > pk.Panels() {
		panic("gemm: Rows4NTPanels' panels out of range")
	}
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
	bt, ld := pk.bt, PackedLD(n)
	for g := p0; g < p1; g += 7 {
		np := min(7, p1-g)
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

// GradCols computes columns [lo, hi) of ∂W = dZᵀ·X, n×k (row stride
// ldw), for a batch of m rows, by groups of four columns over the rows
// that have a nonzero in them: dZ is m×n, X m×k, and nib[c·stride + r]
// has bit j set where row r of X has a nonzero among columns [16c+4j,
// 16c+4j+4) (Union4's; the bytes of rows m to stride are read and left
// out). Each element is the dense kernel's chain over the rows whose bit
// is set: the bits SgemmSerial(true, false, n, k, m, 1, dZ, n, X, k, 0,
// ∂W, ldw) gives, when m ≤ MaxPassDepth, n > MaxGemvRows, and dZ is
// finite. lo and hi are multiples of 4, stride one of 64 of at least m.
// It reports whether every element it wrote is finite.
func GradCols(gw []float32, ldw, n, k, m int, dz, x []float32, nib []byte, stride, lo, hi int) (finite bool) {
	nw := (m + 63) / 64
	if lo%4 != 0 || hi%4 != 0 || hi > k || lo > hi || m > MaxPassDepth || stride%64 != 0 || stride < 64*nw ||
		len(dz) < m*n || len(x) < m*k || len(gw) < (n-1)*ldw+hi || len(nib) < (hi+nr-1)/nr*stride {
		panic("gemm: GradCols' slices do not fit")
	}
	if m <= 0 || lo == hi {
		return true
	}
	rowmask := ^uint64(0) >> (64*nw - m)
	finite = true
	for g := lo / 4; g < hi/4; g++ {
		for o0 := 0; o0 < n; o0 += 7 * nr {
			np := min(7, (n-o0+nr-1)/nr)
			last := n - o0 - (np-1)*nr
			nout := min(7*nr, n-o0)
			// Each of a block's four groups asks for a quarter of the
			// next block's lines of ∂W, which it will store into.
			q := (nout + 3) / 4
			pf, npf := &gw[o0*ldw+4*g], 0
			if next := (g/4 + 1) * nr; next < hi {
				i0 := g % 4 * q
				npf = max(0, min(q, nout-i0))
				pf = &gw[(o0+min(i0, nout-1))*ldw+next]
			}
			ok := gradCols4(nw, &nib[g/4*stride], g%4, rowmask, &x[4*g], k, &dz[o0], n, &gw[o0*ldw+4*g], ldw, np, uint64(1)<<last-1, nout, pf, npf)
			finite = finite && ok
		}
	}
	return finite
}

// Nibbles sets nib[c·stride + r] for the m rows of X (m×k) as Union4
// does: bit j where row r has a nonzero (NaN included) among columns
// [16c+4j, 16c+4j+4). For tests.
func Nibbles(x []float32, m, k int, nib []byte, stride int) {
	for c := 0; c < (k+nr-1)/nr; c++ {
		clear(nib[c*stride : c*stride+m])
	}
	for r := range m {
		for q, v := range x[r*k : (r+1)*k] {
			if v != 0 {
				nib[q/nr*stride+r] |= 1 << (q % nr / 4)
			}
		}
	}
}
