package nn

import (
	"math"

	"github.com/descentlab/descent/internal/vec"
)

// activate applies a to every element of z in place, for the activations
// that are not fused with the bias: forward applies ReLU in the bias's pass
// (vec.AddBias), so ReLU leaves z as it is here.
func activate(a Activation, z []float32) {
	switch a {
	case Sigmoid:
		for i, v := range z {
			z[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	case Tanh:
		for i, v := range z {
			z[i] = float32(math.Tanh(float64(v)))
		}
	}
}

// activateGrad multiplies the upstream gradient g by a′, computed from the
// activation's output y = a(z) rather than from z, so no pre-activation
// needs to be kept: relu′ = [y > 0], sigmoid′ = y(1−y), tanh′ = 1−y².
// (relu′(0) is taken as 0, as in PyTorch.)
func activateGrad(a Activation, g, y []float32) {
	y = y[:len(g)]
	switch a {
	case ReLU:
		vec.ReLUGrad(g, y)
	case Sigmoid:
		for i, v := range y {
			g[i] *= v * (1 - v)
		}
	case Tanh:
		for i, v := range y {
			g[i] *= 1 - float32(v*v)
		}
	}
}
