package schedule

import (
	"fmt"
	"math"
)

// swalr is SWALR's schedule.
type swalr struct {
	lr, swaLR float64
	epochs    int
	anneal    Anneal
}

// SWALR returns torch.optim.swa_utils.SWALR: from base rate lr, the rate
// anneals to swaLR over annealEpochs steps (cosine or linear) and stays
// there:
//
//	α = anneal(min(1, t/max(1, annealEpochs))),  lr(t) = swaLR·α + lr·(1 − α)
//
// with anneal(x) = (1 − cos πx)/2 or x, and α = 1 from t = 0 when
// annealEpochs is 0. torch steps it recursively, recovering lr from the
// previous rate, which equals this closed form up to rounding. torch's
// defaults are annealEpochs 10 and cosine annealing; lr and swaLR must be
// finite and ≥ 0, annealEpochs ≥ 0.
func SWALR(lr, swaLR float64, annealEpochs int, anneal Anneal) (Schedule, error) {
	if err := checkLR("swalr", "lr", lr); err != nil {
		return nil, err
	}
	if err := checkLR("swalr", "swa_lr", swaLR); err != nil {
		return nil, err
	}
	if annealEpochs < 0 {
		return nil, optErr("swalr", "anneal_epochs", annealEpochs, "an integer ≥ 0")
	}
	if anneal != AnnealCos && anneal != AnnealLinear {
		return nil, optErr("swalr", "anneal_strategy", anneal, "cos or linear")
	}
	return swalr{lr, swaLR, annealEpochs, anneal}, nil
}

func (s swalr) LR(t int) float64 {
	t = max(t, 0)
	if s.epochs == 0 {
		t = max(1, t)
	}
	x := max(0, min(1, float64(t)/float64(max(1, s.epochs))))
	a := x
	if s.anneal == AnnealCos {
		a = (1 - math.Cos(math.Pi*x)) / 2
	}
	return float64(s.swaLR*a) + float64(s.lr*(1-a))
}

func (s swalr) String() string {
	return fmt.Sprintf("swalr:lr=%v,swa_lr=%v,anneal_epochs=%d,anneal_strategy=%v", s.lr, s.swaLR, s.epochs, s.anneal)
}
