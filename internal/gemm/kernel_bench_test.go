package gemm

import "testing"

// BenchmarkKernel measures the micro-kernel alone on panels that sit in L1,
// the ceiling for the blocked product on one core.
func BenchmarkKernel(b *testing.B) {
	const kc = 256
	ap := make([]float32, kc*mr)
	bp := make([]float32, kc*nr)
	c := make([]float32, mr*nr)
	for _, asm := range kernels() {
		b.Run(kernelName(asm), func(b *testing.B) {
			for b.Loop() {
				kernel(asm, kc, ap, bp, c, nr, 1, modeAdd, mr, nr)
			}
			b.ReportMetric(2*mr*nr*kc*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
	}
}
