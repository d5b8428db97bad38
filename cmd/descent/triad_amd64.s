//go:build !noasm

#include "textflag.h"

// func triadAVX(n int, a, b, c *float32, s float32)
TEXT ·triadAVX(SB), NOSPLIT, $0-36
	MOVQ         n+0(FP), BX
	SHLQ         $2, BX
	MOVQ         a+8(FP), DI
	MOVQ         b+16(FP), SI
	MOVQ         c+24(FP), DX
	VBROADCASTSS s+32(FP), Y15
	XORQ         AX, AX
	TESTQ        BX, BX
	JEQ          done

loop:
	VMULPS  (DX)(AX*1), Y15, Y0
	VMULPS  32(DX)(AX*1), Y15, Y1
	VMULPS  64(DX)(AX*1), Y15, Y2
	VMULPS  96(DX)(AX*1), Y15, Y3
	VADDPS  (SI)(AX*1), Y0, Y0
	VADDPS  32(SI)(AX*1), Y1, Y1
	VADDPS  64(SI)(AX*1), Y2, Y2
	VADDPS  96(SI)(AX*1), Y3, Y3
	VMOVUPS Y0, (DI)(AX*1)
	VMOVUPS Y1, 32(DI)(AX*1)
	VMOVUPS Y2, 64(DI)(AX*1)
	VMOVUPS Y3, 96(DI)(AX*1)
	ADDQ    $128, AX
	CMPQ    AX, BX
	JB      loop

done:
	VZEROUPPER
	RET
