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
// Adam without options (no weight decay, maximize or AMSGrad: the common
// case in training) on float32 also has an AVX-512 loop, written by hand in
// adam_avx512_amd64.s with the AVX2 loop's operations in the same order on
// 16 lanes: it takes the whole 64-byte vectors where internal/simd allows
// AVX-512 (not under -tags noavx512), the AVX2 loop the rest. Its results
// equal the AVX2 loop's bit for bit (TestAVX512SameBits); it is about twice
// as fast from cache (79,510 elements, one thread: 15.8 µs against 29.6),
// as square root and division on 16 lanes cost what they cost on 8.
// SGD with momentum without options (after its first step) has an AVX-512
// loop of the same kind (momentum_avx512_amd64.s), equal to its AVX2 loop
// bit for bit: from cache (65,536 elements, one thread, BenchmarkKernel's
// vector against avx2) 4.5–5.1 µs against 5.4–6.0. An AdaGrad loop made the
// same way was twice as fast from cache (9.9–11.0 µs against 18.8–20.6)
// but made the book net's AdaGrad training step slower (the 10th
// percentile of 1500 steps: 388–457 µs against 364–393 in eleven
// alternating pairs, load average 12–18), and on the machine minutes later,
// quieter (load 9), barely faster (272–278 µs against 276–278): the reason
// was not found, and it is not used. UseAVX512 switches the AVX-512 loops off.
//
// All slices passed to one call must have the same length; the callers in
// package optim guarantee it.
package kernel
