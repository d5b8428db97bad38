package optim_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/descentlab/descent/clip"
	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/schedule"
)

// regression is a tiny model: y = w·x + b fitted to y = 2x₀ − 3x₁ + 0.5 on
// four fixed points. grad sets the gradients of the mean squared error and
// returns it.
func regression() (w, b *optim.Param[float64], grad func() float64) {
	w = optim.NewParam("w", []float64{0, 0})
	b = optim.NewParam("b", []float64{0})
	xs := [][2]float64{{1, 0}, {0, 1}, {1, 1}, {-1, 2}}
	grad = func() float64 {
		w.ZeroGrad()
		b.ZeroGrad()
		loss := 0.0
		for _, x := range xs {
			y := 2*x[0] - 3*x[1] + 0.5
			e := w.Value[0]*x[0] + w.Value[1]*x[1] + b.Value[0] - y
			loss += e * e / 4
			w.Grad[0] += e * x[0] / 2
			w.Grad[1] += e * x[1] / 2
			b.Grad[0] += e / 2
		}
		return loss
	}
	return w, b, grad
}

// A training loop with two parameter groups (the bias at half the
// weights' rate), a cosine schedule that scales each group's own rate,
// and clipping by the global norm of the gradients.
func Example_loop() {
	w, b, grad := regression()
	fast := optim.DefaultAdam()
	fast.LR = 0.1
	slow := fast
	slow.LR = 0.05
	opt, err := optim.NewGroups(optim.NewGroup(fast, w), optim.NewGroup(slow, b))
	if err != nil {
		panic(err)
	}
	const steps = 500
	sched, err := schedule.NewDriver(opt, func(lr float64) (schedule.Schedule, error) {
		return schedule.Cosine(lr, steps, 0)
	})
	if err != nil {
		panic(err)
	}
	for range steps {
		grad()
		if _, err := clip.GlobalNormParams(opt.Params(), 1.0); err != nil {
			panic(err)
		}
		opt.Step()
		if err := sched.Step(); err != nil {
			panic(err)
		}
		if opt.Steps() == steps/2 {
			fmt.Printf("halfway: lr %.3g and %.3g\n", opt.LR(0), opt.LR(1))
		}
	}
	fmt.Printf("w = (%.2f, %.2f), loss %.1e\n", w.Value[0], w.Value[1], grad())
	// Output:
	// halfway: lr 0.05 and 0.025
	// w = (2.00, -3.00), loss 4.7e-07
}

// Save the optimizer's state halfway, restore it into a new optimizer (whose
// groups may come in another order: state is matched by parameter name),
// and finish: the weights are those of the run never stopped.
func ExampleOptimizer_MarshalBinary() {
	run := func(stopAt int) []float64 {
		w, b, grad := regression()
		h := optim.DefaultAdam()
		h.LR = 0.05
		opt, err := optim.NewGroups(optim.NewGroup(h, w), optim.NewGroup(h, b))
		if err != nil {
			panic(err)
		}
		for range stopAt {
			grad()
			opt.Step()
		}
		if stopAt == 100 {
			return append(w.Value, b.Value...)
		}
		blob, err := opt.MarshalBinary() // with the weights, what a checkpoint holds
		if err != nil {
			panic(err)
		}
		resumed, err := optim.NewGroups(optim.NewGroup(h, b), optim.NewGroup(h, w))
		if err != nil {
			panic(err)
		}
		if err := resumed.UnmarshalBinary(blob); err != nil {
			panic(err)
		}
		for resumed.Steps() < 100 {
			grad()
			resumed.Step()
		}
		return append(w.Value, b.Value...)
	}
	fmt.Println("resumed run equals the uninterrupted one:", slices.Equal(run(100), run(50)))
	// Output: resumed run equals the uninterrupted one: true
}

// signSGD is a method written outside package optim: w ← w − lr·sign(m),
// m ← βm + (1−β)g (signum, Bernstein et al. 2018). Implementing
// optim.Custom gives it groups, SetLR and schedules, Steps and saved state.
type signSGD struct{ LR, Beta float64 }

func (h signSGD) Method() string                      { return "signsgd" }
func (h signSGD) LearningRate() float64               { return h.LR }
func (h signSGD) WithLR(lr float64) optim.Hyper       { h.LR = lr; return h }
func (h signSGD) Buffers() []string                   { return []string{"momentum"} }
func (h signSGD) String() string                      { return "signsgd:" + strconv.FormatFloat(h.Beta, 'g', -1, 64) }
func (h signSGD) Parse(s string) (optim.Hyper, error) { return parseSignSGD(s) }
func (h signSGD) Validate() error {
	if !(h.Beta >= 0 && h.Beta < 1) {
		return fmt.Errorf("signsgd: beta=%v: want a number in [0, 1)", h.Beta)
	}
	return nil
}

// Update is the rule, applied to one parameter per call.
func (h signSGD) Update(w, g []float64, bufs [][]float64, step int64, lr float64) {
	m := bufs[0]
	for i := range w {
		m[i] = h.Beta*m[i] + (1-h.Beta)*g[i]
		if m[i] != 0 {
			w[i] -= lr * math.Copysign(1, m[i])
		}
	}
}

// parseSignSGD reads what String wrote (LoadState calls it).
func parseSignSGD(s string) (optim.Hyper, error) {
	var h signSGD
	_, err := fmt.Sscanf(strings.Replace(s, ",", " ", 1), "signsgd:lr=%g beta=%g", &h.LR, &h.Beta)
	return h, err
}

func ExampleCustom() {
	w, b, grad := regression()
	opt, err := optim.NewGroups(optim.NewGroup(signSGD{LR: 0.05, Beta: 0.9}, w), optim.NewGroup(signSGD{LR: 0.025, Beta: 0.9}, b))
	if err != nil {
		panic(err)
	}
	sched, err := schedule.NewDriverSpec(opt, "cosine", 400)
	if err != nil {
		panic(err)
	}
	for range 400 {
		grad()
		opt.Step()
		if err := sched.Step(); err != nil {
			panic(err)
		}
	}
	fmt.Printf("%s after %d steps: w = (%.2f, %.2f)\n", opt.Method(), opt.Steps(), w.Value[0], w.Value[1])
	st := opt.State().Params["w"]
	fmt.Printf("state of w: step %d, momentum of %d values\n", st.Step, len(st.Buffers["momentum"]))
	// Output:
	// signsgd after 400 steps: w = (2.00, -3.00)
	// state of w: step 400, momentum of 2 values
}

// errors.As finds the bad key and value of a spec, through every wrapping.
func ExampleHyperError() {
	_, err := optim.ParseSpec("adam:lr=0.001,beta2=1")
	var he *optim.HyperError
	if errors.As(fmt.Errorf("--opt: %w", err), &he) {
		fmt.Printf("method %s, key %s, value %s, want %s\n", he.Method, he.Key, he.Value, he.Want)
	}
	// Output: method adam, key beta2, value 1, want a number in [0, 1)
}
