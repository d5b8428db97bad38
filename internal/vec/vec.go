package vec

import "fmt"

// Path names a family of kernels.
type Path int

// The paths, slowest first.
const (
	Portable Path = iota
	AVX2
	AVX512
)

func (p Path) String() string {
	switch p {
	case AVX2:
		return "avx2"
	case AVX512:
		return "avx512"
	}
	return "portable"
}

// path is the family the exported functions use; Use changes it.
var path = best

// Best returns the fastest path this CPU and build can run.
func Best() Path { return best }

// Use makes the functions of this package run path p (for tests and
// benchmarks) and returns the previous one. It panics if the CPU or build
// cannot run p. It must not be called while another goroutine uses the
// package.
func Use(p Path) Path {
	if p > best {
		panic(fmt.Sprintf("vec: path %v not available (best is %v)", p, best))
	}
	old := path
	path = p
	return old
}

// BytesToFloat32 sets dst[i] = float32(src[i]) / div for every i < len(src)
// (the quotient rounded once, as Go's float32 division rounds). dst must be
// at least as long as src.
func BytesToFloat32(dst []float32, src []byte, div float32) {
	dst = dst[:len(src)]
	n := 0
	switch path {
	case AVX512:
		n = len(src) &^ 15
		if n > 0 {
			bytesToF32AVX512(&dst[0], &src[0], n, div)
		}
	case AVX2:
		n = len(src) &^ 7
		if n > 0 {
			bytesToF32AVX2(&dst[0], &src[0], n, div)
		}
	}
	bytesToFloat32(dst[n:], src[n:], div)
}

func bytesToFloat32(dst []float32, src []byte, div float32) {
	dst = dst[:len(src)]
	for i, b := range src {
		dst[i] = float32(b) / div
	}
}

// AllFinite reports whether no element of x is NaN or ±Inf.
func AllFinite(x []float32) bool {
	n := 0
	switch path {
	case AVX512:
		n = len(x) &^ 15
		if n > 0 && !finiteAVX512(&x[0], n) {
			return false
		}
	case AVX2:
		n = len(x) &^ 7
		if n > 0 && !finiteAVX2(&x[0], n) {
			return false
		}
	}
	return allFinite(x[n:])
}

func allFinite(x []float32) bool {
	var s float32
	for _, v := range x {
		s += v * 0 // NaN exactly when v is NaN or ±Inf
	}
	return s == s
}

// AddBias adds b to every row of z (len(z) must be a multiple of len(b),
// which must not be 0) and, with relu set, then replaces every negative
// result by 0: z[r·c+j] = relu(z[r·c+j] + b[j]) with relu(v) = 0 if v < 0,
// else v (NaN and −0 pass through).
func AddBias(z, b []float32, relu bool) {
	c := len(b)
	if c == 0 || len(z)%c != 0 {
		panic(fmt.Sprintf("vec: AddBias of %d values by rows of %d", len(z), c))
	}
	rows := len(z) / c
	if rows == 0 {
		return
	}
	switch path {
	case AVX512:
		addBiasAVX512(&z[0], &b[0], rows, c, relu)
		return
	case AVX2:
		if c >= 8 {
			full := c &^ 7
			addBiasAVX2(&z[0], &b[0], rows, c, full, relu)
			if full == c {
				return
			}
			for r := range rows {
				addBias(z[r*c+full:r*c+c], b[full:], relu)
			}
			return
		}
	}
	addBias(z, b, relu)
}

func addBias(z, b []float32, relu bool) {
	c := len(b)
	for r := 0; r+c <= len(z); r += c {
		row := z[r : r+c]
		for j, v := range row {
			v += b[j]
			if relu && v < 0 {
				v = 0
			}
			row[j] = v
		}
	}
}

// ReLUGrad zeroes g[i] wherever y[i] ≤ 0 (relu′(0) = 0, as in PyTorch); a NaN
// y keeps g. y must be at least as long as g.
func ReLUGrad(g, y []float32) {
	y = y[:len(g)]
	n := 0
	switch path {
	case AVX512:
		n = len(g)
		if n > 0 {
			reluGradAVX512(&g[0], &y[0], n)
		}
	case AVX2:
		n = len(g) &^ 7
		if n > 0 {
			reluGradAVX2(&g[0], &y[0], n)
		}
	}
	reluGrad(g[n:], y[n:])
}

func reluGrad(g, y []float32) {
	y = y[:len(g)]
	for i, v := range y {
		if v <= 0 {
			g[i] = 0
		}
	}
}

// ColSums sets dst[j] to the sum of column j of the rows×len(dst) matrix x
// (row-major), added row by row in float32: dst[j] = ((x[0][j] + x[1][j]) +
// x[2][j]) + …, starting from 0.
func ColSums(dst, x []float32) {
	c := len(dst)
	if c == 0 || len(x)%c != 0 {
		panic(fmt.Sprintf("vec: ColSums of %d values into %d columns", len(x), c))
	}
	rows := len(x) / c
	if rows == 0 {
		clear(dst)
		return
	}
	switch path {
	case AVX512:
		colSumsAVX512(&dst[0], &x[0], rows, c)
		return
	case AVX2:
		if c >= 8 {
			full := c &^ 7
			colSumsAVX2(&dst[0], &x[0], rows, c, full)
			if full < c {
				colSums(dst[full:], x[full:], rows, c)
			}
			return
		}
	}
	colSums(dst, x, rows, c)
}

// colSums sums the first len(dst) columns of x, whose rows are stride apart.
func colSums(dst, x []float32, rows, stride int) {
	clear(dst)
	for r := range rows {
		row := x[r*stride : r*stride+len(dst)]
		for j, v := range row {
			dst[j] += v
		}
	}
}

// Prefetch asks the CPU to bring every cache line of b into the caches
// ahead of its use, without waiting for it (PREFETCHT0 on amd64; nothing
// elsewhere or with noasm). It changes no memory and no result.
func Prefetch(b []byte) {
	if len(b) > 0 && best != Portable {
		prefetchAsm(&b[0], len(b))
	}
}
