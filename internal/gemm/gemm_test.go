package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// withPath runs f with Sgemm taking path pa and restores the choice.
func withPath(pa path, f func()) {
	saved := usePath
	usePath = pa
	defer func() { usePath = saved }()
	f()
}

// kernels lists the dispatch paths this machine and build can run.
func kernels() []path {
	ps := []path{pathGeneric}
	if hasAsm {
		ps = append(ps, pathAVX2)
	}
	if hasAVX512 {
		ps = append(ps, pathAVX512)
	}
	return ps
}

// naive is the reference: a triple loop with float64 accumulation that reads
// C only when beta is non-zero.
func naive(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := range m {
		for j := range n {
			var s float64
			for q := range k {
				var av, bv float32
				if tA {
					av = a[q*lda+i]
				} else {
					av = a[i*lda+q]
				}
				if tB {
					bv = b[j*ldb+q]
				} else {
					bv = b[q*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			v := float64(alpha) * s
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(v)
		}
	}
}

func randSlice(rnd *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = rnd.Float32()*2 - 1
	}
	return s
}

type shape struct {
	tA, tB      bool
	m, n, k     int
	alpha, beta float32
	padA, padB  int // extra row stride beyond the minimum
	padC        int
	garbageC    bool // fill C with NaN (only meaningful with beta == 0)
}

func (s shape) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,m=%d,n=%d,k=%d,alpha=%g,beta=%g,pad=%d/%d/%d",
		s.tA, s.tB, s.m, s.n, s.k, s.alpha, s.beta, s.padA, s.padB, s.padC)
}

// check runs Sgemm on s and compares it with naive. Elements of A and B are
// in [-1, 1), so each product is below 1 in magnitude and float32 rounding of
// a k-term sum stays well under k·2⁻²⁰; the tolerance allows that plus slack.
func check(t *testing.T, rnd *rand.Rand, s shape) {
	t.Helper()
	ar, ac := s.m, s.k
	if s.tA {
		ar, ac = s.k, s.m
	}
	br, bc := s.k, s.n
	if s.tB {
		br, bc = s.n, s.k
	}
	lda := max(1, ac) + s.padA
	ldb := max(1, bc) + s.padB
	ldc := max(1, s.n) + s.padC
	a := randSlice(rnd, max(0, (ar-1)*lda+ac))
	b := randSlice(rnd, max(0, (br-1)*ldb+bc))
	c := randSlice(rnd, max(0, (s.m-1)*ldc+s.n))
	if s.garbageC {
		for i := range c {
			c[i] = float32(math.NaN())
		}
	}
	want := append([]float32(nil), c...)
	naive(s.tA, s.tB, s.m, s.n, s.k, s.alpha, a, lda, b, ldb, s.beta, want, ldc)
	got := append([]float32(nil), c...)
	Sgemm(s.tA, s.tB, s.m, s.n, s.k, s.alpha, a, lda, b, ldb, s.beta, got, ldc)

	tol := 1e-5 * float64(s.k+4)
	for i := range got {
		row, col := i/ldc, i%ldc
		if col >= s.n || row >= s.m {
			// Padding between rows must be left alone.
			if math.Float32bits(got[i]) != math.Float32bits(c[i]) {
				t.Fatalf("%v: padding c[%d] changed from %v to %v", s, i, c[i], got[i])
			}
			continue
		}
		if d := math.Abs(float64(got[i] - want[i])); !(d <= tol) {
			t.Fatalf("%v: c[%d][%d] = %v, want %v", s, row, col, got[i], want[i])
		}
	}
}

func TestSgemmSizes(t *testing.T) {
	sizes := []int{0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 129}
	if testing.Short() || raceEnabled {
		sizes = []int{0, 1, 3, 7, 16, 17, 33, 100}
	}
	for _, pa := range kernels() {
		t.Run(pa.String(), func(t *testing.T) {
			withPath(pa, func() {
				rnd := rand.New(rand.NewPCG(1, 2))
				for _, tA := range []bool{false, true} {
					for _, tB := range []bool{false, true} {
						for _, m := range sizes {
							for _, n := range sizes {
								for _, k := range sizes {
									check(t, rnd, shape{tA: tA, tB: tB, m: m, n: n, k: k, alpha: 1, beta: 0, garbageC: true})
								}
							}
						}
					}
				}
			})
		})
	}
}

func TestSgemmAlphaBetaStrides(t *testing.T) {
	// Sizes straddle the tile (6×16) and block (kcMax, mcMax) edges.
	dims := [][3]int{{1, 1, 1}, {5, 17, 9}, {13, 31, 400}, {100, 100, 784}, {129, 33, 385}, {7, 200, 2}, {250, 20, 50}}
	for _, pa := range kernels() {
		t.Run(pa.String(), func(t *testing.T) {
			withPath(pa, func() {
				rnd := rand.New(rand.NewPCG(3, 4))
				for _, d := range dims {
					for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 0}, {2, 0.5}, {0, 0}, {0, 1}, {0, -2}, {1.5, -1}} {
						for tAB := range 4 {
							s := shape{
								tA: tAB&1 != 0, tB: tAB&2 != 0,
								m: d[0], n: d[1], k: d[2],
								alpha: ab[0], beta: ab[1],
								padA: 3, padB: 5, padC: 7,
							}
							check(t, rnd, s)
							s.padA, s.padB, s.padC = 0, 0, 0
							check(t, rnd, s)
						}
					}
				}
			})
		})
	}
}

// TestSgemmBetaZeroOverwritesNaN checks the BLAS rule that beta = 0 means C
// is not read, including when alpha or k is zero.
func TestSgemmBetaZeroOverwritesNaN(t *testing.T) {
	for _, pa := range kernels() {
		withPath(pa, func() {
			rnd := rand.New(rand.NewPCG(5, 6))
			for _, k := range []int{0, 1, 50} {
				for _, alpha := range []float32{0, 1} {
					check(t, rnd, shape{m: 20, n: 40, k: k, alpha: alpha, beta: 0, padC: 2, garbageC: true})
				}
			}
		})
	}
}

// TestSgemmParallel runs shapes big enough to be split across goroutines,
// along both rows and columns, from several goroutines at once so that the
// race detector sees the worker pool under contention.
// It forces four parts whatever GOMAXPROCS is, so that uneven splits run
// even on a one-CPU machine.
func TestSgemmParallel(t *testing.T) {
	saved := procs
	procs = func() int { return 4 }
	defer func() { procs = saved }()
	shapes := []shape{
		{m: 100, n: 100, k: 784, alpha: 1},           // rows
		{m: 100, n: 784, k: 100, alpha: 1, tB: true}, // columns
		{m: 784, n: 100, k: 100, alpha: 1, tA: true}, // rows
		{m: 37, n: 301, k: 129, alpha: 0.5, beta: 2}, // columns, ragged
		{m: 301, n: 37, k: 129, alpha: 0.5, beta: 1}, // rows, ragged
	}
	for _, pa := range kernels() {
		withPath(pa, func() {
			var wg sync.WaitGroup
			for g := range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rnd := rand.New(rand.NewPCG(7, uint64(g)))
					for _, s := range shapes {
						check(t, rnd, s)
					}
				}()
			}
			wg.Wait()
		})
	}
}

func TestSgemmNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	rnd := rand.New(rand.NewPCG(8, 9))
	for _, sh := range [][3]int{{1, 100, 784}, {100, 100, 784}, {784, 100, 100}, {100, 784, 100}, {100, 10, 100}, {10, 100, 100}} {
		m, n, k := sh[0], sh[1], sh[2]
		a := randSlice(rnd, m*k)
		b := randSlice(rnd, k*n)
		c := make([]float32, m*n)
		for _, pa := range kernels() {
			for tAB := range 4 {
				tA, tB := tAB&1 != 0, tAB&2 != 0
				lda, ldb := k, n
				if tA {
					lda = m
				}
				if tB {
					ldb = k
				}
				withPath(pa, func() {
					f := func() { Sgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 0, c, n) }
					f() // warm up: grow the buffers, start the workers
					if got := testing.AllocsPerRun(20, f); got != 0 {
						t.Errorf("%s tA=%v tB=%v %v: %v allocations per call, want 0", pa, tA, tB, sh, got)
					}
				})
			}
		}
	}
}

func TestSgemmPanics(t *testing.T) {
	a := make([]float32, 6)
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"m<0", func() { Sgemm(false, false, -1, 1, 1, 1, a, 1, a, 1, 0, a, 1) }, errMLT0},
		{"lda", func() { Sgemm(false, false, 2, 3, 3, 1, a, 2, a, 3, 0, a, 3) }, errLdA},
		{"ldb", func() { Sgemm(false, true, 2, 3, 3, 1, a, 3, a, 2, 0, a, 3) }, errLdB},
		{"ldc", func() { Sgemm(false, false, 2, 3, 1, 1, a, 1, a, 3, 0, a, 2) }, errLdC},
		{"shortA", func() { Sgemm(false, false, 3, 1, 3, 1, a, 3, a, 1, 0, a, 1) }, errShortA},
		{"shortC", func() { Sgemm(false, false, 2, 4, 1, 1, a, 1, a, 4, 0, a, 4) }, errShortC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != tc.want {
					t.Errorf("panic %v, want %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
}

// TestSgemmSameBitsAnyThreads: C has the same bits whatever the number of
// parts a product is split into, for splits along rows and columns, ragged
// last parts (including a last part of fewer rows than the small-m path
// takes) and both kernels. Training repeats its numbers on any number of
// threads because of this.
func TestSgemmSameBitsAnyThreads(t *testing.T) {
	saved := procs
	defer func() { procs = saved }()
	shapes := []shape{
		{m: 9, n: 100, k: 784, alpha: 1},             // rows 6+3: the last part has 3 rows
		{m: 100, n: 100, k: 784, alpha: 1},           // rows
		{m: 100, n: 784, k: 100, alpha: 1, tB: true}, // columns
		{m: 2, n: 3000, k: 300, alpha: 0.5, beta: 1}, // few rows, columns split
		{m: 301, n: 37, k: 129, alpha: 0.5, beta: 2}, // rows, ragged
		{m: 37, n: 301, k: 1000, alpha: 1, tA: true}, // columns, ragged, several k passes
		// Rows split at half tiles (AVX-512: 65+63, each part ending in a
		// half tile): A read in place, A transposed, A packed (alpha ≠ 1).
		{m: 128, n: 100, k: 784, alpha: 1},
		{m: 128, n: 100, k: 100, alpha: 1, tA: true, beta: 1},
		{m: 78, n: 50, k: 300, alpha: 0.5, beta: 2},
	}
	// And random shapes large enough to be split, every layout.
	r := rand.New(rand.NewPCG(12, 13))
	for len(shapes) < 60 {
		s := shape{m: 1 + r.IntN(40), n: 1 + r.IntN(700), k: 1 + r.IntN(900), alpha: 1, beta: float32(r.IntN(3)),
			tA: r.IntN(2) == 0, tB: r.IntN(2) == 0}
		if float64(s.m)*float64(s.n)*float64(2*s.k+16) >= minParallelWork {
			shapes = append(shapes, s)
		}
	}
	for _, pa := range kernels() {
		withPath(pa, func() {
			for _, s := range shapes {
				rnd := rand.New(rand.NewPCG(11, uint64(s.m)))
				a, b := randSlice(rnd, s.m*s.k), randSlice(rnd, s.k*s.n)
				c0 := randSlice(rnd, s.m*s.n)
				lda, ldb := s.k, s.n
				if s.tA {
					lda = s.m
				}
				if s.tB {
					ldb = s.k
				}
				var want []float32
				for _, n := range []int{1, 2, 3, 4} {
					procs = func() int { return n }
					c := slices.Clone(c0)
					Sgemm(s.tA, s.tB, s.m, s.n, s.k, s.alpha, a, lda, b, ldb, s.beta, c, s.n)
					if want == nil {
						want = c
						continue
					}
					for i := range c {
						if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s %+v on %d threads: C[%d] = %v, one thread gives %v", pa, s, n, i, c[i], want[i])
						}
					}
				}
				// SgemmSerial, on any number of threads, gives them too.
				c := slices.Clone(c0)
				SgemmSerial(s.tA, s.tB, s.m, s.n, s.k, s.alpha, a, lda, b, ldb, s.beta, c, s.n)
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s %+v: SgemmSerial C[%d] = %v, Sgemm gives %v", pa, s, i, c[i], want[i])
					}
				}
			}
		})
	}
}

// TestRowPart: RowPart names the rows that runPart computes, part for part
// (checked by running each part alone on a C of NaN and seeing which rows it
// wrote), and says no for products that are not split by rows.
func TestRowPart(t *testing.T) {
	for _, s := range [][3]int{{100, 100, 784}, {128, 100, 784}, {256, 100, 100}, {301, 37, 129}} {
		m, n, k := s[0], s[1], s[2]
		covered := 0
		for part := range 2 {
			lo, hi, ok := RowPart(m, n, k, part, 2)
			if !ok {
				t.Fatalf("%v: part %d not split by rows", s, part)
			}
			j := job{p: problem{m: m, n: n, k: k, alpha: 1, a: make([]float32, m*k), lda: k, b: make([]float32, k*n), ldb: n, c: make([]float32, m*n), ldc: n}, path: usePath}
			for i := range j.p.c {
				j.p.c[i] = float32(math.NaN())
			}
			j.plan(2)
			j.ws = make([]workspace, 2)
			j.runPart(part)
			for r := range m {
				wrote := j.p.c[r*n] == 0
				if wrote != (r >= lo && r < hi) {
					t.Fatalf("%v part %d: row %d written %v, RowPart says [%d, %d)", s, part, r, wrote, lo, hi)
				}
			}
			covered += hi - lo
		}
		if covered != m {
			t.Fatalf("%v: parts cover %d rows of %d", s, covered, m)
		}
	}
	if _, _, ok := RowPart(10, 10, 10, 0, 2); ok {
		t.Error("a tiny product is split")
	}
	if _, _, ok := RowPart(100, 784, 100, 0, 2); ok {
		t.Error("a wide product (split by columns) is said to be split by rows")
	}
}
