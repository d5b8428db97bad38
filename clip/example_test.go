package clip_test

import (
	"fmt"
	"log"
	"math"

	"github.com/descentlab/descent/clip"
)

func ExampleGlobalNorm() {
	// Two parameters whose gradients have global norm sqrt(3²+4²+12²) = 13.
	grads := [][]float32{{3, 4}, {12}}
	norm, err := clip.GlobalNorm(grads, 6.5)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("norm before %.4g, after %.4g\n", norm, clip.Norm(grads))
	fmt.Printf("%.4f\n", grads)
	// Output:
	// norm before 13, after 6.5
	// [[1.5000 2.0000] [6.0000]]
}

func ExampleFirstNonFinite() {
	names := []string{"layer1.weight", "layer1.bias"}
	grads := [][]float64{{0.1, -0.2}, {0.3, math.NaN()}}
	norm, err := clip.GlobalNorm(grads, 1)
	if err != nil {
		log.Fatal(err)
	}
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		if i, j, ok := clip.FirstNonFinite(grads); ok {
			fmt.Printf("skipping step: %s[%d] = %v\n", names[i], j, grads[i][j])
		}
	}
	// Output:
	// skipping step: layer1.bias[1] = NaN
}

func ExampleValue() {
	grads := [][]float64{{-3, 0.25, 7}}
	if err := clip.Value(grads, 1); err != nil {
		log.Fatal(err)
	}
	fmt.Println(grads)
	// Output:
	// [[-1 0.25 1]]
}
