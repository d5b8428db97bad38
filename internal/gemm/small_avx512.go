package gemm

import "math"

// useSmallM reports whether gemmSmallM512 takes p: m fits one vector, and
// the 32-bit offsets of its gathers and scatters cannot overflow.
func useSmallM(p *problem) bool {
	return p.m <= nr && int64(nr)*int64(max(p.lda, p.ldc))+int64(p.k) < math.MaxInt32
}

// gemmSmallM512 is the AVX-512 path for products of at most 16 rows, where
// a 26×16 tile would mostly be padding (10 rows fill 10 of 26). It computes
// Cᵀ = op(B)ᵀ·op(A)ᵀ with the same kernels: op(A)ᵀ, k×m, is packed as the
// kernel's 16-wide B panel (all of A in one panel), op(B)ᵀ plays A and is
// read in place 26 columns of C at a time, and the kernel's transposed
// epilogue scatters each tile row into a column of C. Every element of C is
// still the in-order sum of one FMA per k over the same passes, with alpha
// applied to A first, so the bits equal the other paths'.
func gemmSmallM512(ws *workspace, p *problem) {
	const mr = mrAVX512
	m, n, k := p.m, p.n, p.k
	kcb := passDepth(k)
	ws.apack = grow(ws.apack, nr*kcb)
	ws.bpack = grow(ws.bpack, mr*kcb)
	var tidx, aidx [nr]int32
	for i := range m {
		tidx[i] = int32(i * p.ldc)
		aidx[i] = int32(i * p.lda)
	}
	mmask := uint64(1)<<m - 1
	// Rows of B a multiple of 512 floats apart would evict each other from
	// L1 (see gemmBlocked512); such B is copied.
	copyB := p.transB && p.ldb%512 == 0
	for pc := 0; pc < k; pc += kcb {
		kc := min(kcb, k-pc)
		beta, mode := passBeta(p, pc)
		// ap[q·16+i] = alpha·op(A)[i][pc+q].
		ap := ws.apack[:kc*nr]
		if p.transA {
			src := p.a[pc*p.lda:]
			_ = src[(kc-1)*p.lda+m-1]
			packBNAVX512(kc, &src[0], p.lda, &ap[0], mmask)
		} else {
			src := p.a[pc:]
			_ = src[(m-1)*p.lda+kc-1]
			packBTAVX512(kc, &src[0], p.lda, &aidx[0], &ap[0], mmask)
		}
		if p.alpha != 1 {
			for i := range ap {
				ap[i] *= p.alpha
			}
		}
		for jr := 0; jr < n; jr += mr {
			cols := min(mr, n-jr) // columns of C, rows of the Cᵀ tile
			c := p.c[jr:]
			_ = c[(m-1)*p.ldc+cols-1]
			switch {
			case cols == mr && !p.transB:
				// op(B)ᵀ[j][q] = b[(pc+q)·ldb+jr+j]: one k's 26 values adjacent.
				bt := p.b[pc*p.ldb+jr:]
				_ = bt[(kc-1)*p.ldb+mr-1]
				kernel26x16(kc, &bt[0], &ap[0], &c[0], p.ldc, beta, mode, cols, mmask, p.ldb, &tidx[0])
			case cols == mr && !copyB:
				// op(B)ᵀ[j][q] = b[(jr+j)·ldb+pc+q]: rows a stride apart.
				bt := p.b[jr*p.ldb+pc:]
				_ = bt[(mr-1)*p.ldb+kc-1]
				kernel26x16RowA(kc, &bt[0], &ap[0], &c[0], p.ldc, beta, mode, cols, mmask, p.ldb, &tidx[0])
			case !p.transB:
				// A ragged block: each k's values copied and zero padded.
				buf := ws.bpack[:kc*mr]
				for q := range kc {
					src := p.b[(pc+q)*p.ldb+jr:]
					d := buf[q*mr : (q+1)*mr]
					copy(d, src[:cols])
					clear(d[cols:])
				}
				kernel26x16(kc, &buf[0], &ap[0], &c[0], p.ldc, beta, mode, cols, mmask, mr, &tidx[0])
			default:
				// Rows of B copied to row stride kc.
				buf := ws.bpack[:kc*mr]
				for j := range cols {
					src := p.b[(jr+j)*p.ldb+pc:]
					copy(buf[j*kc:(j+1)*kc], src[:kc])
				}
				clear(buf[cols*kc:])
				kernel26x16RowA(kc, &buf[0], &ap[0], &c[0], p.ldc, beta, mode, cols, mmask, kc, &tidx[0])
			}
		}
	}
}
