// Package schedule provides learning-rate schedules with the semantics of
// torch.optim.lr_scheduler, written as pure functions of the step count in
// the manner of Optax.
//
// # Schedules
//
// A Schedule maps t, the number of optimizer steps already taken, to the
// learning rate of the next step: LR(0) is the rate of the first step. It
// holds no state, so a training loop can resume at any step without saving
// the schedule, and t is the only clock (it never resets per epoch).
//
// Every constructor takes the base learning rate first (OneCycle takes its
// peak, maxLR) and validates its options, returning an *OptionError that
// names the option (by its torch/spec name), the value and what is allowed:
//
//	Constant(lr)                                   lr
//	Step(lr, stepSize, gamma)                      StepLR: lr·gamma^⌊t/stepSize⌋
//	MultiStep(lr, milestones, gamma)               MultiStepLR: lr·gamma^#{m ≤ t}
//	Exponential(lr, gamma)                         ExponentialLR: lr·gamma^t
//	Cosine(lr, tMax, etaMin)                       CosineAnnealingLR, closed form
//	CosineWarmRestarts(lr, t0, tMult, etaMin)      CosineAnnealingWarmRestarts (SGDR)
//	LinearWarmup(lr, start, end, totalIters)       LinearLR: lr·(linear factor)
//	OneCycle(maxLR, total, pct, anneal, div, finalDiv, threePhase)   OneCycleLR
//	Sequential(schedules, milestones)              SequentialLR
//	Polynomial(lr, totalIters, power)              PolynomialLR: lr·(1 − min(t, T)/T)^power
//	ConstantFactor(lr, factor, totalIters)         ConstantLR: lr·factor until totalIters, then lr
//	Cyclic(base, max, up, down, mode, gamma)       CyclicLR: triangular, triangular2, exp_range
//	Chained(lr, schedules...)                      ChainedScheduler: lr·Π sᵢ(t)/lr
//	Lambda(lr, f)                                  LambdaLR: lr·f(t)
//	Multiplicative(lr, f)                          MultiplicativeLR: lr·f(1)·…·f(t)
//	SWALR(lr, swaLR, annealEpochs, anneal)         swa_utils.SWALR: anneal to swaLR
//
// LinearWarmup is LinearLR with torch's factors (start_factor, end_factor).
// Lambda and Multiplicative take Go functions, as torch's take Python ones;
// they have no spec. The tests compare the schedules of issue 12 with 300
// steps of torch 1.13's get_last_lr() (testdata/torch/gen_schedule_more.py;
// torch 2.x computes them with the same operations).
//
// In Sequential each schedule restarts from its own step 0 at its
// milestone, as in torch, so a warm-up of w steps followed by a cosine
// decay to step n is
//
//	Sequential({LinearWarmup(lr, f, 1, w), Cosine(lr, n−w, 0)}, {w})
//
// torch computes most schedules recursively (each lr from the previous
// one); this package uses torch's closed forms, which agree up to rounding.
// The tests compare every schedule with values recorded from torch 1.13
// (testdata/torch/gen_schedule.py).
//
// # Parameter groups
//
// A Schedule gives one rate from one base rate. Driver runs a schedule over
// every parameter group of an optimizer as torch's LRScheduler does: each
// group gets the schedule of its own base rate (torch's base_lrs), so a
// group at 1e-4 and one at 1e-3 both follow the cosine, each from its own
// rate. Call its Step after the optimizer's; to resume, Seek to the
// optimizer's Steps. The tests compare it with torch 1.13 over three groups
// (testdata/torch/gen_schedule_groups.py).
//
// # Reduce on plateau
//
// Plateau (ReduceLROnPlateau) is not a Schedule: it depends on the metric
// values seen. It keeps them in an exported PlateauState, a plain value that
// can be copied, saved (MarshalBinary) and restored.
//
// # Spec strings
//
// Parse builds a schedule from a command-line spec, given the base lr and
// the run's total number of steps:
//
//	spec   = name [ ":" option { "," option } ]
//	option = key "=" value
//	value  = number | integer { "/" integer } | "true" | "false" | word
//	word   = "cos" | "linear" | "triangular" | "triangular2" | "exp_range"
//
// Spaces around names, keys and values are ignored; keys may come in any
// order but only once. Names, keys and defaults (defaults are torch's):
//
//	constant
//	step:            step_size (required), gamma=0.1
//	multistep:       milestones (required, e.g. 30/80), gamma=0.1
//	exponential:     gamma (required)
//	cosine:          t_max=total steps, eta_min=0
//	cosine_restarts: t_0 (required), t_mult=1, eta_min=0
//	warmup:          steps (required), start_factor=1/3
//	                 (linear warm-up from start_factor·lr to lr, then lr)
//	warmup_cosine:   warmup (required), start_factor=1/3,
//	                 t_max=total steps − warmup, eta_min=0
//	                 (warmup, then cosine; the cosine restarts its clock)
//	onecycle:        max_lr=base lr, total_steps=total steps, pct_start=0.3,
//	                 anneal_strategy=cos, div_factor=25,
//	                 final_div_factor=1e4, three_phase=false
//	polynomial:      total_iters=5, power=1
//	constant_factor: factor=1/3, total_iters=5 (torch's ConstantLR)
//	linear:          start_factor=1/3, end_factor=1, total_iters=5 (LinearLR)
//	cyclic:          max_lr (required), step_size_up=2000,
//	                 step_size_down=step_size_up, mode=triangular
//	                 (or triangular2, exp_range), gamma=1; the base lr is
//	                 the cycle's bottom, base_lr
//	swalr:           swa_lr (required), anneal_epochs=10, anneal_strategy=cos
//
// Examples: "cosine:t_max=1000,eta_min=1e-5", "multistep:milestones=30/80",
// "warmup_cosine:warmup=500,start_factor=0.01", "onecycle:max_lr=0.1".
// Unknown names or keys, repeated keys, missing required keys and values
// that do not parse are errors that name the offending part. Parse never
// panics.
package schedule
