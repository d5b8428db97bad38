package gemm

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sparseRows is an m×k batch whose elements are nonzero with probability
// density: MNIST-like pixels v/255 where pixel is true, else normals.
func sparseRows(rng *rand.Rand, m, k int, density float64, pixel bool) []float32 {
	x := make([]float32, m*k)
	for i := range x {
		if rng.Float64() < density {
			if pixel {
				x[i] = float32(1+rng.IntN(255)) / 255
			} else {
				x[i] = float32(rng.NormFloat64())
			}
		} else if rng.IntN(7) == 0 {
			x[i] = float32(math.Copysign(0, -1)) // −0 is a zero too
		}
	}
	return x
}

func normals(rng *rand.Rand, n int, scale float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * scale)
	}
	return x
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: element %d = %g (%#x), dense %g (%#x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// TestRows4NTSameBits: the sparse forward product has the dense product's
// bits, for every pass layout (k over one, two and three passes), ragged
// and multi-group outputs, densities from none to all.
func TestRows4NTSameBits(t *testing.T) {
	if !HasSparse() {
		t.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var pk Packed
	for _, k := range []int{1, 5, 16, 100, 262, 385, 784, 1024} {
		for _, n := range []int{1, 4, 16, 17, 100, 128, 129, 300} {
			for _, m := range []int{4, 13, 27, 50} {
				for _, d := range []float64{0, 0.05, 0.19, 0.6, 1} {
					pixel := rng.IntN(2) == 0
					x := sparseRows(rng, m, k, d, pixel)
					ldw := k + rng.IntN(3)
					w := normals(rng, n*ldw, 0.1)
					want := make([]float32, m*n)
					SgemmSerial(false, true, m, n, k, 1, x, k, w, ldw, 0, want, n)
					if !pk.Pack(w, ldw, n, k) {
						t.Fatal("finite weights reported non-finite")
					}
					// Four rows at a time, a partial last group filled with
					// a zero row whose product goes to a scratch row.
					idx := make([]int32, k+16)
					nib := make([]byte, 4*(k+15)/16*4)
					zero, scratch := make([]float32, k), make([]float32, n)
					vals := [4][]float32{make([]float32, k+16), make([]float32, k+16), make([]float32, k+16), make([]float32, k+16)}
					got4 := make([]float32, m*n+5)
					for i := range got4 {
						got4[i] = float32(math.NaN())
					}
					for r0 := 0; r0 < m; r0 += 4 {
						var xs, cs [4][]float32
						for i := range 4 {
							xs[i], cs[i] = zero, scratch
							if r0+i < m {
								xs[i], cs[i] = x[(r0+i)*k:(r0+i+1)*k], got4[(r0+i)*n:(r0+i+1)*n]
							}
						}
						c := Union4(xs, k, idx, vals, nib, 4)
						pk.Rows4NT(cs, idx[:c], vals)
					}
					sameBits(t, fmt.Sprintf("k %d n %d m %d density %g", k, n, m, d), got4[:m*n], want)
					for _, v := range got4[m*n:] {
						if v == v {
							t.Fatalf("k %d n %d: Rows4NT wrote past its rows", k, n)
						}
					}
				}
			}
		}
	}
}

func TestPackReportsNonFinite(t *testing.T) {
	if !HasSparse() {
		t.Skip("no AVX-512")
	}
	var pk Packed
	for _, bad := range []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())} {
		for _, at := range []int{0, 99*784 + 783, 50*784 + 300} {
			w := make([]float32, 100*784)
			w[at] = bad
			if pk.Pack(w, 784, 100, 784) {
				t.Fatalf("%g at %d: reported finite", bad, at)
			}
		}
	}
	// Every position of matrices whose k has 16×16 blocks and a tail of
	// columns (gathered one by one) and whose n has a ragged last panel,
	// the extreme finite values around it.
	edge := []float32{math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, float32(math.Copysign(0, -1)), 1}
	for _, dims := range [][2]int{{20, 37}, {16, 16}, {5, 3}, {33, 50}} {
		n, k := dims[0], dims[1]
		w := make([]float32, n*k)
		for i := range w {
			w[i] = edge[i%len(edge)]
		}
		if !pk.Pack(w, k, n, k) {
			t.Fatalf("%d×%d of finite extremes: reported not finite", n, k)
		}
		for at := range w {
			for _, bad := range []float32{float32(math.Inf(1)), float32(math.NaN())} {
				keep := w[at]
				w[at] = bad
				if pk.Pack(w, k, n, k) {
					t.Fatalf("%d×%d: %g at row %d column %d reported finite", n, k, bad, at/k, at%k)
				}
				w[at] = keep
			}
		}
	}
}

// TestGradColsSameBits: ∂W = dZᵀ·X by groups of four columns over the
// rows that have a nonzero there has the dense product's bits, also in the
// column ranges of the training step's tasks, and leaves the elements
// around the range alone.
func TestGradColsSameBits(t *testing.T) {
	if !HasSparse() {
		t.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(15, 16))
	for _, k := range []int{16, 48, 64, 784, 1024} {
		for _, n := range []int{4, 10, 16, 17, 100, 112, 113, 130, 250} {
			for _, m := range []int{1, 4, 7, 63, 64, 65, 100, 128, 384} {
				d := []float64{0, 0.02, 0.19, 0.6, 1}[rng.IntN(5)]
				x := sparseRows(rng, m, k, d, rng.IntN(2) == 0)
				dz := normals(rng, m*n, 0.01)
				want := make([]float32, n*k)
				SgemmSerial(true, false, n, k, m, 1, dz, n, x, k, 0, want, k)
				// The nibbles from Union4, four rows at a time (a zero row
				// for those past m), checked against Nibbles'.
				stride := (m+3+63)/64*64 + 64*rng.IntN(2)
				nib := make([]byte, (k+15)/16*stride)
				for i := range nib {
					nib[i] = 0xff // rows past m: GradCols must leave them out
				}
				idx := make([]int32, k+16)
				var vals [4][]float32
				for i := range vals {
					vals[i] = make([]float32, k+16)
				}
				zero := make([]float32, k)
				for r0 := 0; r0 < m; r0 += 4 {
					var xs [4][]float32
					for i := range 4 {
						xs[i] = zero
						if r0+i < m {
							xs[i] = x[(r0+i)*k : (r0+i+1)*k]
						}
					}
					Union4(xs, k, idx, vals, nib[r0:], stride)
				}
				want4 := slices.Clone(nib)
				Nibbles(x, m, k, want4, stride)
				if !bytes.Equal(nib, want4) {
					t.Fatalf("k %d m %d: Union4's nibbles differ from Nibbles'", k, m)
				}
				ldw := k + 4*rng.IntN(3)
				got := make([]float32, (n-1)*ldw+k+4)
				for i := range got {
					got[i] = float32(math.NaN())
				}
				cut := (k / 2) &^ 31
				f1 := GradCols(got, ldw, n, k, m, dz, x, nib, stride, 0, cut)
				f2 := GradCols(got, ldw, n, k, m, dz, x, nib, stride, cut, k)
				if !f1 || !f2 {
					t.Fatalf("k %d n %d m %d: finite gradients reported non-finite", k, n, m)
				}
				dense := make([]float32, n*k)
				for o := range n {
					copy(dense[o*k:(o+1)*k], got[o*ldw:o*ldw+k])
					for q := o*ldw + k; q < min((o+1)*ldw, len(got)); q++ {
						if !math.IsNaN(float64(got[q])) {
							t.Fatalf("k %d n %d m %d: wrote element %d past row %d's end", k, n, m, q, o)
						}
					}
				}
				sameBits(t, fmt.Sprintf("k %d n %d m %d density %g", k, n, m, d), dense, want)
			}
		}
	}
}

// TestGradColsFinite: GradCols reports an element that overflowed to ±Inf
// or is NaN, in any panel and column, the last panel's lanes included.
func TestGradColsFinite(t *testing.T) {
	if !HasSparse() {
		t.Skip("no AVX-512")
	}
	const m, k = 9, 32
	for _, n := range []int{100, 130} {
		for o, j := 0, 0; o < n; o, j = o+1, (j+1)%4 {
			// 3e38·10 overflows in that column alone (0·Inf makes the
			// group's other columns NaN too).
			for _, v := range []float32{float32(math.Inf(1)), float32(math.NaN()), 3e38} {
				dz := make([]float32, m*n)
				x := make([]float32, m*k)
				x[5*k+8+j] = 10 // column j of the group: every accumulator in turn
				dz[5*n+o] = v
				nib := make([]byte, k/16*64)
				Nibbles(x, m, k, nib, 64)
				gw := make([]float32, n*k)
				if GradCols(gw, k, n, k, m, dz, x, nib, 64, 0, k) {
					t.Fatalf("n %d: %v at output %d, column %d reported finite", n, v, o, 8+j)
				}
				if GradCols(gw, k, n, k, m, dz, x, nib, 64, 16, k) != true {
					t.Fatalf("n %d: %v at output %d outside the columns reported", n, v, o)
				}
			}
		}
	}
}
