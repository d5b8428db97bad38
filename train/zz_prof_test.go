package train

import (
	"os"
	"testing"

)

func BenchmarkZZEpoch(b *testing.B) {
	tr, te, err := LoadData(Config{Data: DataMNIST})
	if err != nil {
		b.Fatal(err)
	}
	model := os.Getenv("ZZMODEL")
	if model == "" {
		model = "mlp:784-100-10"
	}
	opt := os.Getenv("ZZOPT")
	if opt == "" {
		opt = "adam:lr=0.001"
	}
	cfg := Config{Data: DataMNIST, Model: model, Opt: opt, Batch: Batch(batchEnv()), Epochs: 1000, Seed: 1}
	t, err := New(cfg, tr, te)
	if err != nil {
		b.Fatal(err)
	}
	for range 50 {
		t.Step()
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := t.Step(); err != nil {
			b.Fatal(err)
		}
	}
}

func batchEnv() int {
	if s := os.Getenv("ZZBATCH"); s != "" {
		n := 0
		for _, c := range s {
			n = n*10 + int(c-'0')
		}
		return n
	}
	return 100
}
