package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestEmbeddedSHA256 checks each embedded file against the hash listed in
// mnist/README.md, so the README, the files and update.sh stay in step.
func TestEmbeddedSHA256(t *testing.T) {
	readme, err := os.ReadFile("mnist/README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| (\S+\.gz) \| (\d+) \| ([0-9a-f]{64}) \|$`)
	rows := row.FindAllStringSubmatch(string(readme), -1)
	if len(rows) != 4 {
		t.Fatalf("README lists %d files, want 4", len(rows))
	}
	for _, r := range rows {
		b, err := fs.ReadFile(mnistFS, "mnist/"+r[1])
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != r[3] {
			t.Errorf("%s: SHA-256 %s, README says %s", r[1], got, r[3])
		}
		if got := len(b); r[2] != strconv.Itoa(got) {
			t.Errorf("%s: %d bytes, README says %s", r[1], got, r[2])
		}
	}
}

var mnistOnce = sync.OnceValues(func() ([2]*Dataset, error) {
	tr, te, err := MNIST()
	return [2]*Dataset{tr, te}, err
})

func TestMNIST(t *testing.T) {
	sets, err := mnistOnce()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{60000, 10000} {
		d := sets[i]
		if d.N != want || d.Dim != 784 || d.Classes != 10 || !equalInts(d.Shape, []int{28, 28}) {
			t.Errorf("set %d: N %d Dim %d Classes %d Shape %v; want %d 784 10 [28 28]", i, d.N, d.Dim, d.Classes, d.Shape, want)
		}
		if len(d.X) != d.N*d.Dim || len(d.Y) != d.N {
			t.Errorf("set %d: len X %d, len Y %d", i, len(d.X), len(d.Y))
		}
		var count [10]int
		for _, y := range d.Y {
			count[y]++
		}
		for c, k := range count {
			if k < d.N/20 { // every digit is between 9% and 12% of MNIST
				t.Errorf("set %d: digit %d only %d times", i, c, k)
			}
		}
		lo, hi := d.X[0], d.X[0]
		for _, v := range d.X {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo != 0 || hi != 1 {
			t.Errorf("set %d: pixels in [%v, %v], want [0, 1]", i, lo, hi)
		}
	}
	// Well-known first labels of the MNIST files.
	if got := sets[0].Y[:5]; !bytes.Equal(got, []byte{5, 0, 4, 1, 9}) {
		t.Errorf("first training labels %v, want [5 0 4 1 9]", got)
	}
	if got := sets[1].Y[:5]; !bytes.Equal(got, []byte{7, 2, 1, 0, 4}) {
		t.Errorf("first test labels %v, want [7 2 1 0 4]", got)
	}
}

func TestSubset(t *testing.T) {
	d := &Dataset{X: []float32{0, 1, 10, 11, 20, 21}, Y: []uint8{0, 1, 2}, N: 3, Dim: 2, Classes: 3, Shape: []int{2}}
	s, err := d.Subset(2)
	if err != nil || s.N != 2 || len(s.X) != 4 || len(s.Y) != 2 || s.Classes != 3 {
		t.Fatalf("Subset(2) = %+v, %v", s, err)
	}
	for _, n := range []int{0, 4, -1} {
		if _, err := d.Subset(n); err == nil {
			t.Errorf("Subset(%d) gave no error", n)
		}
	}
}

// TestLoadDir writes a tiny set under the standard names, raw and gzip and
// dotted, and reads it back.
func TestLoadDir(t *testing.T) {
	img := func(n int) []byte {
		return encodeIDX(t, &IDX{Dims: []int{n, 2, 2}, Data: bytes.Repeat([]byte{0, 51, 255, 102}, n)})
	}
	lab := func(labels ...byte) []byte { return encodeIDX(t, &IDX{Dims: []int{len(labels)}, Data: labels}) }
	dir := t.TempDir()
	files := map[string][]byte{
		"train-images-idx3-ubyte.gz": gz(img(3)),
		"train-labels-idx1-ubyte":    lab(0, 2, 1),
		"t10k-images.idx3-ubyte":     img(2),
		"t10k-labels.idx1-ubyte.gz":  gz(lab(1, 0)),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	train, test, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 3 || test.N != 2 || train.Dim != 4 || train.Classes != 3 || test.Classes != 2 {
		t.Errorf("train %+v test %+v", train, test)
	}
	if want := []float32{0, 0.2, 1, 0.4}; !equalFloats(train.X[:4], want) {
		t.Errorf("pixels %v, want %v", train.X[:4], want)
	}

	// A mismatch between images and labels is named.
	os.WriteFile(filepath.Join(dir, "train-labels-idx1-ubyte"), lab(0, 1), 0o644)
	if _, _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "3 images but 2 labels") {
		t.Errorf("mismatch: %v", err)
	}
	os.Remove(filepath.Join(dir, "train-labels-idx1-ubyte"))
	if _, _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "train-labels-idx1-ubyte") {
		t.Errorf("missing file: %v", err)
	}
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func BenchmarkMNIST(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := MNIST(); err != nil {
			b.Fatal(err)
		}
	}
}
