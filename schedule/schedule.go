package schedule

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate to use for the optimizer step taken
// after step steps, so LR(0) is the rate of the very first step.
//
// LR is a pure function: it reads no state, may be called in any order and
// from several goroutines at once, and never panics. Steps below 0 are
// treated as 0.
type Schedule interface {
	LR(step int) float64
}

// OptionError reports an option value that a constructor or Parse rejects.
// Option uses the spec key (the torch argument name), e.g. "t_max".
type OptionError struct {
	Schedule string // spec name of the schedule, e.g. "cosine"
	Option   string // option name, e.g. "t_max"
	Value    any    // the rejected value
	Want     string // what is allowed, e.g. "an integer ≥ 1"
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("schedule: %s: %s=%v, want %s", e.Schedule, e.Option, e.Value, e.Want)
}

func optErr(sched, opt string, v any, want string) error {
	return &OptionError{Schedule: sched, Option: opt, Value: v, Want: want}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// checkLR accepts a finite learning rate ≥ 0.
func checkLR(sched, opt string, lr float64) error {
	if !finite(lr) || lr < 0 {
		return optErr(sched, opt, lr, "a finite number ≥ 0")
	}
	return nil
}

// checkGamma accepts a decay factor in (0, 1].
func checkGamma(sched string, gamma float64) error {
	if !(gamma > 0 && gamma <= 1) {
		return optErr(sched, "gamma", gamma, "a decay factor in (0, 1]")
	}
	return nil
}

func checkPositive(sched, opt string, n int) error {
	if n < 1 {
		return optErr(sched, opt, n, "an integer ≥ 1")
	}
	return nil
}

// checkEtaMin accepts a floor in [0, lr].
func checkEtaMin(sched string, etaMin, lr float64) error {
	if !(etaMin >= 0 && etaMin <= lr) {
		return optErr(sched, "eta_min", etaMin, fmt.Sprintf("a number in [0, lr=%v]", lr))
	}
	return nil
}

// constant is Constant's schedule.
type constant struct{ lr float64 }

// Constant returns the schedule that always gives lr.
func Constant(lr float64) (Schedule, error) {
	if err := checkLR("constant", "lr", lr); err != nil {
		return nil, err
	}
	return constant{lr}, nil
}

func (c constant) LR(int) float64 { return c.lr }

func (c constant) String() string { return fmt.Sprintf("constant:lr=%v", c.lr) }
