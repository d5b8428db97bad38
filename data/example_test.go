package data_test

import (
	"fmt"

	"github.com/descentlab/descent/data"
)

func ExampleSampler() {
	// Mini-batches of 4 from 10 examples: each epoch has batches of 4, 4, 2.
	s, _ := data.NewSampler(10, 4, 1)
	var idx []int
	for s.Epoch() < 2 {
		idx = s.Next(idx)
		fmt.Print(len(idx), " ")
	}
	fmt.Println("steps:", s.Steps())
	// Output: 4 4 2 4 4 2 steps: 6
}
