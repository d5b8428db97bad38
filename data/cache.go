package data

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// CacheDir is the folder where descent keeps decoded copies of gzip idx
// files: "descent" in the user's cache folder (os.UserCacheDir, on Linux
// $XDG_CACHE_HOME or ~/.cache), or "" when there is none.
func CacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "descent")
}

// cache says where loading keeps decoded copies of gzip files: in dir
// ("" for nowhere), using those already there if reuse.
type cache struct {
	dir   string
	reuse bool
}

// errStaleCache reports a cached copy whose content does not match the
// CRC-32 and length in its gzip file's trailer; the file is then decoded
// afresh and the copy replaced.
var errStaleCache = errors.New("data: the decoded copy in the cache does not match its gzip file")

// gzipID identifies a gzip file: the SHA-256 of its bytes, which names its
// decoded copy, and the CRC-32 and length (mod 2³²) of its content from its
// trailer, which check the copy.
type gzipID struct {
	sum       [sha256.Size]byte
	crc, size uint32
}

// identify reads the gzip file name in fsys whole, hashing it.
func identify(fsys fs.FS, name string) (gzipID, error) {
	var id gzipID
	f, err := fsys.Open(name)
	if err != nil {
		return id, err
	}
	defer f.Close()
	h := sha256.New()
	var t tail
	if _, err := io.Copy(io.MultiWriter(h, &t), f); err != nil {
		return id, err
	}
	h.Sum(id.sum[:0])
	id.crc = uint32(t[0]) | uint32(t[1])<<8 | uint32(t[2])<<16 | uint32(t[3])<<24
	id.size = uint32(t[4]) | uint32(t[5])<<8 | uint32(t[6])<<16 | uint32(t[7])<<24
	return id, nil
}

// tail keeps the last 8 bytes written to it: a gzip trailer.
type tail [8]byte

func (t *tail) Write(p []byte) (int, error) {
	if len(p) >= len(t) {
		copy(t[:], p[len(p)-len(t):])
	} else {
		copy(t[:], t[len(p):])
		copy(t[len(t)-len(p):], p)
	}
	return len(p), nil
}

// path is the decoded copy's file in dir: a raw idx file.
func (id gzipID) path(dir string) string {
	return filepath.Join(dir, hex.EncodeToString(id.sum[:])+".idx")
}

// openCached opens the decoded copy of id in dir, if reuse and there is one
// of the right length, as a reader that checks its CRC-32 when it reaches
// the end; else it returns nil.
func openCached(dir string, id gzipID, reuse bool) io.ReadCloser {
	if !reuse {
		return nil
	}
	path := id.path(dir)
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() || uint32(st.Size()) != id.size {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	return &checkedReader{f: f, want: id}
}

// checkedReader reads a decoded copy and, at its end, reports errStaleCache
// unless its CRC-32 and length are those of the gzip trailer, as a gzip
// reader checks what it decodes.
type checkedReader struct {
	f    *os.File
	want gzipID
	crc  uint32
	n    uint32
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.f.Read(p)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	c.n += uint32(n)
	if err == io.EOF && (c.crc != c.want.crc || c.n != c.want.size) {
		err = errStaleCache
	}
	return n, err
}

func (c *checkedReader) Close() error { return c.f.Close() }

// store writes the decoded content of the gzip file id, its header dims
// and data, into dir as a raw idx file, if it matches the trailer (the
// content of a gzip file of several members does not, and is never
// cached). The copy goes to a temporary file renamed into place, so no
// reader sees it half written; it is not synced to the disk, because a
// copy that a crash left damaged fails its check and is replaced. It is
// best effort: a cache that cannot be written is no error, the next run
// decodes again.
func store(dir string, id gzipID, dims []int, data []byte) {
	head := idxHeader(dims)
	if crc32.Update(crc32.ChecksumIEEE(head), crc32.IEEETable, data) != id.crc || uint32(len(head)+len(data)) != id.size {
		return
	}
	if os.MkdirAll(dir, 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*.idx")
	if err != nil {
		return
	}
	_, err = tmp.Write(head)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), id.path(dir))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}
