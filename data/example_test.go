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

func ExampleLoadMNIST() {
	// The first 1000 examples of each set: only their pixels are decoded.
	train, test, err := data.LoadMNIST(data.Options{Subset: 1000})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(train.N, test.N, train.Dim, train.Classes, len(train.Pixels), train.Y[:5])

	// Batches are float32, each pixel byte b as b/255: in row 5 of the
	// first image (a 5), columns 11 to 14 hold the bytes 0, 3, 18, 18.
	var b data.Batch
	train.Gather(&b, []int{0})
	fmt.Println(b.X[5*28+11 : 5*28+15])
	// Output:
	// 1000 1000 784 10 784000 [5 0 4 1 9]
	// [0 0.011764706 0.07058824 0.07058824]
}
