package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Options say how much of a data set the loaders keep.
type Options struct {
	// Subset, when > 0, keeps only the first Subset examples of each set
	// (all of a set that has fewer). Only their pixels are decoded: the
	// rest of an images file is never read, so its trailer is not checked.
	// The labels are read whole (one byte per example), so that Classes
	// counts the whole set, as Dataset.Subset keeps it. 0 keeps everything.
	Subset int
	// CacheDir, when not "", is a folder for decoded copies of gzip files
	// (CacheDir() is descent's): a whole set whose gzip files were decoded
	// once is then read from there, 3–4× as fast. Each copy
	// is named by the SHA-256 of its gzip file and checked against that
	// file's trailer (length and CRC-32) as it is read; a copy that does
	// not match is replaced. A folder that cannot be written costs nothing
	// but the speed. Subsets are always decoded from the gzip files.
	CacheDir string
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
// or KMNIST as downloaded, with no network access. Pixels are kept as bytes
// (Dataset.Pixels).
//
// Before decoding any data, each images file's header is checked against
// its labels file's (the same count) and every header against its file's
// size (see MaxExpansion), so a small file claiming a huge set is refused
// at once. The data are then decoded straight into the Dataset's buffers.
func LoadDir(dir string, opt Options) (train, test *Dataset, err error) {
	return load(os.DirFS(dir), dir, opt)
}

// load reads the training and the test set from fsys, the two at once.
func load(fsys fs.FS, where string, opt Options) (train, test *Dataset, err error) {
	if opt.Subset < 0 {
		return nil, nil, fmt.Errorf("data: subset %d: want an integer ≥ 0 (0: all examples)", opt.Subset)
	}
	done := make(chan error, 1)
	go func() {
		var err error
		test, err = loadPair(fsys, where, testFiles, opt)
		done <- err
	}()
	train, err = loadPair(fsys, where, trainFiles, opt)
	if testErr := <-done; err == nil {
		err = testErr
	}
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// loadPair reads one set, through the cache if opt has one and no
// subset: from the decoded copies there; or, if reading a copy failed in
// any way (errStaleCache, or a damaged header), from the gzip files again,
// storing new copies.
func loadPair(fsys fs.FS, where string, names [2]string, opt Options) (*Dataset, error) {
	c := cache{dir: opt.CacheDir, reuse: true}
	if opt.Subset > 0 {
		c.dir = ""
	}
	d, cached, err := readPair(fsys, where, names, opt.Subset, c)
	if err != nil && cached {
		c.reuse = false
		d, _, err = readPair(fsys, where, names, opt.Subset, c)
	}
	return d, err
}

// readPair reads one set: the headers of its images and labels files first,
// checked against each other, then the labels and the kept pixels. cached
// reports whether a decoded copy was read.
func readPair(fsys fs.FS, where string, names [2]string, keep int, c cache) (d *Dataset, cached bool, err error) {
	var files [2]*idxFile
	for i, name := range names {
		x, err := openFirst(fsys, where, name, c)
		if err != nil {
			return nil, cached, err
		}
		defer x.close()
		files[i] = x
		cached = cached || x.cached != nil
	}
	img, lab := files[0], files[1]
	if err := checkPair(img.dims, lab.dims); err != nil {
		return nil, cached, fmt.Errorf("%s (%s, %s): %w", where, img.name, lab.name, err)
	}
	y, err := lab.read(lab.total)
	if err != nil {
		return nil, cached, fmt.Errorf("%s: %w", filepath.Join(where, lab.name), err)
	}
	n, dim := img.dims[0], img.total/img.dims[0]
	if keep > 0 {
		n = min(n, keep)
	}
	px, err := img.read(n * dim)
	if err != nil {
		return nil, cached, fmt.Errorf("%s: %w", filepath.Join(where, img.name), err)
	}
	return &Dataset{Pixels: px, Y: y[:n:n], N: n, Dim: dim, Classes: classes(y), Shape: append([]int(nil), img.dims[1:]...)}, cached, nil
}

// openFirst opens the first of name.gz, name and the dotted variants of
// both that exists in fsys (see openIDX).
func openFirst(fsys fs.FS, where, name string, c cache) (*idxFile, error) {
	dotted := name[:len(name)-len("-idx3-ubyte")] + "." + name[len(name)-len("idx3-ubyte"):]
	tried := []string{name + ".gz", name, dotted + ".gz", dotted}
	for _, f := range tried {
		x, err := openIDX(fsys, f, c)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(where, f), err)
		}
		return x, nil
	}
	return nil, fmt.Errorf("data: %s has none of %v", where, tried)
}
