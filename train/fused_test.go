package train

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/descentlab/descent/nn"
)

// countingStepper counts the steps the backward pass took in pieces.
type countingStepper struct {
	nn.Stepper
	begun int
}

func (c *countingStepper) BeginStep() bool {
	ok := c.Stepper.BeginStep()
	if ok {
		c.begun++
	}
	return ok
}

// weightBytes is every weight of the model, as bytes.
func weightBytes(m *nn.Model) []byte {
	p, _ := m.Flat()
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, p)
	return b.Bytes()
}

// TestFusedStepSameBits: 50 steps of MNIST-shaped data with the optimizer
// step taken inside the backward pass leave the weights of the whole step
// taken after it, byte for byte, on 1, 2 and 3 threads, for each element-wise
// method the book and the MNIST benchmark use; on two threads and more
// every step was fused, on one none.
func TestFusedStepSameBits(t *testing.T) {
	trainSet, testSet := blobs(1000, 784, 10, 1), blobs(100, 784, 10, 2)
	for _, model := range []string{"mlp:784-100-10", "mlp:784-100-100-10"} {
		for _, opt := range []string{"adam:lr=0.001", "sgd:lr=0.01", "sgd:lr=0.01,momentum=0.9", "adagrad:lr=0.01",
			"rmsprop:lr=0.001", "adamw:lr=0.001,weight_decay=0.1"} {
			for _, procs := range []int{1, 2, 3} {
				run := func(fused bool) ([]byte, int) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
					cfg := Config{Data: DataMNIST, Model: model, Opt: opt, Batch: 100, Epochs: 5, MaxSteps: 50, Seed: 1}
					tr, err := New(cfg, trainSet, testSet)
					if err != nil {
						t.Fatal(err)
					}
					c := &countingStepper{Stepper: tr.opt}
					tr.fused = c
					if !fused {
						tr.fused = nil
					}
					for !tr.Done() {
						if _, err := tr.Step(); err != nil {
							t.Fatal(err)
						}
					}
					return weightBytes(tr.Model()), c.begun
				}
				want, _ := run(false)
				got, n := run(true)
				if wantN := map[bool]int{true: 50, false: 0}[procs > 1]; n != wantN {
					t.Fatalf("%s %s, %d threads: %d of 50 steps fused, want %d", model, opt, procs, n, wantN)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s %s, %d threads: the weights after 50 fused steps differ from the unfused ones", model, opt, procs)
				}
			}
		}
	}
}

// TestFusedStepPlantedInf: a batch whose first-layer gradient is +Inf in
// one column (the recipe of nn's TestGradsFinite: W₁ = 0, b₁ = 1, W₂ large
// with b₂ cancelling it, and that column of every input 3e38) fails the
// bound, so the step is not fused: Step reports the gradient, and every
// weight and the optimizer's state are untouched, under stop and skip, on
// two and three threads.
func TestFusedStepPlantedInf(t *testing.T) {
	const col = 500
	trainSet, testSet := blobs(100, 784, 10, 1), blobs(100, 784, 10, 2)
	for r := range trainSet.N {
		trainSet.X[r*784+col] = 3e38
	}
	for _, skip := range []bool{false, true} {
		for _, procs := range []int{2, 3} {
			func() {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				cfg := Config{Data: DataMNIST, Model: "mlp:784-100-10", Opt: "adam:lr=0.001", Batch: 100, Epochs: 1, Seed: 1}
				if skip {
					cfg.OnNonFinite = NonFiniteSkip
				}
				tr, err := New(cfg, trainSet, testSet)
				if err != nil {
					t.Fatal(err)
				}
				c := &countingStepper{Stepper: tr.opt}
				tr.fused = c
				views := tr.Model().Params()
				rng := rand.New(rand.NewPCG(7, 8))
				clear(views[0].Value)
				for i := range views[1].Value {
					views[1].Value[i] = 1
				}
				w2, b2 := views[2].Value, views[3].Value
				for k := range b2 {
					var s float32
					for o := range 100 {
						w2[k*100+o] = float32(rng.NormFloat64()) * 1e4
						s += w2[k*100+o]
					}
					b2[k] = -s
				}
				before := weightBytes(tr.Model())
				res, err := tr.Step()
				var bad *NonFiniteError
				if skip {
					bad = res.Skipped
				} else if !errors.As(err, &bad) {
					t.Fatalf("%d threads: Step returned %v, want a *NonFiniteError", procs, err)
				}
				if bad == nil || bad.Param != "fc1.weight" || !math.IsInf(bad.Value, 0) {
					t.Fatalf("%d threads, skip %v: reported %+v, want fc1.weight ±Inf", procs, skip, bad)
				}
				if c.begun != 0 || tr.opt.Steps() != 0 {
					t.Fatalf("%d threads, skip %v: %d steps fused, optimizer at step %d", procs, skip, c.begun, tr.opt.Steps())
				}
				if !bytes.Equal(weightBytes(tr.Model()), before) {
					t.Fatalf("%d threads, skip %v: a weight changed", procs, skip)
				}
			}()
		}
	}
}
