//go:build !noasm

#include "textflag.h"

// Each kernel computes what the portable loop of the same name in cols.go
// computes, element for element.

// func orBytesAVX512(acc, src *byte, n int)
// n is a multiple of 64.
TEXT ·orBytesAVX512(SB), NOSPLIT, $0-24
	MOVQ acc+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

or512:
	VMOVDQU64 (SI), Z0
	VPORQ     (DI), Z0, Z0
	VMOVDQU64 Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $64, CX
	JNZ       or512
	VZEROUPPER
	RET

// func orBytesAVX2(acc, src *byte, n int)
// n is a multiple of 32.
TEXT ·orBytesAVX2(SB), NOSPLIT, $0-24
	MOVQ acc+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

or256:
	VMOVDQU (SI), Y0
	VPOR    (DI), Y0, Y0
	VMOVDQU Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $32, CX
	JNZ     or256
	VZEROUPPER
	RET

// func compactAVX512(dst, src *float32, mask *uint16, groups int) int
// groups ≥ 1 groups of 16 floats of src; each group's selected floats are
// compressed in a register and stored with a mask of as many low lanes, so
// nothing beyond them is written (a compress straight to memory is slow on
// some cores).
TEXT ·compactAVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ mask+16(FP), BX
	MOVQ groups+24(FP), R9
	MOVQ DI, R8

cgroup:
	MOVWLZX     (BX), AX
	KMOVW       AX, K1
	VMOVUPS     (SI), Z0
	VCOMPRESSPS Z0, K1, Z1
	POPCNTL     AX, CX
	MOVL        $1, DX
	SHLL        CX, DX
	DECL        DX
	KMOVW       DX, K2
	VMOVUPS     Z1, K2, (DI)
	LEAQ        (DI)(CX*4), DI
	ADDQ        $64, SI
	ADDQ        $2, BX
	DECQ        R9
	JNZ         cgroup
	SUBQ        R8, DI
	SHRQ        $2, DI
	MOVQ        DI, ret+32(FP)
	VZEROUPPER
	RET

// func expandAVX512(dst, src *float32, mask *uint16, groups int) int
// groups ≥ 1 groups of 16 floats of dst; each group's selected floats are
// loaded with a mask of as many low lanes (nothing beyond them is read) and
// expanded into place with zeros elsewhere.
TEXT ·expandAVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ mask+16(FP), BX
	MOVQ groups+24(FP), R9
	MOVQ SI, R8

egroup:
	MOVWLZX     (BX), AX
	KMOVW       AX, K1
	POPCNTL     AX, CX
	MOVL        $1, DX
	SHLL        CX, DX
	DECL        DX
	KMOVW       DX, K2
	VMOVUPS.Z   (SI), K2, Z1
	VEXPANDPS.Z Z1, K1, Z0
	VMOVUPS     Z0, (DI)
	LEAQ        (SI)(CX*4), SI
	ADDQ        $64, DI
	ADDQ        $2, BX
	DECQ        R9
	JNZ         egroup
	SUBQ        R8, SI
	SHRQ        $2, SI
	MOVQ        SI, ret+32(FP)
	VZEROUPPER
	RET
