package nn_test

import (
	"fmt"

	"github.com/descentlab/descent/nn"
)

func ExampleParseModel() {
	spec, err := nn.ParseModel("mlp:784-100-10,dropout=0.2")
	if err != nil {
		panic(err)
	}
	m, _ := nn.New(spec, 1)
	fmt.Println(spec)
	for _, p := range m.Params() {
		fmt.Println(p.Name, p.Shape)
	}
	fmt.Println(m.NumParams(), "parameters")
	// Output:
	// mlp:784-100-10,act=relu,init=torch,dropout=0.2
	// fc1.weight [100 784]
	// fc1.bias [100]
	// fc2.weight [10 100]
	// fc2.bias [10]
	// 79510 parameters
}
