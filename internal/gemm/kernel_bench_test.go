package gemm

import "testing"

// BenchmarkKernel measures each micro-kernel alone on panels that sit in L1,
// the ceiling for the blocked product on one core.
func BenchmarkKernel(b *testing.B) {
	const kc = 256
	for _, pa := range kernels() {
		b.Run(pa.String(), func(b *testing.B) {
			mr := pa.mr()
			ap := make([]float32, kc*mr)
			bp := make([]float32, kc*nr)
			c := make([]float32, mr*nr)
			for b.Loop() {
				kernel(pa, kc, ap, bp, c, nr, 1, modeAdd, mr, nr)
			}
			b.ReportMetric(2*float64(mr*nr*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
	}
}
