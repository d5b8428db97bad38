package schedule_test

import (
	"fmt"
	"log"

	"github.com/descentlab/descent/schedule"
)

// Warm up linearly from 0.2·lr to lr over 4 steps, then anneal with a
// cosine to 0 over the next 8. The printed rates equal those of torch 1.13's
// SequentialLR([LinearLR(opt, 0.2, 1.0, 4), CosineAnnealingLR(opt, 8)], [4])
// with lr = 0.1, read before each optimizer step.
func ExampleSequential() {
	const lr = 0.1
	warm, err := schedule.LinearWarmup(lr, 0.2, 1, 4)
	if err != nil {
		log.Fatal(err)
	}
	cos, err := schedule.Cosine(lr, 8, 0)
	if err != nil {
		log.Fatal(err)
	}
	s, err := schedule.Sequential([]schedule.Schedule{warm, cos}, []int{4})
	if err != nil {
		log.Fatal(err)
	}
	for t := range 13 {
		fmt.Printf("%2d %.6f\n", t, s.LR(t))
	}
	// Output:
	//  0 0.020000
	//  1 0.040000
	//  2 0.060000
	//  3 0.080000
	//  4 0.100000
	//  5 0.096194
	//  6 0.085355
	//  7 0.069134
	//  8 0.050000
	//  9 0.030866
	// 10 0.014645
	// 11 0.003806
	// 12 0.000000
}

// The same schedule from a command-line spec: with 12 steps in all, the
// cosine's t_max defaults to 12 − 4.
func ExampleParse() {
	s, err := schedule.Parse("warmup_cosine:warmup=4,start_factor=0.2", 0.1, 12)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.6f %.6f %.6f\n", s.LR(0), s.LR(4), s.LR(8))

	_, err = schedule.Parse("cosine:tmax=100", 0.1, 1000)
	fmt.Println(err)
	// Output:
	// 0.020000 0.100000 0.050000
	// schedule: spec "cosine:tmax=100": cosine: tmax: unknown key; allowed: t_max, eta_min
}

// ReduceLROnPlateau: the loss stops improving, and after patience+1 bad
// epochs the rate is cut by factor.
func ExamplePlateau() {
	o := schedule.DefaultPlateauOptions()
	o.Patience = 2
	o.Factor = 0.5
	p, err := schedule.NewPlateau(0.1, o)
	if err != nil {
		log.Fatal(err)
	}
	for _, loss := range []float64{1.0, 0.8, 0.8, 0.81, 0.8, 0.7} {
		fmt.Println(p.Step(loss))
	}
	// Output:
	// 0.1
	// 0.1
	// 0.1
	// 0.1
	// 0.05
	// 0.05
}
