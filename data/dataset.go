package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Dataset is a labelled classification set held in memory.
//
// X holds the N examples as an N×Dim row-major matrix with pixel bytes
// scaled to [0, 1] (byte/255); example i is X[i*Dim : (i+1)*Dim].
// Y holds the N labels, each in [0, Classes). Shape is the shape of one
// example (for MNIST [28 28]); Dim is the product of Shape.
type Dataset struct {
	X       []float32
	Y       []uint8
	N       int
	Dim     int
	Classes int
	Shape   []int
}

// NewDataset builds a Dataset from an images idx (n × d1 × d2 …, at least two
// dimensions) and a labels idx (n). Classes is the largest label plus one.
func NewDataset(images, labels *IDX) (*Dataset, error) {
	if len(images.Dims) < 2 {
		return nil, fmt.Errorf("data: images have dimensions %v, want at least 2 (count, then the shape of one example)", images.Dims)
	}
	if len(labels.Dims) != 1 {
		return nil, fmt.Errorf("data: labels have dimensions %v, want exactly 1 (count)", labels.Dims)
	}
	n := images.Dims[0]
	if labels.Dims[0] != n {
		return nil, fmt.Errorf("data: %d images but %d labels", n, labels.Dims[0])
	}
	shape := append([]int(nil), images.Dims[1:]...)
	dim := len(images.Data) / n

	var scale [256]float32
	for i := range scale {
		scale[i] = float32(i) / 255
	}
	x := make([]float32, len(images.Data))
	for i, b := range images.Data {
		x[i] = scale[b]
	}
	y := append([]uint8(nil), labels.Data...)
	var top uint8
	for _, v := range y {
		top = max(top, v)
	}
	return &Dataset{X: x, Y: y, N: n, Dim: dim, Classes: int(top) + 1, Shape: shape}, nil
}

// Subset returns a Dataset of the first n examples. It shares X and Y with d
// (no copy), so writing to one changes the other. Classes and Shape are kept.
func (d *Dataset) Subset(n int) (*Dataset, error) {
	if n < 1 || n > d.N {
		return nil, fmt.Errorf("data: subset of %d examples from a dataset of %d", n, d.N)
	}
	return &Dataset{
		X:       d.X[: n*d.Dim : n*d.Dim],
		Y:       d.Y[:n:n],
		N:       n,
		Dim:     d.Dim,
		Classes: d.Classes,
		Shape:   d.Shape,
	}, nil
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
// in that order. It allocates only when dst's buffers are too small.
// An index outside [0, d.N) panics.
func (d *Dataset) Gather(dst *Batch, idx []int) {
	n := len(idx)
	if cap(dst.X) < n*d.Dim {
		dst.X = make([]float32, n*d.Dim)
	}
	if cap(dst.Y) < n {
		dst.Y = make([]uint8, n)
	}
	dst.X, dst.Y, dst.N = dst.X[:n*d.Dim], dst.Y[:n], n
	for j, i := range idx {
		copy(dst.X[j*d.Dim:(j+1)*d.Dim], d.X[i*d.Dim:(i+1)*d.Dim])
		dst.Y[j] = d.Y[i]
	}
}

// The standard file names of the MNIST family (MNIST, Fashion-MNIST, KMNIST).
var (
	trainFiles = [2]string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte"}
	testFiles  = [2]string{"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}
)

// LoadDir reads a training and a test set stored under the four standard
// MNIST file names in dir: train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte. Each may be raw, or
// gzip-compressed with a ".gz" suffix, or use the dotted variant
// "train-images.idx3-ubyte" found in some archives. This reads Fashion-MNIST
// or KMNIST as downloaded, with no network access.
func LoadDir(dir string) (train, test *Dataset, err error) {
	return loadFS(os.DirFS(dir), dir)
}

func loadFS(fsys fs.FS, where string) (train, test *Dataset, err error) {
	train, err = loadPair(fsys, where, trainFiles)
	if err != nil {
		return nil, nil, err
	}
	test, err = loadPair(fsys, where, testFiles)
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func loadPair(fsys fs.FS, where string, names [2]string) (*Dataset, error) {
	var parts [2]*IDX
	for i, name := range names {
		x, err := loadIDX(fsys, where, name)
		if err != nil {
			return nil, err
		}
		parts[i] = x
	}
	ds, err := NewDataset(parts[0], parts[1])
	if err != nil {
		return nil, fmt.Errorf("%s (%s, %s): %w", where, names[0], names[1], err)
	}
	return ds, nil
}

// loadIDX opens the first of name, name.gz and the dotted variant of name
// that exists in fsys and reads it.
func loadIDX(fsys fs.FS, where, name string) (*IDX, error) {
	dotted := name[:len(name)-len("-idx3-ubyte")] + "." + name[len(name)-len("idx3-ubyte"):]
	tried := []string{name + ".gz", name, dotted + ".gz", dotted}
	for _, f := range tried {
		r, err := fsys.Open(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		x, err := ReadIDX(r)
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(where, f), err)
		}
		return x, nil
	}
	return nil, fmt.Errorf("data: %s has none of %v", where, tried)
}
