package data

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"
)

// gzSet is a small set whose four files are gzip files.
func gzSet(t *testing.T) fstest.MapFS {
	img := func(n int) []byte { return gz(encodeIDX(t, &IDX{Dims: []int{n, 28, 28}, Data: noise(n * 784)})) }
	return fstest.MapFS{
		"train-images-idx3-ubyte.gz": {Data: img(30)},
		"train-labels-idx1-ubyte.gz": {Data: labels(30)},
		"t10k-images-idx3-ubyte.gz":  {Data: img(20)},
		"t10k-labels-idx1-ubyte.gz":  {Data: labels(20)},
	}
}

// copyPath is where the decoded copy of the gzip file f goes in dir.
func copyPath(dir string, f *fstest.MapFile) string {
	sum := sha256.Sum256(f.Data)
	return filepath.Join(dir, hex.EncodeToString(sum[:])+".idx")
}

func decoded(t *testing.T, f *fstest.MapFile) []byte {
	r, err := gzip.NewReader(bytes.NewReader(f.Data))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadVia loads the training set of fsys through the cache in dir and
// reports whether a decoded copy was read.
func loadVia(t *testing.T, fsys fstest.MapFS, dir string) (*Dataset, bool) {
	t.Helper()
	d, cached, err := readPair(fsys, "cache test", trainFiles, 0, cache{dir: dir, reuse: true})
	if err != nil {
		t.Fatal(err)
	}
	return d, cached
}

// TestCache: the first load decodes and writes each gzip file's content as
// a raw idx file named by the gzip file's SHA-256; the next load reads
// those copies and gives the same set.
func TestCache(t *testing.T) {
	fsys, dir := gzSet(t), t.TempDir()
	want, _, err := load(fsys, "cache test", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, cached := loadVia(t, fsys, dir)
	if cached || !reflect.DeepEqual(got, want) {
		t.Fatalf("first load: cached %v, equal %v", cached, reflect.DeepEqual(got, want))
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("the cache holds %d files, want the 2 copies and nothing else", len(ents))
	}
	for _, name := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"} {
		b, err := os.ReadFile(copyPath(dir, fsys[name]))
		if err != nil || !bytes.Equal(b, decoded(t, fsys[name])) {
			t.Errorf("%s: the copy is not its decoded content (%v)", name, err)
		}
	}
	got, cached = loadVia(t, fsys, dir)
	if !cached || !reflect.DeepEqual(got, want) {
		t.Errorf("second load: cached %v, equal %v", cached, reflect.DeepEqual(got, want))
	}
	// Through the loaders, both sets.
	tr, te, err := load(fsys, "cache test", Options{CacheDir: dir})
	if err != nil || !reflect.DeepEqual(tr, want) || te.N != 20 {
		t.Errorf("load through the cache: %v", err)
	}
}

// TestCacheDamaged: a copy whose content (same length), header or length
// is wrong is not used: the set comes from the gzip file, and the copy is
// replaced by a good one.
func TestCacheDamaged(t *testing.T) {
	for name, damage := range map[string]func([]byte) []byte{
		"pixel":  func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"header": func(b []byte) []byte { b[5] ^= 1; return b }, // the count: 30 → 286 images
		"magic":  func(b []byte) []byte { b[0] = 1; return b },
		"length": func(b []byte) []byte { return b[:len(b)-1] },
		"empty":  func(b []byte) []byte { return nil },
	} {
		t.Run(name, func(t *testing.T) {
			fsys, dir := gzSet(t), t.TempDir()
			want, _ := loadVia(t, fsys, dir)
			img := fsys["train-images-idx3-ubyte.gz"]
			path := copyPath(dir, img)
			good, _ := os.ReadFile(path)
			os.WriteFile(path, damage(bytes.Clone(good)), 0o644)
			got, err := loadPair(fsys, "cache test", trainFiles, Options{CacheDir: dir})
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("load over a damaged copy: %v, equal %v", err, reflect.DeepEqual(got, want))
			}
			if b, _ := os.ReadFile(path); !bytes.Equal(b, good) {
				t.Error("the damaged copy was not replaced")
			}
		})
	}
}

// TestCacheNotWritten: no copies for a subset, for a gzip file of two
// members (its trailer covers only the second), or in a folder that
// cannot be made; loading works the same.
func TestCacheNotWritten(t *testing.T) {
	fsys, dir := gzSet(t), t.TempDir()
	if _, _, err := load(fsys, "cache test", Options{Subset: 10, CacheDir: dir}); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("a subset wrote %d copies", len(ents))
	}

	raw := decoded(t, fsys["train-images-idx3-ubyte.gz"])
	two := append(gz(raw[:1000]), gz(raw[1000:])...)
	fsys["train-images-idx3-ubyte.gz"] = &fstest.MapFile{Data: two}
	d, cached := loadVia(t, fsys, dir)
	if _, err := os.Stat(copyPath(dir, fsys["train-images-idx3-ubyte.gz"])); cached || err == nil || !bytes.Equal(d.Pixels, raw[16:]) {
		t.Errorf("two members: cached %v, copy written %v", cached, err == nil)
	}

	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	if _, _, err := load(gzSet(t), "cache test", Options{CacheDir: filepath.Join(file, "descent")}); err != nil {
		t.Errorf("an unusable cache folder: %v", err)
	}
}
