package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// kcase is one kernel under one set of options: ref runs the scalar
// reference, run the exported (dispatching) entry point. bufs is the number
// of state buffers; pos marks those that must be non-negative (squares).
type kcase[T Float] struct {
	name string
	bufs int
	pos  []bool
	ref  func(p, g []T, b [][]T)
	run  func(p, g []T, b [][]T)
}

func cases[T Float]() []kcase[T] {
	var cs []kcase[T]
	add := func(name string, bufs int, pos []bool, ref, run func(p, g []T, b [][]T)) {
		cs = append(cs, kcase[T]{name, bufs, pos, ref, run})
	}
	// Common option sets: plain, maximize, weight decay (L2), both.
	commons := []Common{{LR: 0.01}, {LR: 0.03, Maximize: true}, {LR: 0.02, WeightDecay: 0.1}, {LR: 0.5, WeightDecay: 1e-2, Maximize: true}}
	for i, c := range commons {
		add(fmt.Sprintf("sgd/%d", i), 0, nil,
			func(p, g []T, b [][]T) { sgdScalar(p, g, c) },
			func(p, g []T, b [][]T) { SGD(p, g, c) })
		for j, a := range []SGDMomentumArgs{
			{Common: c, Momentum: 0.9}, {Common: c, Momentum: 0.9, Dampening: 0.1, First: true},
			{Common: c, Momentum: 0.8, Nesterov: true}, {Common: c, Momentum: 0.7, Nesterov: true, First: true}} {
			add(fmt.Sprintf("sgdmomentum/%d/%d", i, j), 1, nil,
				func(p, g []T, b [][]T) { sgdMomentumScalar(p, g, b[0], a) },
				func(p, g []T, b [][]T) { SGDMomentum(p, g, b[0], a) })
		}
		add(fmt.Sprintf("momentum/%d", i), 1, nil,
			func(p, g []T, b [][]T) { momentumScalar(p, g, b[0], MomentumArgs{c, 0.9}) },
			func(p, g []T, b [][]T) { Momentum(p, g, b[0], MomentumArgs{c, 0.9}) })
		ag := AdagradArgs{c, 1e-10}
		add(fmt.Sprintf("adagrad/%d", i), 1, []bool{true},
			func(p, g []T, b [][]T) { adagradScalar(p, g, b[0], ag) },
			func(p, g []T, b [][]T) { Adagrad(p, g, b[0], ag) })
		rm := RMSpropArgs{Common: c, Alpha: 0.99, Eps: 1e-8, Momentum: 0.9}
		add(fmt.Sprintf("rmsprop/%d", i), 1, []bool{true},
			func(p, g []T, b [][]T) { rmspropScalar(p, g, b[0], rm) },
			func(p, g []T, b [][]T) { RMSprop(p, g, b[0], rm) })
		for j := 0; j < 4; j++ {
			pick := func(b [][]T) (ga, buf []T) {
				if j&1 != 0 {
					ga = b[1]
				}
				if j&2 != 0 {
					buf = b[2]
				}
				return
			}
			add(fmt.Sprintf("rmspropfull/%d/%d", i, j), 3, []bool{true, false, false},
				func(p, g []T, b [][]T) { ga, buf := pick(b); rmspropFullScalar(p, g, b[0], ga, buf, rm) },
				func(p, g []T, b [][]T) { ga, buf := pick(b); RMSpropFull(p, g, b[0], ga, buf, rm) })
		}
		for j, decay := range []float64{1, 1 - 0.01*0.1} {
			for _, ams := range []bool{false, true} {
				a := AdamArgs{Common: c, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, StepSize: 0.01 / (1 - 0.9*0.9*0.9),
					BC2Sqrt: math.Sqrt(1 - math.Pow(0.999, 3)), Decay: decay}
				if decay != 1 {
					a.WeightDecay = 0
				}
				pick := func(b [][]T) []T {
					if ams {
						return b[2]
					}
					return nil
				}
				add(fmt.Sprintf("adam/%d/%d/%v", i, j, ams), 3, []bool{false, true, true},
					func(p, g []T, b [][]T) { adamScalar(p, g, b[0], b[1], pick(b), a) },
					func(p, g []T, b [][]T) { Adam(p, g, b[0], b[1], pick(b), a) })
			}
		}
		an := AdamNoteArgs{c, 0.9, 0.999, 1e-8}
		add(fmt.Sprintf("adamnote/%d", i), 2, []bool{false, true},
			func(p, g []T, b [][]T) { adamNoteScalar(p, g, b[0], b[1], an) },
			func(p, g []T, b [][]T) { AdamNote(p, g, b[0], b[1], an) })
		ax := AdamaxArgs{c, 0.9, 0.999, 1e-8}
		add(fmt.Sprintf("adamax/%d", i), 2, []bool{false, true},
			func(p, g []T, b [][]T) { adamaxScalar(p, g, b[0], b[1], ax) },
			func(p, g []T, b [][]T) { Adamax(p, g, b[0], b[1], ax) })
		ad := AdadeltaArgs{c, 0.9, 1e-6}
		add(fmt.Sprintf("adadelta/%d", i), 2, []bool{true, true},
			func(p, g []T, b [][]T) { adadeltaScalar(p, g, b[0], b[1], ad) },
			func(p, g []T, b [][]T) { Adadelta(p, g, b[0], b[1], ad) })
		for k, decay := range []float64{1, 1 - 0.002*0.1} {
			na := NAdamArgs{c, 0.9, 0.999, 1e-8, 1 - math.Pow(0.999, 4), -0.002, -0.017, decay}
			add(fmt.Sprintf("nadam/%d/%d", i, k), 2, []bool{false, true},
				func(p, g []T, b [][]T) { nadamScalar(p, g, b[0], b[1], na) },
				func(p, g []T, b [][]T) { NAdam(p, g, b[0], b[1], na) })
			for j, rect := range []bool{false, true} {
				ra := RAdamArgs{c, 0.9, 0.999, 1e-8, 1 - math.Pow(0.9, 7), math.Sqrt(1 - math.Pow(0.999, 7)), rect, 0.31, decay}
				add(fmt.Sprintf("radam/%d/%d/%d", i, j, k), 2, []bool{false, true},
					func(p, g []T, b [][]T) { radamScalar(p, g, b[0], b[1], ra) },
					func(p, g []T, b [][]T) { RAdam(p, g, b[0], b[1], ra) })
			}
		}
		for j, rp := range []RpropArgs{{Maximize: c.Maximize, EtaMinus: 0.5, EtaPlus: 1.2, StepMin: 1e-6, StepMax: 50},
			{Maximize: c.Maximize, EtaMinus: 0.3, EtaPlus: 1.7, StepMin: 0.02, StepMax: 0.05}} {
			add(fmt.Sprintf("rprop/%d/%d", i, j), 2, []bool{false, true},
				func(p, g []T, b [][]T) { rpropScalar(p, g, b[0], b[1], rp) },
				func(p, g []T, b [][]T) { Rprop(p, g, b[0], b[1], rp) })
		}
		for j, as := range []ASGDArgs{{c, 1 - 1e-4*c.LR, 1}, {c, 1 - 1e-4*c.LR, 0.25}, {c, 1, 1}, {c, 1, 1.0 / 3}} {
			add(fmt.Sprintf("asgd/%d/%d", i, j), 1, nil,
				func(p, g []T, b [][]T) { asgdScalar(p, g, b[0], as) },
				func(p, g []T, b [][]T) { ASGD(p, g, b[0], as) })
		}
		for j, decay := range []float64{1, 1 - 1e-4} {
			li := LionArgs{c, 0.9, 0.99, decay}
			add(fmt.Sprintf("lion/%d/%d", i, j), 1, nil,
				func(p, g []T, b [][]T) { lionScalar(p, g, b[0], li) },
				func(p, g []T, b [][]T) { Lion(p, g, b[0], li) })
		}
	}
	// Schedule-Free: with and without decay (at y or at z), first step
	// (c = 1) and later ones.
	for i, sa := range []SFAdamWArgs{{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, C: 1},
		{LR: 0.02, Decay: 0.02 * 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, C: 0.25, HasDecay: true},
		{LR: 0.03, Decay: 0.03 * 0.05, Beta1: 0.95, Beta2: 0.99, Eps: 1e-6, C: 1.0 / 7, HasDecay: true, DecayAtZ: true}} {
		add(fmt.Sprintf("sf_adamw/%d", i), 3, []bool{false, true, false},
			func(p, g []T, b [][]T) { sfAdamWScalar(p, g, b[0], b[1], b[2], sa) },
			func(p, g []T, b [][]T) { SFAdamW(p, g, b[0], b[1], b[2], sa) })
	}
	for i, la := range []LAMBArgs{{Beta1: 0.9, Beta2: 0.999, Eps: 1e-6, BC1: 1 - math.Pow(0.9, 3), BC2: 1 - math.Pow(0.999, 3), BiasCorrection: true},
		{Beta1: 0.8, Beta2: 0.99, Eps: 1e-3, WeightDecay: 0.01}, {Beta1: 0.9, Beta2: 0.999, Eps: 1e-6, WeightDecay: 0.1, BC1: 0.1, BC2: 0.001, BiasCorrection: true}} {
		add(fmt.Sprintf("lamb/%d", i), 3, []bool{false, true, false},
			func(p, g []T, b [][]T) { lambScalar(p, g, b[0], b[1], b[2], la) },
			func(p, g []T, b [][]T) { LAMB(p, g, b[0], b[1], b[2], la) })
	}
	for i, af := range []AdafactorArgs{{W: 1, Floor: 0x1p-46}, {Maximize: true, W: 0.3, Floor: 1e-6}, {W: 0.5, Floor: 0}, {Maximize: true, W: 0.7, Floor: 1}} {
		add(fmt.Sprintf("adafactor/%d", i), 2, []bool{true, false},
			func(p, g []T, b [][]T) { adafactorVectorScalar(p, g, b[0], b[1], af) },
			func(p, g []T, b [][]T) { AdafactorVector(p, g, b[0], b[1], af) })
	}
	for i, sg := range []SFSGDArgs{{LR: 0.01, Beta1: 0.9, C: 1}, {LR: 0.05, WeightDecay: 0.1, Beta1: 0.5, C: 1.0 / 3}} {
		add(fmt.Sprintf("sf_sgd/%d", i), 2, nil,
			func(p, g []T, b [][]T) { sfSGDScalar(p, g, b[0], b[1], sg) },
			func(p, g []T, b [][]T) { SFSGD(p, g, b[0], b[1], sg) })
	}
	return cs
}

// ulps is the distance between x and y in units in the last place of T;
// two NaNs are 0 apart.
func ulps[T Float](x, y T) uint64 {
	if x != x && y != y {
		return 0
	}
	key := func(v T) int64 {
		var i int64
		if unsafe.Sizeof(v) == 4 {
			i = int64(int32(math.Float32bits(float32(v))))
			if i < 0 {
				i = math.MinInt32 - i
			}
		} else {
			i = int64(math.Float64bits(float64(v)))
			if i < 0 {
				i = math.MinInt64 - i
			}
		}
		return i
	}
	a, b := key(x), key(y)
	if a < b {
		a, b = b, a
	}
	return uint64(a) - uint64(b)
}

// maxULP is the largest difference allowed between a vector kernel and the
// scalar reference after one step: 2 ulp, room for a fused multiply-add.
// The kernels avoid fused operations and usually agree exactly.
const maxULP = 2

var lengths = []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1023, 1024, 1025}

func checkAll[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var worst uint64
	for _, c := range cases[T]() {
		for _, n := range lengths {
			for _, off := range []int{0, 1, 3} { // unaligned sub-slices
				fill := func(pos bool) []T {
					s := make([]T, n+off)
					for i := range s {
						v := rng.NormFloat64()
						if pos {
							v = math.Abs(v)
						}
						if i%13 == 5 {
							v = 0 // zeros: sign rules and Lion's sign(0)
						}
						s[i] = T(v)
					}
					return s[off:]
				}
				p, g := fill(false), fill(false)
				b := make([][]T, c.bufs)
				for i := range b {
					b[i] = fill(i < len(c.pos) && c.pos[i])
				}
				p2 := append([]T(nil), p...)
				b2 := make([][]T, len(b))
				for i := range b {
					b2[i] = append([]T(nil), b[i]...)
				}
				c.ref(p, g, b)
				c.run(p2, g, b2)
				for _, pair := range append([][2][]T{{p, p2}}, zip(b, b2)...) {
					for i := range pair[0] {
						if d := ulps(pair[0][i], pair[1][i]); d > maxULP {
							t.Fatalf("%s n=%d off=%d: element %d: reference %v, vector %v (%d ulp)", c.name, n, off, i, pair[0][i], pair[1][i], d)
						} else if d > worst {
							worst = d
						}
					}
				}
			}
		}
	}
	t.Logf("vector=%v: largest difference from the scalar reference: %d ulp", useVector, worst)
}

func zip[T Float](a, b [][]T) [][2][]T {
	out := make([][2][]T, len(a))
	for i := range a {
		out[i] = [2][]T{a[i], b[i]}
	}
	return out
}

// TestVectorMatchesScalar runs every kernel, under several option sets, on
// odd lengths and unaligned sub-slices, through every dispatch path: the
// AVX-512 loops where the machine has them, the AVX2 loops, the scalar
// reference.
func TestVectorMatchesScalar(t *testing.T) {
	for _, path := range []struct{ vec, avx512 bool }{{true, true}, {true, false}, {false, false}} {
		prevV, prevA := UseVector(path.vec), UseAVX512(path.avx512)
		t.Run(fmt.Sprintf("vector=%v/avx512=%v/float32", useVector, useAVX512), checkAll[float32])
		t.Run(fmt.Sprintf("vector=%v/avx512=%v/float64", useVector, useAVX512), checkAll[float64])
		UseVector(prevV)
		UseAVX512(prevA)
	}
}

// TestAVX512SameBits: the AVX-512 loops (Adam and SGD with momentum,
// float32, without options) give the AVX2 loops' bits (not merely within
// maxULP): training must not change by a bit when the wider loop takes
// over. Lengths on both sides of every 16 and 8, unaligned starts, and
// values from tiny to large, zeros included; SGD with momentum also with
// dampening (which the AVX-512 loop takes) and Nesterov or the first step
// (which it leaves to the AVX2 loop).
func TestAVX512SameBits(t *testing.T) {
	if !HasAVX512() {
		t.Skip("no AVX-512 loops on this machine or build")
	}
	defer UseVector(UseVector(true))
	defer UseAVX512(UseAVX512(true))
	rng := rand.New(rand.NewPCG(5, 6))
	a := AdamArgs{Common: Common{LR: 1e-3}, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, StepSize: 1e-3 / (1 - 0.9*0.9),
		BC2Sqrt: math.Sqrt(1 - 0.999*0.999), Decay: 1}
	type step func(p, g, s1, s2 []float32)
	kernels := map[string]step{
		"adam": func(p, g, m, v []float32) { Adam(p, g, m, v, nil, a) },
		"momentum": func(p, g, b, _ []float32) {
			SGDMomentum(p, g, b, SGDMomentumArgs{Common: Common{LR: 0.01}, Momentum: 0.9})
		},
		"momentum/dampening": func(p, g, b, _ []float32) {
			SGDMomentum(p, g, b, SGDMomentumArgs{Common: Common{LR: 0.01}, Momentum: 0.9, Dampening: 0.3})
		},
		"momentum/first": func(p, g, b, _ []float32) {
			SGDMomentum(p, g, b, SGDMomentumArgs{Common: Common{LR: 0.01}, Momentum: 0.9, First: true})
		},
		"momentum/nesterov": func(p, g, b, _ []float32) {
			SGDMomentum(p, g, b, SGDMomentumArgs{Common: Common{LR: 0.01}, Momentum: 0.9, Nesterov: true})
		},
	}
	for name, k := range kernels {
		for _, n := range append(lengths, 4095, 4096, 4097) {
			for _, off := range []int{0, 1, 5} {
				fill := func(pos bool) []float32 {
					s := make([]float32, n+off)
					for i := range s {
						v := rng.NormFloat64() * math.Pow(10, float64(rng.IntN(30)-20))
						if pos {
							v = math.Abs(v)
						}
						if i%11 == 3 {
							v = 0
						}
						s[i] = float32(v)
					}
					return s[off:]
				}
				p, g, m, v := fill(false), fill(false), fill(false), fill(true)
				p2, m2, v2 := slices.Clone(p), slices.Clone(m), slices.Clone(v)
				UseAVX512(true)
				k(p, g, m, v)
				UseAVX512(false)
				k(p2, g, m2, v2)
				for _, pair := range [][2][]float32{{p, p2}, {m, m2}, {v, v2}} {
					for i := range pair[0] {
						if math.Float32bits(pair[0][i]) != math.Float32bits(pair[1][i]) {
							t.Fatalf("%s n=%d off=%d: element %d: AVX-512 %v, AVX2 %v", name, n, off, i, pair[0][i], pair[1][i])
						}
					}
				}
			}
		}
	}
}

// TestMaxNaN: AMSGrad and Adamax take Go's max, which returns NaN when
// either argument is NaN; VMAXPS alone would drop a NaN in its first source.
func TestMaxNaN(t *testing.T) {
	n := 16
	p, g, m, v, vmax := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range vmax {
		g[i] = 1
		vmax[i] = float32(math.NaN())
	}
	Adam(p, g, m, v, vmax, AdamArgs{Common: Common{LR: 0.1}, Beta1: 0.9, Beta2: 0.999, StepSize: 0.1, BC2Sqrt: 1, Decay: 1})
	for i := range vmax {
		if vmax[i] == vmax[i] || p[i] == p[i] {
			t.Fatalf("element %d: vmax %v, p %v: want NaN", i, vmax[i], p[i])
		}
	}
}

// TestVectorTrajectory runs every kernel for 1000 steps through the vector
// path and the scalar reference from the same start, with a fresh gradient
// each step, and asks for the same trajectory to within the parity tests'
// tolerance (the vector kernels round as the reference does, so in practice
// the trajectories are identical).
func TestVectorTrajectory(t *testing.T) {
	if !HasVector() {
		t.Skip("no vector kernels in this build")
	}
	const n, steps = 37, 1000 // four float32 vectors, a tail of 5
	refs, vecs := cases[float32](), cases[float32]()
	for ci := range refs {
		rng := rand.New(rand.NewPCG(7, uint64(ci)))
		c := refs[ci]
		mk := func() ([]float32, [][]float32) {
			p := make([]float32, n)
			for i := range p {
				p[i] = float32(rng.NormFloat64())
			}
			b := make([][]float32, c.bufs)
			for i := range b {
				b[i] = make([]float32, n)
			}
			return p, b
		}
		p, b := mk()
		p2 := append([]float32(nil), p...)
		b2 := make([][]float32, len(b))
		for i := range b {
			b2[i] = make([]float32, n)
		}
		g := make([]float32, n)
		for s := 0; s < steps; s++ {
			for i := range g {
				g[i] = float32(rng.NormFloat64())
			}
			c.ref(p, g, b)
			vecs[ci].run(p2, g, b2)
		}
		for i := range p {
			if d := math.Abs(float64(p[i] - p2[i])); d > 1e-5*math.Max(1, math.Abs(float64(p[i]))) {
				t.Fatalf("%s: after %d steps element %d is %v by the reference, %v by the vector kernel", c.name, steps, i, p[i], p2[i])
			}
		}
	}
}
