//go:build !noasm

#include "textflag.h"

// func packBNAVX512(kc int, b *float32, ldb int, dst *float32, cmask uint64)
//
// dst[q·16+j] = b[q·ldb+j] for j with bit j of cmask set, else 0, for q < kc.
// Masked-off lanes of b are not read.
TEXT ·packBNAVX512(SB), NOSPLIT, $0-40
	MOVQ  kc+0(FP), CX
	MOVQ  b+8(FP), SI
	MOVQ  ldb+16(FP), R8
	SHLQ  $2, R8
	MOVQ  dst+24(FP), DI
	MOVQ  cmask+32(FP), AX
	KMOVW AX, K1
	TESTQ CX, CX
	JZ    bdone

bloop:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      R8, SI
	ADDQ      $64, DI
	DECQ      CX
	JNZ       bloop

bdone:
	VZEROUPPER
	RET

// func packBTAVX512(kc int, b *float32, idx *int32, dst *float32, cmask uint64)
//
// dst[q·16+j] = b[idx[j]+q] for j with bit j of cmask set, else 0, for
// q < kc: with idx[j] = j·ldb this transposes 16 rows of b into a packed B
// panel, one gather per k.
TEXT ·packBTAVX512(SB), NOSPLIT, $0-40
	MOVQ    kc+0(FP), CX
	MOVQ    b+8(FP), SI
	MOVQ    idx+16(FP), R8
	VMOVDQU32 (R8), Z1
	MOVQ    dst+24(FP), DI
	MOVQ    cmask+32(FP), AX
	TESTQ   CX, CX
	JZ      tdone

tloop:
	KMOVW      AX, K2
	VPXORD     Z0, Z0, Z0
	VGATHERDPS (SI)(Z1*4), K2, Z0
	VMOVUPS    Z0, (DI)
	ADDQ       $4, SI
	ADDQ       $64, DI
	DECQ       CX
	JNZ        tloop

tdone:
	VZEROUPPER
	RET
