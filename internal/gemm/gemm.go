// Package gemm multiplies float32 matrices (C = alpha·op(A)·op(B) + beta·C)
// for the neural-network package. Row-major, like gonum's blas32.
package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

var impl gonum.Implementation

// Sgemm computes C = alpha·op(A)·op(B) + beta·C with row-major storage, where
// op(X) is X or Xᵀ as transA/transB say; op(A) is m×k, op(B) is k×n, C is m×n.
// lda, ldb, ldc are the row strides. It has the semantics of BLAS sgemm.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	impl.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
