package data

import (
	"embed"
	"io/fs"
)

// mnistFS holds the four MNIST files; see mnist/README.md for their origin,
// hashes and licence.
//
//go:embed mnist/*.gz
var mnistFS embed.FS

// LoadMNIST decodes the embedded MNIST database of handwritten digits
// (LeCun, Cortes and Burges; CC BY-SA 3.0): a training set of 60 000 and a
// test set of 10 000 grey-scale 28×28 images, labels 0–9, with pixels kept
// as bytes (Dataset.Pixels, 47 MB for the training set). No file or network
// access is needed. Each call decodes afresh, so callers own the returned
// data and should keep it rather than call again. opt.Subset cuts both sets
// before their pixels are decoded.
func LoadMNIST(opt Options) (train, test *Dataset, err error) {
	sub, err := fs.Sub(mnistFS, "mnist")
	if err != nil {
		return nil, nil, err
	}
	return load(sub, "embedded mnist", opt)
}

// MNIST is LoadMNIST of the whole sets with the pixels converted to float32
// (Dataset.X, 188 MB for the training set): convenient for small programs.
// Training code should keep the bytes (LoadMNIST) and convert batch by
// batch (Dataset.Gather), which holds a quarter of the memory.
func MNIST() (train, test *Dataset, err error) {
	train, test, err = LoadMNIST(Options{})
	if err != nil {
		return nil, nil, err
	}
	return train.Float32(), test.Float32(), nil
}
