package vec

import (
	"math"
	"math/rand/v2"
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

func TestNonzeroMask(t *testing.T) {
	for _, tc := range []struct {
		b    []byte
		want []uint16
		n    int
	}{
		{nil, nil, 0},
		{make([]byte, 784), make([]uint16, 49), 0}, // all zero
		{[]byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7}, []uint16{2, 1}, 2},
		{append(make([]byte, 783), 9), append(make([]uint16, 48), 1<<15), 1}, // the last column of 784
	} {
		mask := make([]uint16, MaskWords(len(tc.b)))
		for i := range mask {
			mask[i] = 0xffff // must be cleared
		}
		if n := NonzeroMask(mask, tc.b); n != tc.n {
			t.Errorf("%d bytes: %d columns, want %d", len(tc.b), n, tc.n)
		}
		for i := range mask {
			if mask[i] != tc.want[i] {
				t.Errorf("%d bytes: mask[%d] = %#x, want %#x", len(tc.b), i, mask[i], tc.want[i])
			}
		}
	}
	all := make([]byte, 785)
	for i := range all {
		all[i] = 1
	}
	mask := make([]uint16, MaskWords(785))
	if n := NonzeroMask(mask, all); n != 785 || MaskCount(mask) != 785 || mask[49] != 1 {
		t.Errorf("785 nonzero: %d columns, count %d, last word %#x", n, MaskCount(mask), mask[49])
	}
}

// randMask returns a mask of n columns: all set, none, one, or each set
// with probability 2/3.
func randMask(r *rand.Rand, n, kind int) []uint16 {
	mask := make([]uint16, MaskWords(n))
	for j := range n {
		set := false
		switch kind {
		case 0:
			set = true
		case 1:
		case 2:
			set = j == n-1
		default:
			set = r.IntN(3) != 0
		}
		if set {
			mask[j>>4] |= 1 << (j & 15)
		}
	}
	return mask
}

func TestCompactExpand(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 7))
	each(t, func(t *testing.T, _ Path) {
		for off := range 5 {
			for _, n := range sizes {
				for kind := range 5 {
					mask := randMask(r, n, kind)
					src := randVec(r, off+n, true)[off:]
					k := MaskCount(mask)
					want := make([]float32, k)
					if c := compact(want, src, mask); c != k {
						t.Fatalf("portable compact: %d, want %d", c, k)
					}
					got := make([]float32, off+k+1)[off:]
					got[k] = -7 // must stay
					if c := Compact(got, src, mask); c != k {
						t.Fatalf("off %d n %d kind %d: Compact wrote %d, want %d", off, n, kind, c, k)
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
					if c := Expand(back[:n], got[:k], mask); c != k {
						t.Fatalf("off %d n %d kind %d: Expand read %d, want %d", off, n, kind, c, k)
					}
					if back[n] != -7 {
						t.Fatalf("Expand wrote past dst")
					}
					wantBack := make([]float32, n)
					expand(wantBack, want, mask)
					sameBits(t, "Expand", back[:n], wantBack)
					for j := range n {
						if mask[j>>4]>>(j&15)&1 == 0 && math.Float32bits(back[j]) != 0 {
							t.Fatalf("Expand: column %d not in the mask is %v, want +0", j, back[j])
						}
					}
				}
			}
		}
	})
}

func TestCompactShortMaskPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	Compact(make([]float32, 17), make([]float32, 17), make([]uint16, 1))
}

func BenchmarkCompact(b *testing.B) {
	// A batch row of MNIST with a third of its columns zero in the batch.
	r := rand.New(rand.NewPCG(1, 2))
	src := randVec(r, 784, false)
	mask := randMask(r, 784, 3)
	dst := make([]float32, 784)
	for _, p := range paths() {
		b.Run(p.String(), func(b *testing.B) {
			old := Use(p)
			defer Use(old)
			for b.Loop() {
				Compact(dst, src, mask)
			}
		})
	}
}
