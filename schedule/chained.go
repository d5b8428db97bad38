package schedule

import (
	"fmt"
	"strings"
	"sync"
)

// chained is Chained's schedule.
type chained struct {
	lr        float64
	schedules []Schedule
}

// Chained returns torch.optim.lr_scheduler.ChainedScheduler: every schedule
// acts at every step, each multiplying the rate by its own factor. Each of
// schedules must be built on the same base rate lr; the result is
//
//	lr(t) = lr · Π sᵢ.LR(t)/lr
//
// This is what torch's ChainedScheduler gives for the schedulers whose step
// multiplies the current rate by a factor: StepLR, MultiStepLR,
// ExponentialLR, ConstantLR, LinearLR, PolynomialLR, MultiplicativeLR
// (Step, MultiStep, Exponential, ConstantFactor, LinearWarmup, Polynomial,
// Multiplicative). torch's documentation example, ConstantLR(factor=0.1,
// total_iters=2) chained with ExponentialLR(gamma=0.9), is
//
//	c, _ := ConstantFactor(lr, 0.1, 2)
//	e, _ := Exponential(lr, 0.9)
//	s, _ := Chained(lr, c, e)
//
// lr must be > 0 and finite, with at least one schedule and none nil. The
// slice is copied.
func Chained(lr float64, schedules ...Schedule) (Schedule, error) {
	if !finite(lr) || lr <= 0 {
		return nil, optErr("chained", "lr", lr, "a finite number > 0 (the base rate every schedule is built on)")
	}
	if len(schedules) == 0 {
		return nil, optErr("chained", "schedules", "[]", "at least one schedule")
	}
	for i, s := range schedules {
		if s == nil {
			return nil, optErr("chained", fmt.Sprintf("schedules[%d]", i), "nil", "a Schedule")
		}
	}
	return chained{lr, append([]Schedule(nil), schedules...)}, nil
}

func (s chained) LR(t int) float64 {
	v := s.lr
	for _, sc := range s.schedules {
		v *= sc.LR(t) / s.lr
	}
	return v
}

func (s chained) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "chained(lr=%v:", s.lr)
	for _, sc := range s.schedules {
		fmt.Fprintf(&b, " %v", sc)
	}
	b.WriteString(")")
	return b.String()
}

// lambda is Lambda's schedule.
type lambda struct {
	lr float64
	f  func(t int) float64
}

// Lambda returns torch.optim.lr_scheduler.LambdaLR: lr(t) = lr·f(t), f
// called with t ≥ 0. f must not be nil and, as Schedule requires, must be
// safe to call from several goroutines; a NaN or Inf it returns reaches the
// optimizer, which refuses it (SetLR).
func Lambda(lr float64, f func(t int) float64) (Schedule, error) {
	if err := checkLR("lambda", "lr", lr); err != nil {
		return nil, err
	}
	if f == nil {
		return nil, optErr("lambda", "f", "nil", "a function")
	}
	return lambda{lr, f}, nil
}

func (s lambda) LR(t int) float64 { return s.lr * s.f(max(t, 0)) }

func (s lambda) String() string { return fmt.Sprintf("lambda:lr=%v", s.lr) }

// multiplicative is Multiplicative's schedule. It remembers the last rate
// it computed, so that the usual calls, t = 0, 1, 2, ..., cost one call of
// f each.
type multiplicative struct {
	lr   float64
	f    func(t int) float64
	last *multiplicativeMemo
}

// multiplicativeMemo is the last step computed and its rate.
type multiplicativeMemo struct {
	mu sync.Mutex
	t  int
	lr float64
}

// Multiplicative returns torch.optim.lr_scheduler.MultiplicativeLR:
// lr(t) = lr·f(1)·f(2)·…·f(t), multiplied in that order as torch does.
// Calls in increasing t cost one call of f per step; an earlier t is
// recomputed from the start. f must not be nil and must be a pure function
// of t.
func Multiplicative(lr float64, f func(t int) float64) (Schedule, error) {
	if err := checkLR("multiplicative", "lr", lr); err != nil {
		return nil, err
	}
	if f == nil {
		return nil, optErr("multiplicative", "f", "nil", "a function")
	}
	return multiplicative{lr: lr, f: f, last: &multiplicativeMemo{lr: lr}}, nil
}

func (s multiplicative) LR(t int) float64 {
	t = max(t, 0)
	m := s.last
	m.mu.Lock()
	defer m.mu.Unlock()
	k, v := m.t, m.lr
	if k > t {
		k, v = 0, s.lr
	}
	for ; k < t; k++ {
		v *= s.f(k + 1)
	}
	m.t, m.lr = t, v
	return v
}

func (s multiplicative) String() string { return fmt.Sprintf("multiplicative:lr=%v", s.lr) }
