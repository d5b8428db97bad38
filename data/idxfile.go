package data

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
)

// MaxExpansion bounds how many bytes one byte of a gzip file can decode to.
// DEFLATE's densest code is a 258-byte match in about 2 bits, so no stream
// expands more than 1032-fold (zlib's technical notes); a file whose header
// claims more data than this allows is refused before anything is decoded.
const MaxExpansion = 1032

// idxFile is an idx file opened for streaming: its header has been read and
// checked against the file's size, and its data come next.
type idxFile struct {
	name      string
	f         fs.File
	src       io.Reader // the content: raw, decoded, or a decoded copy
	gzipped   bool      // f is a gzip file
	closeGzip func()
	cached    io.Closer // the decoded copy that src reads, if any
	storeIn   string    // the cache folder to store the decoded content in, if any
	id        gzipID    // f's identity, when storeIn is set
	dims      []int
	total     int // data bytes the header describes
}

// openIDX opens name in fsys, which must be a regular file, reads its
// header and checks it against the file's size before anything else is
// read: a raw file must hold exactly the header and its data, and a gzip
// file of s bytes can hold at most MaxExpansion·s data bytes. So a small
// file that claims a huge count is refused at once, having cost nothing.
//
// With a cache folder, a gzip file is read from its decoded copy there
// when it has one (checked against the gzip trailer as it is read), and
// otherwise decoded and, once read whole, copied there.
func openIDX(fsys fs.FS, name string, c cache) (*idxFile, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (mode %v)", st.Mode())
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	x := &idxFile{name: name, f: f}
	if err := x.start(fsys, c, st.Size()); err != nil {
		x.close()
		return nil, err
	}
	return x, nil
}

func (x *idxFile) start(fsys fs.FS, c cache, size int64) error {
	br := bufio.NewReaderSize(x.f, 64<<10)
	if head, _ := br.Peek(2); c.dir != "" && len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		id, err := identify(fsys, x.name)
		if err != nil {
			return err
		}
		x.storeIn, x.id = c.dir, id
		if r := openCached(c.dir, id, c.reuse); r != nil {
			x.src, x.gzipped = bufio.NewReaderSize(r, 64<<10), true
			if x.header(size) == nil {
				x.cached, x.storeIn = r, ""
				return nil
			}
			r.Close() // a damaged copy: decode, and replace it
		}
	}
	src, closeGzip, gzipped, err := decompress(br)
	if err != nil {
		return err
	}
	x.src, x.closeGzip, x.gzipped = src, closeGzip, gzipped
	return x.header(size)
}

// header reads the header and checks it against the file's size.
func (x *idxFile) header(size int64) error {
	dims, total, length, err := readHeader(x.src)
	if err != nil {
		return err
	}
	x.dims, x.total = dims, total
	switch {
	case x.gzipped && int64(total) > MaxExpansion*size:
		return fmt.Errorf("%w: the header's dimensions %v describe %d data bytes, more than a gzip file of %d bytes can hold (at most %d× as much)",
			ErrFormat, dims, total, size, MaxExpansion)
	case !x.gzipped && int64(length+total) > size:
		return truncated(total, int(size)-length)
	case !x.gzipped && int64(length+total) < size:
		return fmt.Errorf("%w: trailing data: the header describes %d data bytes, the file has %d", ErrFormat, total, int(size)-length)
	}
	return nil
}

// read returns the first n data bytes (n ≤ x.total), in a buffer that
// grows from at most firstRead bytes as they arrive, and when n is all
// of them checks that the file ends there.
func (x *idxFile) read(n int) ([]byte, error) {
	buf, err := readN(x.src, n, firstRead)
	if err != nil {
		return nil, err
	}
	if n == x.total {
		if err := atEnd(x.src, n); err != nil {
			return nil, err
		}
		if x.storeIn != "" {
			store(x.storeIn, x.id, x.dims, buf)
		}
	}
	return buf, nil
}

// firstRead is the largest buffer that loading allocates before the data
// arrive. It holds all of MNIST's training images (47 MB) at once; larger
// sets grow by doubling. A file that claims more than it holds (up to
// MaxExpansion times its size) costs at most this much.
const firstRead = 64 << 20

func (x *idxFile) close() {
	if x.closeGzip != nil {
		x.closeGzip()
	}
	if x.cached != nil {
		x.cached.Close()
	}
	x.f.Close()
}
