// Package simd says which vector instruction sets this process uses: what
// the CPU has (golang.org/x/sys/cpu), less what the build takes away. The
// build tag noasm turns every assembly kernel off (the portable loops run);
// noavx512 keeps AVX-512 off on a CPU that has it, so that CI on such a
// machine also runs the AVX2 kernels. The packages with kernels (gemm, vec)
// choose their paths from these two values, so the tags mean the same in
// every one of them.
package simd

import "golang.org/x/sys/cpu"

// AVX2 reports whether the AVX2 and FMA kernels may run.
var AVX2 = asm && cpu.X86.HasAVX2 && cpu.X86.HasFMA

// AVX512 reports whether the AVX-512 kernels may run (they use AVX512F
// only, and the AVX2 ones are there too).
var AVX512 = AVX2 && allowAVX512 && cpu.X86.HasAVX512F
