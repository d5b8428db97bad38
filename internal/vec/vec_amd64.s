//go:build !noasm

#include "textflag.h"

// Each kernel computes what the portable loop of the same name in vec.go
// computes, element for element.

// func bytesToF32AVX512(dst *float32, src *byte, n int, div float32)
// n is a multiple of 16.
TEXT ·bytesToF32AVX512(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS div+24(FP), Z7
	CMPQ         CX, $64
	JLT          b512one

b512four:
	VPMOVZXBD (SI), Z0
	VPMOVZXBD 16(SI), Z1
	VPMOVZXBD 32(SI), Z2
	VPMOVZXBD 48(SI), Z3
	VCVTDQ2PS Z0, Z0
	VCVTDQ2PS Z1, Z1
	VCVTDQ2PS Z2, Z2
	VCVTDQ2PS Z3, Z3
	VDIVPS    Z7, Z0, Z0
	VDIVPS    Z7, Z1, Z1
	VDIVPS    Z7, Z2, Z2
	VDIVPS    Z7, Z3, Z3
	VMOVUPS   Z0, (DI)
	VMOVUPS   Z1, 64(DI)
	VMOVUPS   Z2, 128(DI)
	VMOVUPS   Z3, 192(DI)
	ADDQ      $64, SI
	ADDQ      $256, DI
	SUBQ      $64, CX
	CMPQ      CX, $64
	JGE       b512four

b512one:
	CMPQ      CX, $16
	JLT       b512done
	VPMOVZXBD (SI), Z0
	VCVTDQ2PS Z0, Z0
	VDIVPS    Z7, Z0, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $16, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JMP       b512one

b512done:
	VZEROUPPER
	RET

// func bytesToF32AVX2(dst *float32, src *byte, n int, div float32)
// n is a multiple of 8.
TEXT ·bytesToF32AVX2(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS div+24(FP), Y7
	CMPQ         CX, $32
	JLT          b256one

b256four:
	VPMOVZXBD (SI), Y0
	VPMOVZXBD 8(SI), Y1
	VPMOVZXBD 16(SI), Y2
	VPMOVZXBD 24(SI), Y3
	VCVTDQ2PS Y0, Y0
	VCVTDQ2PS Y1, Y1
	VCVTDQ2PS Y2, Y2
	VCVTDQ2PS Y3, Y3
	VDIVPS    Y7, Y0, Y0
	VDIVPS    Y7, Y1, Y1
	VDIVPS    Y7, Y2, Y2
	VDIVPS    Y7, Y3, Y3
	VMOVUPS   Y0, (DI)
	VMOVUPS   Y1, 32(DI)
	VMOVUPS   Y2, 64(DI)
	VMOVUPS   Y3, 96(DI)
	ADDQ      $32, SI
	ADDQ      $128, DI
	SUBQ      $32, CX
	CMPQ      CX, $32
	JGE       b256four

b256one:
	CMPQ      CX, $8
	JLT       b256done
	VPMOVZXBD (SI), Y0
	VCVTDQ2PS Y0, Y0
	VDIVPS    Y7, Y0, Y0
	VMOVUPS   Y0, (DI)
	ADDQ      $8, SI
	ADDQ      $32, DI
	SUBQ      $8, CX
	JMP       b256one

b256done:
	VZEROUPPER
	RET

// func finiteAVX512(x *float32, n int) bool
// n is a multiple of 16. Accumulates x·0, which is NaN exactly for NaN and ±Inf.
TEXT ·finiteAVX512(SB), NOSPLIT, $0-17
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	CMPQ   CX, $64
	JLT    f512one

f512four:
	VFMADD231PS (SI), Z4, Z0
	VFMADD231PS 64(SI), Z4, Z1
	VFMADD231PS 128(SI), Z4, Z2
	VFMADD231PS 192(SI), Z4, Z3
	ADDQ        $256, SI
	SUBQ        $64, CX
	CMPQ        CX, $64
	JGE         f512four

f512one:
	CMPQ        CX, $16
	JLT         f512done
	VFMADD231PS (SI), Z4, Z0
	ADDQ        $64, SI
	SUBQ        $16, CX
	JMP         f512one

f512done:
	VADDPS   Z1, Z0, Z0
	VADDPS   Z3, Z2, Z2
	VADDPS   Z2, Z0, Z0
	VCMPPS   $3, Z0, Z0, K1 // unordered: NaN lanes
	KORTESTW K1, K1
	SETEQ    ret+16(FP)
	VZEROUPPER
	RET

// func finiteAVX2(x *float32, n int) bool
// n is a multiple of 8.
TEXT ·finiteAVX2(SB), NOSPLIT, $0-17
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	CMPQ   CX, $32
	JLT    f256one

f256four:
	VFMADD231PS (SI), Y4, Y0
	VFMADD231PS 32(SI), Y4, Y1
	VFMADD231PS 64(SI), Y4, Y2
	VFMADD231PS 96(SI), Y4, Y3
	ADDQ        $128, SI
	SUBQ        $32, CX
	CMPQ        CX, $32
	JGE         f256four

f256one:
	CMPQ        CX, $8
	JLT         f256done
	VFMADD231PS (SI), Y4, Y0
	ADDQ        $32, SI
	SUBQ        $8, CX
	JMP         f256one

f256done:
	VADDPS    Y1, Y0, Y0
	VADDPS    Y3, Y2, Y2
	VADDPS    Y2, Y0, Y0
	VCMPPS    $3, Y0, Y0, Y1
	VMOVMSKPS Y1, AX
	TESTL     AX, AX
	SETEQ     ret+16(FP)
	VZEROUPPER
	RET

// func addBiasAVX512(z, b *float32, rows, c int, relu bool)
TEXT ·addBiasAVX512(SB), NOSPLIT, $0-33
	MOVQ    z+0(FP), DI
	MOVQ    b+8(FP), SI
	MOVQ    rows+16(FP), DX
	MOVQ    c+24(FP), BX
	MOVBLZX relu+32(FP), R9
	VPXORD  Z6, Z6, Z6
	MOVQ    BX, CX
	ANDQ    $15, CX
	MOVL    $1, AX
	SHLL    CX, AX
	DECL    AX
	KMOVW   AX, K1      // lanes of the last, partial group of 16
	MOVQ    BX, R10
	ANDQ    $-16, R10   // columns in whole groups
	SHLQ    $2, BX      // row stride in bytes

ab512row:
	XORQ R8, R8

ab512col:
	CMPQ    R8, R10
	JGE     ab512tail
	VMOVUPS (DI)(R8*4), Z0
	VADDPS  (SI)(R8*4), Z0, Z0
	TESTQ   R9, R9
	JZ      ab512store
	VMAXPS  Z0, Z6, Z0  // 0 > v ? 0 : v

ab512store:
	VMOVUPS Z0, (DI)(R8*4)
	ADDQ    $16, R8
	JMP     ab512col

ab512tail:
	KORTESTW  K1, K1
	JZ        ab512next
	VMOVUPS.Z (DI)(R8*4), K1, Z0
	VADDPS.Z  (SI)(R8*4), Z0, K1, Z0
	TESTQ     R9, R9
	JZ        ab512tstore
	VMAXPS    Z0, Z6, Z0

ab512tstore:
	VMOVUPS Z0, K1, (DI)(R8*4)

ab512next:
	ADDQ BX, DI
	DECQ DX
	JNZ  ab512row
	VZEROUPPER
	RET

// func addBiasAVX2(z, b *float32, rows, c, full int, relu bool)
// Only the first full columns (a multiple of 8) of each row.
TEXT ·addBiasAVX2(SB), NOSPLIT, $0-41
	MOVQ    z+0(FP), DI
	MOVQ    b+8(FP), SI
	MOVQ    rows+16(FP), DX
	MOVQ    c+24(FP), BX
	MOVQ    full+32(FP), R10
	MOVBLZX relu+40(FP), R9
	VXORPS  Y6, Y6, Y6
	SHLQ    $2, BX

ab256row:
	XORQ R8, R8

ab256col:
	CMPQ    R8, R10
	JGE     ab256next
	VMOVUPS (DI)(R8*4), Y0
	VADDPS  (SI)(R8*4), Y0, Y0
	TESTQ   R9, R9
	JZ      ab256store
	VMAXPS  Y0, Y6, Y0

ab256store:
	VMOVUPS Y0, (DI)(R8*4)
	ADDQ    $8, R8
	JMP     ab256col

ab256next:
	ADDQ BX, DI
	DECQ DX
	JNZ  ab256row
	VZEROUPPER
	RET

// func reluGradAVX512(grad, y *float32, n int)
TEXT ·reluGradAVX512(SB), NOSPLIT, $0-24
	MOVQ   grad+0(FP), DI
	MOVQ   y+8(FP), SI
	MOVQ   n+16(FP), CX
	VPXORD Z6, Z6, Z6

rg512loop:
	CMPQ      CX, $16
	JLT       rg512tail
	VMOVUPS   (SI), Z1
	VCMPPS    $6, Z6, Z1, K2 // y > 0 or NaN: keep g
	VMOVUPS.Z (DI), K2, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JMP       rg512loop

rg512tail:
	TESTQ     CX, CX
	JZ        rg512done
	MOVL      $1, AX
	SHLL      CX, AX
	DECL      AX
	KMOVW     AX, K1
	VMOVUPS.Z (SI), K1, Z1
	VCMPPS    $6, Z6, Z1, K1, K2
	VMOVUPS.Z (DI), K2, Z0
	VMOVUPS   Z0, K1, (DI)

rg512done:
	VZEROUPPER
	RET

// func reluGradAVX2(grad, y *float32, n int)
// n is a multiple of 8.
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-24
	MOVQ   grad+0(FP), DI
	MOVQ   y+8(FP), SI
	MOVQ   n+16(FP), CX
	VXORPS Y6, Y6, Y6

rg256loop:
	CMPQ    CX, $8
	JLT     rg256done
	VMOVUPS (SI), Y1
	VCMPPS  $6, Y6, Y1, Y2
	VANDPS  (DI), Y2, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     rg256loop

rg256done:
	VZEROUPPER
	RET

// func colSumsAVX512(dst, x *float32, rows, c int)
TEXT ·colSumsAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ rows+16(FP), DX
	MOVQ c+24(FP), R10
	MOVQ R10, BX
	SHLQ $2, BX

cs512b64:
	CMPQ   R10, $64
	JLT    cs512b16
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	MOVQ   SI, R8
	MOVQ   DX, R9

cs512r64:
	VADDPS (R8), Z0, Z0
	VADDPS 64(R8), Z1, Z1
	VADDPS 128(R8), Z2, Z2
	VADDPS 192(R8), Z3, Z3
	ADDQ   BX, R8
	DECQ   R9
	JNZ    cs512r64
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, SI
	ADDQ    $256, DI
	SUBQ    $64, R10
	JMP     cs512b64

cs512b16:
	CMPQ   R10, $16
	JLT    cs512tail
	VPXORD Z0, Z0, Z0
	MOVQ   SI, R8
	MOVQ   DX, R9

cs512r16:
	VADDPS  (R8), Z0, Z0
	ADDQ    BX, R8
	DECQ    R9
	JNZ     cs512r16
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, R10
	JMP     cs512b16

cs512tail:
	TESTQ  R10, R10
	JZ     cs512done
	MOVQ   R10, CX
	MOVL   $1, AX
	SHLL   CX, AX
	DECL   AX
	KMOVW  AX, K1
	VPXORD Z0, Z0, Z0
	MOVQ   SI, R8
	MOVQ   DX, R9

cs512rt:
	VADDPS  (R8), Z0, K1, Z0
	ADDQ    BX, R8
	DECQ    R9
	JNZ     cs512rt
	VMOVUPS Z0, K1, (DI)

cs512done:
	VZEROUPPER
	RET

// func colSumsAVX2(dst, x *float32, rows, c, full int)
// Only the first full columns (a multiple of 8).
TEXT ·colSumsAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ rows+16(FP), DX
	MOVQ c+24(FP), BX
	MOVQ full+32(FP), R10
	SHLQ $2, BX

cs256b32:
	CMPQ   R10, $32
	JLT    cs256b8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ   SI, R8
	MOVQ   DX, R9

cs256r32:
	VADDPS (R8), Y0, Y0
	VADDPS 32(R8), Y1, Y1
	VADDPS 64(R8), Y2, Y2
	VADDPS 96(R8), Y3, Y3
	ADDQ   BX, R8
	DECQ   R9
	JNZ    cs256r32
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $32, R10
	JMP     cs256b32

cs256b8:
	CMPQ   R10, $8
	JLT    cs256done
	VXORPS Y0, Y0, Y0
	MOVQ   SI, R8
	MOVQ   DX, R9

cs256r8:
	VADDPS  (R8), Y0, Y0
	ADDQ    BX, R8
	DECQ    R9
	JNZ     cs256r8
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, R10
	JMP     cs256b8

cs256done:
	VZEROUPPER
	RET

// func softmaxAVX512(dz, tops, sums, logits *float32, rows, c int, scale float32)
// 1 ≤ c ≤ 16: one row per ZMM register, lanes ≥ c masked off. See
// softmaxRows and Exp32 for the operations, which are the same.
TEXT ·softmaxAVX512(SB), NOSPLIT, $0-52
	MOVQ         dz+0(FP), DI
	MOVQ         tops+8(FP), R11
	MOVQ         sums+16(FP), R12
	MOVQ         logits+24(FP), SI
	MOVQ         rows+32(FP), DX
	MOVQ         c+40(FP), CX
	VBROADCASTSS scale+48(FP), Z18
	MOVL         $1, AX
	SHLL         CX, AX
	DECL         AX
	KMOVW        AX, K1
	SHLQ         $2, CX                  // row stride in bytes
	MOVL         $0xff800000, AX         // −Inf
	VPBROADCASTD AX, Z19
	MOVL         $0x3fb8aa3b, AX         // log2(e)
	VPBROADCASTD AX, Z20
	MOVL         $0x3f000000, AX         // 0.5
	VPBROADCASTD AX, Z21
	MOVL         $0x3f318000, AX         // C1
	VPBROADCASTD AX, Z22
	MOVL         $0xb95e8083, AX         // C2
	VPBROADCASTD AX, Z23
	MOVL         $0x39506967, AX         // P0
	VPBROADCASTD AX, Z24
	MOVL         $0x3ab743ce, AX         // P1
	VPBROADCASTD AX, Z25
	MOVL         $0x3c088908, AX         // P2
	VPBROADCASTD AX, Z26
	MOVL         $0x3d2aa9c1, AX         // P3
	VPBROADCASTD AX, Z27
	MOVL         $0x3e2aaaaa, AX         // P4
	VPBROADCASTD AX, Z28
	MOVL         $0x3f000000, AX         // P5
	VPBROADCASTD AX, Z29
	MOVL         $0x3f800000, AX         // 1
	VPBROADCASTD AX, Z30
	MOVL         $0xc2d00000, AX         // ExpMin = −104
	VPBROADCASTD AX, Z31

smrow:
	VMOVUPS.Z (SI), K1, Z0
	VMOVAPS   Z19, Z1
	VMOVAPS   Z0, K1, Z1                 // the row, −Inf in the unused lanes
	VSHUFF32X4 $0x4e, Z1, Z1, Z2
	VMAXPS    Z2, Z1, Z1
	VSHUFF32X4 $0xb1, Z1, Z1, Z2
	VMAXPS    Z2, Z1, Z1
	VPERMILPS $0x4e, Z1, Z2
	VMAXPS    Z2, Z1, Z1
	VPERMILPS $0xb1, Z1, Z2
	VMAXPS    Z2, Z1, Z1                 // top in every lane
	VSUBPS    Z1, Z0, Z3                 // x = v − top
	VMAXPS    Z3, Z31, Z3                // x < ExpMin ? ExpMin : x (NaN kept)
	VMULPS    Z20, Z3, Z4
	VADDPS    Z21, Z4, Z4
	VRNDSCALEPS $0x09, Z4, Z4            // n = ⌊x·log2e + ½⌋
	VMULPS    Z22, Z4, Z5
	VSUBPS    Z5, Z3, Z3
	VMULPS    Z23, Z4, Z5
	VSUBPS    Z5, Z3, Z3                 // r = x − n·C1 − n·C2
	VMULPS    Z3, Z3, Z6                 // r²
	VMULPS    Z24, Z3, Z7
	VADDPS    Z25, Z7, Z7
	VMULPS    Z3, Z7, Z7
	VADDPS    Z26, Z7, Z7
	VMULPS    Z3, Z7, Z7
	VADDPS    Z27, Z7, Z7
	VMULPS    Z3, Z7, Z7
	VADDPS    Z28, Z7, Z7
	VMULPS    Z3, Z7, Z7
	VADDPS    Z29, Z7, Z7
	VMULPS    Z6, Z7, Z7
	VADDPS    Z3, Z7, Z7
	VADDPS    Z30, Z7, Z7                // 1 + r + r²·P(r)
	VSCALEFPS Z4, Z7, Z7                 // ·2ⁿ
	VMOVAPS.Z Z7, K1, Z7                 // e, 0 in the unused lanes
	VSHUFF32X4 $0x4e, Z7, Z7, Z8
	VADDPS    Z8, Z7, Z8
	VSHUFF32X4 $0xb1, Z8, Z8, Z9
	VADDPS    Z9, Z8, Z9
	VPERMILPS $0x4e, Z9, Z10
	VADDPS    Z10, Z9, Z10
	VPERMILPS $0xb1, Z10, Z11
	VADDPS    Z11, Z10, Z11              // the sum in every lane
	VDIVPS    Z11, Z7, Z12
	VMULPS    Z18, Z12, Z12
	VMOVUPS   Z12, K1, (DI)
	VMOVSS    X1, (R11)
	VMOVSS    X11, (R12)
	ADDQ      CX, SI
	ADDQ      CX, DI
	ADDQ      $4, R11
	ADDQ      $4, R12
	DECQ      DX
	JNZ       smrow
	VZEROUPPER
	RET

// func prefetchAsm(p *byte, n int)
// PREFETCHT0 of every 64-byte line of p[0:n].
TEXT ·prefetchAsm(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	ADDQ SI, CX

pfloop:
	CMPQ       SI, CX
	JAE        pfdone
	PREFETCHT0 (SI)
	ADDQ       $64, SI
	JMP        pfloop

pfdone:
	RET
