package nn

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// refLoss is an independent float64 implementation of the model's training
// loss: the same layers, activation and dropout masks (masks[l] is the mask
// of hidden layer l, or nil), evaluated in float64 from params laid out as
// in Model.Flat.
func refLoss(spec Spec, params []float64, x []float64, y []uint8, masks [][]float32) float64 {
	n := len(y)
	in := x
	off := 0
	for li := 1; li < len(spec.Sizes); li++ {
		nin, nout := spec.Sizes[li-1], spec.Sizes[li]
		w := params[off : off+nout*nin]
		b := params[off+nout*nin : off+nout*nin+nout]
		off += nout*nin + nout
		out := make([]float64, n*nout)
		for r := range n {
			for j := range nout {
				s := b[j]
				for k := range nin {
					s += in[r*nin+k] * w[j*nin+k]
				}
				if li < len(spec.Sizes)-1 {
					s = refActivate(spec.Act, s)
					if masks != nil {
						s *= float64(masks[li-1][r*nout+j])
					}
				}
				out[r*nout+j] = s
			}
		}
		in = out
	}
	return refCrossEntropy(in, y, spec.Sizes[len(spec.Sizes)-1])
}

// refActivate is act(s) in float64.
func refActivate(act Activation, s float64) float64 {
	switch act {
	case ReLU:
		return math.Max(s, 0)
	case Sigmoid:
		return 1 / (1 + math.Exp(-s))
	case Tanh:
		return math.Tanh(s)
	}
	panic("unknown activation")
}

// refCrossEntropy is the mean softmax cross-entropy of the logits (rows
// of c) with labels y, in float64.
func refCrossEntropy(logits []float64, y []uint8, c int) float64 {
	var total float64
	for r, yr := range y {
		row := logits[r*c : (r+1)*c]
		top := row[0]
		for _, v := range row {
			top = math.Max(top, v)
		}
		var s float64
		for _, v := range row {
			s += math.Exp(v - top)
		}
		total += math.Log(s) + top - row[yr]
	}
	return total / float64(len(y))
}

func randBatch(rng *rand.Rand, n, d, classes int) ([]float32, []uint8) {
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y := make([]uint8, n)
	for i := range y {
		y[i] = uint8(rng.IntN(classes))
	}
	return x, y
}

func to64(v []float32) []float64 { return convert[float64](v) }

// convert returns v's values converted to D.
func convert[D, S float32 | float64](v []S) []D {
	out := make([]D, len(v))
	for i, f := range v {
		out[i] = D(f)
	}
	return out
}

// TestGradientFiniteDifferences compares Backward with float64 central
// differences of refLoss, for every parameter of a two-hidden-layer net.
//
// Tolerance: the central difference with h = 1e-6 in float64 has truncation
// error O(h²) ≈ 1e-12 and rounding error ≈ 1e-16/h = 1e-10, so it is exact
// to the digits that matter; the analytic gradient is computed in float32
// (unit roundoff 6e-8) through a few layers of sums of about ten terms, so we
// allow |g − fd| ≤ 1e-5 + 1e-4·|fd|. The worst error observed here is about
// 1e-7; a wrong formula gives errors of order |g| (≈ 1e-2 to 1).
func TestGradientFiniteDifferences(t *testing.T) {
	for _, act := range []Activation{ReLU, Sigmoid, Tanh} {
		for _, dropout := range []float64{0, 0.3} {
			spec := Spec{Sizes: []int{5, 7, 6, 4}, Act: act, Init: InitXavier, Dropout: dropout}
			t.Run(spec.String(), func(t *testing.T) {
				m, err := New(spec, 11)
				if err != nil {
					t.Fatal(err)
				}
				// Non-zero biases, so their gradients are exercised in full.
				for _, v := range m.Params() {
					if len(v.Shape) == 1 {
						for i := range v.Value {
							v.Value[i] = 0.1 * float32(i%3-1)
						}
					}
				}
				x, y := randBatch(rand.New(rand.NewPCG(1, 2)), 3, 5, 4)
				loss := m.Loss(x, y)
				m.Backward()

				var masks [][]float32
				if dropout > 0 {
					masks = m.train.mask
					zeros := 0
					for _, k := range masks[0][:3*7] {
						if k == 0 {
							zeros++
						} else if k != float32(1/(1-dropout)) {
							t.Fatalf("mask value %v, want 0 or 1/(1−p)", k)
						}
					}
					if zeros == 0 || zeros == 21 {
						t.Fatalf("dropout 0.3 zeroed %d of 21 units", zeros)
					}
				}
				x64 := to64(x)
				checkGradients(t, m, loss, 1e-6, 1e-5, 1e-4, func(p64 []float64) float64 { return refLoss(spec, p64, x64, y, masks) })
			})
		}
	}
}

// checkGradients compares the model's loss (within lossTol relative) and
// the gradient Backward left with ref, a float64 reference of the loss as
// a function of the flat parameters, and its central differences (h =
// 1e-6): every |g − fd| must be at most abs + rel·|fd|.
func checkGradients(t *testing.T, m *Model, loss, lossTol, abs, rel float64, ref func(p64 []float64) float64) {
	t.Helper()
	params, grads := m.Flat()
	p64 := to64(params)
	if r := ref(p64); math.Abs(r-loss) > lossTol*math.Max(1, r) {
		t.Errorf("loss %v, float64 reference %v", loss, r)
	}
	const h = 1e-6
	worst := 0.0
	for i := range p64 {
		orig := p64[i]
		p64[i] = orig + h
		up := ref(p64)
		p64[i] = orig - h
		down := ref(p64)
		p64[i] = orig
		fd := (up - down) / (2 * h)
		diff := math.Abs(float64(grads[i]) - fd)
		worst = max(worst, diff)
		if diff > abs+rel*math.Abs(fd) {
			t.Errorf("parameter %d (%s): gradient %v, finite difference %v", i, paramName(m, i), grads[i], fd)
		}
	}
	t.Logf("worst |g − fd| = %.2g", worst)
}

// paramName names flat parameter i as "fc2.weight[13]".
func paramName(m *Model, i int) string {
	for _, v := range m.Params() {
		if i < len(v.Value) {
			return v.Name + "[" + strconv.Itoa(i) + "]"
		}
		i -= len(v.Value)
	}
	return "?"
}
