package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestMNISTFilesSHA256 checks MNISTFiles against the table of
// mnist/README.md, and the files FindMNIST finds (in a clone, the
// repository's) against both, so the README, the table, the files and
// update.sh stay in step.
func TestMNISTFilesSHA256(t *testing.T) {
	readme, err := os.ReadFile("mnist/README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| (\S+\.gz) \| (\d+) \| ([0-9a-f]{64}) \|$`)
	rows := row.FindAllStringSubmatch(string(readme), -1)
	files := MNISTFiles()
	if len(rows) != 4 || len(files) != 4 {
		t.Fatalf("README lists %d files, MNISTFiles %d, want 4", len(rows), len(files))
	}
	dir, err := FindMNIST()
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if f := files[i]; f.Name != r[1] || strconv.FormatInt(f.Size, 10) != r[2] || f.SHA256 != r[3] {
			t.Errorf("MNISTFiles()[%d] = %v, README says %v", i, f, r[1:])
		}
		b, err := os.ReadFile(filepath.Join(dir, r[1]))
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
	tr, te, err := LoadMNIST(Options{})
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
		if len(d.Pixels) != d.N*d.Dim || d.X != nil || len(d.Y) != d.N {
			t.Errorf("set %d: len Pixels %d, X %v, len Y %d", i, len(d.Pixels), d.X != nil, len(d.Y))
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
		lo, hi := d.Pixels[0], d.Pixels[0]
		for _, v := range d.Pixels {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo != 0 || hi != 255 {
			t.Errorf("set %d: pixels in [%v, %v], want [0, 255]", i, lo, hi)
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

// TestMNISTFloat checks that MNIST holds the same sets as LoadMNIST, with
// every pixel byte b turned into float32(b)/255.
func TestMNISTFloat(t *testing.T) {
	if testing.Short() {
		t.Skip("converts MNIST to 219 MB of floats")
	}
	sets, err := mnistOnce()
	if err != nil {
		t.Fatal(err)
	}
	tr, te, err := MNIST()
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range []*Dataset{tr, te} {
		b := sets[i]
		if f.Pixels != nil || len(f.X) != len(b.Pixels) || !bytes.Equal(f.Y, b.Y) || f.N != b.N || f.Classes != b.Classes {
			t.Fatalf("set %d: MNIST differs from LoadMNIST in shape or labels", i)
		}
		for k, p := range b.Pixels {
			if f.X[k] != float32(p)/255 {
				t.Fatalf("set %d: X[%d] = %v, want %d/255", i, k, f.X[k], p)
			}
		}
	}
}

// TestLoadMNISTSubset checks that a subset is the first examples of the
// whole set, keeps the whole set's Classes, and decodes only what it keeps:
// it allocates about its own size, not the 55 MB of the whole sets.
func TestLoadMNISTSubset(t *testing.T) {
	sets, err := mnistOnce()
	if err != nil {
		t.Fatal(err)
	}
	var tr, te *Dataset
	alloc := allocated(func() { tr, te, err = LoadMNIST(Options{Subset: 100}) })
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range []*Dataset{tr, te} {
		whole := sets[i]
		if d.N != 100 || d.Classes != 10 || len(d.Y) != 100 || !bytes.Equal(d.Pixels, whole.Pixels[:100*784]) || !bytes.Equal(d.Y, whole.Y[:100]) {
			t.Errorf("set %d: subset of 100 is not the first 100 examples (N %d, Classes %d)", i, d.N, d.Classes)
		}
	}
	// 2×78 400 pixel bytes, the labels (70 000 bytes), the decoders' state.
	if alloc > 4<<20 {
		t.Errorf("LoadMNIST(Subset 100) allocated %d bytes", alloc)
	}
	if s, _, err := LoadMNIST(Options{Subset: 1 << 20}); err != nil || s.N != 60000 {
		t.Errorf("a subset larger than the set: %v", err)
	}
	if _, _, err := LoadMNIST(Options{Subset: -1}); err == nil || !strings.Contains(err.Error(), "subset -1") {
		t.Errorf("Subset -1: %v", err)
	}
}

// allocated returns the bytes that f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestSubset(t *testing.T) {
	for _, d := range []*Dataset{
		{X: []float32{0, 1, 10, 11, 20, 21}, Y: []uint8{0, 1, 2}, N: 3, Dim: 2, Classes: 3, Shape: []int{2}},
		{Pixels: []uint8{0, 1, 10, 11, 20, 21}, Y: []uint8{0, 1, 2}, N: 3, Dim: 2, Classes: 3, Shape: []int{2}},
	} {
		s, err := d.Subset(2)
		if err != nil || s.N != 2 || len(s.X)+len(s.Pixels) != 4 || len(s.Y) != 2 || s.Classes != 3 ||
			!slices.Equal(s.Examples(nil, 0, 2), []float32{0, 1, 10, 11}) && !slices.Equal(s.Examples(nil, 0, 2), []float32{0, 1. / 255, 10. / 255, 11. / 255}) {
			t.Fatalf("Subset(2) = %+v, %v", s, err)
		}
		for _, n := range []int{0, 4, -1} {
			if _, err := d.Subset(n); err == nil {
				t.Errorf("Subset(%d) gave no error", n)
			}
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
	train, test, err := LoadDir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 3 || test.N != 2 || train.Dim != 4 || train.Classes != 3 || test.Classes != 2 {
		t.Errorf("train %+v test %+v", train, test)
	}
	if want := []float32{0, 0.2, 1, 0.4}; !equalFloats(train.Examples(nil, 0, 1), want) {
		t.Errorf("pixels %v, want %v", train.Examples(nil, 0, 1), want)
	}

	// A mismatch between images and labels is named.
	os.WriteFile(filepath.Join(dir, "train-labels-idx1-ubyte"), lab(0, 1), 0o644)
	if _, _, err := LoadDir(dir, Options{}); err == nil || !strings.Contains(err.Error(), "3 images but 2 labels") {
		t.Errorf("mismatch: %v", err)
	}
	os.Remove(filepath.Join(dir, "train-labels-idx1-ubyte"))
	if _, _, err := LoadDir(dir, Options{}); err == nil || !strings.Contains(err.Error(), "train-labels-idx1-ubyte") {
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

// BenchmarkLoadMNIST loads MNIST decoding its gzip files, and from decoded
// copies in a cache (filled before the timing).
func BenchmarkLoadMNIST(b *testing.B) {
	dir := b.TempDir()
	if _, _, err := LoadMNIST(Options{CacheDir: dir}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opt  Options
	}{{"decode", Options{}}, {"cached", Options{CacheDir: dir}}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := LoadMNIST(c.opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
