package schedule

import "fmt"

// linearWarmup is LinearWarmup's schedule.
type linearWarmup struct {
	lr, startFactor, endFactor float64
	totalIters                 int
}

// LinearWarmup returns torch.optim.lr_scheduler.LinearLR on base rate lr:
// the factor multiplying lr moves linearly from startFactor at t = 0 to
// endFactor at t = totalIters and stays there:
//
//	lr(t) = lr·(start + (end − start)·min(t, totalIters)/totalIters)
//
// This is torch's closed form; torch steps it recursively, which equals it up
// to rounding. With endFactor = 1 it is a warm-up that ends at lr; with
// startFactor = 1 and endFactor < 1 it is a linear decay. Both factors must
// be in [0, 1] (as torch) and totalIters ≥ 1.
func LinearWarmup(lr, startFactor, endFactor float64, totalIters int) (Schedule, error) {
	if err := checkLR("warmup", "lr", lr); err != nil {
		return nil, err
	}
	if !(startFactor >= 0 && startFactor <= 1) {
		return nil, optErr("warmup", "start_factor", startFactor, "a factor in [0, 1]")
	}
	if !(endFactor >= 0 && endFactor <= 1) {
		return nil, optErr("warmup", "end_factor", endFactor, "a factor in [0, 1]")
	}
	if err := checkPositive("warmup", "total_iters", totalIters); err != nil {
		return nil, err
	}
	return linearWarmup{lr, startFactor, endFactor, totalIters}, nil
}

func (s linearWarmup) LR(t int) float64 {
	t = min(max(t, 0), s.totalIters)
	return s.lr * (s.startFactor + (s.endFactor-s.startFactor)*float64(t)/float64(s.totalIters))
}

func (s linearWarmup) String() string {
	return fmt.Sprintf("warmup:lr=%v,start_factor=%v,end_factor=%v,total_iters=%d",
		s.lr, s.startFactor, s.endFactor, s.totalIters)
}
