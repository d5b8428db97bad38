package data

import "unsafe"

// hugePage is the size of a transparent huge page on amd64 and arm64 Linux.
const hugePage = 2 << 20

// makeBytes and makeFloats allocate a buffer of n values for a whole set or
// a large batch. On Linux, a buffer of several megabytes is marked for
// transparent huge pages (adviseHuge), so that filling it costs one page
// fault per 2 MB rather than one per 4 KB: on a virtual machine, faulting
// in MNIST's 47 MB of pixels 4 KB at a time took longer than reading them.
func makeBytes(n int) []byte {
	b := make([]byte, n)
	if n > 0 {
		adviseHuge(unsafe.Pointer(unsafe.SliceData(b)), uintptr(n))
	}
	return b
}

func makeFloats(n int) []float32 {
	x := make([]float32, n)
	if n > 0 {
		adviseHuge(unsafe.Pointer(unsafe.SliceData(x)), 4*uintptr(n))
	}
	return x
}

// hugeRange returns the whole huge pages inside the size bytes at address
// p, as an offset from p and a length (0 when there are fewer than two).
func hugeRange(p, size uintptr) (off, length uintptr) {
	lo := (p + hugePage - 1) &^ (hugePage - 1)
	hi := (p + size) &^ (hugePage - 1)
	if hi < lo+2*hugePage {
		return 0, 0
	}
	return lo - p, hi - lo
}
