package train

import (
	"os"
	"slices"
	"testing"
	"time"
)

// BenchmarkTrainSteps times Trainer.Step on MNIST for the nets of issue 10
// (without the evaluations at epoch ends, which are not in the step), as
// µs/step, and the 10th and 50th percentiles of the single steps: on a
// machine shared with other work the mean carries their preemptions, the
// 10th percentile much less. NET=mnist, bookSGD, bookMomentum, bookAdagrad,
// bookAdam or wide runs one net only.
//
//	NET=mnist go test -run XXX -bench TrainSteps -benchtime 600x ./train
func BenchmarkTrainSteps(b *testing.B) {
	for _, c := range []struct {
		name, model, opt string
		batch            int
	}{
		{"mnist", "mlp:784-100-10", "adam:lr=0.001", 100},
		{"bookSGD", "mlp:784-100-100-100-100-10,init=he", "sgd:lr=0.01", 128},
		{"bookMomentum", "mlp:784-100-100-100-100-10,init=he", "sgd:lr=0.01,momentum=0.9", 128},
		{"bookAdagrad", "mlp:784-100-100-100-100-10,init=he", "adagrad:lr=0.01", 128},
		{"bookAdam", "mlp:784-100-100-100-100-10,init=he", "adam:lr=0.001", 128},
		{"wide", "mlp:784-1024-1024-10", "adam:lr=0.001", 256},
	} {
		if e := os.Getenv("NET"); e != "" && e != c.name {
			continue
		}
		b.Run(c.name, func(b *testing.B) {
			cfg := Config{Data: DataMNIST, Model: c.model, Opt: c.opt, Batch: Batch(c.batch), Epochs: 1000, Seed: 1}
			tr, te, err := LoadData(cfg)
			if err != nil {
				b.Fatal(err)
			}
			t, err := New(cfg, tr, te)
			if err != nil {
				b.Fatal(err)
			}
			per := t.sampler.StepsPerEpoch()
			steps := 0
			var each []time.Duration // the steps without an epoch's end
			for b.Loop() {
				if (steps+1)%per == 0 {
					b.StopTimer()
				}
				start := time.Now()
				if _, err := t.Step(); err != nil {
					b.Fatal(err)
				}
				if (steps+1)%per == 0 {
					b.StartTimer()
				} else {
					each = append(each, time.Since(start))
				}
				steps++
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/step")
			if len(each) > 0 {
				slices.Sort(each)
				for _, q := range []struct {
					name string
					at   int
				}{{"p10-µs/step", len(each) / 10}, {"p50-µs/step", len(each) / 2}, {"p90-µs/step", len(each) * 9 / 10}, {"p99-µs/step", len(each) * 99 / 100}} {
					b.ReportMetric(float64(each[q.at].Nanoseconds())/1e3, q.name)
				}
			}
		})
	}
}
