package optim_test

import (
	"fmt"

	"github.com/descentlab/descent/optim"
)

// Adam minimizes f(w) = (w₀−3)² + (w₁+1)², whose gradient is 2(w − (3, −1)).
func ExampleAdam() {
	w := optim.NewParam("w", []float64{0, 0})
	h := optim.DefaultAdam()
	h.LR = 0.1
	opt, err := optim.New(h, w)
	if err != nil {
		panic(err)
	}
	for step := 0; step < 500; step++ {
		w.Grad[0] = 2 * (w.Value[0] - 3)
		w.Grad[1] = 2 * (w.Value[1] + 1)
		opt.Step()
	}
	fmt.Printf("w = (%.3f, %.3f)\n", w.Value[0], w.Value[1])
	fmt.Println(h)
	// Output:
	// w = (3.000, -1.000)
	// adam:lr=0.1
}

// Parameter groups: weight decay on the weights, none on the biases.
func ExampleNewGroups() {
	weights := optim.NewParam("fc.weight", make([]float32, 6))
	bias := optim.NewParam("fc.bias", make([]float32, 2))
	decay := optim.DefaultAdamW()
	noDecay := decay
	noDecay.WeightDecay = 0
	opt, err := optim.NewGroups(optim.NewGroup(decay, weights), optim.NewGroup(noDecay, bias))
	if err != nil {
		panic(err)
	}
	fmt.Println(opt.Hyper(0), "|", opt.Hyper(1))
	// Output: adamw | adamw:weight_decay=0
}

func ExampleParseSpec() {
	h, err := optim.ParseSpec("sgd:lr=0.1,momentum=0.9,nesterov=true")
	fmt.Printf("%#v %v\n", h, err)
	_, err = optim.ParseSpec("adam:beta1=1.2")
	fmt.Println(err)
	// Output:
	// optim.SGD{LR:0.1, Momentum:0.9, Dampening:0, WeightDecay:0, Nesterov:true, Maximize:false} <nil>
	// adam: invalid beta1=1.2: want a number in [0, 1)
}
