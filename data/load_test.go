package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// The attacks of issue 15: a gzip idx file of a few MB whose header claims
// 2.7 M images cost 4.2 GB and 37 s before the count mismatch that the
// labels header already showed, and 12.6 GB even with --subset 100.

const hugeCount = 2_700_000 // images claimed, 2 116 800 000 pixel bytes

// claim returns a gzip file of the images header n×28×28 followed by body,
// stored uncompressed (a gzip file holds anything; only its size matters).
func claim(t testing.TB, n uint32, body []byte) []byte {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.NoCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(header(0x00000803, n, 28, 28))
	w.Write(body)
	w.Close()
	return buf.Bytes()
}

// noise is n random bytes: incompressible, valid pixels.
func noise(n int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = uint8(r.Uint32())
	}
	return b
}

// labels returns a real gzip labels file of n labels 0–9.
func labels(n int) []byte {
	y := make([]byte, n)
	for i := range y {
		y[i] = uint8(i % 10)
	}
	var buf bytes.Buffer
	WriteIDX(&buf, &IDX{Dims: []int{n}, Data: y})
	return gz(buf.Bytes())
}

// set is an fs.FS holding a training set (images, labels) and a small
// valid test set under the standard names.
func set(images, lab []byte) fstest.MapFS {
	img := make([]byte, 0, 16+2*784)
	img = append(append(img, header(0x00000803, 2, 28, 28)...), noise(2*784)...)
	return fstest.MapFS{
		"train-images-idx3-ubyte.gz": {Data: images},
		"train-labels-idx1-ubyte.gz": {Data: lab},
		"t10k-images-idx3-ubyte":     {Data: img},
		"t10k-labels-idx1-ubyte.gz":  {Data: labels(2)},
	}
}

// loadBounded loads fsys and fails the test if that allocated more than
// limit bytes or took more than a few seconds (it should take milliseconds).
func loadBounded(t *testing.T, fsys fstest.MapFS, opt Options, limit uint64) (train *Dataset, err error) {
	t.Helper()
	start := time.Now()
	alloc := allocated(func() { train, _, err = load(fsys, "attack", opt) })
	if alloc > limit {
		t.Errorf("allocated %d bytes, want at most %d", alloc, limit)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	return train, err
}

// TestLoadRefusesImpossibleCount: a 1 KB gzip file cannot hold 2 GB, so it
// is refused from its header and size alone.
func TestLoadRefusesImpossibleCount(t *testing.T) {
	fsys := set(claim(t, hugeCount, noise(1000)), labels(60000))
	_, err := loadBounded(t, fsys, Options{}, 1<<20)
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz") ||
		!strings.Contains(err.Error(), "more than a gzip file of") || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %v: want one line naming the file and the impossible size", err)
	}
}

// TestLoadCountMismatchFirst: a 2.1 MB gzip file could hold 2.7 M images,
// but the labels say 60 000: refused before any pixel is decoded.
func TestLoadCountMismatchFirst(t *testing.T) {
	fsys := set(claim(t, hugeCount, noise(2_100_000)), labels(60000))
	_, err := loadBounded(t, fsys, Options{}, 1<<20)
	if err == nil || !strings.Contains(err.Error(), "2700000 images but 60000 labels") {
		t.Errorf("error %v: want the mismatch of the counts", err)
	}
}

// TestLoadSubsetDecodesOnlyItsPart: with matching labels, --subset 100
// decodes 100 images (78 400 bytes) of the 2.7 M claimed, and succeeds.
// Without it, the claim costs at most firstRead bytes before the file is
// found truncated.
func TestLoadSubsetDecodesOnlyItsPart(t *testing.T) {
	body := noise(2_100_000)
	fsys := set(claim(t, hugeCount, body), labels(hugeCount))
	// The labels (2.7 MB, read whole) and the kept pixels.
	train, err := loadBounded(t, fsys, Options{Subset: 100}, 4<<20)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 100 || !bytes.Equal(train.Pixels, body[:100*784]) || train.Classes != 10 {
		t.Errorf("subset: N %d, Classes %d, pixels equal %v", train.N, train.Classes, bytes.Equal(train.Pixels, body[:100*784]))
	}
	_, err = loadBounded(t, fsys, Options{}, firstRead+8<<20)
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("error %v: want truncated", err)
	}
}

// TestLoadRawSize: a raw file is checked against its exact size before
// anything is read.
func TestLoadRawSize(t *testing.T) {
	for _, c := range []struct {
		extra  int // bytes beyond (or short of) what the header describes
		substr string
	}{{-1, "truncated"}, {1, "trailing data"}} {
		raw := append(header(0x00000803, 3, 28, 28), noise(3*784+c.extra)...)
		fsys := set(nil, labels(3))
		delete(fsys, "train-images-idx3-ubyte.gz")
		fsys["train-images-idx3-ubyte"] = &fstest.MapFile{Data: raw}
		if _, err := loadBounded(t, fsys, Options{}, 1<<20); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.substr) {
			t.Errorf("%+d bytes: error %v, want %q", c.extra, err, c.substr)
		}
	}
}

// TestLoadNotRegular: a directory (or a FIFO, see the unix test) under a
// data file's name is refused without being opened for reading.
func TestLoadNotRegular(t *testing.T) {
	dir := t.TempDir()
	for name, b := range set(claim(t, 1, noise(784)), labels(1)) {
		os.WriteFile(filepath.Join(dir, name), b.Data, 0o644)
	}
	os.Remove(filepath.Join(dir, "train-images-idx3-ubyte.gz"))
	os.Mkdir(filepath.Join(dir, "train-images-idx3-ubyte.gz"), 0o755)
	if _, _, err := LoadDir(dir, Options{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory as the images file: %v", err)
	}
}

// FuzzLoad loads fuzzed images and labels files (raw or gzip) and checks
// that what loads is consistent, and that memory followed the input.
func FuzzLoad(f *testing.F) {
	img := func(n int) []byte {
		return encodeIDX(f, &IDX{Dims: []int{n, 2, 2}, Data: bytes.Repeat([]byte{0, 51, 255, 102}, n)})
	}
	lab := func(n int) []byte { return encodeIDX(f, &IDX{Dims: []int{n}, Data: make([]byte, n)}) }
	testImg, testLab := img(1), lab(1)
	f.Add(img(3), lab(3), 0)
	f.Add(gz(img(3)), gz(lab(3)), 2)
	f.Add(img(3), lab(2), 0)
	f.Add(claim(f, hugeCount, nil), lab(3), 1)
	f.Add(header(0x00000803, 1<<12, 1<<12, 1<<7), header(0x00000801, 1<<31), 0)
	f.Fuzz(func(t *testing.T, images, labels []byte, subset int) {
		fsys := fstest.MapFS{
			"train-images-idx3-ubyte": {Data: images}, "train-labels-idx1-ubyte": {Data: labels},
			"t10k-images-idx3-ubyte": {Data: testImg}, "t10k-labels-idx1-ubyte": {Data: testLab},
		}
		var train *Dataset
		var err error
		alloc := allocated(func() { train, _, err = load(fsys, "fuzz", Options{Subset: subset}) })
		if limit := uint64(2*firstRead + MaxExpansion*(len(images)+len(labels))); alloc > limit {
			t.Fatalf("allocated %d bytes for %d+%d input bytes", alloc, len(images), len(labels))
		}
		if err != nil {
			return
		}
		if len(train.Pixels) != train.N*train.Dim || len(train.Y) != train.N || train.N < 1 || subset > 0 && train.N > subset {
			t.Fatalf("N %d Dim %d: %d pixels, %d labels (subset %d)", train.N, train.Dim, len(train.Pixels), len(train.Y), subset)
		}
		for _, y := range train.Y {
			if int(y) >= train.Classes {
				t.Fatalf("label %d with %d classes", y, train.Classes)
			}
		}
	})
}
