//go:build !noasm

#include "textflag.h"

// func gemvN32(k int, x, b *float32, ldb int, y *float32)
//
// y[0:32] = Σ_q x[q]·b[q·ldb : q·ldb+32]. Even and odd q use separate
// accumulators (Y4..Y7, Y8..Y11) so that eight FMA chains are in flight.
TEXT ·gemvN32(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), R8
	SHLQ $2, R8
	MOVQ y+32(FP), DX

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	CMPQ CX, $2
	JLT  n32tail

n32loop:
	VBROADCASTSS (SI), Y0
	VBROADCASTSS 4(SI), Y1
	VFMADD231PS  (DI), Y0, Y4
	VFMADD231PS  32(DI), Y0, Y5
	VFMADD231PS  64(DI), Y0, Y6
	VFMADD231PS  96(DI), Y0, Y7
	VFMADD231PS  (DI)(R8*1), Y1, Y8
	VFMADD231PS  32(DI)(R8*1), Y1, Y9
	VFMADD231PS  64(DI)(R8*1), Y1, Y10
	VFMADD231PS  96(DI)(R8*1), Y1, Y11
	ADDQ         $8, SI
	LEAQ         (DI)(R8*2), DI
	SUBQ         $2, CX
	CMPQ         CX, $2
	JGE          n32loop

n32tail:
	TESTQ CX, CX
	JZ    n32done
	VBROADCASTSS (SI), Y0
	VFMADD231PS  (DI), Y0, Y4
	VFMADD231PS  32(DI), Y0, Y5
	VFMADD231PS  64(DI), Y0, Y6
	VFMADD231PS  96(DI), Y0, Y7

n32done:
	VADDPS  Y8, Y4, Y4
	VADDPS  Y9, Y5, Y5
	VADDPS  Y10, Y6, Y6
	VADDPS  Y11, Y7, Y7
	VMOVUPS Y4, (DX)
	VMOVUPS Y5, 32(DX)
	VMOVUPS Y6, 64(DX)
	VMOVUPS Y7, 96(DX)
	VZEROUPPER
	RET

// func gemvN8(k int, x, b *float32, ldb int, y *float32, mask *int32)
//
// y[j] = Σ_q x[q]·b[q·ldb+j] for the j < 8 whose mask word is -1; other
// elements of b and y are not touched. Four accumulators take q mod 4.
TEXT ·gemvN8(SB), NOSPLIT, $0-48
	MOVQ    k+0(FP), CX
	MOVQ    x+8(FP), SI
	MOVQ    b+16(FP), DI
	MOVQ    ldb+24(FP), R8
	SHLQ    $2, R8
	MOVQ    y+32(FP), DX
	MOVQ    mask+40(FP), AX
	VMOVDQU (AX), Y15

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	LEAQ   (R8)(R8*2), R9 // 3·ldb bytes

	CMPQ CX, $4
	JLT  n8tail

n8loop:
	VMASKMOVPS   (DI), Y15, Y0
	VMASKMOVPS   (DI)(R8*1), Y15, Y1
	VMASKMOVPS   (DI)(R8*2), Y15, Y2
	VMASKMOVPS   (DI)(R9*1), Y15, Y3
	VBROADCASTSS (SI), Y8
	VBROADCASTSS 4(SI), Y9
	VBROADCASTSS 8(SI), Y10
	VBROADCASTSS 12(SI), Y11
	VFMADD231PS  Y0, Y8, Y4
	VFMADD231PS  Y1, Y9, Y5
	VFMADD231PS  Y2, Y10, Y6
	VFMADD231PS  Y3, Y11, Y7
	ADDQ         $16, SI
	LEAQ         (DI)(R8*4), DI
	SUBQ         $4, CX
	CMPQ         CX, $4
	JGE          n8loop

n8tail:
	TESTQ CX, CX
	JZ    n8done

n8one:
	VMASKMOVPS   (DI), Y15, Y0
	VBROADCASTSS (SI), Y8
	VFMADD231PS  Y0, Y8, Y4
	ADDQ         $4, SI
	ADDQ         R8, DI
	DECQ         CX
	JNZ          n8one

n8done:
	VADDPS     Y5, Y4, Y4
	VADDPS     Y7, Y6, Y6
	VADDPS     Y6, Y4, Y4
	VMASKMOVPS Y4, Y15, (DX)
	VZEROUPPER
	RET

// func dot4(k int, x, b *float32, ldb int, out *float32, mask *int32)
//
// out[r] = Σ_q x[q]·b[r·ldb+q] for r < 4: four dot products against one x.
// mask selects the k mod 8 valid words of the last, partial vector; masked
// loads do not touch memory past the end of a row.
TEXT ·dot4(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), R8
	SHLQ $2, R8
	MOVQ out+32(FP), DX
	MOVQ mask+40(FP), AX
	LEAQ (DI)(R8*2), R10
	ADDQ R8, R10         // row 3

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	CMPQ CX, $16
	JLT  d4eight

d4loop:
	VMOVUPS     (SI), Y0
	VMOVUPS     32(SI), Y1
	VFMADD231PS (DI), Y0, Y4
	VFMADD231PS (DI)(R8*1), Y0, Y5
	VFMADD231PS (DI)(R8*2), Y0, Y6
	VFMADD231PS (R10), Y0, Y7
	VFMADD231PS 32(DI), Y1, Y8
	VFMADD231PS 32(DI)(R8*1), Y1, Y9
	VFMADD231PS 32(DI)(R8*2), Y1, Y10
	VFMADD231PS 32(R10), Y1, Y11
	ADDQ        $64, SI
	ADDQ        $64, DI
	ADDQ        $64, R10
	SUBQ        $16, CX
	CMPQ        CX, $16
	JGE         d4loop

d4eight:
	CMPQ CX, $8
	JLT  d4tail
	VMOVUPS     (SI), Y0
	VFMADD231PS (DI), Y0, Y4
	VFMADD231PS (DI)(R8*1), Y0, Y5
	VFMADD231PS (DI)(R8*2), Y0, Y6
	VFMADD231PS (R10), Y0, Y7
	ADDQ        $32, SI
	ADDQ        $32, DI
	ADDQ        $32, R10
	SUBQ        $8, CX

d4tail:
	TESTQ CX, CX
	JZ    d4done
	VMOVDQU     (AX), Y15
	VMASKMOVPS  (SI), Y15, Y0
	VMASKMOVPS  (DI), Y15, Y1
	VMASKMOVPS  (DI)(R8*1), Y15, Y2
	VMASKMOVPS  (DI)(R8*2), Y15, Y3
	VMASKMOVPS  (R10), Y15, Y12
	VFMADD231PS Y1, Y0, Y8
	VFMADD231PS Y2, Y0, Y9
	VFMADD231PS Y3, Y0, Y10
	VFMADD231PS Y12, Y0, Y11

d4done:
	VADDPS       Y8, Y4, Y4
	VADDPS       Y9, Y5, Y5
	VADDPS       Y10, Y6, Y6
	VADDPS       Y11, Y7, Y7
	VHADDPS      Y5, Y4, Y4     // [s0 s0 s1 s1 | s0 s0 s1 s1] partial sums
	VHADDPS      Y7, Y6, Y6     // same for rows 2, 3
	VHADDPS      Y6, Y4, Y4     // [r0 r1 r2 r3 | r0 r1 r2 r3] per half
	VEXTRACTF128 $1, Y4, X5
	VADDPS       X5, X4, X4
	VMOVUPS      X4, (DX)
	VZEROUPPER
	RET
