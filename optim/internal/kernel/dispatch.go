package kernel

import "unsafe"

//go:generate go run gen.go

// useVector selects the vector kernels. It starts as hasVector (AVX2 on
// amd64, never under -tags noasm); tests switch it off to run the scalar
// reference through the same entry points. It is read once per call.
var useVector = hasVector

// useAVX512 selects the AVX-512 loops (Adam without options, float32)
// where hasAVX512; tests switch it off to run the AVX2 loops instead.
var useAVX512 = hasAVX512

// UseAVX512 switches the AVX-512 loops on or off (on only where the CPU
// and build have them) and returns the previous setting; with them off the
// AVX2 loops run. Like UseVector it is for tests and benchmarks.
func UseAVX512(on bool) (prev bool) {
	prev = useAVX512
	useAVX512 = on && hasAVX512
	return prev
}

// HasAVX512 reports whether this build and CPU have AVX-512 loops.
func HasAVX512() bool { return hasAVX512 }

// HasVector reports whether this build and CPU have vector kernels.
func HasVector() bool { return hasVector }

// UseVector switches the vector kernels on or off (on only where HasVector)
// and returns the previous setting. It is for tests and benchmarks that
// compare the two paths; it must not be called while a kernel runs.
func UseVector(on bool) (prev bool) {
	prev = useVector
	useVector = on && hasVector
	return prev
}

// vectorLen is how many of n elements of type T the vector loop takes: the
// whole 32-byte vectors, or none without vector kernels.
func vectorLen[T Float](n int) int {
	if !useVector {
		return 0
	}
	var z T
	return n &^ (32/int(unsafe.Sizeof(z)) - 1)
}

// tail is b[n:], or nil for an absent (nil) buffer.
func tail[T Float](b []T, n int) []T {
	if b == nil {
		return nil
	}
	return b[n:]
}

// ptr32 and ptr64 hand a slice of a float32- or float64-shaped T to the
// assembly; the caller has checked the size of T.
func ptr32[T Float](s []T) *float32 { return (*float32)(unsafe.Pointer(unsafe.SliceData(s))) }
func ptr64[T Float](s []T) *float64 { return (*float64)(unsafe.Pointer(unsafe.SliceData(s))) }
