// Command usermodule is a program outside the descent module that uses its
// library as a Go engineer would: a hand-written model, optimized with
// parameter groups (weight decay on the weights only, the biases at half
// the rate), a warm-up + cosine schedule driving each group from its own
// rate, gradient clipping by global norm, and a save/restore halfway into
// an optimizer whose groups and parameters come in another order. It runs
// this with optim's Adam and with a method written here (yogi.go), checks
// that each resumed run is bit-identical to the uninterrupted one and that
// the loss fell, and exits 1 if not.
//
// descent's optim/usermodule_test.go runs it (go run in this directory; the
// replace directive in go.mod makes descent the working tree, no network).
package main

import (
	"fmt"
	"os"
	"slices"

	"github.com/descentlab/descent/clip"
	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/schedule"
)

const (
	steps        = 400
	halfway      = steps / 2
	maxNorm      = 1.0
	scheduleSpec = "warmup_cosine:warmup=20,start_factor=0.1"
)

func main() {
	adam := optim.DefaultAdamW()
	adam.LR, adam.WeightDecay = 0.02, 1e-4
	ok := check("adamw", adam, func(h optim.Hyper, lr float64) optim.Hyper {
		a := h.(optim.AdamW)
		a.LR, a.WeightDecay = lr, 0
		return a
	})
	user := yogi{LR: 0.02, Beta1: 0.9, Beta2: 0.999, Eps: 1e-3}
	ok = check("yogi", user, func(h optim.Hyper, lr float64) optim.Hyper {
		y := h.(yogi)
		y.LR = lr
		return y
	}) && ok
	if !ok {
		os.Exit(1)
	}
}

// check trains with h on the weights and bias(h, lr/2) on the biases, once
// straight through and once stopped and restored halfway, and reports.
func check(name string, h optim.Hyper, bias func(optim.Hyper, float64) optim.Hyper) bool {
	straight, first, last, err := train(h, bias, -1)
	if err != nil {
		fmt.Printf("%s: %v\n", name, err)
		return false
	}
	resumed, _, _, err := train(h, bias, halfway)
	if err != nil {
		fmt.Printf("%s: resumed: %v\n", name, err)
		return false
	}
	same := slices.Equal(straight, resumed)
	fmt.Printf("%s: loss %.4f → %.6f in %d steps; resumed at %d bit-identical: %v\n", name, first, last, steps, halfway, same)
	return same && last < first/10
}

// train runs the loop and returns the final weights, the first and the last
// loss. With stopAt ≥ 0 it saves the optimizer's state and the weights
// after stopAt steps, builds everything anew (groups and parameters in
// another order), restores, and finishes.
func train(h optim.Hyper, bias func(optim.Hyper, float64) optim.Hyper, stopAt int) (weights []float64, first, last float64, err error) {
	xs, ys := dataset()
	m := newMLP(16, 42)
	build := func(m *mlp, shuffled bool) (*optim.Optimizer[float64], *schedule.Driver, error) {
		weights := optim.NewGroup(h, m.w1, m.w2)
		biases := optim.NewGroup(bias(h, h.LearningRate()/2), m.b1, m.b2)
		groups := []optim.Group[float64]{weights, biases}
		if shuffled {
			biases.Params = []*optim.Param[float64]{m.b2, m.b1}
			groups = []optim.Group[float64]{biases, weights}
		}
		opt, err := optim.NewGroups(groups...)
		if err != nil {
			return nil, nil, err
		}
		d, err := schedule.NewDriverSpec(opt, scheduleSpec, steps)
		return opt, d, err
	}
	opt, sched, err := build(m, false)
	if err != nil {
		return nil, 0, 0, err
	}
	for opt.Steps() < steps {
		loss := m.lossAndGrad(xs, ys)
		if opt.Steps() == 0 {
			first = loss
		}
		if _, err := clip.GlobalNormParams(opt.Params(), maxNorm); err != nil {
			return nil, 0, 0, err
		}
		opt.Step()
		if err := sched.Step(); err != nil {
			return nil, 0, 0, err
		}
		if int(opt.Steps()) == stopAt {
			if m, opt, sched, err = restore(m, opt, build); err != nil {
				return nil, 0, 0, err
			}
		}
	}
	last = m.lossAndGrad(xs, ys)
	for _, p := range m.params() {
		weights = append(weights, p.Value...)
	}
	return weights, first, last, nil
}

// restore saves opt's state and m's weights as a checkpoint would, then
// builds a new model and optimizer (groups shuffled), loads both, and moves
// the new schedule driver to the restored step count.
func restore(m *mlp, opt *optim.Optimizer[float64], build func(*mlp, bool) (*optim.Optimizer[float64], *schedule.Driver, error)) (*mlp, *optim.Optimizer[float64], *schedule.Driver, error) {
	blob, err := opt.MarshalBinary()
	if err != nil {
		return nil, nil, nil, err
	}
	saved := map[string][]float64{}
	for _, p := range m.params() {
		saved[p.Name] = slices.Clone(p.Value)
	}
	m2 := newMLP(16, 7) // other initial weights, overwritten below
	for _, p := range m2.params() {
		copy(p.Value, saved[p.Name])
	}
	opt2, sched2, err := build(m2, true)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := opt2.UnmarshalBinary(blob); err != nil {
		return nil, nil, nil, err
	}
	if err := sched2.Seek(int(opt2.Steps())); err != nil {
		return nil, nil, nil, err
	}
	return m2, opt2, sched2, nil
}
