package data

import (
	"fmt"

	"github.com/descentlab/descent/internal/vec"
)

// gatherAhead is how many rows ahead Gather prefetches.
const gatherAhead = 4

// Dataset is a labelled classification set held in memory.
//
// The N examples form an N×Dim row-major matrix, held in one of two forms:
//
//   - Pixels, one byte per value, for sets read from idx files (LoadMNIST,
//     LoadDir). A byte b stands for the value float32(b)/255 in [0, 1];
//     Gather, Examples and Float32 convert on the way out.
//   - X, one float32 per value, for sets built from numbers (synthetic
//     data, or a byte set converted by Float32).
//
// Exactly one of Pixels and X is set. Keeping pixels as bytes holds MNIST's
// training set in 47 MB instead of 188 MB, and converting a batch as it is
// gathered costs no more than copying its floats did.
//
// Y holds the N labels, each in [0, Classes). Shape is the shape of one
// example (for MNIST [28 28]); Dim is the product of Shape.
type Dataset struct {
	Pixels  []uint8
	X       []float32
	Y       []uint8
	N       int
	Dim     int
	Classes int
	Shape   []int
}

// NewDataset builds a Dataset from an images idx (n × d1 × d2 …, at least two
// dimensions) and a labels idx (n). Its Pixels are images.Data itself (not a
// copy); Classes is the largest label plus one.
func NewDataset(images, labels *IDX) (*Dataset, error) {
	if err := checkPair(images.Dims, labels.Dims); err != nil {
		return nil, err
	}
	n := images.Dims[0]
	y := append([]uint8(nil), labels.Data...)
	return &Dataset{Pixels: images.Data, Y: y, N: n, Dim: len(images.Data) / n, Classes: classes(y), Shape: append([]int(nil), images.Dims[1:]...)}, nil
}

// checkPair checks the dimensions of an images and a labels idx against each
// other: images n × d1 × …, labels n.
func checkPair(images, labels []int) error {
	if len(images) < 2 {
		return fmt.Errorf("data: images have dimensions %v, want at least 2 (count, then the shape of one example)", images)
	}
	if len(labels) != 1 {
		return fmt.Errorf("data: labels have dimensions %v, want exactly 1 (count)", labels)
	}
	if images[0] != labels[0] {
		return fmt.Errorf("data: %d images but %d labels", images[0], labels[0])
	}
	return nil
}

// classes is the largest label plus one.
func classes(y []uint8) int {
	var top uint8
	for _, v := range y {
		top = max(top, v)
	}
	return int(top) + 1
}

// Subset returns a Dataset of the first n examples. It shares Pixels (or X)
// and Y with d (no copy), so writing to one changes the other. Classes and
// Shape are kept.
func (d *Dataset) Subset(n int) (*Dataset, error) {
	if n < 1 || n > d.N {
		return nil, fmt.Errorf("data: subset of %d examples from a dataset of %d", n, d.N)
	}
	s := *d
	s.N, s.Y = n, d.Y[:n:n]
	if d.Pixels != nil {
		s.Pixels = d.Pixels[: n*d.Dim : n*d.Dim]
	} else {
		s.X = d.X[: n*d.Dim : n*d.Dim]
	}
	return &s, nil
}

// Float32 returns the set with its examples as float32 in X: d itself if it
// has X already, else a new Dataset (sharing Y and Shape with d) whose X
// holds the values of d's pixels, 4 bytes for each byte of Pixels.
func (d *Dataset) Float32() *Dataset {
	if d.Pixels == nil {
		return d
	}
	f := *d
	f.Pixels, f.X = nil, pixelsToFloat32(makeFloats(len(d.Pixels)), d.Pixels)
	return &f
}

// Examples writes examples lo, …, hi−1 as float32 into dst[:0], growing it
// only when its capacity is too small, and returns it. It panics unless
// 0 ≤ lo ≤ hi ≤ d.N.
func (d *Dataset) Examples(dst []float32, lo, hi int) []float32 {
	if lo < 0 || hi < lo || hi > d.N {
		panic(fmt.Sprintf("data: examples [%d, %d) of a set of %d", lo, hi, d.N))
	}
	n := (hi - lo) * d.Dim
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	if d.Pixels != nil {
		pixelsToFloat32(dst, d.Pixels[lo*d.Dim:hi*d.Dim])
	} else {
		copy(dst, d.X[lo*d.Dim:hi*d.Dim])
	}
	return dst
}

// Batch holds a gathered mini-batch: N examples as an N×Dim row-major X and
// their labels Y. Its zero value is ready to use; Gather reuses its buffers,
// growing them only when a batch is larger than any before.
type Batch struct {
	X []float32
	Y []uint8
	N int
}

// Gather copies the examples idx (as returned by Sampler.Next) into dst,
// in that order, as float32 (converting pixels). It allocates only when
// dst's buffers are too small. An index outside [0, d.N) panics.
func (d *Dataset) Gather(dst *Batch, idx []int) {
	d.Reserve(dst, len(idx))
	d.GatherPart(dst, idx, 0, len(idx))
}

// Reserve makes dst a batch of n examples of d's size, allocating only when
// its buffers are too small; the values are left as they were.
func (d *Dataset) Reserve(dst *Batch, n int) {
	dim := d.Dim
	if cap(dst.X) < n*dim {
		dst.X = makeFloats(n * dim)
	}
	if cap(dst.Y) < n {
		dst.Y = make([]uint8, n)
	}
	dst.X, dst.Y, dst.N = dst.X[:n*dim], dst.Y[:n], n
}

// GatherPart is Gather for the examples idx[lo:hi] alone, into rows
// [lo, hi) of dst, which Reserve (or Gather) has sized for len(idx)
// examples; the other rows are not touched, so goroutines may gather
// disjoint parts of one batch at once.
func (d *Dataset) GatherPart(dst *Batch, idx []int, lo, hi int) {
	dim := d.Dim
	if d.Pixels != nil {
		// The rows are scattered over the set (47 MB for MNIST, more than
		// the caches): ask for a few rows ahead while converting this one,
		// so that their cache misses overlap (BenchmarkGather).
		for j := lo; j < min(lo+gatherAhead, hi); j++ {
			vec.Prefetch(d.Pixels[idx[j]*dim : (idx[j]+1)*dim])
		}
		for j := lo; j < hi; j++ {
			i := idx[j]
			if k := j + gatherAhead; k < hi {
				vec.Prefetch(d.Pixels[idx[k]*dim : (idx[k]+1)*dim])
			}
			pixelsToFloat32(dst.X[j*dim:(j+1)*dim], d.Pixels[i*dim:(i+1)*dim])
			dst.Y[j] = d.Y[i]
		}
		return
	}
	for j := lo; j < hi; j++ {
		i := idx[j]
		copy(dst.X[j*dim:(j+1)*dim], d.X[i*dim:(i+1)*dim])
		dst.Y[j] = d.Y[i]
	}
}
