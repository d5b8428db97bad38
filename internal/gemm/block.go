package gemm

// Register tile and cache block sizes. The micro-kernel computes an mr×nr tile
// of C from an mr-row panel of packed A and an nr-column panel of packed B.
// kcMax bounds the depth of one pass so that a B micro-panel (kc·nr floats,
// 24 KiB at kc=384) stays in L1 while A panels stream from L2; mcMax·kcMax
// floats of A (about 180 KiB) sit in L2; ncMax bounds the packed B block.
const (
	mr    = 6
	nr    = 16
	kcMax = 384
	mcMax = 120
	ncMax = 2048

	// The AVX-512 path's tile height and row block; see path.mr.
	mrAVX512    = 26
	mcMaxAVX512 = 5 * mrAVX512
	// mrHalfAVX512 is the height of the AVX-512 path's second kernel, for
	// the half tile that ends a part of a product split by rows.
	mrHalfAVX512 = mrAVX512 / 2

	// maxMR is the tallest tile of any path.
	maxMR = mrAVX512

	// smallK is the depth below which a pass is ordered for the locality
	// of C rather than of B.
	smallK = 32
)

// Beta modes of the micro-kernel: how the computed tile T meets C.
const (
	modeStore = 0 // C = T (beta == 0; C is not read)
	modeAdd   = 1 // C = T + C (beta == 1, or a later pass over k)
	modeScale = 2 // C = T + beta·C
)

func betaMode(beta float32) int {
	switch beta {
	case 0:
		return modeStore
	case 1:
		return modeAdd
	}
	return modeScale
}

// workspace holds the packing buffers of one goroutine. It grows to the
// largest problem seen and is then reused.
type workspace struct {
	apack []float32
	bpack []float32
	bt    []float32 // a ragged panel of B stored transposed, zero padded (packB512)
	x, y  []float32 // one row of alpha·op(A) and of the product, for gemmRows
}

func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// gemmBlocked computes p serially with packing and the micro-kernel of path
// pa.
func gemmBlocked(ws *workspace, p *problem, pa path) {
	if pa == pathAVX512 {
		gemmBlocked512(ws, p)
		return
	}
	m, n, k := p.m, p.n, p.k
	mr := pa.mr()
	kcb := passDepth(k)
	mcb := min(pa.mcMax(), roundUp(m, mr))
	ncb := min(ncMax, roundUp(n, nr))
	ws.apack = grow(ws.apack, mcb*kcb)
	ws.bpack = grow(ws.bpack, ncb*kcb)
	for jc := 0; jc < n; jc += ncb {
		nc := min(ncb, n-jc)
		for pc := 0; pc < k; pc += kcb {
			kc := min(kcb, k-pc)
			beta, mode := passBeta(p, pc)
			packB(ws.bpack, p, pc, kc, jc, nc)
			for ic := 0; ic < m; ic += mcb {
				mc := min(mcb, m-ic)
				packA(ws.apack, p, ic, mc, pc, kc, mr)
				sweepTiles(mc, nc, mr, kc, func(ir, jr int) {
					ap := ws.apack[ir*kc : (ir+mr)*kc]
					bp := ws.bpack[jr*kc : (jr+nr)*kc]
					rows, cols := min(mr, mc-ir), min(nr, nc-jr)
					off := (ic+ir)*p.ldc + jc + jr
					kernel(pa, kc, ap, bp, p.c[off:off+(rows-1)*p.ldc+cols], p.ldc, beta, mode, rows, cols)
				})
			}
		}
	}
}

// passDepth is the depth of the passes over k: k split into equal passes no
// deeper than kcMax, so that a k of 400 runs as 2×200 rather than 384+16.
func passDepth(k int) int {
	passes := (k + kcMax - 1) / kcMax
	return (k + passes - 1) / passes
}

// passBeta is the beta, and its mode, of the pass over k that starts at pc:
// the caller's on the first pass, 1 (add) on the later ones.
func passBeta(p *problem, pc int) (float32, int) {
	if pc > 0 {
		return 1, modeAdd
	}
	return p.beta, betaMode(p.beta)
}

// sweepTiles calls tile(ir, jr) for every mr×nr tile of an mc×nc block, in
// the order that suits a pass of depth kc.
func sweepTiles(mc, nc, mr, kc int, tile func(ir, jr int)) {
	if kc < smallK {
		// C traffic dominates: sweep each row of tiles left to right so
		// that lines of C shared by neighbouring tiles are still in L1 for
		// the second tile.
		for ir := 0; ir < mc; ir += mr {
			for jr := 0; jr < nc; jr += nr {
				tile(ir, jr)
			}
		}
		return
	}
	// Keep one packed B micro-panel in L1 while the A panels stream from
	// L2.
	for jr := 0; jr < nc; jr += nr {
		for ir := 0; ir < mc; ir += mr {
			tile(ir, jr)
		}
	}
}

// kernel runs one micro-kernel call of path pa: the top-left rows×cols of
// the pa.mr()×nr tile at c (row stride ldc) meets the product of the packed
// panels ap (kc·mr) and bp (kc·nr) as mode says.
func kernel(pa path, kc int, ap, bp, c []float32, ldc int, beta float32, mode, rows, cols int) {
	switch pa {
	case pathGeneric:
		kernelGeneric(kc, mr, ap, bp, c, ldc, beta, mode, rows, cols)
		return
	case pathAVX512:
		_ = ap[kc*mrAVX512-1]
		_ = bp[kc*nr-1]
		_ = c[(rows-1)*ldc+cols-1]
		kernel26x16(kc, &ap[0], &bp[0], &c[0], ldc, beta, mode, rows, 1<<cols-1, mrAVX512, nil)
		return
	}
	_ = ap[kc*mr-1]
	_ = bp[kc*nr-1]
	_ = c[(rows-1)*ldc+cols-1]
	var mask *int32
	if rows < mr || cols < nr {
		mask = &colMasks[cols][0]
	}
	kernel6x16(kc, &ap[0], &bp[0], &c[0], ldc, beta, mode, rows, mask)
}

// colMasks[c] holds -1 in its first c words: the lanes of a tile row that
// lie inside C when only c of its nr columns do.
var colMasks = func() (t [nr + 1][nr]int32) {
	for c := range t {
		for j := range c {
			t[c][j] = -1
		}
	}
	return t
}()

func roundUp(x, to int) int { return (x + to - 1) / to * to }
