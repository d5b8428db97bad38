package schedule

import (
	"fmt"
	"math"
)

// polynomial is Polynomial's schedule.
type polynomial struct {
	lr, power  float64
	totalIters int
}

// Polynomial returns torch.optim.lr_scheduler.PolynomialLR on base rate lr:
//
//	lr(t) = lr·(1 − min(t, totalIters)/totalIters)^power
//
// reaching 0 at t = totalIters (torch's closed form; torch steps it
// recursively, which equals it up to rounding). torch's defaults are
// totalIters 5 and power 1. totalIters must be ≥ 1 and power a finite
// number ≥ 0.
func Polynomial(lr float64, totalIters int, power float64) (Schedule, error) {
	if err := checkLR("polynomial", "lr", lr); err != nil {
		return nil, err
	}
	if err := checkPositive("polynomial", "total_iters", totalIters); err != nil {
		return nil, err
	}
	if !finite(power) || power < 0 {
		return nil, optErr("polynomial", "power", power, "a finite number ≥ 0")
	}
	return polynomial{lr, power, totalIters}, nil
}

func (s polynomial) LR(t int) float64 {
	t = min(max(t, 0), s.totalIters)
	return s.lr * math.Pow(1-float64(t)/float64(s.totalIters), s.power)
}

func (s polynomial) String() string {
	return fmt.Sprintf("polynomial:lr=%v,total_iters=%d,power=%v", s.lr, s.totalIters, s.power)
}

// constantFactor is ConstantFactor's schedule.
type constantFactor struct {
	lr, factor float64
	totalIters int
}

// ConstantFactor returns torch.optim.lr_scheduler.ConstantLR on base rate
// lr: lr·factor for the first totalIters steps, then lr (torch's closed
// form). torch's defaults are factor 1/3 and totalIters 5. factor must be
// in [0, 1] (as torch) and totalIters ≥ 1.
func ConstantFactor(lr, factor float64, totalIters int) (Schedule, error) {
	if err := checkLR("constant_factor", "lr", lr); err != nil {
		return nil, err
	}
	if !(factor >= 0 && factor <= 1) {
		return nil, optErr("constant_factor", "factor", factor, "a factor in [0, 1]")
	}
	if err := checkPositive("constant_factor", "total_iters", totalIters); err != nil {
		return nil, err
	}
	return constantFactor{lr, factor, totalIters}, nil
}

func (s constantFactor) LR(t int) float64 {
	if t >= s.totalIters {
		return s.lr
	}
	return s.lr * s.factor
}

func (s constantFactor) String() string {
	return fmt.Sprintf("constant_factor:lr=%v,factor=%v,total_iters=%d", s.lr, s.factor, s.totalIters)
}
