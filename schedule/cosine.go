package schedule

import (
	"fmt"
	"math"
)

// cosine is Cosine's schedule.
type cosine struct {
	lr, etaMin float64
	tMax       int
}

// Cosine returns torch.optim.lr_scheduler.CosineAnnealingLR in the closed
// form its documentation gives (Loshchilov & Hutter, SGDR, arXiv:1608.03983):
//
//	lr(t) = eta_min + (lr − eta_min)·(1 + cos(π·t/T_max))/2
//
// The rate falls from lr at t = 0 to eta_min at t = T_max. The formula is
// used for every t, so after T_max the rate rises again and is periodic
// with period 2·T_max (back to lr at t = 2·T_max), exactly as torch's closed
// form. To hold eta_min after T_max instead, put Constant(etaMin) after it in
// Sequential with milestone T_max; for restarts use CosineWarmRestarts.
//
// torch steps this schedule with a recursive formula that equals the closed
// form up to rounding; the two drift apart by accumulated rounding, most
// visibly after T_max. tMax must be ≥ 1 and etaMin in [0, lr].
func Cosine(lr float64, tMax int, etaMin float64) (Schedule, error) {
	if err := checkLR("cosine", "lr", lr); err != nil {
		return nil, err
	}
	if err := checkPositive("cosine", "t_max", tMax); err != nil {
		return nil, err
	}
	if err := checkEtaMin("cosine", etaMin, lr); err != nil {
		return nil, err
	}
	return cosine{lr, etaMin, tMax}, nil
}

// cosineAt is the SGDR formula, written in torch's order of operations so
// that the only difference from torch is the cos implementation.
func cosineAt(lr, etaMin float64, tCur, tI int) float64 {
	return etaMin + float64((lr-etaMin)*(1+math.Cos(math.Pi*float64(tCur)/float64(tI)))/2)
}

func (s cosine) LR(t int) float64 { return cosineAt(s.lr, s.etaMin, max(t, 0), s.tMax) }

func (s cosine) String() string {
	return fmt.Sprintf("cosine:lr=%v,t_max=%d,eta_min=%v", s.lr, s.tMax, s.etaMin)
}

// warmRestarts is CosineWarmRestarts's schedule.
type warmRestarts struct {
	lr, etaMin float64
	t0, tMult  int
}

// CosineWarmRestarts returns torch.optim.lr_scheduler.CosineAnnealingWarmRestarts
// (SGDR, arXiv:1608.03983): cosine annealing from lr to eta_min over a cycle
// of T_i steps, after which the rate restarts at lr and the next cycle is
// T_{i+1} = T_i·tMult steps long, starting with T_0 = t0:
//
//	lr(t) = eta_min + (lr − eta_min)·(1 + cos(π·T_cur/T_i))/2
//
// where T_cur is the number of steps since the last restart. t0 and tMult
// must be ≥ 1 and etaMin in [0, lr].
func CosineWarmRestarts(lr float64, t0, tMult int, etaMin float64) (Schedule, error) {
	if err := checkLR("cosine_restarts", "lr", lr); err != nil {
		return nil, err
	}
	if err := checkPositive("cosine_restarts", "t_0", t0); err != nil {
		return nil, err
	}
	if err := checkPositive("cosine_restarts", "t_mult", tMult); err != nil {
		return nil, err
	}
	if err := checkEtaMin("cosine_restarts", etaMin, lr); err != nil {
		return nil, err
	}
	return warmRestarts{lr, etaMin, t0, tMult}, nil
}

// cycle returns T_cur and T_i at step t, in integers as torch's step() keeps
// them.
func (s warmRestarts) cycle(t int) (tCur, tI int) {
	if s.tMult == 1 {
		return t % s.t0, s.t0
	}
	tCur, tI = t, s.t0
	for tCur >= tI { // O(log t) iterations since tMult ≥ 2
		tCur -= tI
		if tI > math.MaxInt/s.tMult {
			tI = math.MaxInt // longer than any remaining tCur
		} else {
			tI *= s.tMult
		}
	}
	return tCur, tI
}

func (s warmRestarts) LR(t int) float64 {
	tCur, tI := s.cycle(max(t, 0))
	return cosineAt(s.lr, s.etaMin, tCur, tI)
}

func (s warmRestarts) String() string {
	return fmt.Sprintf("cosine_restarts:lr=%v,t_0=%d,t_mult=%d,eta_min=%v", s.lr, s.t0, s.tMult, s.etaMin)
}
