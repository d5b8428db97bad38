package train

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/descentlab/descent/nn"
	"github.com/descentlab/descent/safetensors"
)

// TestNeuronsOwnedSameBits: 50 steps on MNIST-shaped data, where on two
// and three threads the first layer runs by neurons and each thread's
// optimizer updates its own neurons' rows (nn.Model.StepOwned), write the
// model.safetensors bytes and optimizer state of one thread, for the MNIST
// net and the book's five-layer net and each element-wise method the
// benchmarks use; on two threads and more every step went by neurons.
func TestNeuronsOwnedSameBits(t *testing.T) {
	trainSet, testSet := blobs(1000, 784, 10, 1), blobs(100, 784, 10, 2)
	for _, c := range []struct {
		model string
		batch int
	}{{"mlp:784-100-10", 100}, {"mlp:784-100-100-100-100-10,init=he", 128}} {
		for _, opt := range []string{"adam:lr=0.001", "sgd:lr=0.01", "sgd:lr=0.01,momentum=0.9", "adagrad:lr=0.01",
			"rmsprop:lr=0.001", "adamw:lr=0.001,weight_decay=0.1"} {
			run := func(procs int) (weights, state []byte) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				cfg := Config{Data: DataMNIST, Model: c.model, Opt: opt, Batch: Batch(c.batch), Epochs: 10, MaxSteps: 50, Seed: 1}
				tr, err := New(cfg, trainSet, testSet)
				if err != nil {
					t.Fatal(err)
				}
				owned := 0
				for !tr.Done() {
					if _, err := tr.Step(); err != nil {
						t.Fatal(err)
					}
					if tr.Model().NeuronsOwned() {
						owned++
					}
				}
				if want := map[bool]int{true: 50, false: 0}[procs > 1]; owned != want {
					t.Fatalf("%s %s, %d threads: %d of 50 steps by neurons, want %d", c.model, opt, procs, owned, want)
				}
				var b bytes.Buffer
				if err := safetensors.WriteFloat32(&b, nn.Weights(tr.Model()), nil); err != nil {
					t.Fatal(err)
				}
				st, err := tr.optState()
				if err != nil {
					t.Fatal(err)
				}
				return b.Bytes(), st
			}
			w1, s1 := run(1)
			for _, procs := range []int{2, 3} {
				w, s := run(procs)
				if !bytes.Equal(w, w1) {
					t.Fatalf("%s %s: model.safetensors after 50 steps differs between 1 and %d threads", c.model, opt, procs)
				}
				if !bytes.Equal(s, s1) {
					t.Fatalf("%s %s: the optimizer state after 50 steps differs between 1 and %d threads", c.model, opt, procs)
				}
			}
		}
	}
}
