// Package vec holds the element-wise float32 loops of a training step that
// run between matrix products: converting pixel bytes to float32, adding a
// bias row (and applying ReLU), masking a gradient by ReLU's derivative,
// summing the columns of a matrix (bias gradients), the softmax of each row
// with its cross-entropy terms (SoftmaxRows, with the float32 exponential
// Exp32), and checking that a vector is finite. Prefetch asks for memory
// ahead of its use.
//
// Each function has a portable Go loop, which is the definition and the
// reference, and on amd64 an AVX-512F version chosen at run time where the
// CPU has AVX-512F (golang.org/x/sys/cpu), and an AVX2 version otherwise.
// Every vector path computes exactly what the portable loop computes, bit for
// bit: the same operations on each element in the same order (sums run down
// the rows of each column, one column per lane), with NaN and −0 handled as
// the portable loop handles them. The tests run every path the CPU has in
// one process and compare them on odd sizes and unaligned slices (a NaN
// result must be NaN, whatever its payload: Go fixes no operand order).
//
// The paths follow internal/simd: the build tag noasm removes the assembly
// (the portable loops run); the build tag noavx512 keeps only the AVX2
// path, so that CI on an AVX-512 machine still runs it.
package vec
