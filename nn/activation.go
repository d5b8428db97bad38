package nn

import "math"

// activate applies a to every element of z in place.
func activate(a Activation, z []float32) {
	switch a {
	case ReLU: // as vec.AddBias applies it: NaN and −0 pass through
		for i, v := range z {
			if v < 0 {
				z[i] = 0
			}
		}
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
		for i, v := range y {
			if v <= 0 {
				g[i] = 0
			}
		}
	case Sigmoid:
		for i, v := range y {
			g[i] *= v * (1 - v)
		}
	case Tanh:
		for i, v := range y {
			g[i] *= 1 - v*v
		}
	}
}
