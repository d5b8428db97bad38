// Package kernel holds the fused update loops of the optimizers: one pass
// over a parameter's buffers per step, reading each element once and
// writing it once.
//
// The functions in this file set are the scalar reference implementation,
// written once for float32 and float64 with generics. They follow the order
// of operations of torch.optim's _single_tensor_* functions (torch 1.13) so
// that float64 trajectories agree with PyTorch's to within rounding.
// Constants that depend only on the step (bias corrections, step sizes) are
// computed by the caller in float64 and passed in; the loops convert them to
// the element type once, outside the loop, as PyTorch does when it passes a
// Python float to a tensor operation.
//
// # Vector kernels
//
// The exported functions (vec.go) run an AVX2 loop over the whole 32-byte
// vectors of the slices, chosen once per call from the CPU's features
// (golang.org/x/sys/cpu), and the scalar reference over the rest. The
// assembly (vec_amd64.s) is written by gen.go from one description of each
// kernel, for float32 and float64; it performs the scalar loop's operations
// in the same order, without fused multiply-adds, so its results are the
// reference's bit for bit. Under -tags noasm, on other architectures and on
// CPUs without AVX2 only the scalar loops run; UseVector switches the vector
// loops off in a running program, for tests and benchmarks.
//
// All slices passed to one call must have the same length; the callers in
// package optim guarantee it.
package kernel
