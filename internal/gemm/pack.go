package gemm

// packA copies rows [ic, ic+mc) and columns [pc, pc+kc) of op(A), scaled by
// alpha, into dst as consecutive mr-row panels. Within a panel the mr values
// of one column are adjacent, which is the order the micro-kernel reads them.
// Rows past mc are zero so that edge tiles need no special kernel.
func packA(dst []float32, p *problem, ic, mc, pc, kc int) {
	alpha := p.alpha
	for ir := 0; ir < mc; ir += mr {
		panel := dst[ir*kc : (ir+mr)*kc]
		rows := min(mr, mc-ir)
		if p.transA {
			// op(A)[i][q] = a[q*lda+i]: the mr values of column q are
			// contiguous in a.
			for q := range kc {
				src := p.a[(pc+q)*p.lda+ic+ir:]
				d := panel[q*mr : q*mr+mr]
				for i := range rows {
					d[i] = alpha * src[i]
				}
				for i := rows; i < mr; i++ {
					d[i] = 0
				}
			}
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

// packB copies rows [pc, pc+kc) and columns [jc, jc+nc) of op(B) into dst as
// consecutive nr-column panels, each holding kc rows of nr adjacent values.
// Columns past nc are zero.
func packB(dst []float32, p *problem, pc, kc, jc, nc int) {
	for jr := 0; jr < nc; jr += nr {
		panel := dst[jr*kc : (jr+nr)*kc]
		cols := min(nr, nc-jr)
		if !p.transB {
			// op(B)[q][j] = b[q*ldb+j]: rows are contiguous.
			for q := range kc {
				off := (pc+q)*p.ldb + jc + jr
				d := panel[q*nr : q*nr+nr]
				copy(d, p.b[off:off+cols])
				clear(d[cols:])
			}
			continue
		}
		// op(B)[q][j] = b[j*ldb+q]: columns of op(B) are contiguous.
		for j := range cols {
			off := (jc+jr+j)*p.ldb + pc
			src := p.b[off : off+kc]
			for q, v := range src {
				panel[q*nr+j] = v
			}
		}
		if cols < nr {
			for q := range kc {
				clear(panel[q*nr+cols : q*nr+nr])
			}
		}
	}
}
