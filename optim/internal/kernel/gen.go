//go:build ignore

// gen.go writes the vector kernels: vec_amd64.s (AVX2 assembly, float32
// and float64 from one description), vec_decl_amd64.go and
// vec_decl_other.go (their Go declarations and the stubs of other
// builds) and vec.go (the generic Go side: per-call dispatch and the
// exported entry points). Run it with `go generate` in this directory.
//
// Each kernel is written once below as a sequence of vector operations that
// mirrors its scalar loop in kernel.go operation for operation, in the same
// order and without fused multiply-adds, so that the vector kernels round
// exactly as the scalar reference does (the Go compiler does not fuse on
// GOAMD64=v1, the default). The loop handles whole vectors only; the
// scalar reference finishes the tail.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"log"
	"os"
	"strings"
)

// kern describes one kernel.
type kern struct {
	name   string   // exported Go name, e.g. "Adam"; scalar reference is lower(name)+"Scalar"
	args   string   // Go type of its options, e.g. "AdamArgs"
	bufs   []string // slices after p and g, in order; they become b0, b1, b2
	opt    []string // those of bufs that may be nil
	consts []cnst   // broadcast constants, in the order of the constant block
	flags  []string // Go boolean expressions; flag i is bit i
	// fast are the flag values the common settings give (torch's defaults;
	// none given means 0). Each gets a loop of its own in which the flag
	// tests are resolved when the loop is generated, so the loop the usual
	// call runs has no branch but its own.
	fast []uint64
	// avx512, when set, says the float32 loop without flags also has a
	// hand-written AVX-512 form NAME32x16 (NAME_avx512_amd64.s: the same
	// operations and bits on 16 lanes) and is the condition the dispatch's
	// comment names ("Without options,").
	avx512 string
	body   func(g *gen)
}

// cnst is a constant: a register name used in body and its Go expression
// in the element type T (the same conversion the scalar loop makes).
type cnst struct{ reg, expr string }

// gen emits the assembly of one kernel for one element type.
type gen struct {
	w      *bytes.Buffer
	k      *kern
	suf    string // "S" or "D"
	size   int    // 4 or 8
	regs   map[string]string
	next   int // next free temporary register
	labels int
	copy   string // suffix of this copy's temporaries in an unrolled loop
	disp   int    // byte displacement of this copy's vector
	fixed  bool   // the flags are known: flags, not R11
	flags  uint64
}

// errRegs is the panic of r when the temporaries do not fit.
type errRegs struct{ name string }

func (g *gen) ins(op string, args ...string) {
	fmt.Fprintf(g.w, "\t%s %s\n", op, strings.Join(args, ", "))
}

// r returns the register of a name, allocating a temporary on first use.
func (g *gen) r(name string) string {
	for i, c := range g.k.consts {
		if c.reg == name {
			return fmt.Sprintf("Y%d", 15-i)
		}
	}
	name += g.copy
	if reg, ok := g.regs[name]; ok {
		return reg
	}
	if g.next >= 16-len(g.k.consts) {
		panic(errRegs{name})
	}
	reg := fmt.Sprintf("Y%d", g.next)
	g.next++
	g.regs[name] = reg
	return reg
}

// Three-operand arithmetic, dst = a op b. Plan 9 operand order is reversed.
func (g *gen) mul(dst, a, b string) { g.ins("VMULP"+g.suf, g.r(b), g.r(a), g.r(dst)) }
func (g *gen) add(dst, a, b string) { g.ins("VADDP"+g.suf, g.r(b), g.r(a), g.r(dst)) }
func (g *gen) sub(dst, a, b string) { g.ins("VSUBP"+g.suf, g.r(b), g.r(a), g.r(dst)) }
func (g *gen) div(dst, a, b string) { g.ins("VDIVP"+g.suf, g.r(b), g.r(a), g.r(dst)) }
func (g *gen) sqrt(dst, a string)   { g.ins("VSQRTP"+g.suf, g.r(a), g.r(dst)) }
func (g *gen) mov(dst, a string)    { g.ins("VMOVAP"+g.suf, g.r(a), g.r(dst)) }

// cmp sets dst to all ones where pred(a, b) holds. Predicates: 0x1E a > b,
// 0x11 a < b (both false on NaN), 0x03 unordered.
func (g *gen) cmp(dst, a, b string, pred int) {
	g.ins("VCMPP"+g.suf, fmt.Sprintf("$0x%02x", pred), g.r(b), g.r(a), g.r(dst))
}

// blend sets dst to t where mask is set and to f elsewhere.
func (g *gen) blend(dst, mask, t, f string) {
	g.ins("VBLENDVP"+g.suf, g.r(mask), g.r(t), g.r(f), g.r(dst))
}

// signStep is w ← w − s where x > 0 and w + s where x < 0 (w unchanged
// where x is 0 or NaN), the step of Lion and Rprop; z must hold 0, and k
// and t are clobbered.
func (g *gen) signStep(w, x, s string) {
	g.cmp("k", x, "z", 0x1e) // x > 0
	g.sub("t", w, s)
	g.blend(w, "k", "t", w)
	g.cmp("k", x, "z", 0x11) // x < 0
	g.add("t", w, s)
	g.blend(w, "k", "t", w)
}

// max is Go's max(a, b) (NaN if either is NaN); tmp and mask are
// clobbered and dst may be a or b. VMAXP returns its second source when
// either is NaN, so a NaN in a is put back with a blend. Like VMAXP it
// returns b for max(±0, ∓0); the buffers it is used on are never −0.
func (g *gen) max(dst, a, b, tmp, mask string) {
	g.ins("VMAXP"+g.suf, g.r(b), g.r(a), g.r(tmp))
	g.cmp(mask, a, a, 0x03)
	g.blend(dst, mask, a, tmp)
}

// neg flips the sign of x; tmp is clobbered.
func (g *gen) neg(x, tmp string) {
	t := g.r(tmp)
	g.ins("VPCMPEQD", t, t, t)
	if g.size == 4 {
		g.ins("VPSLLD", "$31", t, t)
	} else {
		g.ins("VPSLLQ", "$63", t, t)
	}
	g.ins("VXORP"+g.suf, t, g.r(x), g.r(x))
}

// abs clears the sign of x; tmp is clobbered.
func (g *gen) abs(x, tmp string) {
	t := g.r(tmp)
	g.ins("VPCMPEQD", t, t, t)
	if g.size == 4 {
		g.ins("VPSRLD", "$1", t, t)
	} else {
		g.ins("VPSRLQ", "$1", t, t)
	}
	g.ins("VANDP"+g.suf, t, g.r(x), g.r(x))
}

func (g *gen) zero(x string) { r := g.r(x); g.ins("VXORP"+g.suf, r, r, r) }

// Buffers: p is DI, g is SI, b0..b2 are R8..R10; AX is the byte offset.
var ptrReg = map[string]string{"p": "DI", "g": "SI", "b0": "R8", "b1": "R9", "b2": "R10"}

func (g *gen) addr(buf string) string {
	if g.disp == 0 {
		return "(" + ptrReg[buf] + ")(AX*1)"
	}
	return fmt.Sprintf("%d(%s)(AX*1)", g.disp, ptrReg[buf])
}
func (g *gen) ld(dst, buf string) { g.ins("VMOVUP"+g.suf, g.addr(buf), g.r(dst)) }
func (g *gen) st(buf, src string) { g.ins("VMOVUP"+g.suf, g.r(src), g.addr(buf)) }

// ifFlag runs then where flag bit is set and els (may be nil) elsewhere:
// a test of R11 in the general loop, the one branch that applies in a
// loop generated for known flags.
func (g *gen) ifFlag(bit int, then, els func()) {
	if g.fixed {
		if g.flags&(1<<bit) != 0 {
			then()
		} else if els != nil {
			els()
		}
		return
	}
	g.labels++
	l := fmt.Sprintf("%s%d_%d", strings.ToLower(g.k.name), g.size*8, g.labels)
	g.ins("TESTQ", fmt.Sprintf("$%d", 1<<bit), "R11")
	if els == nil {
		g.ins("JEQ", l+"_end")
		then()
	} else {
		g.ins("JNE", l+"_then")
		els()
		g.ins("JMP", l+"_end")
		fmt.Fprintf(g.w, "%s_then:\n", l)
		then()
	}
	fmt.Fprintf(g.w, "%s_end:\n", l)
}

// Flag bits shared by the kernels that take a gradient through grad().
const (
	fNeg = 0 // maximize
	fWD  = 1 // weight decay (L2) on
)

// grad loads the gradient into d: negated when maximizing, plus WD·w when
// weight decay is on (w must hold the parameter).
func (g *gen) grad(d, w string) {
	g.ld(d, "g")
	g.ifFlag(fNeg, func() { g.neg(d, "t") }, nil)
	g.ifFlag(fWD, func() { g.mul("t", "WD", w); g.add(d, d, "t") }, nil)
}

var gradFlags = []string{"a.Maximize", "T(a.WeightDecay) != 0"}

// ema sets x = x·b + (om·d) (·d again when sq): the moving averages.
func (g *gen) ema(x, buf, b, om, d string, sq bool) {
	g.ld(x, buf)
	g.mul(x, x, b)
	g.mul("t", om, d)
	if sq {
		g.mul("t", "t", d)
	}
	g.add(x, x, "t")
	g.st(buf, x)
}

var kernels = []*kern{
	{
		name: "SGD", args: "Common",
		consts: []cnst{{"NLR", "-T(a.LR)"}, {"WD", "T(a.WeightDecay)"}},
		flags:  gradFlags,
		body: func(g *gen) {
			g.ld("w", "p")
			g.grad("d", "w")
			g.mul("t", "NLR", "d")
			g.add("w", "w", "t")
			g.st("p", "w")
		},
	},
	{
		name: "SGDMomentum", args: "SGDMomentumArgs", bufs: []string{"buf"}, avx512: "Without options (after the first step),",
		consts: []cnst{{"NLR", "-T(a.LR)"}, {"WD", "T(a.WeightDecay)"}, {"MU", "T(a.Momentum)"}, {"DAMP", "T(1 - a.Dampening)"}},
		flags:  append(gradFlags, "a.First", "a.Nesterov"),
		body: func(g *gen) {
			g.ld("w", "p")
			g.grad("d", "w")
			g.ifFlag(2, func() { g.mov("b", "d") }, func() {
				g.ld("b", "b0")
				g.mul("b", "b", "MU")
				g.mul("t", "DAMP", "d")
				g.add("b", "b", "t")
			})
			g.st("b0", "b")
			g.ifFlag(3, func() { g.mul("t", "MU", "b"); g.add("d", "d", "t") }, func() { g.mov("d", "b") })
			g.mul("t", "NLR", "d")
			g.add("w", "w", "t")
			g.st("p", "w")
		},
	},
	{
		name: "Momentum", args: "MomentumArgs", bufs: []string{"v"},
		consts: []cnst{{"LR", "T(a.LR)"}, {"WD", "T(a.WeightDecay)"}, {"MU", "T(a.Momentum)"}},
		flags:  gradFlags,
		body: func(g *gen) {
			g.ld("w", "p")
			g.grad("d", "w")
			g.ld("v", "b0")
			g.mul("v", "MU", "v")
			g.mul("t", "LR", "d")
			g.sub("v", "v", "t")
			g.st("b0", "v")
			g.add("w", "w", "v")
			g.st("p", "w")
		},
	},
	{
		name: "Adagrad", args: "AdagradArgs", bufs: []string{"sum"},
		consts: []cnst{{"NLR", "-T(a.LR)"}, {"WD", "T(a.WeightDecay)"}, {"EPS", "T(a.Eps)"}},
		flags:  gradFlags,
		body: func(g *gen) {
			g.ld("w", "p")
			g.grad("d", "w")
			g.ld("s", "b0")
			g.mul("t", "d", "d")
			g.add("s", "s", "t")
			g.st("b0", "s")
			g.sqrt("s", "s")
			g.add("s", "s", "EPS")
			g.div("t", "d", "s")
			g.mul("t", "NLR", "t")
			g.add("w", "w", "t")
			g.st("p", "w")
		},
	},
	{
		name: "RMSprop", args: "RMSpropArgs", bufs: []string{"sq"},
		consts: []cnst{{"NLR", "-T(a.LR)"}, {"WD", "T(a.WeightDecay)"}, {"EPS", "T(a.Eps)"}, {"AL", "T(a.Alpha)"}, {"OMA", "T(1 - a.Alpha)"}},
		flags:  gradFlags,
		body: func(g *gen) {
			g.ld("w", "p")
			g.grad("d", "w")
			g.ema("s", "b0", "AL", "OMA", "d", true)
			g.sqrt("s", "s")
			g.add("s", "s", "EPS")
			g.div("t", "d", "s")
			g.mul("t", "NLR", "t")
			g.add("w", "w", "t")
			g.st("p", "w")
		},
	},
	{
		name: "RMSpropFull", args: "RMSpropArgs", bufs: []string{"sq", "ga", "buf"}, opt: []string{"ga", "buf"},
		consts: []cnst{{"NLR", "-T(a.LR)"}, {"WD", "T(a.WeightDecay)"}, {"EPS", "T(a.Eps)"}, {"AL", "T(a.Alpha)"}, {"OMA", "T(1 - a.Alpha)"}, {"MU", "T(a.Momentum)"}},
		flags:  append(gradFlags, "ga != nil", "buf != nil"),
		body: func(g *gen) {
			g.ld("w", "p")
			g.grad("d", "w")
			g.ema("s", "b0", "AL", "OMA", "d", true)
			g.ifFlag(2, func() {
				g.ema("m", "b1", "AL", "OMA", "d", false)
				g.mul("t", "m", "m")
				g.sub("s", "s", "t") // s + (−m)·m
			}, nil)
			g.sqrt("s", "s")
			g.add("s", "s", "EPS")
			g.ifFlag(3, func() {
				g.ld("b", "b2")
				g.mul("b", "b", "MU")
				g.div("t", "d", "s")
				g.add("b", "b", "t")
				g.st("b2", "b")
				g.mul("t", "NLR", "b")
			}, func() {
				g.div("t", "d", "s")
				g.mul("t", "NLR", "t")
			})
			g.add("w", "w", "t")
			g.st("p", "w")
		},
	},
	{
		name: "Adam", args: "AdamArgs", bufs: []string{"m", "v", "vmax"}, opt: []string{"vmax"}, avx512: "Without options,",
		consts: []cnst{{"WD", "T(a.WeightDecay)"}, {"B1", "T(a.Beta1)"}, {"OMB1", "T(1 - a.Beta1)"},
			{"B2", "T(a.Beta2)"}, {"OMB2", "T(1 - a.Beta2)"}, {"NSTEP", "-T(a.StepSize)"},
			{"BC2", "T(a.BC2Sqrt)"}, {"EPS", "T(a.Eps)"}, {"DECAY", "T(a.Decay)"}},
		flags: append(gradFlags, "a.Decay != 1", "vmax != nil"),
		fast:  []uint64{0, 4}, // adam; adamw
		body: func(g *gen) {
			g.ld("w", "p")
			g.ifFlag(2, func() { g.mul("w", "w", "DECAY") }, nil)
			g.grad("d", "w")
			g.ema("m", "b0", "B1", "OMB1", "d", false)
			g.ema("v", "b1", "B2", "OMB2", "d", true)
			g.ifFlag(3, func() {
				g.ld("u", "b2")
				g.max("v", "u", "v", "t", "d")
				g.st("b2", "v")
			}, nil)
			g.sqrt("t", "v")
			g.div("t", "t", "BC2")
			g.add("t", "t", "EPS")
			g.div("t", "m", "t")
			g.mul("t", "NSTEP", "t")
			g.add("w", "w", "t")
			g.st("p", "w")
		},
	},
	{
		name: "AdamNote", args: "AdamNoteArgs", bufs: []string{"m", "v"},
		consts: []cnst{{"LR", "T(a.LR)"}, {"WD", "T(a.WeightDecay)"}, {"EPS", "T(a.Eps)"}, {"B1", "T(a.Beta1)"},
			{"OMB1", "T(1 - a.Beta1)"}, {"B2", "T(a.Beta2)"}, {"OMB2", "T(1 - a.Beta2)"}},
		flags: gradFlags,
		body: func(g *gen) {
			g.ld("w", "p")
			g.grad("d", "w")
			g.ema("m", "b0", "B1", "OMB1", "d", false)
			g.ema("v", "b1", "B2", "OMB2", "d", true)
			g.div("m", "m", "OMB1")
			g.div("v", "v", "OMB2")
			g.mul("m", "LR", "m")
			g.add("v", "v", "EPS")
			g.sqrt("v", "v")
			g.div("m", "m", "v")
			g.sub("w", "w", "m")
			g.st("p", "w")
		},
	},
	{
		name: "Adamax", args: "AdamaxArgs", bufs: []string{"m", "u"},
		consts: []cnst{{"NLR", "-T(a.LR)"}, {"WD", "T(a.WeightDecay)"}, {"EPS", "T(a.Eps)"}, {"B1", "T(a.Beta1)"},
			{"OMB1", "T(1 - a.Beta1)"}, {"B2", "T(a.Beta2)"}},
		flags: gradFlags,
		body: func(g *gen) {
			g.ld("w", "p")
			g.grad("d", "w")
			g.ema("m", "b0", "B1", "OMB1", "d", false)
			g.ld("u", "b1")
			g.mul("u", "u", "B2")
			g.abs("d", "t")
			g.add("d", "d", "EPS")
			g.max("u", "u", "d", "t", "d")
			g.st("b1", "u")
			g.div("t", "m", "u")
			g.mul("t", "NLR", "t")
			g.add("w", "w", "t")
			g.st("p", "w")
		},
	},
	{
		name: "Adadelta", args: "AdadeltaArgs", bufs: []string{"sq", "acc"},
		consts: []cnst{{"NLR", "-T(a.LR)"}, {"WD", "T(a.WeightDecay)"}, {"EPS", "T(a.Eps)"}, {"RHO", "T(a.Rho)"}, {"OMR", "T(1 - a.Rho)"}},
		flags:  gradFlags,
		body: func(g *gen) {
			g.ld("w", "p")
			g.grad("d", "w")
			g.ema("s", "b0", "RHO", "OMR", "d", true)
			g.add("s", "s", "EPS")
			g.sqrt("s", "s") // std
			g.ld("a", "b1")
			g.add("t", "a", "EPS")
			g.sqrt("t", "t")
			g.div("t", "t", "s")
			g.mul("t", "t", "d") // delta
			g.mul("a", "a", "RHO")
			g.mul("s", "OMR", "t")
			g.mul("s", "s", "t")
			g.add("a", "a", "s")
			g.st("b1", "a")
			g.mul("t", "NLR", "t")
			g.add("w", "w", "t")
			g.st("p", "w")
		},
	},
	{
		name: "NAdam", args: "NAdamArgs", bufs: []string{"m", "v"},
		consts: []cnst{{"WD", "T(a.WeightDecay)"}, {"EPS", "T(a.Eps)"}, {"B1", "T(a.Beta1)"}, {"OMB1", "T(1 - a.Beta1)"},
			{"B2", "T(a.Beta2)"}, {"OMB2", "T(1 - a.Beta2)"}, {"BC2", "T(a.BC2)"}, {"C1", "T(a.C1)"}, {"C2", "T(a.C2)"},
			{"DECAY", "T(a.Decay)"}},
		flags: append(gradFlags, "a.Decay != 1"),
		body: func(g *gen) {
			g.ld("w", "p")
			g.ifFlag(2, func() { g.mul("w", "w", "DECAY") }, nil)
			g.grad("d", "w")
			g.ema("m", "b0", "B1", "OMB1", "d", false)
			g.ema("v", "b1", "B2", "OMB2", "d", true)
			g.div("v", "v", "BC2")
			g.sqrt("v", "v")
			g.add("v", "v", "EPS") // denom
			g.div("t", "d", "v")
			g.mul("t", "C1", "t")
			g.add("w", "w", "t")
			g.div("t", "m", "v")
			g.mul("t", "C2", "t")
			g.add("w", "w", "t")
			g.st("p", "w")
		},
	},
	{
		name: "RAdam", args: "RAdamArgs", bufs: []string{"m", "v"},
		consts: []cnst{{"LR", "T(a.LR)"}, {"WD", "T(a.WeightDecay)"}, {"EPS", "T(a.Eps)"}, {"B1", "T(a.Beta1)"},
			{"OMB1", "T(1 - a.Beta1)"}, {"B2", "T(a.Beta2)"}, {"OMB2", "T(1 - a.Beta2)"}, {"BC1", "T(a.BC1)"},
			{"BC2S", "T(a.BC2Sqrt)"}, {"R", "T(a.R)"}, {"DECAY", "T(a.Decay)"}},
		flags: append(gradFlags, "a.Rect", "a.Decay != 1"),
		fast:  []uint64{4, 0}, // rectified, as from step 6 with the default β₂; not yet
		body: func(g *gen) {
			g.ld("w", "p")
			g.ifFlag(3, func() { g.mul("w", "w", "DECAY") }, nil)
			g.grad("d", "w")
			g.ema("m", "b0", "B1", "OMB1", "d", false)
			g.ema("v", "b1", "B2", "OMB2", "d", true)
			g.div("m", "m", "BC1")
			g.mul("m", "m", "LR")
			g.ifFlag(2, func() {
				g.sqrt("v", "v")
				g.add("v", "v", "EPS")
				g.div("v", "BC2S", "v") // adaptive
				g.mul("m", "m", "v")
				g.mul("m", "m", "R")
			}, nil)
			g.sub("w", "w", "m")
			g.st("p", "w")
		},
	},
	{
		name: "Lion", args: "LionArgs", bufs: []string{"m"},
		consts: []cnst{{"LR", "T(a.LR)"}, {"DECAY", "T(a.Decay)"}, {"B1", "T(a.Beta1)"}, {"OMB1", "T(1 - a.Beta1)"},
			{"B2", "T(a.Beta2)"}, {"OMB2", "T(1 - a.Beta2)"}},
		flags: []string{"a.Maximize", "a.Decay != 1"},
		body: func(g *gen) {
			g.ld("d", "g")
			g.ifFlag(fNeg, func() { g.neg("d", "t") }, nil)
			g.ld("m", "b0")
			g.mul("c", "B1", "m")
			g.mul("t", "OMB1", "d")
			g.add("c", "c", "t")
			g.ld("w", "p")
			g.ifFlag(1, func() { g.mul("w", "w", "DECAY") }, nil)
			g.zero("z")
			g.signStep("w", "c", "LR")
			g.st("p", "w")
			g.mul("m", "B2", "m")
			g.mul("t", "OMB2", "d")
			g.add("m", "m", "t")
			g.st("b0", "m")
		},
	},
	{
		name: "Rprop", args: "RpropArgs", bufs: []string{"prev", "step"},
		consts: []cnst{{"EP", "T(a.EtaPlus)"}, {"EM", "T(a.EtaMinus)"}, {"LO", "T(a.StepMin)"}, {"HI", "T(a.StepMax)"}},
		flags:  []string{"a.Maximize"},
		body: func(g *gen) {
			g.ld("d", "g")
			g.ifFlag(fNeg, func() { g.neg("d", "t") }, nil)
			g.ld("c", "b0")
			g.mul("c", "d", "c")
			g.ld("s", "b1")
			g.zero("z")
			g.cmp("k", "c", "z", 0x1e) // c > 0: grow
			g.mul("t", "s", "EP")
			g.blend("s", "k", "t", "s")
			g.cmp("k", "c", "z", 0x11) // c < 0: shrink, and the gradient counts as 0
			g.mul("t", "s", "EM")
			g.blend("s", "k", "t", "s")
			g.blend("d", "k", "z", "d")
			g.cmp("k", "s", "LO", 0x11) // s < lo
			g.blend("s", "k", "LO", "s")
			g.cmp("k", "s", "HI", 0x1e) // s > hi
			g.blend("s", "k", "HI", "s")
			g.st("b1", "s")
			g.st("b0", "d")
			g.ld("w", "p")
			g.signStep("w", "d", "s")
			g.st("p", "w")
		},
	},
	{
		name: "ASGD", args: "ASGDArgs", bufs: []string{"ax"},
		consts: []cnst{{"WD", "T(a.WeightDecay)"}, {"NLR", "-T(a.LR)"}, {"DECAY", "T(a.Decay)"}, {"MU", "T(a.Mu)"}},
		flags:  append(gradFlags, "a.Decay != 1", "a.Mu != 1"),
		fast:   []uint64{4}, // λ > 0, μ = 1: torch's defaults until step t0
		body: func(g *gen) {
			g.ld("w", "p")
			g.grad("d", "w")
			g.ifFlag(2, func() { g.mul("w", "w", "DECAY") }, nil)
			g.mul("t", "NLR", "d")
			g.add("w", "w", "t")
			g.st("p", "w")
			g.ifFlag(3, func() {
				g.ld("a", "b0")
				g.sub("t", "w", "a")
				g.mul("t", "t", "MU")
				g.add("a", "a", "t")
				g.st("b0", "a")
			}, func() { g.st("b0", "w") })
		},
	},
	{
		name: "SFAdamW", args: "SFAdamWArgs", bufs: []string{"z", "v", "x"},
		consts: []cnst{{"WD", "T(a.Decay)"}, {"B2", "T(a.Beta2)"}, {"OMB2", "T(1 - a.Beta2)"}, {"EPS", "T(a.Eps)"},
			{"NLR", "T(-a.LR)"}, {"OMC", "T(1 - a.C)"}, {"C", "T(a.C)"}, {"B1", "T(a.Beta1)"}, {"OMB1", "T(1 - a.Beta1)"}},
		flags: []string{"a.HasDecay", "a.DecayAtZ"},
		body: func(g *gen) {
			g.ld("z", "b0")
			g.ifFlag(0, func() {
				g.ifFlag(1, func() { g.mul("t", "WD", "z") }, func() { g.ld("t", "p"); g.mul("t", "WD", "t") })
				g.sub("z", "z", "t")
			}, nil)
			g.ld("d", "g")
			g.ema("v", "b1", "B2", "OMB2", "d", true)
			g.sqrt("v", "v")
			g.add("v", "v", "EPS")
			g.div("t", "d", "v")
			g.mul("t", "NLR", "t")
			g.add("z", "z", "t")
			g.st("b0", "z")
			g.ema("x", "b2", "OMC", "C", "z", false)
			g.mul("x", "x", "B1")
			g.mul("t", "OMB1", "z")
			g.add("x", "x", "t")
			g.st("p", "x")
		},
	},
	{
		name: "LAMB", args: "LAMBArgs", bufs: []string{"m", "v", "r"},
		consts: []cnst{{"B1", "T(a.Beta1)"}, {"OMB1", "T(1 - a.Beta1)"}, {"B2", "T(a.Beta2)"}, {"OMB2", "T(1 - a.Beta2)"},
			{"EPS", "T(a.Eps)"}, {"WD", "T(a.WeightDecay)"}, {"BC1", "T(a.BC1)"}, {"BC2", "T(a.BC2)"}},
		flags: []string{"a.BiasCorrection", "a.WeightDecay != 0"},
		fast:  []uint64{1}, // bias correction, no decay: the defaults
		body: func(g *gen) {
			g.ld("d", "g")
			g.ema("m", "b0", "B1", "OMB1", "d", false)
			g.ld("v", "b1")
			g.mul("v", "v", "B2")
			g.mul("t", "d", "d")
			g.mul("t", "t", "OMB2")
			g.add("v", "v", "t")
			g.st("b1", "v")
			g.ifFlag(0, func() { g.div("m", "m", "BC1"); g.div("v", "v", "BC2") }, nil)
			g.sqrt("v", "v")
			g.add("v", "v", "EPS")
			g.div("m", "m", "v")
			g.ifFlag(1, func() { g.ld("w", "p"); g.mul("t", "w", "WD"); g.add("m", "m", "t") }, nil)
			g.st("b2", "m")
		},
	},
	{
		name: "AdafactorVector", args: "AdafactorArgs", bufs: []string{"v", "u"},
		consts: []cnst{{"W", "T(a.W)"}, {"OMW", "1 - T(a.W)"}, {"FLOOR", "T(a.Floor)"}, {"ONE", "T(1)"}},
		flags:  []string{"a.Maximize", "T(a.W) < 0.5 && T(a.W) > -0.5"},
		fast:   []uint64{0}, // t^τ ≥ 0.5 only at the first steps; the usual loop is the one below
		body: func(g *gen) {
			g.ld("d", "g")
			g.ifFlag(fNeg, func() { g.neg("d", "t") }, nil)
			g.mul("x2", "d", "d")
			g.ld("v", "b0")
			g.sub("t", "x2", "v")
			g.ifFlag(1, func() { g.mul("t", "W", "t"); g.add("v", "v", "t") },
				func() { g.mul("t", "t", "OMW"); g.sub("v", "x2", "t") })
			g.st("b0", "v")
			g.max("m", "v", "FLOOR", "t", "k")
			g.sqrt("m", "m")
			g.div("m", "ONE", "m")
			g.mul("m", "m", "d")
			g.st("b1", "m")
		},
	},
	{
		name: "SFSGD", args: "SFSGDArgs", bufs: []string{"z", "x"},
		consts: []cnst{{"WD", "T(a.WeightDecay)"}, {"LR", "T(a.LR)"}, {"OMC", "T(1 - a.C)"}, {"C", "T(a.C)"},
			{"B1", "T(a.Beta1)"}, {"OMB1", "T(1 - a.Beta1)"}},
		flags: []string{"a.WeightDecay != 0"},
		body: func(g *gen) {
			g.ld("d", "g")
			g.ifFlag(0, func() { g.ld("t", "p"); g.mul("t", "WD", "t"); g.add("d", "d", "t") }, nil)
			g.ld("z", "b0")
			g.mul("t", "LR", "d")
			g.sub("z", "z", "t")
			g.st("b0", "z")
			g.ema("x", "b1", "OMC", "C", "z", false)
			g.mul("x", "x", "B1")
			g.mul("t", "OMB1", "z")
			g.add("x", "x", "t")
			g.st("p", "x")
		},
	},
}

const header = "// Code generated by gen.go; DO NOT EDIT.\n\n"

// lowerFirst is the unexported form of a kernel name.
func lowerFirst(s string) string {
	if l, ok := map[string]string{"SGD": "sgd", "SGDMomentum": "sgdMomentum", "RMSprop": "rmsprop",
		"RMSpropFull": "rmspropFull", "NAdam": "nadam", "RAdam": "radam", "ASGD": "asgd",
		"SFAdamW": "sfAdamW", "SFSGD": "sfSGD", "LAMB": "lamb"}[s]; ok {
		return l
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func asmName(k *kern, size int) string { return fmt.Sprintf("%s%d", lowerFirst(k.name), size*8) }

// emitAsm writes one kernel for one element size. For each of the kernel's
// fast flag values, and then for any flags, it emits a loop over two
// vectors at a time, where the temporaries of two copies of the body fit in
// the registers left by the constants, then one vector at a time. The
// call's flags pick the loop.
func emitAsm(w *bytes.Buffer, k *kern, size int) {
	g := &gen{k: k, suf: map[int]string{4: "S", 8: "D"}[size], size: size, regs: map[string]string{}}
	name := asmName(k, size)
	fits := func() (ok bool) {
		defer func() {
			if e := recover(); e != nil {
				if _, regs := e.(errRegs); !regs {
					panic(e)
				}
				ok = false
			}
		}()
		g.w = &bytes.Buffer{}
		g.next, g.fixed = 0, false
		clear(g.regs)
		g.copy, g.disp = "", 0
		k.body(g)
		g.copy, g.disp = "_1", 32
		k.body(g)
		return true
	}
	unrolled := fits()
	fmt.Fprintf(w, "// func %s(n int, c *float%d, flags uint64, p, gr, b0, b1, b2 *float%d)\n", name, size*8, size*8)
	fmt.Fprintf(w, "TEXT ·%s(SB), NOSPLIT, $0-64\n", name)
	g.w = w
	g.ins("MOVQ", "n+0(FP)", "BX")
	g.ins("SHLQ", map[int]string{4: "$2", 8: "$3"}[size], "BX")
	g.ins("MOVQ", "c+8(FP)", "CX")
	g.ins("MOVQ", "flags+16(FP)", "R11")
	g.ins("MOVQ", "p+24(FP)", "DI")
	g.ins("MOVQ", "gr+32(FP)", "SI")
	g.ins("MOVQ", "b0+40(FP)", "R8")
	g.ins("MOVQ", "b1+48(FP)", "R9")
	g.ins("MOVQ", "b2+56(FP)", "R10")
	for i := range k.consts {
		g.ins("VBROADCASTS"+g.suf, fmt.Sprintf("%d(CX)", i*size), fmt.Sprintf("Y%d", 15-i))
	}
	g.ins("XORQ", "AX", "AX")
	g.ins("TESTQ", "BX", "BX")
	g.ins("JEQ", name+"_done")
	// Two vectors while AX+64 ≤ BX, i.e. AX < BX−32 (both are multiples of 32).
	g.ins("LEAQ", "-32(BX)", "DX")
	fast := k.fast
	if fast == nil {
		fast = []uint64{0}
	}
	loops := func(l string) {
		if unrolled {
			g.ins("JMP", l+"_check2")
			fmt.Fprintf(w, "%s_loop2:\n", l)
			g.next, g.copy, g.disp = 0, "", 0
			clear(g.regs)
			k.body(g)
			g.copy, g.disp = "_1", 32
			k.body(g)
			g.ins("ADDQ", "$64", "AX")
			fmt.Fprintf(w, "%s_check2:\n", l)
			g.ins("CMPQ", "AX", "DX")
			g.ins("JB", l+"_loop2")
			g.ins("CMPQ", "AX", "BX")
			g.ins("JAE", name+"_done")
		}
		g.next, g.copy, g.disp = 0, "", 0
		clear(g.regs)
		fmt.Fprintf(w, "%s_loop:\n", l)
		k.body(g)
		g.ins("ADDQ", "$32", "AX")
		g.ins("CMPQ", "AX", "BX")
		g.ins("JB", l+"_loop")
		g.ins("JMP", name+"_done")
	}
	for _, f := range fast {
		l := fmt.Sprintf("%s_f%d", name, f)
		g.ins("CMPQ", "R11", fmt.Sprintf("$%d", f))
		g.ins("JNE", l+"_skip")
		g.fixed, g.flags = true, f
		loops(l)
		fmt.Fprintf(w, "%s_skip:\n", l)
	}
	g.fixed = false
	loops(name)
	fmt.Fprintf(w, "%s_done:\n", name)
	g.ins("VZEROUPPER")
	g.ins("RET")
	w.WriteString("\n")
}

func emitGo(w *bytes.Buffer) {
	w.WriteString(header)
	w.WriteString(`package kernel

import "unsafe"

// The exported kernels run the vector loop over the whole vectors of p when
// the CPU has one (useVector), then the scalar reference over the rest.
// The choice is made once per call.

`)
	for _, k := range kernels {
		all := append([]string{"p", "g"}, k.bufs...)
		params := strings.Join(all, ", ") + " []T, a " + k.args
		lname := lowerFirst(k.name)
		fmt.Fprintf(w, "// %s is %sScalar, run by the vector kernel where there is one.\n", k.name, lname)
		fmt.Fprintf(w, "func %s[T Float](%s) {\n", k.name, params)
		fmt.Fprintf(w, "\tn := %sVec(%s, &a)\n", lname, strings.Join(all, ", "))
		tails := []string{}
		for _, b := range all {
			if contains(k.opt, b) {
				tails = append(tails, fmt.Sprintf("tail(%s, n)", b))
			} else {
				tails = append(tails, b+"[n:]")
			}
		}
		fmt.Fprintf(w, "\t%sScalar(%s, a)\n}\n\n", lname, strings.Join(tails, ", "))

		fmt.Fprintf(w, "// %sVec updates the longest prefix of whole vectors and returns its length.\n", lname)
		fmt.Fprintf(w, "func %sVec[T Float](%s, a *%s) int {\n", lname, strings.Join(all, ", ")+" []T", k.args)
		w.WriteString("\tn := vectorLen[T](len(p))\n\tif n == 0 {\n\t\treturn 0\n\t}\n")
		for _, b := range all[1:] {
			if contains(k.opt, b) {
				fmt.Fprintf(w, "\tif %s != nil {\n\t\t_ = %s[:len(p)]\n\t}\n", b, b)
			} else {
				fmt.Fprintf(w, "\t_ = %s[:len(p)]\n", b)
			}
		}
		w.WriteString("\tvar f uint64\n")
		for i, fl := range k.flags {
			fmt.Fprintf(w, "\tif %s {\n\t\tf |= %d\n\t}\n", fl, 1<<i)
		}
		exprs := []string{}
		for _, c := range k.consts {
			exprs = append(exprs, c.expr)
		}
		fmt.Fprintf(w, "\tc := [...]T{%s}\n", strings.Join(exprs, ", "))
		bs := []string{}
		for i := 0; i < 3; i++ {
			if i < len(k.bufs) {
				bs = append(bs, k.bufs[i])
			} else {
				bs = append(bs, "nil")
			}
		}
		call := func(bits int) string {
			args := []string{"n", fmt.Sprintf("(*float%d)(unsafe.Pointer(&c[0]))", bits), "f", fmt.Sprintf("ptr%d(p)", bits), fmt.Sprintf("ptr%d(g)", bits)}
			for _, b := range bs {
				if b == "nil" {
					args = append(args, "nil")
				} else {
					args = append(args, fmt.Sprintf("ptr%d(%s)", bits, b))
				}
			}
			return fmt.Sprintf("%s%d(%s)", lname, bits, strings.Join(args, ", "))
		}
		call32 := call(32)
		if k.avx512 != "" {
			call32 = avx512Call(lname, k.avx512, bs, k.opt)
		}
		fmt.Fprintf(w, "\tif unsafe.Sizeof(c[0]) == 4 {\n\t\t%s\n\t} else {\n\t\t%s\n\t}\n\treturn n\n}\n\n", call32, call(64))
	}
}

// avx512Call is the float32 dispatch of such a loop: whole 16-lane vectors
// through NAME32x16 when no flag is set and the CPU has AVX-512, the rest
// through the AVX2 loop NAME32. The AVX-512 loop takes the required
// buffers only.
func avx512Call(lname, why string, bufs, optional []string) string {
	const c = "(*float32)(unsafe.Pointer(&c[0]))"
	wide := []string{"k", c, "ptr32(p)", "ptr32(g)"}
	rest := []string{"n-k", c, "f", "ptr32(p[k:])", "ptr32(g[k:])"}
	for _, b := range bufs {
		switch {
		case b == "nil":
			rest = append(rest, "nil")
		case contains(optional, b):
			rest = append(rest, fmt.Sprintf("ptr32(tail(%s, k))", b))
		default:
			wide = append(wide, fmt.Sprintf("ptr32(%s)", b))
			rest = append(rest, fmt.Sprintf("ptr32(%s[k:])", b))
		}
	}
	comment := "// " + why + " whole 16-lane vectors go through the AVX-512\n\t\t// loop where there is one, the rest through the AVX2 loop."
	return fmt.Sprintf("%s\n\t\tk := 0\n\t\tif f == 0 && useAVX512 {\n\t\t\tk = n &^ 15\n\t\t\t%s32x16(%s)\n\t\t}\n\t\tif k < n {\n\t\t\t%s32(%s)\n\t\t}",
		comment, lname, strings.Join(wide, ", "), lname, strings.Join(rest, ", "))
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func emitDecl(w *bytes.Buffer, stub bool) {
	w.WriteString(header)
	if stub {
		w.WriteString("//go:build !amd64 || noasm\n\npackage kernel\n\n// hasVector is false: this build has no vector kernels.\nconst hasVector = false\n\n")
	} else {
		w.WriteString("//go:build amd64 && !noasm\n\npackage kernel\n\nimport \"golang.org/x/sys/cpu\"\n\n// hasVector reports whether the CPU runs the AVX2 kernels of vec_amd64.s.\nvar hasVector = cpu.X86.HasAVX2\n\n")
	}
	for _, k := range kernels {
		for _, bits := range []int{32, 64} {
			name := asmName(k, bits/8)
			sig := fmt.Sprintf("func %s(n int, c *float%d, flags uint64, p, gr, b0, b1, b2 *float%d)", name, bits, bits)
			if stub {
				fmt.Fprintf(w, "%s { panic(\"kernel: no vector kernels in this build\") }\n\n", sig)
			} else {
				fmt.Fprintf(w, "//go:noescape\n%s\n\n", sig)
			}
		}
	}
}

func write(name string, b []byte, gofmt bool) {
	if gofmt {
		var err error
		if b, err = format.Source(b); err != nil {
			log.Fatalf("%s: %v", name, err)
		}
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		log.Fatal(err)
	}
}

func main() {
	var s bytes.Buffer
	s.WriteString(header)
	s.WriteString("//go:build !noasm\n\n#include \"textflag.h\"\n\n")
	s.WriteString("// Each kernel: BX = n·size (bytes), CX the constant block, R11 the flags,\n")
	s.WriteString("// DI p, SI g, R8..R10 the buffers b0..b2, AX the byte offset; constants\n")
	s.WriteString("// are broadcast into Y15 downwards, temporaries count up from Y0.\n\n")
	for _, k := range kernels {
		emitAsm(&s, k, 4)
		emitAsm(&s, k, 8)
	}
	write("vec_amd64.s", s.Bytes(), false)
	var v, d, o bytes.Buffer
	emitGo(&v)
	write("vec.go", v.Bytes(), true)
	emitDecl(&d, false)
	write("vec_decl_amd64.go", d.Bytes(), true)
	emitDecl(&o, true)
	write("vec_decl_other.go", o.Bytes(), true)
}
