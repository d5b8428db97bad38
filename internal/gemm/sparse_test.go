package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
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

func TestNonzeros(t *testing.T) {
	if !HasSparse() {
		t.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 15, 16, 17, 31, 100, 784, 1000} {
		for _, d := range []float64{0, 0.1, 0.5, 1} {
			x := sparseRows(rng, 1, n, d, false)
			if n > 3 {
				x[1] = float32(math.NaN())
				x[n-1] = float32(math.Inf(-1))
			}
			idx := make([]int32, n+16)
			val := make([]float32, n+16)
			got := Nonzeros(x, idx, val)
			var wi []int32
			var wv []float32
			for q, v := range x {
				if v != 0 || v != v {
					wi, wv = append(wi, int32(q)), append(wv, v)
				}
			}
			if got != len(wi) {
				t.Fatalf("n %d density %g: %d nonzeros, want %d", n, d, got, len(wi))
			}
			for i := range wi {
				if idx[i] != wi[i] || math.Float32bits(val[i]) != math.Float32bits(wv[i]) {
					t.Fatalf("n %d density %g: entry %d = (%d, %g), want (%d, %g)", n, d, i, idx[i], val[i], wi[i], wv[i])
				}
			}
		}
	}
}

// TestRowNTSameBits: the sparse forward product has the dense product's
// bits, for every pass layout (k over one, two and three passes), ragged
// and multi-group outputs, densities from none to all.
func TestRowNTSameBits(t *testing.T) {
	if !HasSparse() {
		t.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var pk Packed
	for _, k := range []int{1, 5, 16, 100, 262, 385, 784, 1200} {
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
					got := make([]float32, m*n+5)
					for i := range got {
						got[i] = float32(math.NaN())
					}
					idx := make([]int32, k+16)
					val := make([]float32, k+16)
					for r := range m {
						c := Nonzeros(x[r*k:(r+1)*k], idx, val)
						pk.RowNT(got[r*n:(r+1)*n], idx[:c], val[:c])
					}
					sameBits(t, fmt.Sprintf("k %d n %d m %d density %g", k, n, m, d), got[:m*n], want)
					// Four rows at a time, a partial last group filled with
					// a zero row whose product goes to a scratch row.
					zero, scratch := make([]float32, k), make([]float32, n)
					vals := [4][]float32{make([]float32, k+16), make([]float32, k+16), make([]float32, k+16), make([]float32, k+16)}
					got4 := make([]float32, m*n)
					for r0 := 0; r0 < m; r0 += 4 {
						var xs, cs [4][]float32
						for i := range 4 {
							xs[i], cs[i] = zero, scratch
							if r0+i < m {
								xs[i], cs[i] = x[(r0+i)*k:(r0+i+1)*k], got4[(r0+i)*n:(r0+i+1)*n]
							}
						}
						c := Union4(xs, k, idx, vals)
						pk.Rows4NT(cs, idx[:c], vals)
					}
					sameBits(t, fmt.Sprintf("4 rows: k %d n %d m %d density %g", k, n, m, d), got4, want)
					for _, v := range got[m*n:] {
						if v == v {
							t.Fatalf("k %d n %d: RowNT wrote past its row", k, n)
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
}

// TestGradTSameBits: the transposed gradient built row by row, split into
// column ranges as the training step's tasks are, and unpacked, has the
// dense ∂W = dZᵀ·X's bits.
func TestGradTSameBits(t *testing.T) {
	if !HasSparse() {
		t.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, k := range []int{16, 33, 100, 784} {
		for _, n := range []int{4, 10, 16, 100, 130} {
			for _, m := range []int{4, 20, 100, 128, 384} {
				d := []float64{0, 0.19, 0.6, 1}[rng.IntN(4)]
				x := sparseRows(rng, m, k, d, rng.IntN(2) == 0)
				dz := normals(rng, m*n, 0.01)
				want := make([]float32, n*k)
				SgemmSerial(true, false, n, k, m, 1, dz, n, x, k, 0, want, k)
				ld := GradLD(n)
				gt := make([]float32, k*ld)
				got := make([]float32, n*k)
				idx := make([]int32, m*(k+16))
				val := make([]float32, m*(k+16))
				cnt := make([]int, m)
				for r := range m {
					cnt[r] = Nonzeros(x[r*k:(r+1)*k], idx[r*(k+16):], val[r*(k+16):])
				}
				cut := (k / 2) &^ 15
				for _, span := range [][2]int{{0, cut}, {cut, k}} {
					for r := range m {
						i, v := Span(idx[r*(k+16):r*(k+16)+cnt[r]], val[r*(k+16):r*(k+16)+cnt[r]], span[0], span[1])
						GradT(gt, n, i, v, dz[r*n:(r+1)*n])
					}
					UnpackT(got, k, gt, n, span[0], span[1])
				}
				sameBits(t, fmt.Sprintf("k %d n %d m %d density %g", k, n, m, d), got, want)
				// Four rows at a time, split into the same ranges.
				zx, zd := make([]float32, k), make([]float32, n)
				idx4 := make([]int32, k+16)
				vals := [4][]float32{make([]float32, k+16), make([]float32, k+16), make([]float32, k+16), make([]float32, k+16)}
				clear(gt)
				got4 := make([]float32, n*k)
				for _, span := range [][2]int{{0, cut}, {cut, k}} {
					for r0 := 0; r0 < m; r0 += 4 {
						var xs, ds [4][]float32
						for i := range 4 {
							xs[i], ds[i] = zx, zd
							if r0+i < m {
								xs[i], ds[i] = x[(r0+i)*k:(r0+i+1)*k], dz[(r0+i)*n:(r0+i+1)*n]
							}
						}
						c := Union4(xs, k, idx4, vals)
						lo, hi := span4(idx4[:c], span[0], span[1])
						var vs [4][]float32
						for i := range 4 {
							vs[i] = vals[i][lo:hi]
						}
						GradT4(gt, n, idx4[lo:hi], vs, ds)
					}
					UnpackT(got4, k, gt, n, span[0], span[1])
				}
				sameBits(t, fmt.Sprintf("4 rows: k %d n %d m %d density %g", k, n, m, d), got4, want)
			}
		}
	}
}

// span4 is the range of a sorted list of positions within [lo, hi).
func span4(idx []int32, lo, hi int) (a, b int) {
	for a < len(idx) && int(idx[a]) < lo {
		a++
	}
	b = a
	for b < len(idx) && int(idx[b]) < hi {
		b++
	}
	return a, b
}
