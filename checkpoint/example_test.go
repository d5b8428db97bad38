package checkpoint_test

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/nn"
)

// Save a model's weights with some state, keep the newest two, and load
// the newest back into a model of the same shape.
func Example() {
	root, _ := os.MkdirTemp("", "ck")
	defer os.RemoveAll(root)
	m := nn.MustParse("mlp:4-3-2", 1)
	for _, step := range []int{10, 20, 30} {
		c := &checkpoint.Checkpoint{Step: step, Config: json.RawMessage(`{}`),
			State: json.RawMessage(`{"note":"anything the loop needs"}`),
			Model: nn.Weights(m), Optimizer: []byte{}}
		if _, err := checkpoint.Save(root, c, 2); err != nil {
			fmt.Println(err)
			return
		}
	}
	all, _ := checkpoint.List(root)
	for _, e := range all {
		fmt.Println("kept step", e.Step)
	}
	latest, _ := checkpoint.Latest(root)
	c, err := checkpoint.Load(latest.Dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	fresh := nn.MustParse("mlp:4-3-2", 99)
	fmt.Println(nn.LoadWeights(fresh, c.Model), c.Model[0].Name, c.Model[0].Shape)
	fmt.Println(nn.LoadWeights(nn.MustParse("mlp:4-5-2", 1), c.Model))
	// Output:
	// kept step 20
	// kept step 30
	// <nil> fc1.weight [3 4]
	// the checkpoint's fc1.weight has shape [3 4], model mlp:4-5-2,act=relu,init=torch has [5 4] (a checkpoint of another model)
}
