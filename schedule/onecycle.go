package schedule

import (
	"fmt"
	"math"
)

// Anneal is the shape of a OneCycle phase.
type Anneal int

const (
	AnnealCos    Anneal = iota // half a cosine, torch anneal_strategy="cos" (the default)
	AnnealLinear               // a straight line, torch anneal_strategy="linear"
)

func (a Anneal) String() string {
	switch a {
	case AnnealCos:
		return "cos"
	case AnnealLinear:
		return "linear"
	}
	return fmt.Sprintf("Anneal(%d)", int(a))
}

// phase is one leg of a OneCycle schedule: the rate goes from start to end
// as the step goes from the previous phase's endStep to this endStep.
type phase struct {
	endStep, start, end float64
}

// oneCycle is OneCycle's schedule.
type oneCycle struct {
	maxLR, pctStart, divFactor, finalDivFactor float64
	totalSteps                                 int
	anneal                                     Anneal
	threePhase                                 bool
	n                                          int // phases used
	phases                                     [3]phase
}

// OneCycle returns the learning rate of torch.optim.lr_scheduler.OneCycleLR
// (Smith & Topin, "Super-Convergence", arXiv:1708.07120). The rate starts at
// initial = maxLR/divFactor, rises to maxLR over the first pctStart of
// totalSteps, then anneals to initial/finalDivFactor at step totalSteps−1.
// With threePhase it instead returns symmetrically to initial by step
// 2·pctStart·totalSteps−2 and then anneals to initial/finalDivFactor. Phase
// boundaries are the same fractional step numbers torch uses.
//
// torch raises an error past the last step; here steps ≥ totalSteps give
// the final rate. torch's momentum cycling (cycle_momentum) is not part of a
// learning-rate schedule and is not provided.
//
// torch defaults: pctStart 0.3, AnnealCos, divFactor 25, finalDivFactor 1e4,
// threePhase false. maxLR, divFactor and finalDivFactor must be finite and
// > 0, pctStart in [0, 1], and each phase must span more than zero steps
// (for the first phase: pctStart·totalSteps > 1).
func OneCycle(maxLR float64, totalSteps int, pctStart float64, anneal Anneal,
	divFactor, finalDivFactor float64, threePhase bool) (Schedule, error) {
	const name = "onecycle"
	if !finite(maxLR) || maxLR <= 0 {
		return nil, optErr(name, "max_lr", maxLR, "a finite number > 0")
	}
	if err := checkPositive(name, "total_steps", totalSteps); err != nil {
		return nil, err
	}
	if !(pctStart >= 0 && pctStart <= 1) {
		return nil, optErr(name, "pct_start", pctStart, "a fraction in [0, 1]")
	}
	if anneal != AnnealCos && anneal != AnnealLinear {
		return nil, optErr(name, "anneal_strategy", anneal, "cos or linear")
	}
	if !finite(divFactor) || divFactor <= 0 {
		return nil, optErr(name, "div_factor", divFactor, "a finite number > 0")
	}
	if !finite(finalDivFactor) || finalDivFactor <= 0 {
		return nil, optErr(name, "final_div_factor", finalDivFactor, "a finite number > 0")
	}
	s := oneCycle{maxLR: maxLR, pctStart: pctStart, divFactor: divFactor, finalDivFactor: finalDivFactor,
		totalSteps: totalSteps, anneal: anneal, threePhase: threePhase}
	initial := maxLR / divFactor
	minLR := initial / finalDivFactor
	if !finite(initial) {
		return nil, optErr(name, "div_factor", divFactor, fmt.Sprintf("a value for which max_lr/div_factor is finite (max_lr=%v)", maxLR))
	}
	total := float64(totalSteps)
	// The end steps are torch's, including its float arithmetic.
	if threePhase {
		s.n = 3
		s.phases = [3]phase{
			{float64(pctStart*total) - 1, initial, maxLR},
			{float64(2*pctStart*total) - 2, maxLR, initial},
			{total - 1, initial, minLR},
		}
	} else {
		s.n = 2
		s.phases[0] = phase{float64(pctStart*total) - 1, initial, maxLR}
		s.phases[1] = phase{total - 1, maxLR, minLR}
	}
	prev := 0.0
	for i := range s.n {
		if !(s.phases[i].endStep > prev) {
			return nil, optErr(name, "pct_start", pctStart, fmt.Sprintf(
				"a value that leaves phase %d of %d non-empty with total_steps=%d (it would end at step %v, not after %v)",
				i+1, s.n, totalSteps, s.phases[i].endStep, prev))
		}
		prev = s.phases[i].endStep
	}
	return s, nil
}

func (s oneCycle) LR(t int) float64 {
	step := float64(min(max(t, 0), s.totalSteps-1))
	start := 0.0
	last := s.n - 1
	for i := range last {
		if step <= s.phases[i].endStep {
			last = i
			break
		}
		start = s.phases[i].endStep
	}
	p := s.phases[last]
	pct := (step - start) / (p.endStep - start)
	if s.anneal == AnnealLinear {
		return float64((p.end-p.start)*pct) + p.start
	}
	return p.end + float64((p.start-p.end)/2.0*(math.Cos(math.Pi*pct)+1))
}

func (s oneCycle) String() string {
	return fmt.Sprintf("onecycle:max_lr=%v,total_steps=%d,pct_start=%v,anneal_strategy=%v,div_factor=%v,final_div_factor=%v,three_phase=%v",
		s.maxLR, s.totalSteps, s.pctStart, s.anneal, s.divFactor, s.finalDivFactor, s.threePhase)
}
