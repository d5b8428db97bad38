package train

import (
	"testing"
)

// BenchmarkTrainerStep times Trainer.Step (batch drawn, forward, backward,
// Adam, the step's records) on a tiny model, where anything a step adds
// besides the arithmetic shows most, and on an MNIST-sized one.
func BenchmarkTrainerStep(b *testing.B) {
	for _, c := range []struct {
		name, model string
		dim         int
	}{{"tiny-8-16-3", "mlp:8-16-3", 8}, {"784-100-10", "mlp:784-100-10", 784}} {
		b.Run(c.name, func(b *testing.B) {
			cfg := Config{Data: DataMNIST, Model: c.model, Opt: "adam:lr=0.001", Batch: 16, Epochs: 1 << 20, Seed: 1}
			if c.dim == 784 {
				cfg.Model = "mlp:784-100-3"
			}
			tr, err := New(cfg, blobs(1600, c.dim, 3, 1), blobs(16, c.dim, 3, 2))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tr.Step(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
