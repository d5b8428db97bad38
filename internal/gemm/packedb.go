package gemm

// PackedB is op(B) of a product packed once for several products with the
// same B and different A (SgemmPackedB): the rows of a batch taken a few at
// a time through the same weights. It holds the packed panels of the AVX-512
// path where that path runs and op(B) is at most ncMax columns wide; the
// product is the same either way (elsewhere SgemmPackedB packs as
// SgemmSerial does).
type PackedB struct {
	transB bool
	k, n   int
	b      []float32
	ldb    int
	buf    []float32 // the passes' panels one after another; nil where not packed
	ws     workspace // packB512's scratch
}

// Pack packs op(B), k×n (B n×k with row stride ldb when transB, else k×n),
// for the products that follow. b must not change until the last of them.
func (pb *PackedB) Pack(transB bool, k, n int, b []float32, ldb int) {
	if k < 0 || n < 0 {
		panic("gemm: PackedB.Pack: negative size")
	}
	if transB {
		if ldb < max(1, k) || n > 0 && len(b) < (n-1)*ldb+k {
			panic(errShortB)
		}
	} else if ldb < max(1, n) || k > 0 && len(b) < (k-1)*ldb+n {
		panic(errShortB)
	}
	pb.transB, pb.k, pb.n, pb.b, pb.ldb = transB, k, n, b, ldb
	pb.buf = pb.buf[:0]
	if usePath != pathAVX512 || n == 0 || k == 0 || n > ncMax {
		pb.buf = nil
		return
	}
	ncb := roundUp(n, nr)
	if cap(pb.buf) < ncb*k {
		pb.buf = make([]float32, ncb*k)
	}
	pb.buf = pb.buf[:ncb*k]
	p := problem{transB: transB, n: n, k: k, b: b, ldb: ldb}
	kcb := passDepth(k)
	for pc := 0; pc < k; pc += kcb {
		kc := min(kcb, k-pc)
		pb.ws.bpack = pb.buf[pc*ncb : (pc+kc)*ncb]
		packB512(&pb.ws, &p, pc, kc, 0, n)
	}
	pb.ws.bpack = nil
}

// SgemmPackedB computes C = A·op(B) on the calling goroutine, with A m×k
// (row stride lda) as stored, op(B) packed by pb, C m×n (row stride ldc)
// overwritten: the bits of SgemmSerial(false, pb's transB, m, n, k, 1, a,
// lda, b, ldb, 0, c, ldc). The paths that do not pack B whole (products of
// at most 16 rows, the AVX2 and generic kernels) read b itself.
func SgemmPackedB(m int, a []float32, lda int, pb *PackedB, c []float32, ldc int) {
	sgemm(true, false, pb.transB, m, pb.n, pb.k, 1, a, lda, pb.b, pb.ldb, 0, c, ldc, pb.buf)
}
