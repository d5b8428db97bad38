package vec

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestOrBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 5))
	each(t, func(t *testing.T, _ Path) {
		for off := range 9 {
			for _, n := range sizes {
				src := make([]byte, off+n)
				for i := range src {
					if r.IntN(5) == 0 {
						src[i] = byte(r.Uint32())
					}
				}
				src = src[off:]
				acc := make([]byte, n+1)
				for i := range acc {
					acc[i] = byte(r.Uint32()) & 0x11
				}
				want := append([]byte(nil), acc...)
				for i, b := range src {
					want[i] |= b
				}
				OrBytes(acc, src)
				for i := range want {
					if acc[i] != want[i] {
						t.Fatalf("off %d n %d: acc[%d] = %#x, want %#x", off, n, i, acc[i], want[i])
					}
				}
			}
		}
	})
}

func TestColsSetNonzero(t *testing.T) {
	for _, tc := range []struct {
		b     []byte
		want  []uint16
		count int
	}{
		{nil, nil, 0},
		{make([]byte, 784), make([]uint16, 49), 0}, // an all-zero batch
		{[]byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7}, []uint16{2, 1}, 2},
		{append(make([]byte, 783), 9), append(make([]uint16, 48), 1<<15), 1}, // the last column of 784
	} {
		var c Cols
		c.SetNonzero(bytes.Repeat([]byte{1}, 800)) // the next call must clear it
		c.SetNonzero(tc.b)
		if c.Count() != tc.count || c.Width() != len(tc.b) {
			t.Errorf("%d bytes: %d of %d columns, want %d of %d", len(tc.b), c.Count(), c.Width(), tc.count, len(tc.b))
		}
		if !slices.Equal(c.mask, tc.want) {
			t.Errorf("%d bytes: mask %x, want %x", len(tc.b), c.mask, tc.want)
		}
	}
	var c Cols
	c.SetNonzero(bytes.Repeat([]byte{1}, 785)) // no zero column
	if c.Count() != 785 || c.mask[49] != 1 || c.CountBefore(785) != 785 || c.CountBefore(17) != 17 {
		t.Errorf("785 nonzero: count %d, last word %#x, before 785 %d", c.Count(), c.mask[49], c.CountBefore(785))
	}
}

// randCols returns a set of n columns: all, none, the last alone, or each
// with probability 2/3, and the flags it was made from.
func randCols(r *rand.Rand, n, kind int) (*Cols, []byte) {
	b := make([]byte, n)
	for j := range n {
		switch kind {
		case 0:
			b[j] = 1
		case 1:
		case 2:
			if j == n-1 {
				b[j] = 200
			}
		default:
			if r.IntN(3) != 0 {
				b[j] = byte(1 + r.IntN(255))
			}
		}
	}
	c := new(Cols)
	c.SetNonzero(b)
	return c, b
}

func TestCompactExpand(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 7))
	each(t, func(t *testing.T, _ Path) {
		for off := range 5 {
			for _, n := range sizes {
				for kind := range 5 {
					c, flags := randCols(r, n, kind)
					src := randVec(r, off+n, true)[off:]
					var want []float32
					for j, f := range flags {
						if f != 0 {
							want = append(want, src[j])
						}
					}
					k := len(want)
					if c.Count() != k {
						t.Fatalf("Count %d, want %d", c.Count(), k)
					}
					got := make([]float32, off+k+1)[off:]
					got[k] = -7 // must stay
					if w := Compact(got[:k], src, c); w != k {
						t.Fatalf("off %d n %d kind %d: Compact wrote %d, want %d", off, n, kind, w, k)
					}
					if got[k] != -7 {
						t.Fatalf("off %d n %d kind %d: Compact wrote past its %d elements", off, n, kind, k)
					}
					sameBits(t, "Compact", got[:k], want)

					// Expand puts them back, with +0 in the other columns.
					back := make([]float32, off+n+1)[off:]
					for i := range back {
						back[i] = float32(math.NaN())
					}
					back[n] = -7
					Expand(back[:n], got[:k], c)
					if back[n] != -7 {
						t.Fatalf("Expand wrote past dst")
					}
					for j := range n {
						w := float32(0)
						if flags[j] != 0 {
							w = src[j]
						}
						sameBits(t, "Expand", back[j:j+1], []float32{w})
					}

					// A part of the columns, from a multiple of 16.
					for lo := 0; lo <= n; lo += 32 {
						hi := lo + (n-lo)/2
						s := c.Sub(lo, hi)
						part := make([]float32, s.Count())
						Compact(part, src[lo:hi], &s)
						cb := c.CountBefore(lo)
						sameBits(t, "Compact of a Sub", part, want[cb:cb+s.Count()])
						out := make([]float32, hi-lo)
						Expand(out, part, &s)
						sameBits(t, "Expand of a Sub", out, back[lo:hi])
					}
				}
			}
		}
	})
}

func TestColsBadLengthsPanic(t *testing.T) {
	var c Cols
	c.SetNonzero(bytes.Repeat([]byte{1}, 17))
	for name, f := range map[string]func(){
		"Compact, src not the width": func() { Compact(make([]float32, 17), make([]float32, 16), &c) },
		"Compact, dst short":         func() { Compact(make([]float32, 16), make([]float32, 17), &c) },
		"Expand, src short":          func() { Expand(make([]float32, 17), make([]float32, 16), &c) },
		"Sub, unaligned":             func() { c.Sub(3, 10) },
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

// BenchmarkCompact: a row of 784 with a third of its columns out of the
// set, as a batch of MNIST has.
func BenchmarkCompact(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	src := randVec(r, 784, false)
	c, _ := randCols(r, 784, 3)
	dst := make([]float32, 784)
	for _, p := range paths() {
		b.Run(p.String(), func(b *testing.B) {
			old := Use(p)
			defer Use(old)
			for b.Loop() {
				Compact(dst, src, c)
			}
		})
	}
}

func BenchmarkExpand(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	src := randVec(r, 784, false)
	c, _ := randCols(r, 784, 3)
	dst := make([]float32, 784)
	for _, p := range paths() {
		b.Run(p.String(), func(b *testing.B) {
			old := Use(p)
			defer Use(old)
			for b.Loop() {
				Expand(dst, src, c)
			}
		})
	}
}
