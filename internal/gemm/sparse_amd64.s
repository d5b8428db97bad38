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


// func spRowNT(cnt int, idx *int32, val *float32, bt *float32, pstride int, np int, c *float32, lastmask uint64, add int)
//
// For p < np (1 ≤ np ≤ 8): s_p = Σ_t val[t]·bt[p·pstride + idx[t]·16 : +16]
// (pstride in floats), one FMA chain per lane in t's order from +0; then
// c[16p : 16p+16] = s_p (add = 0) or c + s_p (add ≠ 0). The last panel's
// lanes are those set in lastmask, the others full; nothing else of c is
// read or written.
TEXT ·spRowNT(SB), NOSPLIT, $0-72
	MOVQ cnt+0(FP), CX
	MOVQ idx+8(FP), SI
	MOVQ val+16(FP), DI
	MOVQ bt+24(FP), R8
	MOVQ pstride+32(FP), R9
	SHLQ $2, R9
	MOVQ np+40(FP), R10

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
	SHLQ         $6, AX
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
	MOVQ     c+48(FP), BX
	MOVQ     lastmask+56(FP), R11
	MOVQ     add+64(FP), R12
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
