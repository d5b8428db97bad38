package schedule

import (
	"fmt"
	"strings"
)

// sequential is Sequential's schedule.
type sequential struct {
	schedules  []Schedule
	milestones []int
}

// Sequential returns torch.optim.lr_scheduler.SequentialLR: schedules[0]
// until milestones[0], then schedules[1] restarted from its step 0, and so
// on. At step t with milestones[i−1] ≤ t < milestones[i] it gives
// schedules[i].LR(t − milestones[i−1]).
//
// Warm-up then cosine decay over n steps in all:
//
//	warm, _ := LinearWarmup(lr, 0.1, 1, w)
//	cos, _ := Cosine(lr, n-w, 0)
//	s, _ := Sequential([]Schedule{warm, cos}, []int{w})
//
// There must be one more schedule than milestones, no nil schedule, and the
// milestones must be strictly increasing and ≥ 1. The slices are copied.
func Sequential(schedules []Schedule, milestones []int) (Schedule, error) {
	if len(schedules) == 0 {
		return nil, optErr("sequential", "schedules", "[]", "at least one schedule")
	}
	for i, s := range schedules {
		if s == nil {
			return nil, optErr("sequential", fmt.Sprintf("schedules[%d]", i), "nil", "a Schedule")
		}
	}
	if len(milestones) != len(schedules)-1 {
		return nil, optErr("sequential", "milestones", formatInts(milestones),
			fmt.Sprintf("%d milestones for %d schedules", len(schedules)-1, len(schedules)))
	}
	for i, m := range milestones {
		if m < 1 || (i > 0 && m <= milestones[i-1]) {
			return nil, optErr("sequential", "milestones", formatInts(milestones), "strictly increasing integers ≥ 1")
		}
	}
	return sequential{append([]Schedule(nil), schedules...), append([]int(nil), milestones...)}, nil
}

func (s sequential) LR(t int) float64 {
	t = max(t, 0)
	i, start := 0, 0
	for i < len(s.milestones) && s.milestones[i] <= t {
		start = s.milestones[i]
		i++
	}
	return s.schedules[i].LR(t - start)
}

func (s sequential) String() string {
	var b strings.Builder
	b.WriteString("sequential(")
	for i, sc := range s.schedules {
		if i > 0 {
			fmt.Fprintf(&b, " @%d ", s.milestones[i-1])
		}
		fmt.Fprint(&b, sc)
	}
	b.WriteString(")")
	return b.String()
}
