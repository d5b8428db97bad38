package gemm

// path is one implementation of the micro-kernel together with the tile
// shape it computes.
type path uint8

const (
	pathGeneric path = iota // portable Go, the reference
	pathAVX2                // 6×16 tile in YMM registers, AVX2+FMA
	pathAVX512              // 26×16 tile in ZMM registers, AVX512F
)

// bestPath is the fastest path this CPU and build can run.
func bestPath() path {
	switch {
	case hasAVX512:
		return pathAVX512
	case hasAsm:
		return pathAVX2
	}
	return pathGeneric
}

// usePath is the path Sgemm takes. Tests change it to run every available
// path in one process; it is read once per call.
var usePath = bestPath()

func (p path) String() string {
	switch p {
	case pathAVX2:
		return "avx2"
	case pathAVX512:
		return "avx512"
	}
	return "generic"
}

// mr is the number of rows of the path's register tile (its columns are
// always nr): 26 ZMM accumulators leave registers for two B vectors and
// beta, and 26 divides the batch sizes of training with little waste (100
// rows run as 4×26 = 104, 128 as 5×26 = 130).
func (p path) mr() int {
	if p == pathAVX512 {
		return mrAVX512
	}
	return mr
}

// mcMax is the largest block of rows of A packed at once, a whole number of
// tiles.
func (p path) mcMax() int {
	if p == pathAVX512 {
		return mcMaxAVX512
	}
	return mcMax
}
