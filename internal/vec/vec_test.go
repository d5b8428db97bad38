package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// paths returns every path this CPU and build can run.
func paths() []Path {
	var ps []Path
	for p := Portable; p <= Best(); p++ {
		ps = append(ps, p)
	}
	return ps
}

// each runs f once per available path, with the package switched to it.
func each(t *testing.T, f func(t *testing.T, p Path)) {
	for _, p := range paths() {
		t.Run(p.String(), func(t *testing.T) {
			old := Use(p)
			defer Use(old)
			f(t, p)
		})
	}
}

// special values mixed into random data: every kernel must treat them as
// the portable loop does.
var special = []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32}

func randVec(r *rand.Rand, n int, withSpecial bool) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
		if withSpecial && r.IntN(8) == 0 {
			x[i] = special[r.IntN(len(special))]
		}
	}
	return x
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != got[i] && want[i] != want[i] {
			continue // NaN payloads depend on operand order, which Go does not fix
		}
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: [%d] = %v (%#08x), want %v (%#08x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// sizes covers empty, below one vector, around the 8/16/64 steps, and odd.
var sizes = []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 129, 255, 784, 1001}

func TestBytesToFloat32(t *testing.T) {
	// Every byte value, at every alignment, against float32(b)/255 and /256.
	all := make([]byte, 256+64)
	for i := range all {
		all[i] = byte(i * 7)
	}
	each(t, func(t *testing.T, _ Path) {
		for _, div := range []float32{255, 256, 1, 3} {
			for off := range 17 {
				for _, n := range append(sizes, 256+64-off) {
					if off+n > len(all) {
						continue
					}
					src := all[off : off+n]
					got := make([]float32, n+1)
					got[n] = -7 // must stay
					BytesToFloat32(got, src, div)
					want := make([]float32, n)
					for i, b := range src {
						want[i] = float32(b) / div
					}
					sameBits(t, "BytesToFloat32", got[:n], want)
					if got[n] != -7 {
						t.Fatalf("BytesToFloat32 wrote past len(src)=%d", n)
					}
				}
			}
		}
	})
}

func TestAllFinite(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	each(t, func(t *testing.T, _ Path) {
		for _, n := range sizes {
			base := randVec(r, n+3, false)
			for off := range 3 {
				x := base[off : off+n]
				if !AllFinite(x) {
					t.Fatalf("n=%d off=%d: finite vector reported non-finite", n, off)
				}
				for i := range x { // one bad value at every position
					for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
						old := x[i]
						x[i] = bad
						if AllFinite(x) {
							t.Fatalf("n=%d off=%d: %v at %d not found", n, off, bad, i)
						}
						x[i] = old
					}
				}
			}
			// Values outside x do not count.
			if n > 0 {
				y := base[1 : 1+n-1]
				base[0], base[n] = float32(math.NaN()), float32(math.Inf(1))
				if !AllFinite(y) {
					t.Fatalf("n=%d: value outside the slice counted", n)
				}
			}
		}
		if !AllFinite([]float32{math.MaxFloat32, -math.MaxFloat32}) {
			t.Fatal("MaxFloat32 reported non-finite")
		}
	})
}

func TestAddBias(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range []int{1, 5, 8, 10, 15, 16, 17, 31, 64, 100, 129} {
		for _, rows := range []int{1, 2, 7} {
			z0 := randVec(r, rows*c+2, true)
			b0 := randVec(r, c+1, true)
			for _, relu := range []bool{false, true} {
				want := append([]float32(nil), z0[1:1+rows*c]...)
				addBias(want, b0[1:], relu)
				each(t, func(t *testing.T, _ Path) {
					buf := append([]float32(nil), z0...)
					AddBias(buf[1:1+rows*c], b0[1:], relu)
					sameBits(t, "AddBias", buf[1:1+rows*c], want)
					if !sameFloat(buf[0], z0[0]) || !sameFloat(buf[1+rows*c], z0[1+rows*c]) {
						t.Fatal("AddBias wrote outside z")
					}
				})
			}
		}
	}
	// The definition itself: relu keeps NaN and −0, zeroes negatives.
	z := []float32{-1, float32(math.Copysign(0, -1)), float32(math.NaN()), 2}
	addBias(z, []float32{float32(math.Copysign(0, -1))}, true) // x + (−0) = x
	if z[0] != 0 || math.Float32bits(z[1]) != 0x80000000 || !math.IsNaN(float64(z[2])) || z[3] != 2 {
		t.Fatalf("relu(−1, −0, NaN, 2) = %v", z)
	}
}

func TestReLUGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range sizes {
		g0 := randVec(r, n+2, true)
		y0 := randVec(r, n+1, true)
		want := append([]float32(nil), g0[1:1+n]...)
		reluGrad(want, y0[1:])
		each(t, func(t *testing.T, _ Path) {
			g := append([]float32(nil), g0...)
			ReLUGrad(g[1:1+n], y0[1:1+n])
			sameBits(t, "ReLUGrad", g[1:1+n], want)
			if !sameFloat(g[0], g0[0]) || !sameFloat(g[1+n], g0[1+n]) {
				t.Fatal("ReLUGrad wrote outside g")
			}
		})
	}
	g := []float32{1, 1, 1, 1}
	reluGrad(g, []float32{-1, 0, float32(math.NaN()), 3})
	if g[0] != 0 || g[1] != 0 || g[2] != 1 || g[3] != 1 {
		t.Fatalf("relu′ mask of (−1, 0, NaN, 3) = %v", g)
	}
}

func TestColSums(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range []int{1, 7, 8, 10, 16, 17, 33, 64, 100, 129, 1024} {
		for _, rows := range []int{1, 3, 100} {
			x0 := randVec(r, rows*c+1, true)
			x := x0[1:]
			want := make([]float32, c)
			for i := range rows {
				for j := range c {
					want[j] += x[i*c+j]
				}
			}
			each(t, func(t *testing.T, _ Path) {
				got := make([]float32, c+1)
				got[c] = 42
				for j := range c {
					got[j] = 99 // overwritten, not added to
				}
				ColSums(got[:c], x)
				sameBits(t, "ColSums", got[:c], want)
				if got[c] != 42 {
					t.Fatal("ColSums wrote past dst")
				}
			})
		}
	}
}

func TestBadShapesPanic(t *testing.T) {
	for name, f := range map[string]func(){
		"AddBias":  func() { AddBias(make([]float32, 5), make([]float32, 2), false) },
		"AddBias0": func() { AddBias(make([]float32, 5), nil, false) },
		"ColSums":  func() { ColSums(make([]float32, 2), make([]float32, 5)) },
		"Use":      func() { Use(Best() + 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestNoAllocs(t *testing.T) {
	z, b := make([]float32, 1000), make([]float32, 100)
	src := make([]byte, 1000)
	if a := testing.AllocsPerRun(10, func() {
		AddBias(z, b, true)
		ReLUGrad(z, z)
		ColSums(b, z)
		BytesToFloat32(z, src, 255)
		AllFinite(z)
	}); a != 0 {
		t.Fatalf("%v allocations per call set", a)
	}
}

// sameFloat reports whether a and b have the same bits (untouched memory).
func sameFloat(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }

func TestPrefetchChangesNothing(t *testing.T) {
	b := make([]byte, 1000)
	for i := range b {
		b[i] = byte(i)
	}
	for _, n := range []int{0, 1, 63, 64, 65, 999} {
		for off := range 3 {
			if off+n <= len(b) {
				Prefetch(b[off : off+n])
			}
		}
	}
	for i := range b {
		if b[i] != byte(i) {
			t.Fatalf("byte %d changed", i)
		}
	}
	Prefetch(nil)
}
