package schedule

import (
	"fmt"
	"math"
)

// Optimizer is what a Driver sets the learning rates of: the parameter
// groups of an optim.Optimizer of either element type (or anything with
// groups and rates).
type Optimizer interface {
	NumGroups() int
	LR(group int) float64
	SetLR(group int, lr float64) error
}

// Driver runs a schedule over every parameter group of an optimizer as
// torch's LRScheduler does: each group gets the schedule built from its own
// base rate (torch's base_lrs, the groups' initial lr), so groups at 1e-3
// and 1e-4 both follow a cosine, each from its own rate, where
// Optimizer.SetAllLR would give both the same rate.
//
// A Driver's only state is the step count t, and every group's rate is its
// schedule's LR(t): after the optimizer's Step, call the Driver's Step (as
// scheduler.step() after optimizer.step() in torch). To resume, build the
// optimizer and the Driver as at the start, load the optimizer's state and
// Seek(int(opt.Steps())).
type Driver struct {
	opt    Optimizer
	base   []float64
	scheds []Schedule
	t      int
}

// NewDriver builds the schedule build(base) of each group's base rate, the
// rate the group has now, and sets each group to its schedule's LR(0):
//
//	d, err := schedule.NewDriver(opt, func(lr float64) (schedule.Schedule, error) {
//		return schedule.Cosine(lr, steps, 0)
//	})
//
// Build the Driver before loading a saved state into the optimizer (the
// saved rates are the scheduled ones, not the base ones). Errors are
// build's, naming the group, or the optimizer's refusal of a rate.
func NewDriver(opt Optimizer, build func(baseLR float64) (Schedule, error)) (*Driver, error) {
	d := &Driver{opt: opt}
	for i := range opt.NumGroups() {
		lr := opt.LR(i)
		s, err := build(lr)
		if err != nil {
			return nil, fmt.Errorf("schedule: group %d (lr=%v): %w", i, lr, err)
		}
		d.base = append(d.base, lr)
		d.scheds = append(d.scheds, s)
	}
	return d, d.set()
}

// NewDriverSpec is NewDriver with Parse(spec, base, totalSteps) as build.
func NewDriverSpec(opt Optimizer, spec string, totalSteps int) (*Driver, error) {
	return NewDriver(opt, func(lr float64) (Schedule, error) { return Parse(spec, lr, totalSteps) })
}

// Step advances the schedules by one step and sets every group's rate.
func (d *Driver) Step() error { return d.Seek(d.t + 1) }

// Seek sets the step count to t (≥ 0) and every group's rate to its
// schedule's LR(t).
func (d *Driver) Seek(t int) error {
	if t < 0 {
		return optErr("driver", "step", t, "an integer ≥ 0")
	}
	d.t = t
	return d.set()
}

// Steps is the step count t: the rates set are the schedules' LR(t).
func (d *Driver) Steps() int { return d.t }

// BaseLR is the base rate of group i, its schedule's starting point.
func (d *Driver) BaseLR(i int) float64 { return d.base[i] }

// Schedule is the schedule of group i.
func (d *Driver) Schedule(i int) Schedule { return d.scheds[i] }

// set gives every group its schedule's rate at t.
func (d *Driver) set() error {
	for i, s := range d.scheds {
		lr := s.LR(d.t)
		if math.IsNaN(lr) || math.IsInf(lr, 0) {
			return fmt.Errorf("schedule: group %d: lr %v at step %d: want a finite rate", i, lr, d.t)
		}
		if err := d.opt.SetLR(i, lr); err != nil {
			return fmt.Errorf("schedule: group %d: %w", i, err)
		}
	}
	return nil
}
