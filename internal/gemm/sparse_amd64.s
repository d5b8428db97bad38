//go:build !noasm

#include "textflag.h"

// The kernels of the sparse first layer (sparse.go). Each element of a
// product is the same chain of FMAs as in the dense kernels, the terms
// whose input is zero left out: fma(0, w, s) = s for a finite w and s ≠ -0,
// so the sums have the dense product's bits (sparse.go says when the
// callers may rely on that).

DATA iota<>+0(SB)/4, $0
DATA iota<>+4(SB)/4, $1
DATA iota<>+8(SB)/4, $2
DATA iota<>+12(SB)/4, $3
DATA iota<>+16(SB)/4, $4
DATA iota<>+20(SB)/4, $5
DATA iota<>+24(SB)/4, $6
DATA iota<>+28(SB)/4, $7
DATA iota<>+32(SB)/4, $8
DATA iota<>+36(SB)/4, $9
DATA iota<>+40(SB)/4, $10
DATA iota<>+44(SB)/4, $11
DATA iota<>+48(SB)/4, $12
DATA iota<>+52(SB)/4, $13
DATA iota<>+56(SB)/4, $14
DATA iota<>+60(SB)/4, $15
GLOBL iota<>(SB), RODATA|NOPTR, $64

DATA sixteen<>+0(SB)/4, $16
GLOBL sixteen<>(SB), RODATA|NOPTR, $4

// func packBTSAVX512(kc int, b *float32, ldb int, dst *float32, dstride int)
//
// dst[q·dstride+j] = b[j·ldb+q] for j < 16 and q < kc: packBTAVX512 for a
// full panel whose rows of 16 are dstride floats apart in dst (a row of
// several panels side by side, or a matrix being transposed into place).
TEXT ·packBTSAVX512(SB), NOSPLIT, $0-40
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
	VPMULLD   iota<>(SB), Z1, Z1
	MOVL      $0xFFFF, AX

sloop:
	KMOVW      AX, K2
	VPXORD     Z0, Z0, Z0
	VGATHERDPS (SI)(Z1*4), K2, Z0
	VMOVUPS    Z0, (DI)
	ADDQ       $4, SI
	ADDQ       R13, DI
	DECQ       CX
	JNZ        sloop

sdone:
	VZEROUPPER
	RET

// func union4(n int, x *[4]*float32, idx *int32, v *[4]*float32, masks *[4]uint64) int
//
// For the positions q < n where any of the four rows x[i] is nonzero (NaN
// included), in order: idx gets q and v[i] gets x[i][q] (zero where that
// row is zero there). Returns their number. Whole vectors are stored: idx
// and every v[i] need 16 elements of room past the count. Bit c of
// masks[i] is set where row i has a nonzero in [16c, 16c+16) (n ≤ 1024).
TEXT ·union4(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), R10
	MOVQ x+8(FP), R9
	MOVQ 0(R9), R11
	MOVQ 8(R9), R12
	MOVQ 16(R9), R13
	MOVQ 24(R9), R14
	VMOVDQU32 iota<>(SB), Z1
	VPBROADCASTD sixteen<>(SB), Z2
	MOVQ idx+16(FP), DI
	MOVQ v+24(FP), R9
	MOVQ 0(R9), R8
	MOVQ 8(R9), SI
	MOVQ 16(R9), R15
	MOVQ 24(R9), R9
	XORQ AX, AX
	XORQ DX, DX
	VPXORD Z0, Z0, Z0
	MOVQ masks+32(FP), CX
	MOVQ AX, 0(CX)
	MOVQ AX, 8(CX)
	MOVQ AX, 16(CX)
	MOVQ AX, 24(CX)
	MOVL $0xFFFF, BX
	KMOVW BX, K7

u4loop:
	MOVQ R10, BX
	SUBQ DX, BX
	JLE  u4done
	CMPQ BX, $16
	JGE  u4full
	MOVQ BX, CX
	MOVL $1, BX
	SHLL CX, BX
	DECL BX
	KMOVW BX, K7

u4full:
	VMOVUPS.Z (R11)(DX*4), K7, Z3
	VMOVUPS.Z (R12)(DX*4), K7, Z4
	VMOVUPS.Z (R13)(DX*4), K7, Z5
	VMOVUPS.Z (R14)(DX*4), K7, Z6
	VCMPPS    $4, Z0, Z3, K7, K1
	VCMPPS    $4, Z0, Z4, K7, K2
	VCMPPS    $4, Z0, Z5, K7, K3
	VCMPPS    $4, Z0, Z6, K7, K4
	MOVQ      DX, CX
	SHRQ      $4, CX
	MOVL      $1, BX
	SHLQ      CX, BX
	MOVQ      masks+32(FP), CX
	KORTESTW  K1, K1
	JZ        u4m1
	ORQ       BX, 0(CX)
u4m1:
	KORTESTW  K2, K2
	JZ        u4m2
	ORQ       BX, 8(CX)
u4m2:
	KORTESTW  K3, K3
	JZ        u4m3
	ORQ       BX, 16(CX)
u4m3:
	KORTESTW  K4, K4
	JZ        u4m4
	ORQ       BX, 24(CX)
u4m4:
	KORW      K1, K2, K1
	KORW      K3, K4, K3
	KORW      K1, K3, K1
	VPCOMPRESSD Z1, K1, Z7
	VCOMPRESSPS Z3, K1, Z8
	VCOMPRESSPS Z4, K1, Z9
	VCOMPRESSPS Z5, K1, Z10
	VCOMPRESSPS Z6, K1, Z11
	VMOVDQU32 Z7, (DI)(AX*4)
	VMOVUPS   Z8, (R8)(AX*4)
	VMOVUPS   Z9, (SI)(AX*4)
	VMOVUPS   Z10, (R15)(AX*4)
	VMOVUPS   Z11, (R9)(AX*4)
	KMOVW     K1, BX
	POPCNTL   BX, BX
	ADDQ      BX, AX
	VPADDD    Z2, Z1, Z1
	ADDQ      $16, DX
	JMP       u4loop

u4done:
	MOVQ AX, ret+40(FP)
	VZEROUPPER
	RET


// func rows4NT(cnt int, idx *int32, v *[4]*float32, bt *float32, kstride int, np int, c *[4]*float32, lastmask uint64, add int)
//
// spRowNT for four rows at once over one list of positions: for i < 4 and
// p < np (1 ≤ np ≤ 7), s_ip = Σ_t v[i][t]·(16 floats at bt + idx[t]·kstride
// + 64p bytes), one FMA chain per lane in t's order from +0; then c[i][16p
// : 16p+16] = s_ip (add = 0) or c[i] + s_ip, the last panel in the lanes of
// lastmask.
TEXT ·rows4NT(SB), NOSPLIT, $0-72
	MOVQ cnt+0(FP), CX
	MOVQ idx+8(FP), SI
	MOVQ v+16(FP), R9
	MOVQ 0(R9), BX
	MOVQ 8(R9), R11
	MOVQ 16(R9), R12
	MOVQ 24(R9), R13
	MOVQ bt+24(FP), R8
	MOVQ kstride+32(FP), R14
	MOVQ np+40(FP), R10

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	VPXORD Z26, Z26, Z26
	VPXORD Z27, Z27, Z27
	XORQ DX, DX
	TESTQ CX, CX
	JZ   r4epi

r4loop:
	MOVLQZX (SI)(DX*4), AX
	IMULQ   R14, AX
	ADDQ    R8, AX
	VMOVUPS 0(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z28, Z0
	VFMADD231PS.BCST (R11)(DX*4), Z28, Z7
	VFMADD231PS.BCST (R12)(DX*4), Z28, Z14
	VFMADD231PS.BCST (R13)(DX*4), Z28, Z21
	CMPQ    R10, $2
	JLT     r4next
	VMOVUPS 64(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z28, Z1
	VFMADD231PS.BCST (R11)(DX*4), Z28, Z8
	VFMADD231PS.BCST (R12)(DX*4), Z28, Z15
	VFMADD231PS.BCST (R13)(DX*4), Z28, Z22
	CMPQ    R10, $3
	JLT     r4next
	VMOVUPS 128(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z28, Z2
	VFMADD231PS.BCST (R11)(DX*4), Z28, Z9
	VFMADD231PS.BCST (R12)(DX*4), Z28, Z16
	VFMADD231PS.BCST (R13)(DX*4), Z28, Z23
	CMPQ    R10, $4
	JLT     r4next
	VMOVUPS 192(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z28, Z3
	VFMADD231PS.BCST (R11)(DX*4), Z28, Z10
	VFMADD231PS.BCST (R12)(DX*4), Z28, Z17
	VFMADD231PS.BCST (R13)(DX*4), Z28, Z24
	CMPQ    R10, $5
	JLT     r4next
	VMOVUPS 256(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z28, Z4
	VFMADD231PS.BCST (R11)(DX*4), Z28, Z11
	VFMADD231PS.BCST (R12)(DX*4), Z28, Z18
	VFMADD231PS.BCST (R13)(DX*4), Z28, Z25
	CMPQ    R10, $6
	JLT     r4next
	VMOVUPS 320(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z28, Z5
	VFMADD231PS.BCST (R11)(DX*4), Z28, Z12
	VFMADD231PS.BCST (R12)(DX*4), Z28, Z19
	VFMADD231PS.BCST (R13)(DX*4), Z28, Z26
	CMPQ    R10, $7
	JLT     r4next
	VMOVUPS 384(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z28, Z6
	VFMADD231PS.BCST (R11)(DX*4), Z28, Z13
	VFMADD231PS.BCST (R12)(DX*4), Z28, Z20
	VFMADD231PS.BCST (R13)(DX*4), Z28, Z27

r4next:
	INCQ DX
	CMPQ DX, CX
	JLT  r4loop

r4epi:
	MOVQ  c+48(FP), R9
	MOVQ  lastmask+56(FP), R11
	MOVQ  add+64(FP), R12
	MOVL  $0xffff, R13
	MOVQ  0(R9), BX
	KMOVW    R13, K3
	CMPQ     R10, $1
	JNE      r4f00
	KMOVW    R11, K3
r4f00:
	TESTQ    R12, R12
	JZ       r4s00
	VMOVUPS.Z 0(BX), K3, Z28
	VADDPS   Z28, Z0, Z0
r4s00:
	VMOVUPS  Z0, K3, 0(BX)
	CMPQ     R10, $1
	JEQ      r4row0
	KMOVW    R13, K3
	CMPQ     R10, $2
	JNE      r4f01
	KMOVW    R11, K3
r4f01:
	TESTQ    R12, R12
	JZ       r4s01
	VMOVUPS.Z 64(BX), K3, Z28
	VADDPS   Z28, Z1, Z1
r4s01:
	VMOVUPS  Z1, K3, 64(BX)
	CMPQ     R10, $2
	JEQ      r4row0
	KMOVW    R13, K3
	CMPQ     R10, $3
	JNE      r4f02
	KMOVW    R11, K3
r4f02:
	TESTQ    R12, R12
	JZ       r4s02
	VMOVUPS.Z 128(BX), K3, Z28
	VADDPS   Z28, Z2, Z2
r4s02:
	VMOVUPS  Z2, K3, 128(BX)
	CMPQ     R10, $3
	JEQ      r4row0
	KMOVW    R13, K3
	CMPQ     R10, $4
	JNE      r4f03
	KMOVW    R11, K3
r4f03:
	TESTQ    R12, R12
	JZ       r4s03
	VMOVUPS.Z 192(BX), K3, Z28
	VADDPS   Z28, Z3, Z3
r4s03:
	VMOVUPS  Z3, K3, 192(BX)
	CMPQ     R10, $4
	JEQ      r4row0
	KMOVW    R13, K3
	CMPQ     R10, $5
	JNE      r4f04
	KMOVW    R11, K3
r4f04:
	TESTQ    R12, R12
	JZ       r4s04
	VMOVUPS.Z 256(BX), K3, Z28
	VADDPS   Z28, Z4, Z4
r4s04:
	VMOVUPS  Z4, K3, 256(BX)
	CMPQ     R10, $5
	JEQ      r4row0
	KMOVW    R13, K3
	CMPQ     R10, $6
	JNE      r4f05
	KMOVW    R11, K3
r4f05:
	TESTQ    R12, R12
	JZ       r4s05
	VMOVUPS.Z 320(BX), K3, Z28
	VADDPS   Z28, Z5, Z5
r4s05:
	VMOVUPS  Z5, K3, 320(BX)
	CMPQ     R10, $6
	JEQ      r4row0
	KMOVW    R13, K3
	CMPQ     R10, $7
	JNE      r4f06
	KMOVW    R11, K3
r4f06:
	TESTQ    R12, R12
	JZ       r4s06
	VMOVUPS.Z 384(BX), K3, Z28
	VADDPS   Z28, Z6, Z6
r4s06:
	VMOVUPS  Z6, K3, 384(BX)
	CMPQ     R10, $7
	JEQ      r4row0
r4row0:
	MOVQ  8(R9), BX
	KMOVW    R13, K3
	CMPQ     R10, $1
	JNE      r4f10
	KMOVW    R11, K3
r4f10:
	TESTQ    R12, R12
	JZ       r4s10
	VMOVUPS.Z 0(BX), K3, Z28
	VADDPS   Z28, Z7, Z7
r4s10:
	VMOVUPS  Z7, K3, 0(BX)
	CMPQ     R10, $1
	JEQ      r4row1
	KMOVW    R13, K3
	CMPQ     R10, $2
	JNE      r4f11
	KMOVW    R11, K3
r4f11:
	TESTQ    R12, R12
	JZ       r4s11
	VMOVUPS.Z 64(BX), K3, Z28
	VADDPS   Z28, Z8, Z8
r4s11:
	VMOVUPS  Z8, K3, 64(BX)
	CMPQ     R10, $2
	JEQ      r4row1
	KMOVW    R13, K3
	CMPQ     R10, $3
	JNE      r4f12
	KMOVW    R11, K3
r4f12:
	TESTQ    R12, R12
	JZ       r4s12
	VMOVUPS.Z 128(BX), K3, Z28
	VADDPS   Z28, Z9, Z9
r4s12:
	VMOVUPS  Z9, K3, 128(BX)
	CMPQ     R10, $3
	JEQ      r4row1
	KMOVW    R13, K3
	CMPQ     R10, $4
	JNE      r4f13
	KMOVW    R11, K3
r4f13:
	TESTQ    R12, R12
	JZ       r4s13
	VMOVUPS.Z 192(BX), K3, Z28
	VADDPS   Z28, Z10, Z10
r4s13:
	VMOVUPS  Z10, K3, 192(BX)
	CMPQ     R10, $4
	JEQ      r4row1
	KMOVW    R13, K3
	CMPQ     R10, $5
	JNE      r4f14
	KMOVW    R11, K3
r4f14:
	TESTQ    R12, R12
	JZ       r4s14
	VMOVUPS.Z 256(BX), K3, Z28
	VADDPS   Z28, Z11, Z11
r4s14:
	VMOVUPS  Z11, K3, 256(BX)
	CMPQ     R10, $5
	JEQ      r4row1
	KMOVW    R13, K3
	CMPQ     R10, $6
	JNE      r4f15
	KMOVW    R11, K3
r4f15:
	TESTQ    R12, R12
	JZ       r4s15
	VMOVUPS.Z 320(BX), K3, Z28
	VADDPS   Z28, Z12, Z12
r4s15:
	VMOVUPS  Z12, K3, 320(BX)
	CMPQ     R10, $6
	JEQ      r4row1
	KMOVW    R13, K3
	CMPQ     R10, $7
	JNE      r4f16
	KMOVW    R11, K3
r4f16:
	TESTQ    R12, R12
	JZ       r4s16
	VMOVUPS.Z 384(BX), K3, Z28
	VADDPS   Z28, Z13, Z13
r4s16:
	VMOVUPS  Z13, K3, 384(BX)
	CMPQ     R10, $7
	JEQ      r4row1
r4row1:
	MOVQ  16(R9), BX
	KMOVW    R13, K3
	CMPQ     R10, $1
	JNE      r4f20
	KMOVW    R11, K3
r4f20:
	TESTQ    R12, R12
	JZ       r4s20
	VMOVUPS.Z 0(BX), K3, Z28
	VADDPS   Z28, Z14, Z14
r4s20:
	VMOVUPS  Z14, K3, 0(BX)
	CMPQ     R10, $1
	JEQ      r4row2
	KMOVW    R13, K3
	CMPQ     R10, $2
	JNE      r4f21
	KMOVW    R11, K3
r4f21:
	TESTQ    R12, R12
	JZ       r4s21
	VMOVUPS.Z 64(BX), K3, Z28
	VADDPS   Z28, Z15, Z15
r4s21:
	VMOVUPS  Z15, K3, 64(BX)
	CMPQ     R10, $2
	JEQ      r4row2
	KMOVW    R13, K3
	CMPQ     R10, $3
	JNE      r4f22
	KMOVW    R11, K3
r4f22:
	TESTQ    R12, R12
	JZ       r4s22
	VMOVUPS.Z 128(BX), K3, Z28
	VADDPS   Z28, Z16, Z16
r4s22:
	VMOVUPS  Z16, K3, 128(BX)
	CMPQ     R10, $3
	JEQ      r4row2
	KMOVW    R13, K3
	CMPQ     R10, $4
	JNE      r4f23
	KMOVW    R11, K3
r4f23:
	TESTQ    R12, R12
	JZ       r4s23
	VMOVUPS.Z 192(BX), K3, Z28
	VADDPS   Z28, Z17, Z17
r4s23:
	VMOVUPS  Z17, K3, 192(BX)
	CMPQ     R10, $4
	JEQ      r4row2
	KMOVW    R13, K3
	CMPQ     R10, $5
	JNE      r4f24
	KMOVW    R11, K3
r4f24:
	TESTQ    R12, R12
	JZ       r4s24
	VMOVUPS.Z 256(BX), K3, Z28
	VADDPS   Z28, Z18, Z18
r4s24:
	VMOVUPS  Z18, K3, 256(BX)
	CMPQ     R10, $5
	JEQ      r4row2
	KMOVW    R13, K3
	CMPQ     R10, $6
	JNE      r4f25
	KMOVW    R11, K3
r4f25:
	TESTQ    R12, R12
	JZ       r4s25
	VMOVUPS.Z 320(BX), K3, Z28
	VADDPS   Z28, Z19, Z19
r4s25:
	VMOVUPS  Z19, K3, 320(BX)
	CMPQ     R10, $6
	JEQ      r4row2
	KMOVW    R13, K3
	CMPQ     R10, $7
	JNE      r4f26
	KMOVW    R11, K3
r4f26:
	TESTQ    R12, R12
	JZ       r4s26
	VMOVUPS.Z 384(BX), K3, Z28
	VADDPS   Z28, Z20, Z20
r4s26:
	VMOVUPS  Z20, K3, 384(BX)
	CMPQ     R10, $7
	JEQ      r4row2
r4row2:
	MOVQ  24(R9), BX
	KMOVW    R13, K3
	CMPQ     R10, $1
	JNE      r4f30
	KMOVW    R11, K3
r4f30:
	TESTQ    R12, R12
	JZ       r4s30
	VMOVUPS.Z 0(BX), K3, Z28
	VADDPS   Z28, Z21, Z21
r4s30:
	VMOVUPS  Z21, K3, 0(BX)
	CMPQ     R10, $1
	JEQ      r4row3
	KMOVW    R13, K3
	CMPQ     R10, $2
	JNE      r4f31
	KMOVW    R11, K3
r4f31:
	TESTQ    R12, R12
	JZ       r4s31
	VMOVUPS.Z 64(BX), K3, Z28
	VADDPS   Z28, Z22, Z22
r4s31:
	VMOVUPS  Z22, K3, 64(BX)
	CMPQ     R10, $2
	JEQ      r4row3
	KMOVW    R13, K3
	CMPQ     R10, $3
	JNE      r4f32
	KMOVW    R11, K3
r4f32:
	TESTQ    R12, R12
	JZ       r4s32
	VMOVUPS.Z 128(BX), K3, Z28
	VADDPS   Z28, Z23, Z23
r4s32:
	VMOVUPS  Z23, K3, 128(BX)
	CMPQ     R10, $3
	JEQ      r4row3
	KMOVW    R13, K3
	CMPQ     R10, $4
	JNE      r4f33
	KMOVW    R11, K3
r4f33:
	TESTQ    R12, R12
	JZ       r4s33
	VMOVUPS.Z 192(BX), K3, Z28
	VADDPS   Z28, Z24, Z24
r4s33:
	VMOVUPS  Z24, K3, 192(BX)
	CMPQ     R10, $4
	JEQ      r4row3
	KMOVW    R13, K3
	CMPQ     R10, $5
	JNE      r4f34
	KMOVW    R11, K3
r4f34:
	TESTQ    R12, R12
	JZ       r4s34
	VMOVUPS.Z 256(BX), K3, Z28
	VADDPS   Z28, Z25, Z25
r4s34:
	VMOVUPS  Z25, K3, 256(BX)
	CMPQ     R10, $5
	JEQ      r4row3
	KMOVW    R13, K3
	CMPQ     R10, $6
	JNE      r4f35
	KMOVW    R11, K3
r4f35:
	TESTQ    R12, R12
	JZ       r4s35
	VMOVUPS.Z 320(BX), K3, Z28
	VADDPS   Z28, Z26, Z26
r4s35:
	VMOVUPS  Z26, K3, 320(BX)
	CMPQ     R10, $6
	JEQ      r4row3
	KMOVW    R13, K3
	CMPQ     R10, $7
	JNE      r4f36
	KMOVW    R11, K3
r4f36:
	TESTQ    R12, R12
	JZ       r4s36
	VMOVUPS.Z 384(BX), K3, Z28
	VADDPS   Z28, Z27, Z27
r4s36:
	VMOVUPS  Z27, K3, 384(BX)
	CMPQ     R10, $7
	JEQ      r4row3
r4row3:
	VZEROUPPER
	RET


// func gradRows26(cnt int, rows *int32, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, nrow int, cmask uint64)
//
// A 26×16 tile of C = Aᵀ·B over the rows of A and B listed in rows: for
// i < 26, s_i = Σ_t a[rows[t]·lda + i]·b[rows[t]·ldb : +16], one FMA chain
// per lane in t's order from +0 (the dense kernel's chain over k, the
// rows not listed left out); then c[i·ldc : +16] = s_i for i < nrow, in
// the lanes of cmask. All 26 values of A at each listed row are read.
TEXT ·gradRows26(SB), NOSPLIT, $0-80
	MOVQ cnt+0(FP), CX
	MOVQ rows+8(FP), SI
	MOVQ a+16(FP), R8
	MOVQ lda+24(FP), R9
	SHLQ $2, R9
	MOVQ b+32(FP), R10
	MOVQ ldb+40(FP), R11
	SHLQ $2, R11

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	XORQ DX, DX
	TESTQ CX, CX
	JZ   grepi

grloop:
	MOVLQZX (SI)(DX*4), AX
	MOVQ    AX, BX
	IMULQ   R9, AX
	ADDQ    R8, AX
	IMULQ   R11, BX
	ADDQ    R10, BX
	VMOVUPS (BX), Z26
	VFMADD231PS.BCST 0(AX), Z26, Z0
	VFMADD231PS.BCST 4(AX), Z26, Z1
	VFMADD231PS.BCST 8(AX), Z26, Z2
	VFMADD231PS.BCST 12(AX), Z26, Z3
	VFMADD231PS.BCST 16(AX), Z26, Z4
	VFMADD231PS.BCST 20(AX), Z26, Z5
	VFMADD231PS.BCST 24(AX), Z26, Z6
	VFMADD231PS.BCST 28(AX), Z26, Z7
	VFMADD231PS.BCST 32(AX), Z26, Z8
	VFMADD231PS.BCST 36(AX), Z26, Z9
	VFMADD231PS.BCST 40(AX), Z26, Z10
	VFMADD231PS.BCST 44(AX), Z26, Z11
	VFMADD231PS.BCST 48(AX), Z26, Z12
	VFMADD231PS.BCST 52(AX), Z26, Z13
	VFMADD231PS.BCST 56(AX), Z26, Z14
	VFMADD231PS.BCST 60(AX), Z26, Z15
	VFMADD231PS.BCST 64(AX), Z26, Z16
	VFMADD231PS.BCST 68(AX), Z26, Z17
	VFMADD231PS.BCST 72(AX), Z26, Z18
	VFMADD231PS.BCST 76(AX), Z26, Z19
	VFMADD231PS.BCST 80(AX), Z26, Z20
	VFMADD231PS.BCST 84(AX), Z26, Z21
	VFMADD231PS.BCST 88(AX), Z26, Z22
	VFMADD231PS.BCST 92(AX), Z26, Z23
	VFMADD231PS.BCST 96(AX), Z26, Z24
	VFMADD231PS.BCST 100(AX), Z26, Z25
	INCQ DX
	CMPQ DX, CX
	JLT  grloop

grepi:
	MOVQ  c+48(FP), DI
	MOVQ  ldc+56(FP), R12
	SHLQ  $2, R12
	MOVQ  nrow+64(FP), R13
	MOVQ  cmask+72(FP), R14
	KMOVW R14, K1
	CMPQ    R13, $0
	JLE     grdone
	VMOVUPS Z0, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $1
	JLE     grdone
	VMOVUPS Z1, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $2
	JLE     grdone
	VMOVUPS Z2, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $3
	JLE     grdone
	VMOVUPS Z3, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $4
	JLE     grdone
	VMOVUPS Z4, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $5
	JLE     grdone
	VMOVUPS Z5, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $6
	JLE     grdone
	VMOVUPS Z6, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $7
	JLE     grdone
	VMOVUPS Z7, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $8
	JLE     grdone
	VMOVUPS Z8, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $9
	JLE     grdone
	VMOVUPS Z9, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $10
	JLE     grdone
	VMOVUPS Z10, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $11
	JLE     grdone
	VMOVUPS Z11, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $12
	JLE     grdone
	VMOVUPS Z12, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $13
	JLE     grdone
	VMOVUPS Z13, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $14
	JLE     grdone
	VMOVUPS Z14, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $15
	JLE     grdone
	VMOVUPS Z15, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $16
	JLE     grdone
	VMOVUPS Z16, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $17
	JLE     grdone
	VMOVUPS Z17, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $18
	JLE     grdone
	VMOVUPS Z18, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $19
	JLE     grdone
	VMOVUPS Z19, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $20
	JLE     grdone
	VMOVUPS Z20, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $21
	JLE     grdone
	VMOVUPS Z21, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $22
	JLE     grdone
	VMOVUPS Z22, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $23
	JLE     grdone
	VMOVUPS Z23, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $24
	JLE     grdone
	VMOVUPS Z24, K1, (DI)
	ADDQ    R12, DI
	CMPQ    R13, $25
	JLE     grdone
	VMOVUPS Z25, K1, (DI)
	ADDQ    R12, DI

grdone:
	VZEROUPPER
	RET
