//go:build linux

#include "textflag.h"

// func upd(p *float32, n int, read, pfw int)
TEXT ·upd(SB), NOSPLIT, $0-32
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ read+16(FP), R8
	MOVQ pfw+24(FP), DX
	VBROADCASTSS c<>(SB), Z1
loop:
	CMPQ CX, $16
	JLT done
	TESTQ DX, DX
	JZ nopf
	// PREFETCHW 2048(SI): 0F 0D /1, mod=10 rm=110, disp32
	BYTE $0x0F; BYTE $0x0D; BYTE $0x8E; LONG $2048
nopf:
	VMOVUPS Z1, Z0
	TESTQ R8, R8
	JZ store
	VMOVUPS (SI), Z0
	VFMADD213PS Z1, Z1, Z0
store:
	VMOVUPS Z0, (SI)
	ADDQ $64, SI
	SUBQ $16, CX
	JMP loop
done:
	VZEROUPPER
	RET

DATA c<>+0(SB)/4, $0x3f7fbe77
GLOBL c<>(SB), RODATA, $4
