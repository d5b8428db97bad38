package schedule

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// stepDecay is Step's schedule.
type stepDecay struct {
	lr       float64
	stepSize int
	gamma    float64
}

// Step returns torch.optim.lr_scheduler.StepLR: lr·gamma^⌊t/stepSize⌋.
// stepSize must be ≥ 1 and gamma in (0, 1].
func Step(lr float64, stepSize int, gamma float64) (Schedule, error) {
	if err := checkLR("step", "lr", lr); err != nil {
		return nil, err
	}
	if err := checkPositive("step", "step_size", stepSize); err != nil {
		return nil, err
	}
	if err := checkGamma("step", gamma); err != nil {
		return nil, err
	}
	return stepDecay{lr, stepSize, gamma}, nil
}

func (s stepDecay) LR(t int) float64 {
	t = max(t, 0)
	return s.lr * math.Pow(s.gamma, float64(t/s.stepSize))
}

func (s stepDecay) String() string {
	return fmt.Sprintf("step:lr=%v,step_size=%d,gamma=%v", s.lr, s.stepSize, s.gamma)
}

// multiStep is MultiStep's schedule.
type multiStep struct {
	lr         float64
	milestones []int
	gamma      float64
}

// MultiStep returns torch.optim.lr_scheduler.MultiStepLR: lr·gamma^k where
// k is the number of milestones ≤ t. The milestones must be strictly
// increasing and ≥ 0 (torch counts a repeated milestone twice; here a
// repeat is an error), and gamma in (0, 1]. The slice is copied.
func MultiStep(lr float64, milestones []int, gamma float64) (Schedule, error) {
	if err := checkLR("multistep", "lr", lr); err != nil {
		return nil, err
	}
	if len(milestones) == 0 {
		return nil, optErr("multistep", "milestones", "[]", "at least one milestone")
	}
	for i, m := range milestones {
		if m < 0 || (i > 0 && m <= milestones[i-1]) {
			return nil, optErr("multistep", "milestones", formatInts(milestones), "strictly increasing integers ≥ 0")
		}
	}
	if err := checkGamma("multistep", gamma); err != nil {
		return nil, err
	}
	return multiStep{lr, append([]int(nil), milestones...), gamma}, nil
}

func (s multiStep) LR(t int) float64 {
	k := 0
	for _, m := range s.milestones {
		if m > t {
			break
		}
		k++
	}
	return s.lr * math.Pow(s.gamma, float64(k))
}

func (s multiStep) String() string {
	return fmt.Sprintf("multistep:lr=%v,milestones=%s,gamma=%v", s.lr, formatInts(s.milestones), s.gamma)
}

// formatInts writes milestones the way Parse reads them: 30/80.
func formatInts(xs []int) string {
	var b strings.Builder
	for i, x := range xs {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(strconv.Itoa(x))
	}
	return b.String()
}

// exponential is Exponential's schedule.
type exponential struct{ lr, gamma float64 }

// Exponential returns torch.optim.lr_scheduler.ExponentialLR: lr·gamma^t,
// with gamma in (0, 1].
func Exponential(lr, gamma float64) (Schedule, error) {
	if err := checkLR("exponential", "lr", lr); err != nil {
		return nil, err
	}
	if err := checkGamma("exponential", gamma); err != nil {
		return nil, err
	}
	return exponential{lr, gamma}, nil
}

func (s exponential) LR(t int) float64 { return s.lr * math.Pow(s.gamma, float64(max(t, 0))) }

func (s exponential) String() string {
	return fmt.Sprintf("exponential:lr=%v,gamma=%v", s.lr, s.gamma)
}
