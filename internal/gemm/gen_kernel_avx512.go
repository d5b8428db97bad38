//go:build ignore

// gen_kernel_avx512.go writes kernel_avx512_amd64.s, the AVX-512
// micro-kernels of package gemm, to stdout.
//
// Run from internal/gemm:  go run gen_kernel_avx512.go > kernel_avx512_amd64.s
// (go generate ./internal/gemm does the same). The rows of the tile are
// unrolled in full, which is why the assembly is generated. Two tile heights
// are written: 26 rows, and 13 for the half tile that ends a part of a
// product split between threads at a half-tile boundary (see job.partRange).
package main

import (
	"fmt"
	"os"
	"strings"
)

// mrs are the tile heights written; mr is the one being written: the
// number of rows of the tile, one ZMM register each.
var (
	mrs = []int{26, 13}
	mr  int
)

var out []string

func w(s string) { out = append(out, s) }

// rowIdx and bases address row r of A in STEPROW: base r/8 plus (r mod 8)·lda.
var (
	rowIdx = []string{"(%s)", "(%s)(R9*1)", "(%s)(R9*2)", "(%s)(R10*1)", "(%s)(R9*4)", "(%s)(R11*1)", "(%s)(R10*2)", "(%s)(R12*1)"}
	bases  = []string{"SI", "R13", "R14", "BX"}
)

// stepCol is one k step with A's values adjacent at base: a load of B and
// mr broadcast FMAs, as the lines of a macro.
func stepCol(zb string, bo int, base string) string {
	s := []string{fmt.Sprintf("\tVMOVUPS %d(DI), %s; \\", bo, zb)}
	for r := range mr {
		s = append(s, fmt.Sprintf("\tVFMADD231PS.BCST %d%s, %s, Z%d; \\", 4*r, base, zb, 4+r))
	}
	s[len(s)-1] = s[len(s)-1][:len(s[len(s)-1])-3]
	return strings.Join(s, "\n")
}

// stepRow is one k step with A's values a row stride apart.
func stepRow(zb, d, bo string) string {
	s := []string{fmt.Sprintf("\tVMOVUPS %s(DI), %s; \\", bo, zb)}
	for r := range mr {
		addr := d + fmt.Sprintf(rowIdx[r%8], bases[r/8])
		s = append(s, fmt.Sprintf("\tVFMADD231PS.BCST %s, %s, Z%d; \\", addr, zb, 4+r))
	}
	s[len(s)-1] = s[len(s)-1][:len(s[len(s)-1])-3]
	return strings.Join(s, "\n")
}

func zero() {
	// Ask for the lines of the C tile now, for writing, so that the
	// epilogue finds them in L1 and owned (AX walks the rows; DX and R8 are
	// reloaded by the epilogue). In a training step on two threads the
	// other core has often read C since it was last written here (the
	// activations and gradients one core makes, the other's next pass
	// reads): a line asked for only for reading would come shared, and the
	// store would wait for the other copy's invalidation (bench/xcore).
	// PREFETCHW (AX) and 60(AX), in bytes (0F 0D /1; the Go assembler has
	// no mnemonic for it).
	w("\tMOVQ c+24(FP), AX")
	w("\tMOVQ ldc+32(FP), DX")
	w("\tSHLQ $2, DX")
	for r := range mr {
		w("\tBYTE $0x0F; BYTE $0x0D; BYTE $0x08")
		w("\tBYTE $0x0F; BYTE $0x0D; BYTE $0x48; BYTE $0x3C")
		if r < mr-1 {
			w("\tADDQ DX, AX")
		}
	}
	for r := range mr {
		w(fmt.Sprintf("\tVPXORD Z%d, Z%d, Z%d", 4+r, 4+r, 4+r))
	}
	// R8 = the bytes of this B panel: the loop asks for the next panel
	// (packed right after it) to be brought into L2 while this one is used.
	w("\tMOVQ CX, R8")
	w("\tSHLQ $6, R8")
}

// rows writes one epilogue: ops(z) for each tile row z, stepping DX to the
// next row of C by step (ldc bytes in R8, or 4 bytes when transposed).
func rows(p, label string, ops func(z string) []string, step string) {
	w(label + ":")
	for r := range mr {
		z := fmt.Sprintf("Z%d", 4+r)
		for _, o := range ops(z) {
			w("\t" + o)
		}
		if r < mr-1 {
			w("\tDECQ CX")
			w("\tJZ   " + p + "ret")
			w("\tADDQ " + step + ", DX")
		}
	}
	w("\tJMP  " + p + "ret\n")
}

func epilogue(p string) {
	w(strings.ReplaceAll(`{p}done:
	// Only the first rows rows, and in each the columns set in cmask, are
	// read or written; masked-off lanes of a memory operand do not fault.
	MOVQ  c+24(FP), DX
	MOVQ  ldc+32(FP), R8
	SHLQ  $2, R8
	MOVQ  cmask+64(FP), AX
	KMOVW AX, K1
	MOVQ  rows+56(FP), CX
	MOVQ  mode+48(FP), AX
	MOVQ  tidx+80(FP), BX
	TESTQ BX, BX
	JNZ   {p}trans
	CMPQ  AX, $1
	JEQ   {p}add
	JGT   {p}scale
`, "{p}", p))
	w("\t// C = T")
	rows(p, p+"store", func(z string) []string { return []string{"VMOVUPS " + z + ", K1, (DX)"} }, "R8")
	w("\t// C = T + C")
	rows(p, p+"add", func(z string) []string {
		return []string{"VADDPS (DX), " + z + ", K1, " + z, "VMOVUPS " + z + ", K1, (DX)"}
	}, "R8")
	w("\t// C = T + beta·C")
	w(p + "scale:")
	w("\tVBROADCASTSS beta+40(FP), Z31")
	rows(p, p+"scalerows", func(z string) []string {
		return []string{"VFMADD231PS (DX), Z31, K1, " + z, "VMOVUPS " + z + ", K1, (DX)"}
	}, "R8")
	// Transposed (tidx not nil): row r of the tile is column r of C, its
	// lane i at c[tidx[i] + r] (tidx[i] = i·ldc); scatters write it and
	// gathers read C; cmask then masks lanes (rows of C).
	w(p + "trans:")
	w("\tVMOVDQU32 (BX), Z30")
	w("\tMOVQ cmask+64(FP), BX")
	w("\tVBROADCASTSS beta+40(FP), Z31")
	w("\tCMPQ AX, $1")
	w("\tJEQ  " + p + "tadd")
	w("\tJGT  " + p + "tscale")
	w("\t// C = T")
	rows(p, p+"tstore", func(z string) []string {
		return []string{"KMOVW BX, K2", "VSCATTERDPS " + z + ", K2, (DX)(Z30*4)"}
	}, "$4")
	gat := []string{"KMOVW BX, K2", "VPXORD Z2, Z2, Z2", "VGATHERDPS (DX)(Z30*4), K2, Z2"}
	w("\t// C = T + C")
	rows(p, p+"tadd", func(z string) []string {
		return append(append([]string{}, gat...), "VADDPS Z2, "+z+", "+z, "KMOVW BX, K2", "VSCATTERDPS "+z+", K2, (DX)(Z30*4)")
	}, "$4")
	w("\t// C = T + beta·C")
	rows(p, p+"tscale", func(z string) []string {
		return append(append([]string{}, gat...), "VFMADD231PS Z2, Z31, "+z, "KMOVW BX, K2", "VSCATTERDPS "+z+", K2, (DX)(Z30*4)")
	}, "$4")
	w(p + "ret:")
	w("\tVZEROUPPER")
	w("\tRET\n")
}

func main() {
	w("// Code generated by gen_kernel_avx512.go; DO NOT EDIT.\n")
	w("//go:build !noasm\n")
	w("#include \"textflag.h\"\n")
	w(`// The AVX-512 micro-kernels keep an MR×16 tile of C (MR = 26 or 13) in
// Z4..Z(3+MR), one ZMM register per row. Each step of k loads 16 floats of
// packed B and issues MR FMAs whose A operand is broadcast from memory
// (embedded broadcast). They differ only in where the MR values of A for one
// k are: kernelMRx16 reads them adjacent (a packed panel, or a column of A
// stored transposed), kernelMRx16RowA reads them a row stride apart (A
// stored as is), so that A need not be packed. Every element of C is the
// same chain of FMAs in either height.
`)
	for _, mr = range mrs {
		w(fmt.Sprintf("// STEPROW%[1]d: A value of row r < %[1]d at base r/8 (SI, R13, R14, BX) + (r mod 8)·lda.", mr))
		w(fmt.Sprintf("#define STEPROW%d(zb, d, bo) \\", mr))
		w(stepRow("zb", "d", "bo"))
		w("")
	}
	for _, mr = range mrs {
		kernels()
	}
	os.Stdout.WriteString(strings.Join(out, "\n") + "\n")
}

// kernels writes the two kernels of tile height mr.
func kernels() {
	c0 := strings.ReplaceAll(stepCol("Z0", 0, "(SI)"), "; \\", "")
	c1 := strings.ReplaceAll(stepCol("Z1", 64, "(SI)(R9*1)"), "; \\", "")
	w(fmt.Sprintf("// func kernel%dx16(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, cmask uint64, astep int, tidx *int32)", mr))
	w(fmt.Sprintf("TEXT ·kernel%dx16(SB), NOSPLIT, $0-88", mr))
	w(`	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ astep+72(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*1), R10
`)
	zero()
	w(`
	CMPQ CX, $2
	JLT  ctail

cloop2:
` + c0 + "\n" + c1 + `
	PREFETCHT1 (DI)(R8*1)
	PREFETCHT1 64(DI)(R8*1)
	ADDQ R10, SI
	ADDQ $128, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE  cloop2

ctail:
	TESTQ CX, CX
	JZ    cdone
` + c0 + "\n")
	epilogue("c")

	w(fmt.Sprintf("// func kernel%dx16RowA(k int, a, b, c *float32, ldc int, beta float32, mode, rows int, cmask uint64, lda int, tidx *int32)", mr))
	w(fmt.Sprintf("TEXT ·kernel%dx16RowA(SB), NOSPLIT, $0-88", mr))
	w(`	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ lda+72(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10
	LEAQ (R9)(R9*4), R11
	LEAQ (R10)(R9*4), R12
	LEAQ (SI)(R9*8), R13
	LEAQ (R13)(R9*8), R14
	LEAQ (R14)(R9*8), BX
`)
	zero()
	w(`
	CMPQ CX, $2
	JLT  rtail

rloop2:
	STEPROW` + fmt.Sprint(mr) + `(Z0, 0, 0)
	STEPROW` + fmt.Sprint(mr) + `(Z1, 4, 64)
	PREFETCHT1 (DI)(R8*1)
	PREFETCHT1 64(DI)(R8*1)
	ADDQ $8, SI
	ADDQ $8, R13
	ADDQ $8, R14
	ADDQ $8, BX
	ADDQ $128, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE  rloop2

rtail:
	TESTQ CX, CX
	JZ    rdone
	STEPROW` + fmt.Sprint(mr) + `(Z0, 0, 0)
`)
	epilogue("r")
}
