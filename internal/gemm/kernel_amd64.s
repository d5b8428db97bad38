//go:build !noasm

#include "textflag.h"

// One step of k: Y0,Y1 hold 16 floats of packed B; each of the 6 rows of
// packed A is broadcast and multiplied into its pair of accumulators
// (Y4..Y15). ao and bo are byte offsets into the A (SI) and B (DI) panels.
#define STEP(ao, bo) \
	VMOVUPS      bo(DI), Y0;            \
	VMOVUPS      bo+32(DI), Y1;         \
	VBROADCASTSS ao(SI), Y2;            \
	VFMADD231PS  Y0, Y2, Y4;            \
	VFMADD231PS  Y1, Y2, Y5;            \
	VBROADCASTSS ao+4(SI), Y3;          \
	VFMADD231PS  Y0, Y3, Y6;            \
	VFMADD231PS  Y1, Y3, Y7;            \
	VBROADCASTSS ao+8(SI), Y2;          \
	VFMADD231PS  Y0, Y2, Y8;            \
	VFMADD231PS  Y1, Y2, Y9;            \
	VBROADCASTSS ao+12(SI), Y3;         \
	VFMADD231PS  Y0, Y3, Y10;           \
	VFMADD231PS  Y1, Y3, Y11;           \
	VBROADCASTSS ao+16(SI), Y2;         \
	VFMADD231PS  Y0, Y2, Y12;           \
	VFMADD231PS  Y1, Y2, Y13;           \
	VBROADCASTSS ao+20(SI), Y3;         \
	VFMADD231PS  Y0, Y3, Y14;           \
	VFMADD231PS  Y1, Y3, Y15

// func kernel6x16(k int, a, b, c *float32, ldc int, beta float32, mode int)
TEXT ·kernel6x16(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

	CMPQ CX, $4
	JLT  tail

loop4:
	STEP(0, 0)
	STEP(24, 64)
	STEP(48, 128)
	STEP(72, 192)
	ADDQ $96, SI
	ADDQ $256, DI
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  loop4

tail:
	TESTQ CX, CX
	JZ    done

loop1:
	STEP(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop1

done:
	MOVQ mode+48(FP), AX
	CMPQ AX, $1
	JEQ  add
	JGT  scale

	// C = T
	VMOVUPS Y4, (DX)
	VMOVUPS Y5, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y6, (DX)
	VMOVUPS Y7, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y8, (DX)
	VMOVUPS Y9, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y10, (DX)
	VMOVUPS Y11, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y12, (DX)
	VMOVUPS Y13, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y14, (DX)
	VMOVUPS Y15, 32(DX)
	VZEROUPPER
	RET

add:
	// C = T + C
	VADDPS  (DX), Y4, Y4
	VADDPS  32(DX), Y5, Y5
	VMOVUPS Y4, (DX)
	VMOVUPS Y5, 32(DX)
	ADDQ    R8, DX
	VADDPS  (DX), Y6, Y6
	VADDPS  32(DX), Y7, Y7
	VMOVUPS Y6, (DX)
	VMOVUPS Y7, 32(DX)
	ADDQ    R8, DX
	VADDPS  (DX), Y8, Y8
	VADDPS  32(DX), Y9, Y9
	VMOVUPS Y8, (DX)
	VMOVUPS Y9, 32(DX)
	ADDQ    R8, DX
	VADDPS  (DX), Y10, Y10
	VADDPS  32(DX), Y11, Y11
	VMOVUPS Y10, (DX)
	VMOVUPS Y11, 32(DX)
	ADDQ    R8, DX
	VADDPS  (DX), Y12, Y12
	VADDPS  32(DX), Y13, Y13
	VMOVUPS Y12, (DX)
	VMOVUPS Y13, 32(DX)
	ADDQ    R8, DX
	VADDPS  (DX), Y14, Y14
	VADDPS  32(DX), Y15, Y15
	VMOVUPS Y14, (DX)
	VMOVUPS Y15, 32(DX)
	VZEROUPPER
	RET

scale:
	// C = T + beta·C
	VBROADCASTSS beta+40(FP), Y0
	VFMADD231PS  (DX), Y0, Y4
	VFMADD231PS  32(DX), Y0, Y5
	VMOVUPS      Y4, (DX)
	VMOVUPS      Y5, 32(DX)
	ADDQ         R8, DX
	VFMADD231PS  (DX), Y0, Y6
	VFMADD231PS  32(DX), Y0, Y7
	VMOVUPS      Y6, (DX)
	VMOVUPS      Y7, 32(DX)
	ADDQ         R8, DX
	VFMADD231PS  (DX), Y0, Y8
	VFMADD231PS  32(DX), Y0, Y9
	VMOVUPS      Y8, (DX)
	VMOVUPS      Y9, 32(DX)
	ADDQ         R8, DX
	VFMADD231PS  (DX), Y0, Y10
	VFMADD231PS  32(DX), Y0, Y11
	VMOVUPS      Y10, (DX)
	VMOVUPS      Y11, 32(DX)
	ADDQ         R8, DX
	VFMADD231PS  (DX), Y0, Y12
	VFMADD231PS  32(DX), Y0, Y13
	VMOVUPS      Y12, (DX)
	VMOVUPS      Y13, 32(DX)
	ADDQ         R8, DX
	VFMADD231PS  (DX), Y0, Y14
	VFMADD231PS  32(DX), Y0, Y15
	VMOVUPS      Y14, (DX)
	VMOVUPS      Y15, 32(DX)
	VZEROUPPER
	RET
