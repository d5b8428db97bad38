package data

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// MNISTFile is one of the four files of MNIST as published: its name, its
// size in bytes and the SHA-256 of its bytes (hex).
type MNISTFile struct {
	Name   string
	Size   int64
	SHA256 string
}

// MNISTFiles returns the four gzip files of MNIST, as published by Yann
// LeCun and as the mirrors serve them (data/mnist/README.md lists the same,
// and a test checks that the two agree).
func MNISTFiles() []MNISTFile {
	return []MNISTFile{
		{"train-images-idx3-ubyte.gz", 9912422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"},
		{"train-labels-idx1-ubyte.gz", 28881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"},
		{"t10k-images-idx3-ubyte.gz", 1648877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"},
		{"t10k-labels-idx1-ubyte.gz", 4542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
	}
}

// MNISTMirrors returns the base URLs that serve the four files, tried in
// this order by FetchMNIST (torchvision's list: its own copy first, then
// the original page).
func MNISTMirrors() []string {
	return []string{
		"https://ossci-datasets.s3.amazonaws.com/mnist/",
		"http://yann.lecun.com/exdb/mnist/",
	}
}

// modulePath is the path of descent's module, which names the clone that a
// working directory may be in.
const modulePath = "github.com/descentlab/descent"

// MNISTCacheDir is where FetchMNIST puts the files and FindMNIST looks for
// them last: "mnist" in CacheDir(), or "" when there is no cache folder.
func MNISTCacheDir() string {
	dir := CacheDir()
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "mnist")
}

// FindMNIST returns the folder holding the four MNIST files. The files are
// not part of descent's library module (they are a module of their own, in
// data/mnist of the repository, so that `go get …/optim` does not download
// them). It looks, in order, in
//
//  1. data/mnist of the source tree the program was built from: a clone
//     (`go run ./cmd/descent`, `go test`, a binary built there);
//  2. data/mnist of the descent clone that holds the working directory
//     (found by the go.mod naming descent's module, in it or a parent);
//  3. MNISTCacheDir(), where FetchMNIST (`descent data fetch`) puts them.
//
// A folder counts when it holds all four files as regular files. The
// error, when none does, says where it looked and how to get the files.
func FindMNIST() (string, error) { return findMNIST(mnistCandidates()) }

// findMNIST returns the first of dirs that holds the four files.
func findMNIST(dirs []string) (string, error) {
	var tried []string
	for _, dir := range dirs {
		if dir == "" || slices.Contains(tried, dir) {
			continue
		}
		tried = append(tried, dir)
		if hasMNIST(dir) {
			return dir, nil
		}
	}
	names := make([]string, 0, 4)
	for _, f := range MNISTFiles() {
		names = append(names, f.Name)
	}
	return "", fmt.Errorf("data: the MNIST files are not in %s: run 'descent data fetch' (downloads %s from %s and checks their SHA-256, listed by 'descent data fetch --list'), or clone the repository", strings.Join(tried, ", "), strings.Join(names, ", "), MNISTMirrors()[0])
}

// mnistCandidates lists the folders FindMNIST tries, in order.
func mnistCandidates() []string {
	var dirs []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		dirs = append(dirs, filepath.Join(filepath.Dir(file), "mnist"))
	}
	if wd, err := os.Getwd(); err == nil {
		if root := moduleRoot(wd); root != "" {
			dirs = append(dirs, filepath.Join(root, "data", "mnist"))
		}
	}
	return append(dirs, MNISTCacheDir())
}

// moduleRoot returns the folder, dir or one of its parents, whose go.mod
// declares descent's module; "" if none.
func moduleRoot(dir string) string {
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			s := bufio.NewScanner(f)
			for s.Scan() {
				line := strings.TrimSpace(s.Text())
				if line == "module "+modulePath || line == `module "`+modulePath+`"` {
					f.Close()
					return dir
				}
			}
			f.Close()
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// hasMNIST reports whether dir holds the four files as regular files.
func hasMNIST(dir string) bool {
	for _, f := range MNISTFiles() {
		st, err := os.Stat(filepath.Join(dir, f.Name))
		if err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// LoadMNIST decodes the MNIST database of handwritten digits (LeCun, Cortes
// and Burges; CC BY-SA 3.0) from the folder FindMNIST returns: a training
// set of 60 000 and a test set of 10 000 grey-scale 28×28 images, labels
// 0–9, with pixels kept as bytes (Dataset.Pixels, 47 MB for the training
// set). No network access is made. Each call decodes afresh, so callers
// own the returned data and should keep it rather than call again.
// opt.Subset cuts both sets before their pixels are decoded.
func LoadMNIST(opt Options) (train, test *Dataset, err error) {
	dir, err := FindMNIST()
	if err != nil {
		return nil, nil, err
	}
	return load(os.DirFS(dir), dir, opt)
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
