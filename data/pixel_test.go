package data

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// pixelValue[b], the reference for pixelsToFloat32, is the value of the pixel byte b: float32(b)/255, the
// correctly rounded quotient, so that 0 ↦ 0 and 255 ↦ 1 exactly.
var pixelValue = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// TestPixelValue checks the conversion table against the correctly rounded
// quotient computed another way: in float64, then rounded to float32 (53 ≥
// 2·24+2 bits, so the double rounding cannot differ from rounding once).
func TestPixelValue(t *testing.T) {
	for i := range 256 {
		if got, want := pixelValue[i], float32(float64(i)/255); got != want {
			t.Errorf("pixelValue[%d] = %v, want %v", i, got, want)
		}
	}
	if pixelValue[0] != 0 || pixelValue[255] != 1 {
		t.Errorf("0 ↦ %v, 255 ↦ %v; want 0 and 1", pixelValue[0], pixelValue[255])
	}
}

// TestPixelsToFloat32 checks the conversion on every length up to 44 and
// on unaligned slices against the table read one value at a time.
func TestPixelsToFloat32(t *testing.T) {
	src := randomPixels(1, 48, 4).Pixels
	dst := make([]float32, 48)
	for off := range 4 {
		for n := 0; off+n <= 44; n++ {
			clear(dst)
			got := pixelsToFloat32(dst[off:], src[off:off+n])
			if len(got) != n {
				t.Fatalf("offset %d, length %d: returned %d values", off, n, len(got))
			}
			for k, b := range src[off : off+n] {
				if got[k] != pixelValue[b] {
					t.Fatalf("offset %d, length %d: value %d is %v, want %v", off, n, k, got[k], pixelValue[b])
				}
			}
			if off+n < len(dst) && dst[off+n] != 0 {
				t.Fatalf("offset %d, length %d: wrote past the end", off, n)
			}
		}
	}
}

// randomPixels is a set of n random examples of dim pixel bytes.
func randomPixels(n, dim int, seed uint64) *Dataset {
	r := rand.New(rand.NewPCG(seed, 1))
	d := &Dataset{Pixels: make([]uint8, n*dim), Y: make([]uint8, n), N: n, Dim: dim, Classes: 10, Shape: []int{dim}}
	for i := range d.Pixels {
		d.Pixels[i] = uint8(r.Uint32())
	}
	for i := range d.Y {
		d.Y[i] = uint8(r.IntN(10))
	}
	return d
}

// TestGatherPixels checks that gathering from pixel bytes gives the very
// floats that gathering from the converted set gives (the float path, as
// every set was held before), on odd sizes, and that both equal b/255.
func TestGatherPixels(t *testing.T) {
	d := randomPixels(37, 13, 1)
	f := d.Float32()
	if f.Pixels != nil || len(f.X) != len(d.Pixels) || f == d || d.Float32() == f || f.Float32() != f {
		t.Fatal("Float32 does not give a new float set, or converts a float set again")
	}
	idx := []int{36, 0, 5, 5, 17}
	var a, b Batch
	d.Gather(&a, idx)
	f.Gather(&b, idx)
	if a.N != 5 || len(a.X) != 5*13 || len(a.Y) != 5 {
		t.Fatalf("gathered %d examples, %d values, %d labels", a.N, len(a.X), len(a.Y))
	}
	for j, i := range idx {
		if a.Y[j] != d.Y[i] || b.Y[j] != d.Y[i] {
			t.Fatalf("label %d: %d and %d, want %d", j, a.Y[j], b.Y[j], d.Y[i])
		}
		for k := range 13 {
			want := float32(float64(d.Pixels[i*13+k]) / 255)
			if a.X[j*13+k] != want || b.X[j*13+k] != want {
				t.Fatalf("example %d value %d: %v from bytes, %v from floats, want %v", i, k, a.X[j*13+k], b.X[j*13+k], want)
			}
		}
	}
	if got := d.Examples(nil, 5, 7); !equalFloats(got, f.X[5*13:7*13]) {
		t.Errorf("Examples(5, 7) = %v, want %v", got, f.X[5*13:7*13])
	}
}

// BenchmarkGather gathers MNIST-sized batches of 100 from bytes and from
// floats: converting costs about what copying floats did.
func BenchmarkGather(b *testing.B) {
	d := randomPixels(60000, 784, 3)
	s, _ := NewSampler(d.N, 100, 1)
	for _, set := range []struct {
		name string
		d    *Dataset
	}{{"pixels", d}, {"float32", d.Float32()}} {
		b.Run(set.name, func(b *testing.B) {
			var idx []int
			var batch Batch
			b.SetBytes(100 * 784 * 4)
			for b.Loop() {
				idx = s.Next(idx)
				set.d.Gather(&batch, idx)
			}
		})
	}
}

// BenchmarkPixelsToFloat32 converts one batch of 100 MNIST images (in the
// cache) with pixelsToFloat32 (vec), a table lookup unrolled by 8 and the
// plain table loop.
func BenchmarkPixelsToFloat32(b *testing.B) {
	src := randomPixels(100, 784, 1).Pixels
	dst := make([]float32, len(src))
	b.Run("unrolled", func(b *testing.B) {
		for b.Loop() {
			d := dst[:len(src)]
			for i := 0; i+8 <= len(src); i += 8 {
				s, d := src[i:i+8:i+8], d[i:i+8:i+8]
				d[0], d[1], d[2], d[3] = pixelValue[s[0]], pixelValue[s[1]], pixelValue[s[2]], pixelValue[s[3]]
				d[4], d[5], d[6], d[7] = pixelValue[s[4]], pixelValue[s[5]], pixelValue[s[6]], pixelValue[s[7]]
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			d := dst[:len(src)]
			for i, v := range src {
				d[i] = pixelValue[v]
			}
		}
	})
	b.Run("vec", func(b *testing.B) {
		for b.Loop() {
			pixelsToFloat32(dst, src)
		}
	})
}

// TestGatherParts: a batch gathered in two disjoint parts (as the trainer
// does on two threads) equals one gathered whole, for pixel and float sets.
func TestGatherParts(t *testing.T) {
	d := randomPixels(500, 30, 9)
	idx := []int{7, 3, 499, 0, 250, 251, 42, 42, 13, 100, 9}
	for _, set := range []*Dataset{d, d.Float32()} {
		var whole, parts Batch
		set.Gather(&whole, idx)
		set.Reserve(&parts, len(idx))
		set.GatherPart(&parts, idx, 4, len(idx))
		set.GatherPart(&parts, idx, 0, 4)
		if parts.N != whole.N || !slices.Equal(parts.X, whole.X) || !slices.Equal(parts.Y, whole.Y) {
			t.Fatal("two parts differ from the whole batch")
		}
	}
}
