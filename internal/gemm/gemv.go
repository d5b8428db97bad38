package gemm

// maxGemvRows is the largest m computed row by row without packing. Packing
// op(B) costs a pass over all k·n elements, which for one or two rows of A is
// as much memory traffic as the whole product; the row path instead streams
// op(B) once per row straight from the caller's storage.
const maxGemvRows = 3

// gemvStrip is the width of the column strips of rowAxpyAsm.
const gemvStrip = 32

// masks[r] holds -1 in its first r words: the lane mask for a vector of r < 8
// valid elements (and masks[8] for a full one).
var masks = func() (t [9][8]int32) {
	for r := range t {
		for j := range r {
			t[r][j] = -1
		}
	}
	return t
}()

// gemmRows computes p one row of C at a time: y = alpha·op(A)[i,:]·op(B),
// then C[i,:] = y + beta·C[i,:].
func gemmRows(ws *workspace, p *problem, useAsm bool) {
	m, n, k := p.m, p.n, p.k
	ws.x = grow(ws.x, k)
	ws.y = grow(ws.y, n)
	x, y := ws.x, ws.y
	mode := betaMode(p.beta)
	for i := range m {
		// x = alpha·op(A)[i,:], contiguous whatever the layout of A.
		if p.transA {
			for q := range x {
				x[q] = p.alpha * p.a[q*p.lda+i]
			}
		} else {
			for q, v := range p.a[i*p.lda : i*p.lda+k] {
				x[q] = p.alpha * v
			}
		}
		switch {
		case !useAsm:
			rowGeneric(p, x, y)
		case p.transB:
			rowDotAsm(p, x, y)
		default:
			rowAxpyAsm(p, x, y)
		}
		c := p.c[i*p.ldc : i*p.ldc+n]
		switch mode {
		case modeStore:
			copy(c, y)
		case modeAdd:
			for j, v := range y {
				c[j] += v
			}
		default:
			for j, v := range y {
				c[j] = v + p.beta*c[j]
			}
		}
	}
}

// rowAxpyAsm sets y = x·B for row-major B (k×n): strips of 32 columns, then
// masked strips of 8.
func rowAxpyAsm(p *problem, x, y []float32) {
	n, k := p.n, p.k
	_ = p.b[(k-1)*p.ldb+n-1]
	j := 0
	for ; j+gemvStrip <= n; j += gemvStrip {
		gemvN32(k, &x[0], &p.b[j], p.ldb, &y[j])
	}
	for ; j < n; j += 8 {
		gemvN8(k, &x[0], &p.b[j], p.ldb, &y[j], &masks[min(8, n-j)][0])
	}
}

// rowDotAsm sets y = x·Bᵀ for row-major B (n×k): y[j] is the dot product of
// x with row j of B, four rows at a time. A last group of fewer than four
// rows is done by recomputing the four rows that end at n.
func rowDotAsm(p *problem, x, y []float32) {
	n, k := p.n, p.k
	_ = p.b[(n-1)*p.ldb+k-1]
	mask := &masks[k%8][0]
	if n < 4 {
		var out [4]float32
		for j := range n {
			out[j] = dotGeneric(x, p.b[j*p.ldb:j*p.ldb+k])
		}
		copy(y, out[:n])
		return
	}
	for j := 0; j < n; j += 4 {
		j = min(j, n-4)
		dot4(k, &x[0], &p.b[j*p.ldb], p.ldb, &y[j], mask)
	}
}

// rowGeneric sets y = x·op(B) in portable Go.
func rowGeneric(p *problem, x, y []float32) {
	n, k := p.n, p.k
	if p.transB {
		for j := range y {
			y[j] = dotGeneric(x, p.b[j*p.ldb:j*p.ldb+k])
		}
		return
	}
	clear(y)
	for q, xq := range x {
		row := p.b[q*p.ldb : q*p.ldb+n]
		for j, v := range row {
			y[j] += xq * v
		}
	}
}

func dotGeneric(x, b []float32) float32 {
	var s float32
	b = b[:len(x)]
	for q, v := range x {
		s += v * b[q]
	}
	return s
}
