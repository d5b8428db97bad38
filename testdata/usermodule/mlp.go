package main

import (
	"math"
	"math/rand/v2"

	"github.com/descentlab/descent/optim"
)

// mlp is a hand-written two-layer perceptron, 2 → hidden (tanh) → 1, fitted
// by mean squared error: the kind of model a Go program brings to optim.
type mlp struct {
	w1, b1, w2, b2 *optim.Param[float64]
	hidden         int
}

// newMLP draws the weights from seed.
func newMLP(hidden int, seed uint64) *mlp {
	r := rand.New(rand.NewPCG(seed, 1))
	draw := func(n int, scale float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = r.NormFloat64() * scale
		}
		return v
	}
	return &mlp{
		w1:     optim.NewParam("layer1.weight", draw(hidden*2, 1)),
		b1:     optim.NewParam("layer1.bias", make([]float64, hidden)),
		w2:     optim.NewParam("layer2.weight", draw(hidden, 1/math.Sqrt(float64(hidden)))),
		b2:     optim.NewParam("layer2.bias", make([]float64, 1)),
		hidden: hidden,
	}
}

// params lists the parameters in a fixed order.
func (m *mlp) params() []*optim.Param[float64] {
	return []*optim.Param[float64]{m.w1, m.b1, m.w2, m.b2}
}

// lossAndGrad sets the gradients of the mean squared error over xs, ys
// and returns the error.
func (m *mlp) lossAndGrad(xs [][2]float64, ys []float64) float64 {
	for _, p := range m.params() {
		p.ZeroGrad()
	}
	h := make([]float64, m.hidden)
	n := float64(len(xs))
	loss := 0.0
	for k, x := range xs {
		out := m.b2.Value[0]
		for j := range h {
			h[j] = math.Tanh(m.w1.Value[2*j]*x[0] + m.w1.Value[2*j+1]*x[1] + m.b1.Value[j])
			out += m.w2.Value[j] * h[j]
		}
		e := out - ys[k]
		loss += e * e / n
		d := 2 * e / n // ∂loss/∂out
		m.b2.Grad[0] += d
		for j := range h {
			m.w2.Grad[j] += d * h[j]
			dz := d * m.w2.Value[j] * (1 - h[j]*h[j])
			m.b1.Grad[j] += dz
			m.w1.Grad[2*j] += dz * x[0]
			m.w1.Grad[2*j+1] += dz * x[1]
		}
	}
	return loss
}

// dataset is y = sin(2x₀)·cos(x₁) on a grid of points in [−1, 1]².
func dataset() ([][2]float64, []float64) {
	var xs [][2]float64
	var ys []float64
	for i := range 8 {
		for j := range 8 {
			x := [2]float64{-1 + 2*float64(i)/7, -1 + 2*float64(j)/7}
			xs = append(xs, x)
			ys = append(ys, math.Sin(2*x[0])*math.Cos(x[1]))
		}
	}
	return xs, ys
}
