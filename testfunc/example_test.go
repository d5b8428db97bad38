package testfunc_test

import (
	"fmt"

	"github.com/descentlab/descent/testfunc"
)

func ExampleLookup() {
	f, err := testfunc.Lookup("quadratic:cond=100")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Name(), f.Formula())
	fmt.Println(f.Value(1, 1)) // ½(1 + 100·1)
	fmt.Println(f.Grad(1, 1))  // (x, κy)
	fmt.Println(f.Minima())

	_, err = testfunc.Lookup("rosenbrok")
	fmt.Println(err)
	_, err = testfunc.Lookup("quadratic:cond=-1")
	fmt.Println(err)
	// Output:
	// quadratic ½(x²+100y²)
	// 50.5
	// 1 100
	// [{0 0}]
	// unknown function "rosenbrok" (want one of: beale, booth, elliptic, himmelblau, quadratic, rastrigin, rosenbrock, saddle, styblinski, threehump)
	// quadratic: cond=-1 must be a finite number ≥ 1
}
