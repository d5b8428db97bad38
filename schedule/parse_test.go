package schedule

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	const lr, total = 0.1, 1000
	warm := must(LinearWarmup(lr, 1.0/3, 1, 100))
	tests := []struct {
		spec string
		want Schedule
	}{
		{"constant", must(Constant(lr))},
		{" constant ", must(Constant(lr))},
		{"step:step_size=30,gamma=0.1", must(Step(lr, 30, 0.1))},
		{"step:step_size=30", must(Step(lr, 30, 0.1))},
		{"step: gamma = 0.5 , step_size = 7", must(Step(lr, 7, 0.5))},
		{"multistep:milestones=30/80,gamma=0.1", must(MultiStep(lr, []int{30, 80}, 0.1))},
		{"multistep:milestones=30", must(MultiStep(lr, []int{30}, 0.1))},
		{"exponential:gamma=0.95", must(Exponential(lr, 0.95))},
		{"cosine:t_max=1000,eta_min=0", must(Cosine(lr, 1000, 0))},
		{"cosine", must(Cosine(lr, total, 0))},
		{"cosine:eta_min=1e-5", must(Cosine(lr, total, 1e-5))},
		{"cosine_restarts:t_0=100,t_mult=2", must(CosineWarmRestarts(lr, 100, 2, 0))},
		{"cosine_restarts:t_0=100", must(CosineWarmRestarts(lr, 100, 1, 0))},
		{"warmup:steps=100", warm},
		{"warmup:steps=100,start_factor=0.01", must(LinearWarmup(lr, 0.01, 1, 100))},
		{"warmup_cosine:warmup=100", must(Sequential([]Schedule{warm, must(Cosine(lr, total-100, 0))}, []int{100}))},
		{"warmup_cosine:warmup=100,t_max=50,eta_min=0.001,start_factor=0.5",
			must(Sequential([]Schedule{must(LinearWarmup(lr, 0.5, 1, 100)), must(Cosine(lr, 50, 0.001))}, []int{100}))},
		{"polynomial", must(Polynomial(lr, 5, 1))},
		{"swalr:swa_lr=0.05", must(SWALR(lr, 0.05, 10, AnnealCos))},
		{"swalr:swa_lr=0.05,anneal_epochs=0,anneal_strategy=linear", must(SWALR(lr, 0.05, 0, AnnealLinear))},
		{"polynomial:total_iters=900,power=2", must(Polynomial(lr, 900, 2))},
		{"constant_factor", must(ConstantFactor(lr, 1.0/3, 5))},
		{"constant_factor:factor=0.5,total_iters=100", must(ConstantFactor(lr, 0.5, 100))},
		{"linear", must(LinearWarmup(lr, 1.0/3, 1, 5))},
		{"linear:start_factor=1,end_factor=0.1,total_iters=1000", must(LinearWarmup(lr, 1, 0.1, 1000))},
		{"cyclic:max_lr=1", must(Cyclic(lr, 1, 2000, 2000, Triangular, 1))},
		{"cyclic:max_lr=1,step_size_up=30", must(Cyclic(lr, 1, 30, 30, Triangular, 1))},
		{"cyclic:max_lr=1,step_size_up=30,step_size_down=70,mode=triangular2", must(Cyclic(lr, 1, 30, 70, Triangular2, 1))},
		{"cyclic:max_lr=1,mode=exp_range,gamma=0.999,step_size_up=100", must(Cyclic(lr, 1, 100, 100, ExpRange, 0.999))},
		{"onecycle:max_lr=0.1,pct_start=0.3", must(OneCycle(0.1, total, 0.3, AnnealCos, 25, 1e4, false))},
		{"onecycle", must(OneCycle(lr, total, 0.3, AnnealCos, 25, 1e4, false))},
		{"onecycle:max_lr=1,total_steps=500,pct_start=0.25,anneal_strategy=linear,div_factor=10,final_div_factor=100,three_phase=true",
			must(OneCycle(1, 500, 0.25, AnnealLinear, 10, 100, true))},
	}
	for _, tt := range tests {
		got, err := Parse(tt.spec, lr, total)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.spec, err)
			continue
		}
		for _, step := range []int{0, 1, 29, 30, 31, 99, 100, 101, 250, 499, 999, 1000, 5000} {
			if g, w := got.LR(step), tt.want.LR(step); g != w {
				t.Errorf("Parse(%q).LR(%d) = %v, want %v", tt.spec, step, g, w)
				break
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		spec  string
		total int
		want  string // must appear in the message
	}{
		{"", 100, "empty schedule name"},
		{"cosinus", 100, `unknown schedule "cosinus"`},
		{"cosine:", 100, "nothing after ':'"},
		{"cosine:tmax=10", 100, "tmax: unknown key; allowed: t_max, eta_min"},
		{"constant:gamma=1", 100, "gamma: unknown key; allowed: none"},
		{"cosine:t_max", 100, "t_max: want key=value"},
		{"cosine:t_max=", 100, "t_max: empty value"},
		{"cosine:t_max=10,t_max=20", 100, "t_max: given twice"},
		{"cosine:t_max=1e3", 100, `t_max="1e3": not an integer`},
		{"cosine:t_max=10,eta_min=abc", 100, `eta_min="abc": not a number`},
		{"cosine:t_max=0", 100, "t_max=0, want an integer ≥ 1"},
		{"cosine", 0, "t_max: required: its default, the run's total steps, is 0"},
		{"cosine:eta_min=nan", 100, "eta_min=NaN"},
		{"step", 100, "step_size: required"},
		{"step:step_size=10,gamma=2", 100, "gamma=2, want a decay factor in (0, 1]"},
		{"multistep:milestones=30/x", 100, `milestones="30/x": want integers separated by '/'`},
		{"multistep:milestones=80/30", 100, "milestones=80/30, want strictly increasing"},
		{"exponential", 100, "gamma: required"},
		{"exponential:gamma=inf", 100, "gamma=+Inf"},
		{"cosine_restarts:t_mult=2", 100, "t_0: required"},
		{"warmup:steps=0", 100, "warmup: steps=0, want an integer ≥ 1"},
		{"warmup:start_factor=0.1", 100, "steps: required"},
		{"warmup_cosine:warmup=0", 100, "warmup: warmup=0"},
		{"warmup_cosine:warmup=100", 100, "t_max: required: its default, total steps 100 − warmup 100, is 0"},
		{"onecycle:anneal_strategy=cosine", 100, `anneal_strategy="cosine": want cos or linear`},
		{"onecycle:three_phase=yes", 100, `three_phase="yes": want true or false`},
		{"onecycle:pct_start=0.001", 100, "pct_start=0.001"},
		{"onecycle", 0, "total_steps: required"},
		{"polynomial:total_iters=0", 100, "total_iters=0, want an integer ≥ 1"},
		{"polynomial:power=-1", 100, "power=-1, want a finite number ≥ 0"},
		{"constant_factor:factor=1.5", 100, "factor=1.5, want a factor in [0, 1]"},
		{"constant_factor:total_iters=-2", 100, "total_iters=-2"},
		{"linear:end_factor=2", 100, "end_factor=2"},
		{"cyclic", 100, "max_lr: required"},
		{"cyclic:max_lr=1,mode=triangle", 100, `mode="triangle": want triangular, triangular2 or exp_range`},
		{"cyclic:max_lr=1,step_size_up=0", 100, "step_size_up=0, want an integer ≥ 1"},
		{"cyclic:max_lr=1,step_size_down=-1", 100, "step_size_down=-1, want an integer ≥ 0"},
		{"cyclic:max_lr=1,mode=exp_range,gamma=0", 100, "gamma=0, want a finite number > 0"},
		{"cyclic:max_lr=-1", 100, "max_lr=-1"},
		{"swalr", 100, "swa_lr: required"},
		{"swalr:swa_lr=0.1,anneal_epochs=-1", 100, "anneal_epochs=-1, want an integer ≥ 0"},
	}
	for _, tt := range tests {
		s, err := Parse(tt.spec, 0.1, tt.total)
		if err == nil {
			t.Errorf("Parse(%q) = %v, want an error", tt.spec, s)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.want) || !strings.HasPrefix(msg, "schedule: spec "+quote(tt.spec)) {
			t.Errorf("Parse(%q) error %q, want it to contain %q", tt.spec, msg, tt.want)
		}
	}
	// Option errors stay inspectable through Parse, under the spec's key.
	_, err := Parse("warmup:steps=-3", 0.1, 100)
	if oe, ok := errors.AsType[*OptionError](err); !ok || oe.Option != "steps" {
		t.Errorf("warmup:steps=-3: %v", err)
	}
	// The constructors that take Go values refuse what a spec cannot say.
	for name, err := range map[string]error{
		"Chained without schedules": second(Chained(0.1)),
		"Chained with lr 0":         second(Chained(0, must(Constant(0)))),
		"Chained with nil":          second(Chained(0.1, nil)),
		"Lambda with nil f":         second(Lambda(0.1, nil)),
		"Multiplicative with nil f": second(Multiplicative(0.1, nil)),
		"Cyclic with mode 7":        second(Cyclic(0.1, 1, 10, 10, CyclicMode(7), 1)),
	} {
		if _, ok := errors.AsType[*OptionError](err); !ok {
			t.Errorf("%s: %v, want an *OptionError", name, err)
		}
	}
	// A bad base lr is reported too.
	if _, err := Parse("constant", math.NaN(), 100); err == nil {
		t.Error("NaN base lr accepted")
	}
}

func quote(s string) string { return `"` + s + `"` }

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"constant", "step:step_size=30,gamma=0.1", "multistep:milestones=30/80,gamma=0.1",
		"exponential:gamma=0.95", "cosine:t_max=1000,eta_min=0", "cosine_restarts:t_0=100,t_mult=2",
		"warmup:steps=100", "warmup_cosine:warmup=100", "onecycle:max_lr=0.1,pct_start=0.3",
		"onecycle:three_phase=true,anneal_strategy=linear", "cosine:", ":", "", ",", "=",
		"multistep:milestones=//", "cosine_restarts:t_0=1,t_mult=9223372036854775807",
		"step:step_size=99999999999999999999", "cosine:eta_min=-0", "warmup:steps=1,start_factor=0x1p-3",
	} {
		f.Add(seed, 0.1, 1000)
	}
	f.Fuzz(func(t *testing.T, spec string, baseLR float64, total int) {
		s, err := Parse(spec, baseLR, total)
		if err != nil {
			if s != nil {
				t.Fatalf("Parse(%q) returned both a schedule and %v", spec, err)
			}
			return
		}
		for _, step := range []int{math.MinInt, 0, 1, total - 1, total, 1 << 40, math.MaxInt} {
			if lr := s.LR(step); math.IsNaN(lr) || lr < 0 {
				t.Fatalf("Parse(%q, %v, %d).LR(%d) = %v", spec, baseLR, total, step, lr)
			}
		}
	})
}
