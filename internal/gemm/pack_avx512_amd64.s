//go:build !noasm

#include "textflag.h"

// NONFINITE(z) ORs into K3 the lanes of z whose exponent bits are all ones
// (±Inf, NaN), with Z16 holding 0x7F800000 in every lane; it uses Z17 and K2.
#define NONFINITE(z) \
	VPANDD   Z16, z, Z17 \
	VPCMPEQD Z16, Z17, K2 \
	KORW     K2, K3, K3

// lanes<> is 0, 1, …, 15: a row's offset in rows of b, times ldb.
DATA lanes<>+0(SB)/4, $0
DATA lanes<>+4(SB)/4, $1
DATA lanes<>+8(SB)/4, $2
DATA lanes<>+12(SB)/4, $3
DATA lanes<>+16(SB)/4, $4
DATA lanes<>+20(SB)/4, $5
DATA lanes<>+24(SB)/4, $6
DATA lanes<>+28(SB)/4, $7
DATA lanes<>+32(SB)/4, $8
DATA lanes<>+36(SB)/4, $9
DATA lanes<>+40(SB)/4, $10
DATA lanes<>+44(SB)/4, $11
DATA lanes<>+48(SB)/4, $12
DATA lanes<>+52(SB)/4, $13
DATA lanes<>+56(SB)/4, $14
DATA lanes<>+60(SB)/4, $15
GLOBL lanes<>(SB), RODATA|NOPTR, $64

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

// func packBTGatherAVX512(kc int, b *float32, ldb int, idx *int32, dst *float32, cmask uint64)
//
// dst[q·16+j] = b[idx[j]+q] for j with bit j of cmask set, else 0, for
// q < kc, one gather per k: packBTAVX512 for a panel with rows missing.
TEXT ·packBTGatherAVX512(SB), NOSPLIT, $0-48
	MOVQ kc+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ dst+32(FP), DI
	MOVQ cmask+40(FP), AX

tgather:
	TESTQ     CX, CX
	JZ        tdone
	MOVQ      idx+24(FP), R8
	VMOVDQU32 (R8), Z1

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

// func packBTSAVX512(kc int, b *float32, ldb int, dst *float32, dstride int, check int) (finite bool)
//
// dst[q·dstride+j] = b[j·ldb+q] for j < 16 and q < kc: it transposes 16
// rows of b into rows of 16 that lie dstride floats apart in dst (16: a
// packed B panel; more: one panel of a row of several, as Packed holds).
// 16×16 blocks go through registers (unpack, then 128-bit-lane shuffles);
// the last kc mod 16 take one gather per k. With check set, finite reports
// whether every value is finite (exponent bits not all ones, tested on
// the transposed block while it is in registers); else it is true.
TEXT ·packBTSAVX512(SB), NOSPLIT, $0-49
	KXORW K3, K3, K3
	MOVQ kc+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), R8
	SHLQ $2, R8
	MOVQ dst+24(FP), DI
	MOVQ dstride+32(FP), R13
	SHLQ $2, R13
	LEAQ (R8)(R8*2), R9
	LEAQ (R8)(R8*4), R10
	LEAQ (R9)(R8*4), R11
	LEAQ (SI)(R8*8), R12

sblock:
	CMPQ CX, $16
	JLT  sgather
	VMOVUPS (SI), Z0
	VMOVUPS (SI)(R8*1), Z1
	VMOVUPS (SI)(R8*2), Z2
	VMOVUPS (SI)(R9*1), Z3
	VMOVUPS (SI)(R8*4), Z4
	VMOVUPS (SI)(R10*1), Z5
	VMOVUPS (SI)(R9*2), Z6
	VMOVUPS (SI)(R11*1), Z7
	VMOVUPS (R12), Z8
	VMOVUPS (R12)(R8*1), Z9
	VMOVUPS (R12)(R8*2), Z10
	VMOVUPS (R12)(R9*1), Z11
	VMOVUPS (R12)(R8*4), Z12
	VMOVUPS (R12)(R10*1), Z13
	VMOVUPS (R12)(R9*2), Z14
	VMOVUPS (R12)(R11*1), Z15
	VUNPCKLPS Z1, Z0, Z16
	VUNPCKHPS Z1, Z0, Z17
	VUNPCKLPS Z3, Z2, Z18
	VUNPCKHPS Z3, Z2, Z19
	VUNPCKLPS Z5, Z4, Z20
	VUNPCKHPS Z5, Z4, Z21
	VUNPCKLPS Z7, Z6, Z22
	VUNPCKHPS Z7, Z6, Z23
	VUNPCKLPS Z9, Z8, Z24
	VUNPCKHPS Z9, Z8, Z25
	VUNPCKLPS Z11, Z10, Z26
	VUNPCKHPS Z11, Z10, Z27
	VUNPCKLPS Z13, Z12, Z28
	VUNPCKHPS Z13, Z12, Z29
	VUNPCKLPS Z15, Z14, Z30
	VUNPCKHPS Z15, Z14, Z31
	VSHUFPS $0x44, Z18, Z16, Z0
	VSHUFPS $0xEE, Z18, Z16, Z1
	VSHUFPS $0x44, Z19, Z17, Z2
	VSHUFPS $0xEE, Z19, Z17, Z3
	VSHUFPS $0x44, Z22, Z20, Z4
	VSHUFPS $0xEE, Z22, Z20, Z5
	VSHUFPS $0x44, Z23, Z21, Z6
	VSHUFPS $0xEE, Z23, Z21, Z7
	VSHUFPS $0x44, Z26, Z24, Z8
	VSHUFPS $0xEE, Z26, Z24, Z9
	VSHUFPS $0x44, Z27, Z25, Z10
	VSHUFPS $0xEE, Z27, Z25, Z11
	VSHUFPS $0x44, Z30, Z28, Z12
	VSHUFPS $0xEE, Z30, Z28, Z13
	VSHUFPS $0x44, Z31, Z29, Z14
	VSHUFPS $0xEE, Z31, Z29, Z15
	VSHUFF32X4 $0x88, Z4, Z0, Z16
	VSHUFF32X4 $0xDD, Z4, Z0, Z20
	VSHUFF32X4 $0x88, Z5, Z1, Z17
	VSHUFF32X4 $0xDD, Z5, Z1, Z21
	VSHUFF32X4 $0x88, Z6, Z2, Z18
	VSHUFF32X4 $0xDD, Z6, Z2, Z22
	VSHUFF32X4 $0x88, Z7, Z3, Z19
	VSHUFF32X4 $0xDD, Z7, Z3, Z23
	VSHUFF32X4 $0x88, Z12, Z8, Z24
	VSHUFF32X4 $0xDD, Z12, Z8, Z28
	VSHUFF32X4 $0x88, Z13, Z9, Z25
	VSHUFF32X4 $0xDD, Z13, Z9, Z29
	VSHUFF32X4 $0x88, Z14, Z10, Z26
	VSHUFF32X4 $0xDD, Z14, Z10, Z30
	VSHUFF32X4 $0x88, Z15, Z11, Z27
	VSHUFF32X4 $0xDD, Z15, Z11, Z31
	VSHUFF32X4 $0x88, Z24, Z16, Z0
	VSHUFF32X4 $0xDD, Z24, Z16, Z8
	VSHUFF32X4 $0x88, Z25, Z17, Z1
	VSHUFF32X4 $0xDD, Z25, Z17, Z9
	VSHUFF32X4 $0x88, Z26, Z18, Z2
	VSHUFF32X4 $0xDD, Z26, Z18, Z10
	VSHUFF32X4 $0x88, Z27, Z19, Z3
	VSHUFF32X4 $0xDD, Z27, Z19, Z11
	VSHUFF32X4 $0x88, Z28, Z20, Z4
	VSHUFF32X4 $0xDD, Z28, Z20, Z12
	VSHUFF32X4 $0x88, Z29, Z21, Z5
	VSHUFF32X4 $0xDD, Z29, Z21, Z13
	VSHUFF32X4 $0x88, Z30, Z22, Z6
	VSHUFF32X4 $0xDD, Z30, Z22, Z14
	VSHUFF32X4 $0x88, Z31, Z23, Z7
	VSHUFF32X4 $0xDD, Z31, Z23, Z15
	CMPQ check+40(FP), $0
	JEQ  sstore
	// K3 |= the lanes whose exponent bits are all ones (±Inf, NaN);
	// Z16 and Z17 are free after the last shuffle.
	MOVL         $0x7F800000, AX
	VPBROADCASTD AX, Z16
	NONFINITE(Z0)
	NONFINITE(Z1)
	NONFINITE(Z2)
	NONFINITE(Z3)
	NONFINITE(Z4)
	NONFINITE(Z5)
	NONFINITE(Z6)
	NONFINITE(Z7)
	NONFINITE(Z8)
	NONFINITE(Z9)
	NONFINITE(Z10)
	NONFINITE(Z11)
	NONFINITE(Z12)
	NONFINITE(Z13)
	NONFINITE(Z14)
	NONFINITE(Z15)

sstore:
	VMOVUPS Z0, (DI)
	ADDQ    R13, DI
	VMOVUPS Z1, (DI)
	ADDQ    R13, DI
	VMOVUPS Z2, (DI)
	ADDQ    R13, DI
	VMOVUPS Z3, (DI)
	ADDQ    R13, DI
	VMOVUPS Z4, (DI)
	ADDQ    R13, DI
	VMOVUPS Z5, (DI)
	ADDQ    R13, DI
	VMOVUPS Z6, (DI)
	ADDQ    R13, DI
	VMOVUPS Z7, (DI)
	ADDQ    R13, DI
	VMOVUPS Z8, (DI)
	ADDQ    R13, DI
	VMOVUPS Z9, (DI)
	ADDQ    R13, DI
	VMOVUPS Z10, (DI)
	ADDQ    R13, DI
	VMOVUPS Z11, (DI)
	ADDQ    R13, DI
	VMOVUPS Z12, (DI)
	ADDQ    R13, DI
	VMOVUPS Z13, (DI)
	ADDQ    R13, DI
	VMOVUPS Z14, (DI)
	ADDQ    R13, DI
	VMOVUPS Z15, (DI)
	ADDQ    R13, DI
	ADDQ $64, SI
	ADDQ $64, R12
	SUBQ $16, CX
	JMP  sblock

sgather:
	TESTQ     CX, CX
	JZ        sdone
	MOVQ      ldb+16(FP), R8
	VPBROADCASTD R8, Z1
	VPMULLD   lanes<>(SB), Z1, Z1
	MOVL      $0xFFFF, AX

sloop:
	KMOVW      AX, K2
	VPXORD     Z0, Z0, Z0
	VGATHERDPS (SI)(Z1*4), K2, Z0
	VMOVUPS    Z0, (DI)
	// The finiteness test as above (Z2, Z3 free here), whether or not
	// asked: one column.
	MOVL         $0x7F800000, BX
	VPBROADCASTD BX, Z2
	VPANDD       Z2, Z0, Z3
	VPCMPEQD     Z2, Z3, K2
	KORW         K2, K3, K3
	ADDQ       $4, SI
	ADDQ       R13, DI
	DECQ       CX
	JNZ        sloop

sdone:
	KORTESTW K3, K3
	SETEQ    finite+48(FP)
	VZEROUPPER
	RET
