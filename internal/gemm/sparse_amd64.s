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

// func compressRow(n int, x *float32, idx *int32, val *float32) int
//
// Writes the positions q < n where x[q] != 0 (NaN included) to idx and
// their values to val, in order, and returns their count. Whole vectors
// are stored: idx and val need 16 elements of room past the count.
TEXT ·compressRow(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), R10
	MOVQ x+8(FP), SI
	MOVQ idx+16(FP), DI
	MOVQ val+24(FP), R8
	XORQ AX, AX
	XORQ DX, DX
	VPXORD Z0, Z0, Z0
	VMOVDQU32 iota<>(SB), Z1
	VPBROADCASTD sixteen<>(SB), Z2

crloop:
	MOVQ R10, BX
	SUBQ DX, BX
	CMPQ BX, $16
	JLT  crtail
	VMOVUPS     (SI)(DX*4), Z3
	VCMPPS      $4, Z0, Z3, K1
	VCOMPRESSPS Z3, K1, Z4
	VPCOMPRESSD Z1, K1, Z5
	VMOVUPS     Z4, (R8)(AX*4)
	VMOVDQU32   Z5, (DI)(AX*4)
	KMOVW       K1, BX
	POPCNTL     BX, BX
	ADDQ        BX, AX
	VPADDD      Z2, Z1, Z1
	ADDQ        $16, DX
	JMP         crloop

crtail:
	TESTQ BX, BX
	JZ    crdone
	MOVQ  BX, CX
	MOVL  $1, R9
	SHLL  CX, R9
	DECL  R9
	KMOVW R9, K2
	VMOVUPS.Z   (SI)(DX*4), K2, Z3
	VCMPPS      $4, Z0, Z3, K2, K1
	VCOMPRESSPS Z3, K1, Z4
	VPCOMPRESSD Z1, K1, Z5
	VMOVUPS     Z4, (R8)(AX*4)
	VMOVDQU32   Z5, (DI)(AX*4)
	KMOVW       K1, BX
	POPCNTL     BX, BX
	ADDQ        BX, AX

crdone:
	MOVQ AX, ret+32(FP)
	VZEROUPPER
	RET


// func spRowNT(cnt int, idx *int32, val *float32, bt *float32, kstride, pstride int, np int, c *float32, lastmask uint64, add int)
//
// For p < np (1 ≤ np ≤ 8): s_p = Σ_t val[t]·(16 floats at bt + idx[t]·kstride
// + p·pstride bytes), one FMA chain per lane in t's order from +0; then
// c[16p : 16p+16] = s_p (add = 0) or c + s_p (add ≠ 0). The last panel's
// lanes are those set in lastmask, the others full; nothing else of c is
// read or written.
TEXT ·spRowNT(SB), NOSPLIT, $0-80
	MOVQ cnt+0(FP), CX
	MOVQ idx+8(FP), SI
	MOVQ val+16(FP), DI
	MOVQ bt+24(FP), R8
	MOVQ kstride+32(FP), R14
	MOVQ pstride+40(FP), R9
	MOVQ np+48(FP), R10

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	XORQ DX, DX
	TESTQ CX, CX
	JZ   rnepi

rnloop:
	MOVLQZX      (SI)(DX*4), AX
	IMULQ        R14, AX
	ADDQ         R8, AX
	VBROADCASTSS (DI)(DX*4), Z8
	VFMADD231PS  (AX), Z8, Z0
	CMPQ         R10, $2
	JLT          rnnext
	ADDQ         R9, AX
	VFMADD231PS  (AX), Z8, Z1
	CMPQ         R10, $3
	JLT          rnnext
	ADDQ         R9, AX
	VFMADD231PS  (AX), Z8, Z2
	CMPQ         R10, $4
	JLT          rnnext
	ADDQ         R9, AX
	VFMADD231PS  (AX), Z8, Z3
	CMPQ         R10, $5
	JLT          rnnext
	ADDQ         R9, AX
	VFMADD231PS  (AX), Z8, Z4
	CMPQ         R10, $6
	JLT          rnnext
	ADDQ         R9, AX
	VFMADD231PS  (AX), Z8, Z5
	CMPQ         R10, $7
	JLT          rnnext
	ADDQ         R9, AX
	VFMADD231PS  (AX), Z8, Z6
	CMPQ         R10, $8
	JLT          rnnext
	ADDQ         R9, AX
	VFMADD231PS  (AX), Z8, Z7

rnnext:
	INCQ DX
	CMPQ DX, CX
	JLT  rnloop

rnepi:
	MOVQ     c+56(FP), BX
	MOVQ     lastmask+64(FP), R11
	MOVQ     add+72(FP), R12
	MOVL     $0xffff, R13
	KMOVW    R13, K3
	CMPQ     R10, $1
	JNE      rnfull0
	KMOVW    R11, K3
rnfull0:
	TESTQ    R12, R12
	JZ       rnstore0
	VMOVUPS.Z 0(BX), K3, Z9
	VADDPS   Z9, Z0, Z0
rnstore0:
	VMOVUPS  Z0, K3, 0(BX)
	CMPQ     R10, $1
	JEQ      rndone
	KMOVW    R13, K3
	CMPQ     R10, $2
	JNE      rnfull1
	KMOVW    R11, K3
rnfull1:
	TESTQ    R12, R12
	JZ       rnstore1
	VMOVUPS.Z 64(BX), K3, Z9
	VADDPS   Z9, Z1, Z1
rnstore1:
	VMOVUPS  Z1, K3, 64(BX)
	CMPQ     R10, $2
	JEQ      rndone
	KMOVW    R13, K3
	CMPQ     R10, $3
	JNE      rnfull2
	KMOVW    R11, K3
rnfull2:
	TESTQ    R12, R12
	JZ       rnstore2
	VMOVUPS.Z 128(BX), K3, Z9
	VADDPS   Z9, Z2, Z2
rnstore2:
	VMOVUPS  Z2, K3, 128(BX)
	CMPQ     R10, $3
	JEQ      rndone
	KMOVW    R13, K3
	CMPQ     R10, $4
	JNE      rnfull3
	KMOVW    R11, K3
rnfull3:
	TESTQ    R12, R12
	JZ       rnstore3
	VMOVUPS.Z 192(BX), K3, Z9
	VADDPS   Z9, Z3, Z3
rnstore3:
	VMOVUPS  Z3, K3, 192(BX)
	CMPQ     R10, $4
	JEQ      rndone
	KMOVW    R13, K3
	CMPQ     R10, $5
	JNE      rnfull4
	KMOVW    R11, K3
rnfull4:
	TESTQ    R12, R12
	JZ       rnstore4
	VMOVUPS.Z 256(BX), K3, Z9
	VADDPS   Z9, Z4, Z4
rnstore4:
	VMOVUPS  Z4, K3, 256(BX)
	CMPQ     R10, $5
	JEQ      rndone
	KMOVW    R13, K3
	CMPQ     R10, $6
	JNE      rnfull5
	KMOVW    R11, K3
rnfull5:
	TESTQ    R12, R12
	JZ       rnstore5
	VMOVUPS.Z 320(BX), K3, Z9
	VADDPS   Z9, Z5, Z5
rnstore5:
	VMOVUPS  Z5, K3, 320(BX)
	CMPQ     R10, $6
	JEQ      rndone
	KMOVW    R13, K3
	CMPQ     R10, $7
	JNE      rnfull6
	KMOVW    R11, K3
rnfull6:
	TESTQ    R12, R12
	JZ       rnstore6
	VMOVUPS.Z 384(BX), K3, Z9
	VADDPS   Z9, Z6, Z6
rnstore6:
	VMOVUPS  Z6, K3, 384(BX)
	CMPQ     R10, $7
	JEQ      rndone
	KMOVW    R13, K3
	CMPQ     R10, $8
	JNE      rnfull7
	KMOVW    R11, K3
rnfull7:
	TESTQ    R12, R12
	JZ       rnstore7
	VMOVUPS.Z 448(BX), K3, Z9
	VADDPS   Z9, Z7, Z7
rnstore7:
	VMOVUPS  Z7, K3, 448(BX)
	CMPQ     R10, $8
	JEQ      rndone

rndone:
	VZEROUPPER
	RET


// func spGradT(cnt int, idx *int32, val *float32, dz *float32, gt *float32, ld int, np int, lastmask uint64)
//
// For each t in order and p < np (1 ≤ np ≤ 8): g = gt[idx[t]·ld + 16p :
// +16] (ld in floats) becomes fma(dz[16p : 16p+16], val[t], g). The last
// panel of dz is read in the lanes set in lastmask and is zero in the
// others; every panel of gt is read and written whole.
TEXT ·spGradT(SB), NOSPLIT, $0-64
	MOVQ cnt+0(FP), CX
	MOVQ idx+8(FP), SI
	MOVQ val+16(FP), DI
	MOVQ dz+24(FP), BX
	MOVQ gt+32(FP), R8
	MOVQ ld+40(FP), R9
	SHLQ $2, R9
	MOVQ np+48(FP), R10
	MOVQ lastmask+56(FP), R11
	MOVL $0xffff, R13
	KMOVW     R13, K3
	CMPQ      R10, $1
	JNE       gtfull0
	KMOVW     R11, K3
gtfull0:
	VMOVUPS.Z 0(BX), K3, Z0
	CMPQ      R10, $1
	JEQ       gtloaded
	KMOVW     R13, K3
	CMPQ      R10, $2
	JNE       gtfull1
	KMOVW     R11, K3
gtfull1:
	VMOVUPS.Z 64(BX), K3, Z1
	CMPQ      R10, $2
	JEQ       gtloaded
	KMOVW     R13, K3
	CMPQ      R10, $3
	JNE       gtfull2
	KMOVW     R11, K3
gtfull2:
	VMOVUPS.Z 128(BX), K3, Z2
	CMPQ      R10, $3
	JEQ       gtloaded
	KMOVW     R13, K3
	CMPQ      R10, $4
	JNE       gtfull3
	KMOVW     R11, K3
gtfull3:
	VMOVUPS.Z 192(BX), K3, Z3
	CMPQ      R10, $4
	JEQ       gtloaded
	KMOVW     R13, K3
	CMPQ      R10, $5
	JNE       gtfull4
	KMOVW     R11, K3
gtfull4:
	VMOVUPS.Z 256(BX), K3, Z4
	CMPQ      R10, $5
	JEQ       gtloaded
	KMOVW     R13, K3
	CMPQ      R10, $6
	JNE       gtfull5
	KMOVW     R11, K3
gtfull5:
	VMOVUPS.Z 320(BX), K3, Z5
	CMPQ      R10, $6
	JEQ       gtloaded
	KMOVW     R13, K3
	CMPQ      R10, $7
	JNE       gtfull6
	KMOVW     R11, K3
gtfull6:
	VMOVUPS.Z 384(BX), K3, Z6
	CMPQ      R10, $7
	JEQ       gtloaded
	KMOVW     R13, K3
	CMPQ      R10, $8
	JNE       gtfull7
	KMOVW     R11, K3
gtfull7:
	VMOVUPS.Z 448(BX), K3, Z7
	CMPQ      R10, $8
	JEQ       gtloaded

gtloaded:
	XORQ  DX, DX
	TESTQ CX, CX
	JZ    gtdone

gtloop:
	MOVLQZX      (SI)(DX*4), AX
	IMULQ        R9, AX
	ADDQ         R8, AX
	VBROADCASTSS (DI)(DX*4), Z8
	VMOVUPS      (AX), Z9
	VFMADD231PS  Z8, Z0, Z9
	VMOVUPS      Z9, (AX)
	CMPQ         R10, $2
	JLT          gtnext
	VMOVUPS      64(AX), Z9
	VFMADD231PS  Z8, Z1, Z9
	VMOVUPS      Z9, 64(AX)
	CMPQ         R10, $3
	JLT          gtnext
	VMOVUPS      128(AX), Z9
	VFMADD231PS  Z8, Z2, Z9
	VMOVUPS      Z9, 128(AX)
	CMPQ         R10, $4
	JLT          gtnext
	VMOVUPS      192(AX), Z9
	VFMADD231PS  Z8, Z3, Z9
	VMOVUPS      Z9, 192(AX)
	CMPQ         R10, $5
	JLT          gtnext
	VMOVUPS      256(AX), Z9
	VFMADD231PS  Z8, Z4, Z9
	VMOVUPS      Z9, 256(AX)
	CMPQ         R10, $6
	JLT          gtnext
	VMOVUPS      320(AX), Z9
	VFMADD231PS  Z8, Z5, Z9
	VMOVUPS      Z9, 320(AX)
	CMPQ         R10, $7
	JLT          gtnext
	VMOVUPS      384(AX), Z9
	VFMADD231PS  Z8, Z6, Z9
	VMOVUPS      Z9, 384(AX)
	CMPQ         R10, $8
	JLT          gtnext
	VMOVUPS      448(AX), Z9
	VFMADD231PS  Z8, Z7, Z9
	VMOVUPS      Z9, 448(AX)

gtnext:
	INCQ DX
	CMPQ DX, CX
	JLT  gtloop

gtdone:
	VZEROUPPER
	RET

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

// func union4(n int, x *[4]*float32, idx *int32, v *[4]*float32) int
//
// For the positions q < n where any of the four rows x[i] is nonzero (NaN
// included), in order: idx gets q and v[i] gets x[i][q] (zero where that
// row is zero there). Returns their number. Whole vectors are stored: idx
// and every v[i] need 16 elements of room past the count.
TEXT ·union4(SB), NOSPLIT, $0-40
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
	MOVQ AX, ret+32(FP)
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


// func grad4T(cnt int, idx *int32, v *[4]*float32, dz *[4]*float32, gt *float32, ld int, np int, lastmask uint64)
//
// spGradT for four batch rows at once over one list of positions: for each
// t in order and p < np (1 ≤ np ≤ 7), g = gt[idx[t]·ld + 16p : +16] (ld in
// floats) becomes fma(dz[i][16p:+16], v[i][t], g) for i = 0, 1, 2, 3 in
// turn. The last panel of each dz[i] is read in the lanes of lastmask and
// is zero in the others; gt's panels are read and written whole.
TEXT ·grad4T(SB), NOSPLIT, $0-64
	MOVQ dz+24(FP), R9
	MOVQ lastmask+56(FP), R11
	MOVQ np+48(FP), R10
	MOVL $0xffff, R13
	MOVQ  0(R9), BX
	KMOVW     R13, K3
	CMPQ      R10, $1
	JNE       g4f00
	KMOVW     R11, K3
g4f00:
	VMOVUPS.Z 0(BX), K3, Z0
	CMPQ      R10, $1
	JEQ       g4row0
	KMOVW     R13, K3
	CMPQ      R10, $2
	JNE       g4f01
	KMOVW     R11, K3
g4f01:
	VMOVUPS.Z 64(BX), K3, Z1
	CMPQ      R10, $2
	JEQ       g4row0
	KMOVW     R13, K3
	CMPQ      R10, $3
	JNE       g4f02
	KMOVW     R11, K3
g4f02:
	VMOVUPS.Z 128(BX), K3, Z2
	CMPQ      R10, $3
	JEQ       g4row0
	KMOVW     R13, K3
	CMPQ      R10, $4
	JNE       g4f03
	KMOVW     R11, K3
g4f03:
	VMOVUPS.Z 192(BX), K3, Z3
	CMPQ      R10, $4
	JEQ       g4row0
	KMOVW     R13, K3
	CMPQ      R10, $5
	JNE       g4f04
	KMOVW     R11, K3
g4f04:
	VMOVUPS.Z 256(BX), K3, Z4
	CMPQ      R10, $5
	JEQ       g4row0
	KMOVW     R13, K3
	CMPQ      R10, $6
	JNE       g4f05
	KMOVW     R11, K3
g4f05:
	VMOVUPS.Z 320(BX), K3, Z5
	CMPQ      R10, $6
	JEQ       g4row0
	KMOVW     R13, K3
	CMPQ      R10, $7
	JNE       g4f06
	KMOVW     R11, K3
g4f06:
	VMOVUPS.Z 384(BX), K3, Z6
	CMPQ      R10, $7
	JEQ       g4row0
g4row0:
	MOVQ  8(R9), BX
	KMOVW     R13, K3
	CMPQ      R10, $1
	JNE       g4f10
	KMOVW     R11, K3
g4f10:
	VMOVUPS.Z 0(BX), K3, Z7
	CMPQ      R10, $1
	JEQ       g4row1
	KMOVW     R13, K3
	CMPQ      R10, $2
	JNE       g4f11
	KMOVW     R11, K3
g4f11:
	VMOVUPS.Z 64(BX), K3, Z8
	CMPQ      R10, $2
	JEQ       g4row1
	KMOVW     R13, K3
	CMPQ      R10, $3
	JNE       g4f12
	KMOVW     R11, K3
g4f12:
	VMOVUPS.Z 128(BX), K3, Z9
	CMPQ      R10, $3
	JEQ       g4row1
	KMOVW     R13, K3
	CMPQ      R10, $4
	JNE       g4f13
	KMOVW     R11, K3
g4f13:
	VMOVUPS.Z 192(BX), K3, Z10
	CMPQ      R10, $4
	JEQ       g4row1
	KMOVW     R13, K3
	CMPQ      R10, $5
	JNE       g4f14
	KMOVW     R11, K3
g4f14:
	VMOVUPS.Z 256(BX), K3, Z11
	CMPQ      R10, $5
	JEQ       g4row1
	KMOVW     R13, K3
	CMPQ      R10, $6
	JNE       g4f15
	KMOVW     R11, K3
g4f15:
	VMOVUPS.Z 320(BX), K3, Z12
	CMPQ      R10, $6
	JEQ       g4row1
	KMOVW     R13, K3
	CMPQ      R10, $7
	JNE       g4f16
	KMOVW     R11, K3
g4f16:
	VMOVUPS.Z 384(BX), K3, Z13
	CMPQ      R10, $7
	JEQ       g4row1
g4row1:
	MOVQ  16(R9), BX
	KMOVW     R13, K3
	CMPQ      R10, $1
	JNE       g4f20
	KMOVW     R11, K3
g4f20:
	VMOVUPS.Z 0(BX), K3, Z14
	CMPQ      R10, $1
	JEQ       g4row2
	KMOVW     R13, K3
	CMPQ      R10, $2
	JNE       g4f21
	KMOVW     R11, K3
g4f21:
	VMOVUPS.Z 64(BX), K3, Z15
	CMPQ      R10, $2
	JEQ       g4row2
	KMOVW     R13, K3
	CMPQ      R10, $3
	JNE       g4f22
	KMOVW     R11, K3
g4f22:
	VMOVUPS.Z 128(BX), K3, Z16
	CMPQ      R10, $3
	JEQ       g4row2
	KMOVW     R13, K3
	CMPQ      R10, $4
	JNE       g4f23
	KMOVW     R11, K3
g4f23:
	VMOVUPS.Z 192(BX), K3, Z17
	CMPQ      R10, $4
	JEQ       g4row2
	KMOVW     R13, K3
	CMPQ      R10, $5
	JNE       g4f24
	KMOVW     R11, K3
g4f24:
	VMOVUPS.Z 256(BX), K3, Z18
	CMPQ      R10, $5
	JEQ       g4row2
	KMOVW     R13, K3
	CMPQ      R10, $6
	JNE       g4f25
	KMOVW     R11, K3
g4f25:
	VMOVUPS.Z 320(BX), K3, Z19
	CMPQ      R10, $6
	JEQ       g4row2
	KMOVW     R13, K3
	CMPQ      R10, $7
	JNE       g4f26
	KMOVW     R11, K3
g4f26:
	VMOVUPS.Z 384(BX), K3, Z20
	CMPQ      R10, $7
	JEQ       g4row2
g4row2:
	MOVQ  24(R9), BX
	KMOVW     R13, K3
	CMPQ      R10, $1
	JNE       g4f30
	KMOVW     R11, K3
g4f30:
	VMOVUPS.Z 0(BX), K3, Z21
	CMPQ      R10, $1
	JEQ       g4row3
	KMOVW     R13, K3
	CMPQ      R10, $2
	JNE       g4f31
	KMOVW     R11, K3
g4f31:
	VMOVUPS.Z 64(BX), K3, Z22
	CMPQ      R10, $2
	JEQ       g4row3
	KMOVW     R13, K3
	CMPQ      R10, $3
	JNE       g4f32
	KMOVW     R11, K3
g4f32:
	VMOVUPS.Z 128(BX), K3, Z23
	CMPQ      R10, $3
	JEQ       g4row3
	KMOVW     R13, K3
	CMPQ      R10, $4
	JNE       g4f33
	KMOVW     R11, K3
g4f33:
	VMOVUPS.Z 192(BX), K3, Z24
	CMPQ      R10, $4
	JEQ       g4row3
	KMOVW     R13, K3
	CMPQ      R10, $5
	JNE       g4f34
	KMOVW     R11, K3
g4f34:
	VMOVUPS.Z 256(BX), K3, Z25
	CMPQ      R10, $5
	JEQ       g4row3
	KMOVW     R13, K3
	CMPQ      R10, $6
	JNE       g4f35
	KMOVW     R11, K3
g4f35:
	VMOVUPS.Z 320(BX), K3, Z26
	CMPQ      R10, $6
	JEQ       g4row3
	KMOVW     R13, K3
	CMPQ      R10, $7
	JNE       g4f36
	KMOVW     R11, K3
g4f36:
	VMOVUPS.Z 384(BX), K3, Z27
	CMPQ      R10, $7
	JEQ       g4row3
g4row3:
	MOVQ cnt+0(FP), CX
	MOVQ idx+8(FP), SI
	MOVQ v+16(FP), R9
	MOVQ 0(R9), BX
	MOVQ 8(R9), R11
	MOVQ 16(R9), R12
	MOVQ 24(R9), R13
	MOVQ gt+32(FP), R8
	MOVQ ld+40(FP), R14
	SHLQ $2, R14
	XORQ DX, DX
	TESTQ CX, CX
	JZ   g4done

g4loop:
	MOVLQZX (SI)(DX*4), AX
	IMULQ   R14, AX
	ADDQ    R8, AX
	VMOVUPS 0(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z0, Z28
	VFMADD231PS.BCST (R11)(DX*4), Z7, Z28
	VFMADD231PS.BCST (R12)(DX*4), Z14, Z28
	VFMADD231PS.BCST (R13)(DX*4), Z21, Z28
	VMOVUPS Z28, 0(AX)
	CMPQ    R10, $2
	JLT     g4next
	VMOVUPS 64(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z1, Z28
	VFMADD231PS.BCST (R11)(DX*4), Z8, Z28
	VFMADD231PS.BCST (R12)(DX*4), Z15, Z28
	VFMADD231PS.BCST (R13)(DX*4), Z22, Z28
	VMOVUPS Z28, 64(AX)
	CMPQ    R10, $3
	JLT     g4next
	VMOVUPS 128(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z2, Z28
	VFMADD231PS.BCST (R11)(DX*4), Z9, Z28
	VFMADD231PS.BCST (R12)(DX*4), Z16, Z28
	VFMADD231PS.BCST (R13)(DX*4), Z23, Z28
	VMOVUPS Z28, 128(AX)
	CMPQ    R10, $4
	JLT     g4next
	VMOVUPS 192(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z3, Z28
	VFMADD231PS.BCST (R11)(DX*4), Z10, Z28
	VFMADD231PS.BCST (R12)(DX*4), Z17, Z28
	VFMADD231PS.BCST (R13)(DX*4), Z24, Z28
	VMOVUPS Z28, 192(AX)
	CMPQ    R10, $5
	JLT     g4next
	VMOVUPS 256(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z4, Z28
	VFMADD231PS.BCST (R11)(DX*4), Z11, Z28
	VFMADD231PS.BCST (R12)(DX*4), Z18, Z28
	VFMADD231PS.BCST (R13)(DX*4), Z25, Z28
	VMOVUPS Z28, 256(AX)
	CMPQ    R10, $6
	JLT     g4next
	VMOVUPS 320(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z5, Z28
	VFMADD231PS.BCST (R11)(DX*4), Z12, Z28
	VFMADD231PS.BCST (R12)(DX*4), Z19, Z28
	VFMADD231PS.BCST (R13)(DX*4), Z26, Z28
	VMOVUPS Z28, 320(AX)
	CMPQ    R10, $7
	JLT     g4next
	VMOVUPS 384(AX), Z28
	VFMADD231PS.BCST (BX)(DX*4), Z6, Z28
	VFMADD231PS.BCST (R11)(DX*4), Z13, Z28
	VFMADD231PS.BCST (R12)(DX*4), Z20, Z28
	VFMADD231PS.BCST (R13)(DX*4), Z27, Z28
	VMOVUPS Z28, 384(AX)

g4next:
	INCQ DX
	CMPQ DX, CX
	JLT  g4loop

g4done:
	VZEROUPPER
	RET
