package gemm

// packA copies rows [ic, ic+mc) and columns [pc, pc+kc) of op(A), scaled by
// alpha, into dst as consecutive mr-row panels. Within a panel the mr values
// of one column are adjacent, which is the order the micro-kernel reads them.
// Rows past mc are zero so that edge tiles need no special kernel.
func packA(dst []float32, p *problem, ic, mc, pc, kc, mr int) {
	alpha := p.alpha
	for ir := 0; ir < mc; ir += mr {
		panel := dst[ir*kc : (ir+mr)*kc]
		rows := min(mr, mc-ir)
		if p.transA {
			// op(A)[i][q] = a[q*lda+i]: the mr values of column q are
			// contiguous in a.
			for q := range kc {
				src := p.a[(pc+q)*p.lda+ic+ir:]
				src = src[:rows]
				d := panel[q*mr : q*mr+mr]
				if alpha == 1 {
					copy(d, src) // the same values: v·1 is v
				} else {
					for i, v := range src {
						d[i] = alpha * v
					}
				}
				clear(d[rows:])
			}
			continue
		}
		if rows == mr && mr == 6 {
			packA6(panel, p.a[(ic+ir)*p.lda+pc:], p.lda, kc, alpha)
			continue
		}
		for i := range rows {
			src := p.a[(ic+ir+i)*p.lda+pc:]
			src = src[:kc]
			for q, v := range src {
				panel[q*mr+i] = alpha * v
			}
		}
		for i := rows; i < mr; i++ {
			for q := range kc {
				panel[q*mr+i] = 0
			}
		}
	}
}

// packA6 interleaves six rows of length kc, starting at a with stride lda,
// into dst: dst[q*6+i] = alpha·row_i[q]. Reading six streams and writing one
// keeps the stores sequential.
func packA6(dst, a []float32, lda, kc int, alpha float32) {
	r0 := a[:kc]
	r1 := a[lda : lda+kc]
	r2 := a[2*lda : 2*lda+kc]
	r3 := a[3*lda : 3*lda+kc]
	r4 := a[4*lda : 4*lda+kc]
	r5 := a[5*lda : 5*lda+kc]
	dst = dst[:kc*6]
	for q := range r0 {
		d := (*[6]float32)(dst[q*6:])
		d[0] = alpha * r0[q]
		d[1] = alpha * r1[q]
		d[2] = alpha * r2[q]
		d[3] = alpha * r3[q]
		d[4] = alpha * r4[q]
		d[5] = alpha * r5[q]
	}
}

// packB copies rows [pc, pc+kc) and columns [jc, jc+nc) of op(B) into dst as
// consecutive nr-column panels, each holding kc rows of nr adjacent values.
// Columns past nc are zero.
func packB(dst []float32, p *problem, pc, kc, jc, nc int) {
	for jr := 0; jr < nc; jr += nr {
		panel := dst[jr*kc : (jr+nr)*kc]
		cols := min(nr, nc-jr)
		if !p.transB {
			// op(B)[q][j] = b[q*ldb+j]: rows are contiguous.
			if cols == nr {
				for q := range kc {
					off := (pc+q)*p.ldb + jc + jr
					*(*[nr]float32)(panel[q*nr:]) = *(*[nr]float32)(p.b[off:])
				}
				continue
			}
			for q := range kc {
				off := (pc+q)*p.ldb + jc + jr
				d := panel[q*nr : q*nr+nr]
				copy(d, p.b[off:off+cols])
				clear(d[cols:])
			}
			continue
		}
		// op(B)[q][j] = b[j*ldb+q]: columns of op(B) are contiguous.
		if cols == nr {
			packBT16(panel, p.b[(jc+jr)*p.ldb+pc:], p.ldb, kc)
			continue
		}
		for j := range cols {
			off := (jc+jr+j)*p.ldb + pc
			src := p.b[off : off+kc]
			for q, v := range src {
				panel[q*nr+j] = v
			}
		}
		for q := range kc {
			clear(panel[q*nr+cols : q*nr+nr])
		}
	}
}

// packBT16 transposes 16 rows of length kc, starting at b with stride ldb,
// into dst: dst[q*16+j] = row_j[q], reading sixteen streams so that every
// store is sequential.
func packBT16(dst, b []float32, ldb, kc int) {
	var r [nr][]float32
	for j := range r {
		r[j] = b[j*ldb : j*ldb+kc]
	}
	dst = dst[:kc*nr]
	for q := range kc {
		d := (*[nr]float32)(dst[q*nr:])
		d[0], d[1], d[2], d[3] = r[0][q], r[1][q], r[2][q], r[3][q]
		d[4], d[5], d[6], d[7] = r[4][q], r[5][q], r[6][q], r[7][q]
		d[8], d[9], d[10], d[11] = r[8][q], r[9][q], r[10][q], r[11][q]
		d[12], d[13], d[14], d[15] = r[12][q], r[13][q], r[14][q], r[15][q]
	}
}
