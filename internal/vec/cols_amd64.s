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

// func compactAVX512(dst, src *float32, mask *uint16, perm *int32, groups int) int
// groups ≥ 1 groups of 16 floats of src; each group's selected floats are
// moved to its low lanes by VPERMPS with the group's indices perm and
// stored with a mask of as many lanes, so nothing beyond them is written.
// (VCOMPRESSPS does the same at 1.5× the time on Zen 5.)
TEXT ·compactAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ mask+16(FP), BX
	MOVQ perm+24(FP), R11
	MOVQ groups+32(FP), R9
	MOVQ DI, R8
	LEAQ lowLanes<>(SB), R10

cgroup:
	MOVWLZX   (BX), AX
	POPCNTL   AX, CX
	KMOVW     (R10)(CX*2), K2
	VMOVDQU32 (R11), Z2
	VPERMPS   (SI), Z2, Z1
	VMOVUPS   Z1, K2, (DI)
	LEAQ      (DI)(CX*4), DI
	ADDQ      $64, SI
	ADDQ      $64, R11
	ADDQ      $2, BX
	DECQ      R9
	JNZ       cgroup
	SUBQ      R8, DI
	SHRQ      $2, DI
	MOVQ      DI, ret+40(FP)
	VZEROUPPER
	RET

// func expandAVX512(dst, src *float32, mask *uint16, inv *int32, groups int) int
// groups ≥ 1 groups of 16 floats of dst; each group's floats are loaded
// from src with a mask of as many low lanes (nothing beyond them is read),
// moved to their columns by VPERMPS with the group's indices inv, and the
// other lanes zeroed.
TEXT ·expandAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ mask+16(FP), BX
	MOVQ inv+24(FP), R11
	MOVQ groups+32(FP), R9
	MOVQ SI, R8
	LEAQ lowLanes<>(SB), R10

egroup:
	MOVWLZX   (BX), AX
	KMOVW     AX, K1
	POPCNTL   AX, CX
	KMOVW     (R10)(CX*2), K2
	VMOVUPS.Z (SI), K2, Z1
	VMOVDQU32 (R11), Z2
	VPERMPS.Z Z1, Z2, K1, Z0
	VMOVUPS   Z0, (DI)
	LEAQ      (SI)(CX*4), SI
	ADDQ      $64, DI
	ADDQ      $64, R11
	ADDQ      $2, BX
	DECQ      R9
	JNZ       egroup
	SUBQ      R8, SI
	SHRQ      $2, SI
	MOVQ      SI, ret+40(FP)
	VZEROUPPER
	RET

// lowLanes[c] has the low c of 16 bits set: the lanes of c packed floats.
DATA lowLanes<>+0(SB)/2, $0x0000
DATA lowLanes<>+2(SB)/2, $0x0001
DATA lowLanes<>+4(SB)/2, $0x0003
DATA lowLanes<>+6(SB)/2, $0x0007
DATA lowLanes<>+8(SB)/2, $0x000f
DATA lowLanes<>+10(SB)/2, $0x001f
DATA lowLanes<>+12(SB)/2, $0x003f
DATA lowLanes<>+14(SB)/2, $0x007f
DATA lowLanes<>+16(SB)/2, $0x00ff
DATA lowLanes<>+18(SB)/2, $0x01ff
DATA lowLanes<>+20(SB)/2, $0x03ff
DATA lowLanes<>+22(SB)/2, $0x07ff
DATA lowLanes<>+24(SB)/2, $0x0fff
DATA lowLanes<>+26(SB)/2, $0x1fff
DATA lowLanes<>+28(SB)/2, $0x3fff
DATA lowLanes<>+30(SB)/2, $0x7fff
DATA lowLanes<>+32(SB)/2, $0xffff
GLOBL lowLanes<>(SB), RODATA|NOPTR, $34
