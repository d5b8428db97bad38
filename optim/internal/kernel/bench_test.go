package kernel

import (
	"fmt"
	"strings"
	"testing"
)

// benchCases are the kernels benchmarked, each under its default options,
// with the bytes one float32 element moves: p and g read, p written, and
// each state buffer read and written (4 bytes each).
var benchCases = []struct {
	name  string
	bytes int
}{
	{"sgd/0", 12}, {"sgdmomentum/0/0", 20}, {"momentum/0", 20}, {"adagrad/0", 20},
	{"rmsprop/0", 20}, {"adam/0/0/false", 28}, {"adamnote/0", 28}, {"adamax/0", 28},
	{"adadelta/0", 28}, {"nadam/0/0", 28}, {"radam/0/1/0", 28}, {"lion/0/0", 20},
	{"sf_adamw/0", 36}, {"sf_sgd/0", 28}, {"lamb/0", 32}, {"adafactor/1", 20},
}

// BenchmarkKernel times one step of each kernel on one goroutine, float32,
// through the vector path (AVX-512 where the machine has it), the AVX2
// loops alone (avx2, where there is AVX-512) and the scalar reference, at
// sizes that fit in L1, L2 and only in memory.
func BenchmarkKernel(b *testing.B) {
	all := map[string]kcase[float32]{}
	for _, c := range cases[float32]() {
		all[c.name] = c
	}
	for _, bc := range benchCases {
		c, ok := all[bc.name]
		if !ok {
			b.Fatalf("no case %s", bc.name)
		}
		for _, n := range []int{1 << 10, 1 << 16, 1 << 20, 10_000_000} {
			p, g := make([]float32, n), make([]float32, n)
			bufs := make([][]float32, c.bufs)
			for i := range bufs {
				bufs[i] = make([]float32, n)
			}
			for i := range p {
				p[i], g[i] = 1, 0.5
			}
			for _, path := range []string{"vector", "avx2", "scalar"} {
				vec, avx512 := path != "scalar", path == "vector"
				if vec && !HasVector() || path == "avx2" && !HasAVX512() {
					continue
				}
				b.Run(fmt.Sprintf("%s/n=%d/%s", strings.Split(bc.name, "/")[0], n, path), func(b *testing.B) {
					prev, prevA := UseVector(vec), UseAVX512(avx512)
					defer UseVector(prev)
					defer UseAVX512(prevA)
					b.ReportAllocs()
					for b.Loop() {
						c.run(p, g, bufs)
					}
					sec := b.Elapsed().Seconds() / float64(b.N)
					b.ReportMetric(float64(bc.bytes*n)/sec/1e9, "GB/s")
				})
			}
		}
	}
}
