package optim_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/descentlab/descent/optim"
)

// BenchmarkStep times Optimizer.Step on float32 parameters for each method
// of the study note (and AdamW), at a size inside the caches and at 10M,
// on one thread and on GOMAXPROCS, reporting the effective bandwidth: 4
// bytes per element for each of p and g read and p written, and 8 for
// each state buffer read and written. Run with
//
//	go test -run XXX -bench Step -benchtime 100x ./optim
func BenchmarkStep(b *testing.B) {
	specs := []string{"sgd", "sgd:momentum=0.9", "momentum", "adagrad", "rmsprop", "adam", "adamw"}
	threads := []int{1}
	if p := runtime.GOMAXPROCS(0); p > 1 {
		threads = append(threads, p)
	}
	for _, n := range []int{1 << 16, 10_000_000} {
		r := rand.New(rand.NewPCG(1, 1))
		ps := randomParams[float32](r, n)
		fillGrads(r, ps)
		value := append([]float32(nil), ps[0].Value...)
		for _, spec := range specs {
			for _, th := range threads {
				b.Run(fmt.Sprintf("%s/n=%d/threads=%d", spec, n, th), func(b *testing.B) {
					copy(ps[0].Value, value)
					h, err := optim.ParseSpec(spec)
					if err != nil {
						b.Fatal(err)
					}
					o, err := optim.New(h, ps...)
					if err != nil {
						b.Fatal(err)
					}
					if err := o.SetThreads(th); err != nil {
						b.Fatal(err)
					}
					o.Step() // allocates the state
					bytes := 4 * (3 + 2*len(o.State().Params[ps[0].Name].Buffers))
					b.ReportAllocs()
					b.ResetTimer()
					for b.Loop() {
						o.Step()
					}
					sec := b.Elapsed().Seconds() / float64(b.N)
					b.ReportMetric(float64(bytes*n)/sec/1e9, "GB/s")
				})
			}
		}
	}
}
