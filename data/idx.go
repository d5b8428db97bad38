package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrFormat is wrapped by every error that reports a malformed idx file, so
// callers can tell bad data (errors.Is(err, ErrFormat)) from I/O failures.
var ErrFormat = errors.New("data: malformed idx file")

// MaxIDXSize is the largest data section, in bytes, that ReadIDX accepts.
// A header that describes more is rejected as absurd before anything is read.
// (The largest file in MNIST holds 47 040 000 bytes.)
const MaxIDXSize = 1 << 31

// maxIDXDims bounds the number of dimensions in a header; the idx format
// stores it in one byte, and no real file uses more than a handful.
const maxIDXDims = 8

// idxUbyte is the idx type code of unsigned bytes, the only element type
// that the MNIST family uses.
const idxUbyte = 0x08

// IDX is the content of an idx file whose elements are unsigned bytes
// (type code 0x08): Dims from the header, outermost first, and Data in
// row-major order with len(Data) equal to the product of Dims.
// Labels have one dimension (magic 0x00000801), images three (0x00000803).
type IDX struct {
	Dims []int
	Data []byte
}

// ReadIDX reads one idx file from r, gzip-compressed or raw (a gzip stream is
// recognised by its magic bytes 1f 8b, not by a file name).
//
// Validation is strict: the magic must be 0x0000 0x08 ndim with 1 ≤ ndim ≤ 8,
// every dimension must be at least 1, their product at most MaxIDXSize, and
// the data section must have exactly that many bytes: fewer is "truncated",
// more is "trailing data". Such errors wrap ErrFormat. The header is never
// trusted for allocation: the buffer grows with the bytes actually read,
// so a short file that claims a huge size costs at most about twice its
// real length.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: bad gzip header: %v", ErrFormat, err)
		}
		defer zr.Close()
		src = zr
	}

	var magic [4]byte
	if _, err := io.ReadFull(src, magic[:]); err != nil {
		return nil, headerErr("magic number", err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("%w: bad magic number 0x%08x: want 0x000008NN (NN = number of dimensions)", ErrFormat, binary.BigEndian.Uint32(magic[:]))
	}
	if magic[2] != idxUbyte {
		return nil, fmt.Errorf("%w: unsupported element type 0x%02x in magic 0x%08x: only unsigned byte (0x08) is supported", ErrFormat, magic[2], binary.BigEndian.Uint32(magic[:]))
	}
	ndim := int(magic[3])
	if ndim < 1 || ndim > maxIDXDims {
		return nil, fmt.Errorf("%w: %d dimensions in magic 0x%08x: want 1 to %d", ErrFormat, ndim, binary.BigEndian.Uint32(magic[:]), maxIDXDims)
	}

	var raw [4 * maxIDXDims]byte
	if _, err := io.ReadFull(src, raw[:4*ndim]); err != nil {
		return nil, headerErr(fmt.Sprintf("%d dimension sizes", ndim), err)
	}
	dims := make([]int, ndim)
	total := 1
	for i := range dims {
		d := binary.BigEndian.Uint32(raw[4*i:])
		if d == 0 {
			return nil, fmt.Errorf("%w: dimension %d is zero", ErrFormat, i)
		}
		if uint64(total)*uint64(d) > MaxIDXSize {
			return nil, fmt.Errorf("%w: header dimensions %v… describe more than %d bytes", ErrFormat, append(dims[:i:i], int(d)), MaxIDXSize)
		}
		dims[i] = int(d)
		total *= int(d)
	}

	body, err := readExactly(src, total)
	if err != nil {
		return nil, fmt.Errorf("reading idx data for dimensions %v: %w", dims, err)
	}
	return &IDX{Dims: dims, Data: body}, nil
}

func headerErr(what string, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: truncated header: cannot read the %s", ErrFormat, what)
	}
	return fmt.Errorf("reading idx %s: %w", what, err)
}

// readExactly reads exactly n bytes from r and checks that r then ends.
// It grows its buffer by doubling, capped at n, so memory follows the data
// actually present rather than the n promised by a header.
func readExactly(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, 0, min(n, 64<<10))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			bigger := make([]byte, len(buf), min(2*cap(buf), n))
			copy(bigger, buf)
			buf = bigger
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			if len(buf) < n {
				return nil, fmt.Errorf("%w: truncated: the header promises %d data bytes, the file has %d", ErrFormat, n, len(buf))
			}
			break
		}
		if err != nil {
			return nil, err
		}
	}
	// One more read must report a clean end (for gzip this also verifies
	// the checksum and length in the trailer).
	var one [1]byte
	m, err := io.ReadFull(r, one[:])
	switch {
	case m > 0:
		return nil, fmt.Errorf("%w: trailing data after the %d bytes that the header describes", ErrFormat, n)
	case err == io.EOF:
		return buf, nil
	default:
		return nil, err
	}
}

// WriteIDX writes x to w as a raw (uncompressed) idx file of unsigned bytes.
// It is the inverse of ReadIDX, useful for tests and for saving subsets.
func WriteIDX(w io.Writer, x *IDX) error {
	if len(x.Dims) < 1 || len(x.Dims) > maxIDXDims {
		return fmt.Errorf("data: WriteIDX: %d dimensions, want 1 to %d", len(x.Dims), maxIDXDims)
	}
	total := 1
	for i, d := range x.Dims {
		if d < 1 || d > 1<<32-1 {
			return fmt.Errorf("data: WriteIDX: dimension %d is %d", i, d)
		}
		total *= d
	}
	if total != len(x.Data) {
		return fmt.Errorf("data: WriteIDX: dimensions %v describe %d bytes, Data has %d", x.Dims, total, len(x.Data))
	}
	head := make([]byte, 4+4*len(x.Dims))
	head[2], head[3] = idxUbyte, byte(len(x.Dims))
	for i, d := range x.Dims {
		binary.BigEndian.PutUint32(head[4+4*i:], uint32(d))
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	_, err := w.Write(x.Data)
	return err
}
