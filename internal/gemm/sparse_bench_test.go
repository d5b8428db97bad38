package gemm

import (
	"compress/gzip"
	"io"
	"math/rand/v2"
	"os"
	"testing"
)

// mnistRows is m random images of MNIST's training set as floats v/255,
// or, where the set is not there, rows of 19% random nonzero pixels (a
// worse case: MNIST's nonzeros cluster, so four rows share more of them).
func mnistRows(b *testing.B, rng *rand.Rand, m int) []float32 {
	f, err := os.Open("../../data/mnist/train-images-idx3-ubyte.gz")
	if err != nil {
		b.Logf("no MNIST (%v): random pixels", err)
		return sparseRows(rng, m, 784, 0.19, true)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	raw, err := io.ReadAll(z)
	if err != nil {
		b.Fatal(err)
	}
	pix := raw[16:]
	x := make([]float32, m*784)
	for r := range m {
		i := rng.IntN(len(pix) / 784)
		for q, v := range pix[i*784 : (i+1)*784] {
			x[r*784+q] = float32(v) / 255
		}
	}
	return x
}

// BenchmarkSparse: the sparse kernels on MNIST's first layer (784 inputs,
// 100 outputs), 52 rows of MNIST (one thread's part of a batch of 100).
func BenchmarkSparse(b *testing.B) {
	if !HasSparse() {
		b.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	const m, n, k = 52, 100, 784
	x := mnistRows(b, rng, m)
	w := normals(rng, n*k, 0.1)
	dz := normals(rng, m*n, 0.01)
	z := make([]float32, m*n)
	var pk Packed
	b.Run("pack", func(b *testing.B) {
		for b.Loop() {
			pk.Pack(w, k, n, k)
		}
	})
	gidx := make([]int32, m*(k+16))
	gval := make([]float32, 4*m*(k+16))
	gcnt := make([]int, m)
	nib := make([]byte, k/16*64)
	group := func(r0 int) (vs [4][]float32) {
		for i := range 4 {
			vs[i] = gval[(r0+i)*(k+16) : (r0+i+1)*(k+16)]
		}
		return vs
	}
	b.Run("union4", func(b *testing.B) {
		for b.Loop() {
			for r0 := 0; r0+4 <= m; r0 += 4 {
				xs := [4][]float32{x[r0*k:], x[(r0+1)*k:], x[(r0+2)*k:], x[(r0+3)*k:]}
				gcnt[r0] = Union4(xs, k, gidx[r0*(k+16):], group(r0), nib[r0:], 64)
			}
		}
	})
	b.Run("rows4nt", func(b *testing.B) {
		for b.Loop() {
			for r0 := 0; r0+4 <= m; r0 += 4 {
				cs := [4][]float32{z[r0*n:], z[(r0+1)*n:], z[(r0+2)*n:], z[(r0+3)*n:]}
				pk.Rows4NT(cs, gidx[r0*(k+16):r0*(k+16)+gcnt[r0]], group(r0))
			}
		}
	})
	b.Run("dense-forward", func(b *testing.B) {
		for b.Loop() {
			SgemmSerial(false, true, m, n, k, 1, x, k, w, k, 0, z, n)
		}
	})
	gw := make([]float32, n*k)
	b.Run("gradcols", func(b *testing.B) {
		for b.Loop() {
			GradCols(gw, k, n, k, m, dz, x, nib, 64, 0, k)
		}
	})
	b.Run("dense-grad", func(b *testing.B) {
		for b.Loop() {
			SgemmSerial(true, false, n, k, m, 1, dz, n, x, k, 0, gw, k)
		}
	})
}
