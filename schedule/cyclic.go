package schedule

import (
	"fmt"
	"math"
)

// CyclicMode is the amplitude policy of Cyclic, as torch's CyclicLR mode.
type CyclicMode int

const (
	// Triangular keeps the amplitude: every cycle rises from base to max.
	Triangular CyclicMode = iota
	// Triangular2 halves the amplitude after every cycle.
	Triangular2
	// ExpRange scales the amplitude by gamma^t, t the step count.
	ExpRange
)

func (m CyclicMode) String() string {
	switch m {
	case Triangular:
		return "triangular"
	case Triangular2:
		return "triangular2"
	case ExpRange:
		return "exp_range"
	}
	return fmt.Sprintf("CyclicMode(%d)", int(m))
}

// cyclic is Cyclic's schedule.
type cyclic struct {
	baseLR, maxLR, gamma float64
	total, ratio         float64 // cycle length in steps; fraction of it spent rising
	up, down             int
	mode                 CyclicMode
}

// Cyclic returns torch.optim.lr_scheduler.CyclicLR (Smith 2017, "Cyclical
// Learning Rates for Training Neural Networks") for the rate alone
// (cycle_momentum is the optimizer's business): the rate rises linearly
// from baseLR to maxLR over stepSizeUp steps, falls back over stepSizeDown
// steps, and repeats, the amplitude maxLR − baseLR scaled by the mode:
//
//	c = ⌊1 + t/(up+down)⌋ (the cycle, from 1),  x = 1 + t/(up+down) − c
//	f = x/r if x ≤ r, else (x − 1)/(r − 1),       r = up/(up+down)
//	lr(t) = baseLR + (maxLR − baseLR)·f·scale,    scale = 1, 1/2^(c−1) or gamma^t
//
// This is torch's formula, operation for operation. torch's defaults are
// stepSizeUp 2000, stepSizeDown = stepSizeUp, Triangular and gamma 1 (used
// by ExpRange only). baseLR and maxLR must be finite and ≥ 0, stepSizeUp ≥
// 1, stepSizeDown ≥ 0, gamma finite and > 0.
func Cyclic(baseLR, maxLR float64, stepSizeUp, stepSizeDown int, mode CyclicMode, gamma float64) (Schedule, error) {
	if err := checkLR("cyclic", "base_lr", baseLR); err != nil {
		return nil, err
	}
	if err := checkLR("cyclic", "max_lr", maxLR); err != nil {
		return nil, err
	}
	if err := checkPositive("cyclic", "step_size_up", stepSizeUp); err != nil {
		return nil, err
	}
	if stepSizeDown < 0 {
		return nil, optErr("cyclic", "step_size_down", stepSizeDown, "an integer ≥ 0")
	}
	if mode < Triangular || mode > ExpRange {
		return nil, optErr("cyclic", "mode", mode, "triangular, triangular2 or exp_range")
	}
	if !finite(gamma) || gamma <= 0 {
		return nil, optErr("cyclic", "gamma", gamma, "a finite number > 0")
	}
	total := float64(stepSizeUp) + float64(stepSizeDown)
	return cyclic{baseLR: baseLR, maxLR: maxLR, gamma: gamma, total: total, ratio: float64(stepSizeUp) / total,
		up: stepSizeUp, down: stepSizeDown, mode: mode}, nil
}

func (s cyclic) LR(t int) float64 {
	t = max(t, 0)
	cycle := math.Floor(1 + float64(t)/s.total)
	x := 1.0 + float64(t)/s.total - cycle
	var f float64
	if x <= s.ratio {
		f = x / s.ratio
	} else {
		f = (x - 1) / (s.ratio - 1)
	}
	height := (s.maxLR - s.baseLR) * f
	var scale float64
	switch s.mode {
	case Triangular2:
		scale = 1 / math.Pow(2, cycle-1)
	case ExpRange:
		scale = math.Pow(s.gamma, float64(t))
	default:
		scale = 1
	}
	return s.baseLR + float64(height*scale)
}

func (s cyclic) String() string {
	return fmt.Sprintf("cyclic:base_lr=%v,max_lr=%v,step_size_up=%d,step_size_down=%d,mode=%v,gamma=%v",
		s.baseLR, s.maxLR, s.up, s.down, s.mode, s.gamma)
}
