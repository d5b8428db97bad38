package nn_test

import (
	"math/rand/v2"
	"testing"

	"github.com/descentlab/descent/data"
	"github.com/descentlab/descent/nn"
)

// sgdStep is plain SGD, θ ← θ − lr·∇θ, in one pass over the flat buffers.
func sgdStep(m *nn.Model, lr float32) {
	p, g := m.Flat()
	for i := range p {
		p[i] -= lr * g[i]
	}
}

// xor is a problem no linear model solves: label 1 when the two
// coordinates have different signs.
func xor(n int, seed uint64) *data.Dataset {
	rng := rand.New(rand.NewPCG(seed, 0))
	d := &data.Dataset{X: make([]float32, 2*n), Y: make([]uint8, n), N: n, Dim: 2, Classes: 2, Shape: []int{2}}
	for i := range n {
		a, b := 2*rng.Float32()-1, 2*rng.Float32()-1
		d.X[2*i], d.X[2*i+1] = a, b
		if (a > 0) != (b > 0) {
			d.Y[i] = 1
		}
	}
	return d
}

// TestTrainXOR trains a small net with mini-batch SGD and checks that it
// learns: the loss falls well below its start and below ln 2 (chance).
func TestTrainXOR(t *testing.T) {
	for _, act := range []string{"relu", "tanh", "sigmoid"} {
		t.Run(act, func(t *testing.T) {
			train := xor(512, 1)
			m := nn.MustParse("mlp:2-16-2,act="+act+",init=xavier", 1)
			lr := float32(0.5)
			if act == "sigmoid" {
				lr = 2 // sigmoid's small slope needs a larger step
			}
			before, _ := m.Evaluate(train.X, train.Y)
			s, err := data.NewSampler(train.N, 32, 1)
			if err != nil {
				t.Fatal(err)
			}
			var idx []int
			var b data.Batch
			for s.Epoch() < 150 {
				idx = s.Next(idx)
				train.Gather(&b, idx)
				m.Loss(b.X, b.Y)
				m.Backward()
				sgdStep(m, lr)
			}
			after, acc := m.Evaluate(train.X, train.Y)
			t.Logf("loss %.3f → %.3f, accuracy %.3f", before, after, acc)
			if after > 0.25*before || acc < 0.9 {
				t.Errorf("loss %.3f → %.3f, accuracy %.3f: want a quarter of the start and 90%%", before, after, acc)
			}
		})
	}
}

// TestTrainMNISTSubset: a few epochs of mini-batch SGD on 2 000 MNIST
// digits reach well over 80% test accuracy (chance is 10%).
func TestTrainMNISTSubset(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes MNIST")
	}
	full, testFull, err := data.MNIST()
	if err != nil {
		t.Fatal(err)
	}
	train, _ := full.Subset(2000)
	test, _ := testFull.Subset(1000)
	m := nn.MustParse("mlp:784-32-10", 1)
	s, _ := data.NewSampler(train.N, 32, 1)
	var idx []int
	var b data.Batch
	for s.Epoch() < 5 {
		idx = s.Next(idx)
		train.Gather(&b, idx)
		m.Loss(b.X, b.Y)
		m.Backward()
		sgdStep(m, 0.1)
	}
	loss, acc := m.Evaluate(test.X, test.Y)
	t.Logf("test loss %.3f, accuracy %.3f", loss, acc)
	if acc < 0.8 {
		t.Errorf("test accuracy %.3f, want ≥ 0.8", acc)
	}
}
