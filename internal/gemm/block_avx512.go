package gemm

import "math"

// gemmBlocked512 is gemmBlocked for the AVX-512 path. It has the same loops
// and passes over k (so every element of C gets the same bits as on the
// AVX2 path) but packs less. When alpha is 1 the kernel reads whole row
// panels of A where they are stored (kernel26x16 for A stored transposed,
// kernel26x16RowA otherwise); A as stored whose rows a multiple of 512
// floats apart would share L1 sets (26 rows evicting each other) is instead
// copied row by row, a plain memory copy, into a buffer of row stride kc,
// and so is a ragged last panel. Only A transposed with a ragged last panel,
// or alpha ≠ 1, takes the interleaving packA. op(B) is packed by vector
// copies and register transposes.
func gemmBlocked512(ws *workspace, p *problem) {
	if useSmallM(p) {
		gemmSmallM512(ws, p)
		return
	}
	const mr = mrAVX512
	m, n, k := p.m, p.n, p.k
	kcb := passDepth(k)
	mcb := min(mcMaxAVX512, roundUp(m, mr))
	ncb := min(ncMax, roundUp(n, nr))
	inPlace := p.alpha == 1 && (p.transA || p.lda%512 != 0)
	rowCopy := p.alpha == 1 && !p.transA // A as stored: copies keep its layout
	ws.apack = grow(ws.apack, mcb*kcb)
	if p.bpacked == nil {
		ws.bpack = grow(ws.bpack, ncb*kcb)
	}
	for jc := 0; jc < n; jc += ncb {
		nc := min(ncb, n-jc)
		for pc := 0; pc < k; pc += kcb {
			kc := min(kcb, k-pc)
			beta, mode := passBeta(p, pc)
			// op(B)'s block: packed here, or by PackedB.Pack (one block of
			// columns, the passes one after another).
			bpack := ws.bpack
			if p.bpacked != nil {
				bpack = p.bpacked[pc*ncb : (pc+kc)*ncb]
			} else {
				packB512(ws, p, pc, kc, jc, nc)
			}
			for ic := 0; ic < m; ic += mcb {
				mc := min(mcb, m-ic)
				// Rows [ic, ic+full) are read in place, the others from
				// ws.apack, where row ic+i sits at offset i·kc (copies) or
				// in the packed panel starting there (packA).
				full := 0
				if inPlace {
					full = mc / mr * mr
				}
				switch {
				case full == mc:
				case rowCopy:
					end := roundUp(mc, mr) * kc
					for i := full; i < mc; i++ {
						src := p.a[(ic+i)*p.lda+pc:]
						copy(ws.apack[i*kc:(i+1)*kc], src[:kc])
					}
					clear(ws.apack[mc*kc : end])
				default:
					packA(ws.apack[full*kc:], p, ic+full, mc-full, pc, kc, mr)
				}
				sweepTiles(mc, nc, mr, kc, func(ir, jr int) {
					bp := bpack[jr*kc : (jr+nr)*kc]
					rows, cols := min(mr, mc-ir), min(nr, nc-jr)
					off := (ic+ir)*p.ldc + jc + jr
					c := p.c[off : off+(rows-1)*p.ldc+cols]
					cmask := uint64(1)<<cols - 1
					// A tile of at most half height (the end of a part
					// of a split product, see job.partRange) takes the
					// 13-row kernels, at half the cost.
					half := rows <= mrHalfAVX512
					switch {
					case ir >= full && rowCopy:
						ap := ws.apack[ir*kc : (ir+mr)*kc]
						if half {
							kernel13x16RowA(kc, &ap[0], &bp[0], &c[0], p.ldc, beta, mode, rows, cmask, kc, nil)
						} else {
							kernel26x16RowA(kc, &ap[0], &bp[0], &c[0], p.ldc, beta, mode, rows, cmask, kc, nil)
						}
					case ir >= full:
						ap := ws.apack[ir*kc : (ir+mr)*kc]
						if half {
							kernel13x16(kc, &ap[0], &bp[0], &c[0], p.ldc, beta, mode, rows, cmask, mr, nil)
						} else {
							kernel26x16(kc, &ap[0], &bp[0], &c[0], p.ldc, beta, mode, rows, cmask, mr, nil)
						}
					case p.transA:
						at := p.a[pc*p.lda+ic+ir:]
						_ = at[(kc-1)*p.lda+mr-1]
						kernel26x16(kc, &at[0], &bp[0], &c[0], p.ldc, beta, mode, rows, cmask, p.lda, nil)
					default:
						at := p.a[(ic+ir)*p.lda+pc:]
						_ = at[(mr-1)*p.lda+kc-1]
						kernel26x16RowA(kc, &at[0], &bp[0], &c[0], p.ldc, beta, mode, rows, cmask, p.lda, nil)
					}
				})
			}
		}
	}
}

// packB512 is packB with the AVX-512 copy and transpose loops, into
// ws.bpack.
func packB512(ws *workspace, p *problem, pc, kc, jc, nc int) {
	dst := ws.bpack
	if p.transB && int64(nr-1)*int64(p.ldb)+int64(kc) > math.MaxInt32 {
		packB(dst, p, pc, kc, jc, nc) // gather offsets are 32-bit
		return
	}
	for jr := 0; jr < nc; jr += nr {
		panel := dst[jr*kc : (jr+nr)*kc]
		cols := min(nr, nc-jr)
		cmask := uint64(1)<<cols - 1
		if !p.transB {
			src := p.b[pc*p.ldb+jc+jr:]
			_ = src[(kc-1)*p.ldb+cols-1]
			packBNAVX512(kc, &src[0], p.ldb, &panel[0], cmask)
			continue
		}
		var idx [nr]int32
		for j := range nr {
			idx[j] = int32(j * p.ldb)
		}
		src := p.b[(jc+jr)*p.ldb+pc:]
		if cols < nr && kc >= nr {
			// A ragged panel: its rows are copied above zero rows and
			// transposed whole, as a full panel is; the kernel's gathers,
			// one per k, cost a fifth of a 52×100×784 product. The panel
			// is the same: zeros in the columns past the edge.
			ws.bt = grow(ws.bt, nr*kc)
			for j := range cols {
				copy(ws.bt[j*kc:(j+1)*kc], src[j*p.ldb:j*p.ldb+kc])
			}
			clear(ws.bt[cols*kc:])
			for j := range nr {
				idx[j] = int32(j * kc)
			}
			packBTAVX512(kc, &ws.bt[0], kc, &idx[0], &panel[0], 1<<nr-1)
			continue
		}
		_ = src[(cols-1)*p.ldb+kc-1]
		packBTAVX512(kc, &src[0], p.ldb, &idx[0], &panel[0], cmask)
	}
}
