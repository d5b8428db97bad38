package gemm

// Panic messages for programmer errors, worded like gonum's BLAS so that
// callers see the same text whichever implementation they used before.
const (
	errMLT0   = "gemm: m < 0"
	errNLT0   = "gemm: n < 0"
	errKLT0   = "gemm: k < 0"
	errLdA    = "gemm: bad leading dimension of A"
	errLdB    = "gemm: bad leading dimension of B"
	errLdC    = "gemm: bad leading dimension of C"
	errShortA = "gemm: insufficient length of a"
	errShortB = "gemm: insufficient length of b"
	errShortC = "gemm: insufficient length of c"
)

// Sgemm computes C = alpha·op(A)·op(B) + beta·C with row-major storage, where
// op(X) is X or Xᵀ as transA/transB say; op(A) is m×k, op(B) is k×n, C is m×n.
// lda, ldb, ldc are the row strides. It has the semantics of BLAS sgemm: when
// beta is 0, C is overwritten without being read (NaN in C does not
// propagate); when alpha is 0 or k is 0, A and B are not read.
//
// Sgemm is safe for concurrent use on disjoint C. After warm-up it does not
// allocate. Large products run on up to GOMAXPROCS goroutines.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm(false, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil)
}

// SgemmSerial is Sgemm on the calling goroutine alone, with the same
// result bit for bit (the result of Sgemm does not depend on how many
// goroutines compute it). It is for callers that run independent products
// side by side on threads of their own.
func SgemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm(true, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil)
}

// sgemm is Sgemm, on the calling goroutine alone where serial; bpacked,
// where not nil, is op(B) packed by PackedB.Pack (serial products only).
func sgemm(serial, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, bpacked []float32) {
	if m < 0 {
		panic(errMLT0)
	}
	if n < 0 {
		panic(errNLT0)
	}
	if k < 0 {
		panic(errKLT0)
	}
	if transA {
		if lda < max(1, m) {
			panic(errLdA)
		}
	} else if lda < max(1, k) {
		panic(errLdA)
	}
	if transB {
		if ldb < max(1, k) {
			panic(errLdB)
		}
	} else if ldb < max(1, n) {
		panic(errLdB)
	}
	if ldc < max(1, n) {
		panic(errLdC)
	}
	if m == 0 || n == 0 {
		return
	}
	if transA {
		if len(a) < (k-1)*lda+m {
			panic(errShortA)
		}
	} else if len(a) < (m-1)*lda+k {
		panic(errShortA)
	}
	if transB {
		if len(b) < (n-1)*ldb+k {
			panic(errShortB)
		}
	} else if len(b) < (k-1)*ldb+n {
		panic(errShortB)
	}
	if len(c) < (m-1)*ldc+n {
		panic(errShortC)
	}

	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	run(problem{
		serial: serial,
		transA: transA, transB: transB,
		m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda,
		b: b, ldb: ldb,
		beta: beta, c: c, ldc: ldc,
		bpacked: bpacked,
	})
}

// problem holds the arguments of one Sgemm call, or of the part of it that one
// goroutine computes.
type problem struct {
	serial         bool // computed on the calling goroutine alone
	transA, transB bool
	m, n, k        int
	alpha          float32
	a              []float32
	lda            int
	b              []float32
	ldb            int
	beta           float32
	c              []float32
	ldc            int
	// bpacked, where set, is op(B) packed by PackedB.Pack: the AVX-512
	// blocked path reads it instead of packing b.
	bpacked []float32
}

// scaleC sets C = beta·C, writing zeros (not 0·C) when beta is 0.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
