//go:build !noasm

#include "textflag.h"

// func sgdMomentum32x16(n int, c *float32, p, gr, buf *float32)
//
// SGD with momentum without options (sgdMomentum32 with flags 0: not the
// first step, no Nesterov, weight decay or maximize) on 16 float32 lanes at
// a time, n a multiple of 16; c is sgdMomentumVec's constant block
// {−lr, wd, μ, 1−dampening}. The same operations in the same order as
// sgdMomentum32 and sgdMomentumScalar: b = b·μ + (1−dampening)·g,
// p = p + (−lr)·b.
TEXT ·sgdMomentum32x16(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), BX
	SHLQ $2, BX
	MOVQ c+8(FP), CX
	MOVQ p+16(FP), DI
	MOVQ gr+24(FP), SI
	MOVQ buf+32(FP), R8
	VBROADCASTSS 0(CX), Z15
	VBROADCASTSS 8(CX), Z13
	VBROADCASTSS 12(CX), Z12
	XORQ AX, AX
	TESTQ BX, BX
	JEQ mdone

mloop:
	// PREFETCHW 2048(DI)(AX*1) (0F 0D /1; the Go assembler has no
	// mnemonic for it): see adam_avx512_amd64.s.
	BYTE $0x0F; BYTE $0x0D; BYTE $0x8C; BYTE $0x07; LONG $2048
	VMOVUPS (DI)(AX*1), Z0
	VMOVUPS (SI)(AX*1), Z1
	VMOVUPS (R8)(AX*1), Z2
	VMULPS Z13, Z2, Z2
	VMULPS Z1, Z12, Z3
	VADDPS Z3, Z2, Z2
	VMOVUPS Z2, (R8)(AX*1)
	VMULPS Z2, Z15, Z3
	VADDPS Z3, Z0, Z0
	VMOVUPS Z0, (DI)(AX*1)
	ADDQ $64, AX
	CMPQ AX, BX
	JB mloop

mdone:
	VZEROUPPER
	RET
