package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/descentlab/descent/optim"
)

// yogi is a method optim does not have, written here: Yogi (Zaheer et al.,
// "Adaptive Methods for Nonconvex Optimization", NeurIPS 2018, Algorithm 2)
// with Adam's bias corrections:
//
//	m ← β₁m + (1−β₁)g;  v ← v − (1−β₂)·sign(v − g²)·g²
//	w ← w − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
//
// Implementing optim.Custom makes it run in an optim.Optimizer with groups,
// schedules, Steps and saved state.
type yogi struct {
	LR, Beta1, Beta2, Eps float64
}

var _ optim.Custom[float64] = yogi{}

func (h yogi) Method() string                { return "yogi" }
func (h yogi) LearningRate() float64         { return h.LR }
func (h yogi) WithLR(lr float64) optim.Hyper { h.LR = lr; return h }
func (h yogi) Buffers() []string             { return []string{"exp_avg", "exp_avg_sq"} }

func (h yogi) String() string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	return "yogi:lr=" + f(h.LR) + ",beta1=" + f(h.Beta1) + ",beta2=" + f(h.Beta2) + ",eps=" + f(h.Eps)
}

func (h yogi) Validate() error {
	switch {
	case !(h.LR >= 0) || math.IsInf(h.LR, 0):
		return fmt.Errorf("yogi: lr=%v: want a finite number ≥ 0", h.LR)
	case !(h.Beta1 >= 0 && h.Beta1 < 1), !(h.Beta2 >= 0 && h.Beta2 < 1):
		return fmt.Errorf("yogi: betas (%v, %v): want numbers in [0, 1)", h.Beta1, h.Beta2)
	case !(h.Eps > 0):
		return fmt.Errorf("yogi: eps=%v: want a number > 0", h.Eps)
	}
	return nil
}

// Parse reads back what String wrote: LoadState calls it with the saved
// hyperparameters.
func (h yogi) Parse(spec string) (optim.Hyper, error) {
	var out yogi
	rest, ok := strings.CutPrefix(spec, "yogi:")
	if !ok {
		return nil, fmt.Errorf("yogi: spec %q: want yogi:lr=…,beta1=…,beta2=…,eps=…", spec)
	}
	for _, kv := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(kv, "=")
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("yogi: %s=%q: want a number", k, v)
		}
		switch k {
		case "lr":
			out.LR = x
		case "beta1":
			out.Beta1 = x
		case "beta2":
			out.Beta2 = x
		case "eps":
			out.Eps = x
		default:
			return nil, fmt.Errorf("yogi: unknown key %q", k)
		}
	}
	return out, out.Validate()
}

// Update is one step of one parameter.
func (h yogi) Update(w, g []float64, bufs [][]float64, step int64, lr float64) {
	m, v := bufs[0], bufs[1]
	t := float64(step)
	bc1, bc2 := 1-math.Pow(h.Beta1, t), 1-math.Pow(h.Beta2, t)
	for i := range w {
		gi := g[i]
		g2 := gi * gi
		m[i] = h.Beta1*m[i] + (1-h.Beta1)*gi
		sign := 0.0
		switch d := v[i] - g2; {
		case d > 0:
			sign = 1
		case d < 0:
			sign = -1
		}
		v[i] -= (1 - h.Beta2) * sign * g2
		w[i] -= lr * (m[i] / bc1) / (math.Sqrt(v[i]/bc2) + h.Eps)
	}
}
