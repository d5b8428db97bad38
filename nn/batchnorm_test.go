package nn

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
)

// refLossBN is an independent float64 implementation of the training loss
// of a model with batch normalisation (Spec.BatchNorm): each hidden layer is
// dense, then normalised with the batch's mean and biased variance, scaled
// by γ and shifted by β, then the activation and the dropout mask (masks[l]
// or nil). params are laid out as in Model.Flat.
func refLossBN(spec Spec, params, x []float64, y []uint8, masks [][]float32) float64 {
	n := len(y)
	in := x
	off := 0
	take := func(k int) []float64 { v := params[off : off+k]; off += k; return v }
	for li := 1; li < len(spec.Sizes); li++ {
		nin, nout := spec.Sizes[li-1], spec.Sizes[li]
		w, b := take(nout*nin), take(nout)
		out := make([]float64, n*nout)
		for r := range n {
			for j := range nout {
				s := b[j]
				for k := range nin {
					s += in[r*nin+k] * w[j*nin+k]
				}
				out[r*nout+j] = s
			}
		}
		if li < len(spec.Sizes)-1 {
			gamma, beta := take(nout), take(nout)
			for j := range nout {
				mean, v := 0.0, 0.0
				for r := range n {
					mean += out[r*nout+j]
				}
				mean /= float64(n)
				for r := range n {
					d := out[r*nout+j] - mean
					v += d * d
				}
				v /= float64(n)
				for r := range n {
					s := gamma[j]*(out[r*nout+j]-mean)/math.Sqrt(v+BatchNormEps) + beta[j]
					s = refActivate(spec.Act, s)
					if masks != nil {
						s *= float64(masks[li-1][r*nout+j])
					}
					out[r*nout+j] = s
				}
			}
		}
		in = out
	}
	return refCrossEntropy(in, y, spec.Sizes[len(spec.Sizes)-1])
}

// TestBatchNormFiniteDifferences compares Backward with float64 central
// differences of refLossBN for every parameter (dense weights and biases,
// γ and β) of a net with batch normalisation, for each activation, with
// and without dropout.
//
// Tolerance: as in TestGradientFiniteDifferences the float64 difference is
// exact to the digits that matter; the normalisation divides by the
// batch's standard deviation, which in a batch of 6 can be small, so the
// float32 gradient carries a few more rounding errors: |g − fd| ≤ 1e-4 +
// 1e-3·|fd|. A wrong formula (a missing mean term, the unbiased variance)
// gives errors of the order of the gradient itself.
func TestBatchNormFiniteDifferences(t *testing.T) {
	for _, act := range []Activation{ReLU, Sigmoid, Tanh} {
		for _, dropout := range []float64{0, 0.3} {
			spec := Spec{Sizes: []int{5, 7, 6, 4}, Act: act, Init: InitXavier, Dropout: dropout, BatchNorm: true}
			t.Run(spec.String(), func(t *testing.T) {
				m, err := New(spec, 11)
				if err != nil {
					t.Fatal(err)
				}
				prng := rand.New(rand.NewPCG(3, 4))
				for _, v := range m.Params() {
					if len(v.Shape) == 1 { // biases, γ and β away from 0 and 1
						for i := range v.Value {
							v.Value[i] += float32(0.3 * prng.NormFloat64())
						}
					}
				}
				x, y := randBatch(rand.New(rand.NewPCG(1, 2)), 6, 5, 4)
				loss := m.Loss(x, y)
				m.Backward()
				var masks [][]float32
				if dropout > 0 {
					masks = m.train.mask
				}
				x64 := to64(x)
				checkGradients(t, m, loss, 1e-5, 1e-4, 1e-3, func(p64 []float64) float64 { return refLossBN(spec, p64, x64, y, masks) })
			})
		}
	}
}

type bnReference struct {
	Torch string `json:"torch"`
	Cases []struct {
		Sizes  []int                `json:"sizes"`
		Act    string               `json:"act"`
		Params map[string][]float64 `json:"params"`
		Train  []struct {
			X     []float64            `json:"x"`
			Y     []uint8              `json:"y"`
			Loss  float64              `json:"loss"`
			Grads map[string][]float64 `json:"grads"`
		} `json:"train"`
		Buffers map[string][]float64 `json:"buffers"`
		Eval    struct {
			X      []float64 `json:"x"`
			Y      []uint8   `json:"y"`
			Logits []float64 `json:"logits"`
			Loss   float64   `json:"loss"`
		} `json:"eval"`
	} `json:"cases"`
}

func to32(v []float64) []float32 { return convert[float32](v) }

// TestBatchNormTorch checks the forward and backward passes, the running
// statistics and the evaluation mode against torch 1.13's BatchNorm1d
// (testdata/torch/gen_batchnorm.py writes the reference): the loss and
// every gradient of two training batches, the running mean and variance
// after them, and the logits and loss of an evaluation batch.
//
// Tolerance: both sides compute in float32 from the same float32
// parameters and inputs, in different orders; |a − b| ≤ 2e-5 + 2e-4·|b|
// covers that rounding with room, while a formula error (biased running
// variance, momentum 0.9 for 0.1, the batch's statistics in evaluation)
// misses by far more.
func TestBatchNormTorch(t *testing.T) {
	raw, err := os.ReadFile("../testdata/torch/batchnorm_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref bnReference
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("no cases in the reference")
	}
	near := func(what string, got float64, want float64) {
		t.Helper()
		if math.Abs(got-want) > 2e-5+2e-4*math.Abs(want) {
			t.Errorf("%s = %v, torch %v", what, got, want)
		}
	}
	for _, c := range ref.Cases {
		spec := Spec{Sizes: c.Sizes, BatchNorm: true}
		spec.Act = Activation(indexOf(activationNames[:], c.Act))
		t.Run(spec.String(), func(t *testing.T) {
			m, err := New(spec, 1)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range m.Params() {
				p, ok := c.Params[v.Name]
				if !ok || len(p) != len(v.Value) {
					t.Fatalf("parameter %s: the reference has %d values, the model %d", v.Name, len(p), len(v.Value))
				}
				copy(v.Value, to32(p))
			}
			if len(c.Params) != len(m.Params()) {
				t.Fatalf("the reference has %d parameters, the model %d", len(c.Params), len(m.Params()))
			}
			for bi, b := range c.Train {
				loss := m.Loss(to32(b.X), b.Y)
				m.Backward()
				near("training loss", loss, b.Loss)
				for _, v := range m.Params() {
					for i, g := range b.Grads[v.Name] {
						near(v.Name+".grad["+strconv.Itoa(i)+"] batch "+strconv.Itoa(bi), float64(v.Grad[i]), g)
					}
				}
			}
			if len(m.Buffers()) != len(c.Buffers) {
				t.Fatalf("%d buffers, torch %d", len(m.Buffers()), len(c.Buffers))
			}
			for _, v := range m.Buffers() {
				want := c.Buffers[v.Name]
				if len(want) != len(v.Value) {
					t.Fatalf("buffer %s: %d values, torch %d", v.Name, len(v.Value), len(want))
				}
				for i := range want {
					near(v.Name+"["+strconv.Itoa(i)+"]", float64(v.Value[i]), want[i])
				}
			}
			x := to32(c.Eval.X)
			loss, _ := m.Evaluate(x, c.Eval.Y)
			near("evaluation loss", loss, c.Eval.Loss)
			// The logits themselves, through the evaluation pass.
			ws := &m.eval
			ws.ensure(m, len(c.Eval.Y), false)
			logits := m.forward(ws, x, len(c.Eval.Y), false)
			for i, want := range c.Eval.Logits {
				near("evaluation logit["+strconv.Itoa(i)+"]", float64(logits[i]), want)
			}
		})
	}
}

// TestBatchNormSameDenseWeights: batch normalisation draws nothing, so a
// model with it starts with the dense weights of the same model without it
// (compare --run relies on this for variants that differ only in bn), γ
// at 1, β at 0, the running mean at 0 and the running variance at 1.
func TestBatchNormSameDenseWeights(t *testing.T) {
	plain := MustParse("mlp:20-8-6-3,init=he", 5)
	bn := MustParse("mlp:20-8-6-3,init=he,bn", 5)
	get := func(m *Model, name string) []float32 {
		for _, v := range m.Params() {
			if v.Name == name {
				return v.Value
			}
		}
		t.Fatalf("no %s", name)
		return nil
	}
	for _, v := range plain.Params() {
		if !slices.Equal(v.Value, get(bn, v.Name)) {
			t.Errorf("%s differs with bn", v.Name)
		}
	}
	for _, name := range []string{"bn1.weight", "bn2.weight"} {
		for _, g := range get(bn, name) {
			if g != 1 {
				t.Fatalf("%s starts at %v, want 1", name, g)
			}
		}
	}
	if len(bn.Params()) != len(plain.Params())+4 || len(bn.Buffers()) != 4 || len(plain.Buffers()) != 0 {
		t.Fatalf("params %d/%d, buffers %d/%d", len(bn.Params()), len(plain.Params()), len(bn.Buffers()), len(plain.Buffers()))
	}
	for _, v := range bn.Buffers() {
		want := float32(0)
		if v.Name[len(v.Name)-3:] == "var" {
			want = 1
		}
		for _, x := range v.Value {
			if x != want {
				t.Fatalf("%s starts at %v, want %v", v.Name, x, want)
			}
		}
	}
	if bn.NumParams() != plain.NumParams()+2*(8+6) {
		t.Fatalf("%d parameters with bn, %d without", bn.NumParams(), plain.NumParams())
	}
}

// TestBatchNormEvalIndependentOfBatch: in evaluation each example's output
// depends on it alone (the running statistics), so evaluating a set in one
// batch or one example at a time gives the same predictions; in training
// the output depends on the batch.
func TestBatchNormEvalIndependentOfBatch(t *testing.T) {
	m := MustParse("mlp:5-6-3,bn", 2)
	rng := rand.New(rand.NewPCG(7, 8))
	x, y := randBatch(rng, 10, 5, 3)
	m.Loss(x, y) // move the running statistics away from 0 and 1
	all := m.Predict(nil, x)
	for i := range 10 {
		one := m.Predict(nil, x[i*5:(i+1)*5])
		if one[0] != all[i] {
			t.Fatalf("example %d: alone %d, in the batch %d", i, one[0], all[i])
		}
	}
}

func TestBatchNormOneExamplePanics(t *testing.T) {
	m := MustParse("mlp:5-6-3,bn", 2)
	defer func() {
		if recover() == nil {
			t.Fatal("a training batch of one example with batch normalisation did not panic")
		}
	}()
	m.Loss(make([]float32, 5), []uint8{1})
}

// TestBatchNormSameBitsAnyThreads: with layers large enough for Backward
// to run a layer's two products on two threads (minPairWork), the
// normalisation's backward (on the input-gradient thread) gives the same
// gradient bits as on one thread. Run with -race, it also shows the two
// threads touch no common memory.
func TestBatchNormSameBitsAnyThreads(t *testing.T) {
	grads := func(procs int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m := MustParse("mlp:64-512-512-10,bn,dropout=0.1", 3)
		x, y := randBatch(rand.New(rand.NewPCG(5, 6)), 64, 64, 10)
		m.Loss(x, y)
		m.Backward()
		_, g := m.Flat()
		return slices.Clone(g)
	}
	if 2*64*512*512 < minPairWork {
		t.Fatal("the layers are too small to be paired")
	}
	if !slices.Equal(grads(1), grads(2)) {
		t.Error("the gradients differ on one and on two threads")
	}
}
