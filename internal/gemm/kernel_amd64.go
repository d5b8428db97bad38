//go:build !noasm

package gemm

import "golang.org/x/sys/cpu"

// hasAsm reports whether the CPU can run the AVX2+FMA kernels.
var hasAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kernel6x16 is the AVX2+FMA micro-kernel; see kernelGeneric for the contract.
// ldc is in elements. a must hold k·6 floats, b k·16, and c a 6×16 tile.
//
//go:noescape
func kernel6x16(k int, a, b, c *float32, ldc int, beta float32, mode int)
