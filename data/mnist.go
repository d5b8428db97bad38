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

// MNIST decodes the embedded MNIST database of handwritten digits
// (LeCun, Cortes and Burges; CC BY-SA 3.0): a training set of 60 000 and a
// test set of 10 000 grey-scale 28×28 images, labels 0–9. No file or network
// access is needed. Each call decodes afresh (about 47 MB of pixels), so
// callers own the returned data and should keep it rather than call again.
func MNIST() (train, test *Dataset, err error) {
	sub, err := fs.Sub(mnistFS, "mnist")
	if err != nil {
		return nil, nil, err
	}
	return loadFS(sub, "embedded mnist")
}
