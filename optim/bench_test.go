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
// each state buffer read and written. "10M/1000x" and "10M/10000x" are the
// same 10M elements as 1000 parameters of 10,000 and 10,000 of 1000, each
// in its own allocation, which the step batches across threads as it would
// one flat buffer; "10M/10000views" are 10,000 parameters that are windows
// of one flat value buffer and one flat gradient buffer, as nn lays out a
// model. Run with
//
//	go test -run XXX -bench Step -benchtime 100x ./optim
func BenchmarkStep(b *testing.B) {
	specs := []string{"sgd", "sgd:momentum=0.9", "momentum", "adagrad", "rmsprop", "adam", "adamw"}
	threads := []int{1}
	if p := runtime.GOMAXPROCS(0); p > 1 {
		threads = append(threads, p)
	}
	shapes := []struct {
		name  string
		sizes []int
		views bool
	}{
		{"n=65536", []int{1 << 16}, false},
		{"n=10M", []int{10_000_000}, false},
		{"n=10M/1000x", repeat(10_000, 1000), false},
		{"n=10M/10000x", repeat(1000, 10000), false},
		{"n=10M/10000views", repeat(1000, 10000), true},
	}
	for _, sh := range shapes {
		r := rand.New(rand.NewPCG(1, 1))
		ps := randomParams[float32](r, sh.sizes...)
		if sh.views {
			ps = flatViews(ps)
		}
		fillGrads(r, ps)
		n := 0
		values := make([][]float32, len(ps))
		for i, p := range ps {
			n += len(p.Value)
			values[i] = append([]float32(nil), p.Value...)
		}
		for _, spec := range specs {
			for _, th := range threads {
				b.Run(fmt.Sprintf("%s/%s/threads=%d", spec, sh.name, th), func(b *testing.B) {
					for i, p := range ps {
						copy(p.Value, values[i])
					}
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

func repeat(n, times int) []int {
	s := make([]int, times)
	for i := range s {
		s[i] = n
	}
	return s
}

// flatViews returns parameters with the same names and values as ps whose
// values and gradients are consecutive windows of two flat buffers.
func flatViews[T optim.Float](ps []*optim.Param[T]) []*optim.Param[T] {
	n := 0
	for _, p := range ps {
		n += len(p.Value)
	}
	value, grad := make([]T, n), make([]T, n)
	out := make([]*optim.Param[T], len(ps))
	off := 0
	for i, p := range ps {
		k := len(p.Value)
		copy(value[off:], p.Value)
		out[i] = &optim.Param[T]{Name: p.Name, Value: value[off : off+k : off+k], Grad: grad[off : off+k : off+k]}
		off += k
	}
	return out
}
