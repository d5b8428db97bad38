package schedule

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

// Compile-time checks that each schedule type implements Schedule.
var (
	_ Schedule = constant{}
	_ Schedule = stepDecay{}
	_ Schedule = multiStep{}
	_ Schedule = exponential{}
	_ Schedule = cosine{}
	_ Schedule = warmRestarts{}
	_ Schedule = linearWarmup{}
	_ Schedule = oneCycle{}
	_ Schedule = sequential{}
)

func TestOptionErrors(t *testing.T) {
	nan := math.NaN()
	cos := must(Cosine(0.1, 10, 0))
	tests := []struct {
		name   string
		err    error
		option string
	}{
		{"constant negative lr", second(Constant(-1)), "lr"},
		{"constant NaN lr", second(Constant(nan)), "lr"},
		{"constant Inf lr", second(Constant(math.Inf(1))), "lr"},
		{"step size 0", second(Step(0.1, 0, 0.1)), "step_size"},
		{"step gamma 0", second(Step(0.1, 10, 0)), "gamma"},
		{"step gamma >1", second(Step(0.1, 10, 1.5)), "gamma"},
		{"step gamma NaN", second(Step(0.1, 10, nan)), "gamma"},
		{"multistep none", second(MultiStep(0.1, nil, 0.1)), "milestones"},
		{"multistep unsorted", second(MultiStep(0.1, []int{80, 30}, 0.1)), "milestones"},
		{"multistep repeated", second(MultiStep(0.1, []int{30, 30}, 0.1)), "milestones"},
		{"multistep negative", second(MultiStep(0.1, []int{-1}, 0.1)), "milestones"},
		{"exponential gamma", second(Exponential(0.1, -0.5)), "gamma"},
		{"cosine t_max", second(Cosine(0.1, 0, 0)), "t_max"},
		{"cosine eta_min > lr", second(Cosine(0.1, 10, 0.2)), "eta_min"},
		{"cosine eta_min NaN", second(Cosine(0.1, 10, nan)), "eta_min"},
		{"restarts t_0", second(CosineWarmRestarts(0.1, 0, 1, 0)), "t_0"},
		{"restarts t_mult", second(CosineWarmRestarts(0.1, 10, 0, 0)), "t_mult"},
		{"restarts eta_min", second(CosineWarmRestarts(0.1, 10, 1, -1)), "eta_min"},
		{"warmup start", second(LinearWarmup(0.1, 1.5, 1, 10)), "start_factor"},
		{"warmup end", second(LinearWarmup(0.1, 0.1, -1, 10)), "end_factor"},
		{"warmup iters", second(LinearWarmup(0.1, 0.1, 1, 0)), "total_iters"},
		{"onecycle max_lr", second(OneCycle(0, 100, 0.3, AnnealCos, 25, 1e4, false)), "max_lr"},
		{"onecycle total", second(OneCycle(0.1, 0, 0.3, AnnealCos, 25, 1e4, false)), "total_steps"},
		{"onecycle pct", second(OneCycle(0.1, 100, 1.3, AnnealCos, 25, 1e4, false)), "pct_start"},
		{"onecycle empty phase 1", second(OneCycle(0.1, 100, 0.01, AnnealCos, 25, 1e4, false)), "pct_start"},
		{"onecycle empty phase 2", second(OneCycle(0.1, 100, 1, AnnealCos, 25, 1e4, false)), "pct_start"},
		{"onecycle empty phase 3", second(OneCycle(0.1, 100, 0.6, AnnealCos, 25, 1e4, true)), "pct_start"},
		{"onecycle anneal", second(OneCycle(0.1, 100, 0.3, Anneal(7), 25, 1e4, false)), "anneal_strategy"},
		{"onecycle div", second(OneCycle(0.1, 100, 0.3, AnnealCos, 0, 1e4, false)), "div_factor"},
		{"onecycle initial overflows", second(OneCycle(1e308, 100, 0.3, AnnealCos, 1e-10, 1e4, false)), "div_factor"},
		{"onecycle final div", second(OneCycle(0.1, 100, 0.3, AnnealCos, 25, nan, false)), "final_div_factor"},
		{"sequential empty", second(Sequential(nil, nil)), "schedules"},
		{"sequential nil", second(Sequential([]Schedule{cos, nil}, []int{5})), "schedules[1]"},
		{"sequential count", second(Sequential([]Schedule{cos, cos}, nil)), "milestones"},
		{"sequential order", second(Sequential([]Schedule{cos, cos, cos}, []int{5, 5})), "milestones"},
		{"sequential zero", second(Sequential([]Schedule{cos, cos}, []int{0})), "milestones"},
	}
	for _, tt := range tests {
		oe, ok := errors.AsType[*OptionError](tt.err)
		if !ok {
			t.Errorf("%s: err = %v, want *OptionError", tt.name, tt.err)
			continue
		}
		if oe.Option != tt.option {
			t.Errorf("%s: Option = %q, want %q (%v)", tt.name, oe.Option, tt.option, oe)
		}
	}
}

func second(_ Schedule, err error) error { return err }

// TestFormulas checks values that follow from the formulas by hand.
func TestFormulas(t *testing.T) {
	tests := []struct {
		name string
		s    Schedule
		step int
		want float64
	}{
		{"constant", must(Constant(0.3)), 12345, 0.3},
		{"step before first decay", must(Step(1, 10, 0.5)), 9, 1},
		{"step at decay", must(Step(1, 10, 0.5)), 10, 0.5},
		{"step two decays", must(Step(1, 10, 0.5)), 29, 0.25},
		{"multistep at milestone", must(MultiStep(1, []int{3, 5}, 0.5)), 3, 0.5},
		{"multistep after all", must(MultiStep(1, []int{3, 5}, 0.5)), 100, 0.25},
		{"multistep milestone 0", must(MultiStep(1, []int{0}, 0.5)), 0, 0.5},
		{"exponential", must(Exponential(1, 0.5)), 3, 0.125},
		// cos(0) = 1, cos(π/2) = 0 and cos(π) = −1 exactly in float64 terms
		// of the formula, so these points are exact.
		{"cosine start", must(Cosine(0.1, 10, 0.01)), 0, 0.1},
		{"cosine end", must(Cosine(0.1, 10, 0.01)), 10, 0.01},
		{"cosine middle", must(Cosine(1, 10, 0)), 5, 0.5},
		{"cosine period after T_max", must(Cosine(0.1, 10, 0)), 20, 0.1},
		{"restarts first restart", must(CosineWarmRestarts(0.1, 10, 2, 0)), 10, 0.1},
		{"restarts second restart", must(CosineWarmRestarts(0.1, 10, 2, 0)), 30, 0.1},
		{"restarts third restart", must(CosineWarmRestarts(0.1, 10, 2, 0)), 70, 0.1},
		{"restarts middle of cycle 2", must(CosineWarmRestarts(1, 10, 2, 0)), 20, 0.5},
		{"restarts t_mult 1", must(CosineWarmRestarts(0.1, 10, 1, 0)), 50, 0.1},
		{"warmup start", must(LinearWarmup(1, 0.25, 1, 4)), 0, 0.25},
		{"warmup half", must(LinearWarmup(1, 0.5, 1, 4)), 2, 0.75},
		{"warmup end", must(LinearWarmup(1, 0.5, 1, 4)), 4, 1},
		{"warmup after", must(LinearWarmup(1, 0.5, 1, 4)), 1000, 1},
		// OneCycle with max 1, div 4, final div 2, 10 steps, pct 0.5: phase 1
		// ends at step 0.5·10−1 = 4 at lr 1, phase 2 at step 9 at 1/4/2.
		{"onecycle start", must(OneCycle(1, 10, 0.5, AnnealLinear, 4, 2, false)), 0, 0.25},
		{"onecycle peak", must(OneCycle(1, 10, 0.5, AnnealLinear, 4, 2, false)), 4, 1},
		{"onecycle end", must(OneCycle(1, 10, 0.5, AnnealLinear, 4, 2, false)), 9, 0.125},
		{"onecycle past end", must(OneCycle(1, 10, 0.5, AnnealLinear, 4, 2, false)), 50, 0.125},
		{"onecycle cos peak", must(OneCycle(1, 10, 0.5, AnnealCos, 4, 2, false)), 4, 1},
		// Three phases, pct 0.3 of 20: up until step 5, down to 0.25 at
		// step 10, then to 0.125 at step 19.
		{"onecycle 3 peak", must(OneCycle(1, 20, 0.3, AnnealLinear, 4, 2, true)), 5, 1},
		{"onecycle 3 back", must(OneCycle(1, 20, 0.3, AnnealLinear, 4, 2, true)), 10, 0.25},
		{"onecycle 3 end", must(OneCycle(1, 20, 0.3, AnnealLinear, 4, 2, true)), 19, 0.125},
		{"sequential restarts clock", must(Sequential([]Schedule{
			must(Constant(9)), must(Exponential(1, 0.5)), must(Constant(7)),
		}, []int{5, 8})), 7, 0.25},
		{"sequential last", must(Sequential([]Schedule{
			must(Constant(9)), must(Exponential(1, 0.5)), must(Constant(7)),
		}, []int{5, 8})), 8, 7},
		{"sequential first", must(Sequential([]Schedule{
			must(Constant(9)), must(Exponential(1, 0.5)),
		}, []int{5})), 4, 9},
	}
	for _, tt := range tests {
		if got := tt.s.LR(tt.step); math.Abs(got-tt.want) > 1e-15*math.Abs(tt.want) {
			t.Errorf("%s: LR(%d) = %v, want %v", tt.name, tt.step, got, tt.want)
		}
	}
}

// all returns one instance of each schedule for the property tests.
func all() []Schedule {
	warm := must(LinearWarmup(0.1, 0, 1, 10))
	return []Schedule{
		must(Constant(0.1)),
		must(Step(0.1, 7, 0.5)),
		must(MultiStep(0.1, []int{3, 9}, 0.1)),
		must(Exponential(0.1, 0.9)),
		must(Cosine(0.1, 50, 1e-3)),
		must(CosineWarmRestarts(0.1, 3, 1, 0)),
		must(CosineWarmRestarts(0.1, 3, 5, 0)),
		must(CosineWarmRestarts(0.1, 1, math.MaxInt, 0)),
		warm,
		must(OneCycle(0.1, 100, 0.3, AnnealCos, 25, 1e4, true)),
		must(Sequential([]Schedule{warm, must(Cosine(0.1, 90, 0))}, []int{10})),
	}
}

// Any step, however large or negative, gives a finite rate ≥ 0, and steps
// below 0 behave as step 0.
func TestAnyStep(t *testing.T) {
	steps := []int{math.MinInt, -1, 0, 1, 2, 1 << 20, 1 << 40, math.MaxInt - 1, math.MaxInt}
	for _, s := range all() {
		for _, step := range steps {
			lr := s.LR(step)
			if !(lr >= 0) || math.IsInf(lr, 0) {
				t.Errorf("%v: LR(%d) = %v", s, step, lr)
			}
		}
		if s.LR(-5) != s.LR(0) {
			t.Errorf("%v: LR(-5) = %v, LR(0) = %v", s, s.LR(-5), s.LR(0))
		}
	}
}

// Constructors copy their slices, so the caller may reuse them.
func TestSlicesCopied(t *testing.T) {
	ms := []int{3, 5}
	s := must(MultiStep(1, ms, 0.5))
	ms[0] = 100
	if got := s.LR(4); got != 0.5 {
		t.Errorf("MultiStep kept the caller's slice: LR(4) = %v", got)
	}
	scheds := []Schedule{must(Constant(1)), must(Constant(2))}
	q := must(Sequential(scheds, []int{1}))
	scheds[1] = must(Constant(3))
	if got := q.LR(1); got != 2 {
		t.Errorf("Sequential kept the caller's slice: LR(1) = %v", got)
	}
}

func TestLRDoesNotAllocate(t *testing.T) {
	for _, s := range all() {
		if n := testing.AllocsPerRun(100, func() { _ = s.LR(123) }); n != 0 {
			t.Errorf("%v: LR allocates %v times", s, n)
		}
	}
}

func TestPlateauValidation(t *testing.T) {
	bad := []struct {
		option string
		edit   func(*PlateauOptions)
	}{
		{"mode", func(o *PlateauOptions) { o.Mode = 2 }},
		{"factor", func(o *PlateauOptions) { o.Factor = 1 }},
		{"factor", func(o *PlateauOptions) { o.Factor = 0 }},
		{"patience", func(o *PlateauOptions) { o.Patience = -1 }},
		{"threshold", func(o *PlateauOptions) { o.Threshold = math.NaN() }},
		{"threshold_mode", func(o *PlateauOptions) { o.ThresholdMode = 5 }},
		{"cooldown", func(o *PlateauOptions) { o.Cooldown = -1 }},
		{"min_lr", func(o *PlateauOptions) { o.MinLR = -1 }},
		{"eps", func(o *PlateauOptions) { o.Eps = math.Inf(1) }},
	}
	for _, b := range bad {
		o := DefaultPlateauOptions()
		b.edit(&o)
		_, err := NewPlateau(0.1, o)
		oe, ok := errors.AsType[*OptionError](err)
		if !ok || oe.Option != b.option {
			t.Errorf("bad %s: err = %v", b.option, err)
		}
	}
	if _, err := NewPlateau(-0.1, DefaultPlateauOptions()); err == nil {
		t.Error("negative lr accepted")
	}
	if _, err := NewPlateau(0.1, PlateauOptions{}); err == nil {
		t.Error("zero PlateauOptions accepted (factor 0)")
	}
}

// Saving the state half-way and continuing in a new Plateau gives the same
// rates as an uninterrupted run.
func TestPlateauResume(t *testing.T) {
	o := DefaultPlateauOptions()
	o.Patience, o.Cooldown, o.Factor = 1, 2, 0.5
	metrics := []float64{5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2.9, 2.9, 2.9, 2.9}
	whole, _ := NewPlateau(1, o)
	var want []float64
	for _, m := range metrics {
		want = append(want, whole.Step(m))
	}
	first, _ := NewPlateau(1, o)
	for _, m := range metrics[:6] {
		first.Step(m)
	}
	b, err := first.State.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	second, _ := NewPlateau(1, o)
	if err := second.State.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(second.State, first.State) {
		t.Fatalf("round trip: %+v, want %+v", second.State, first.State)
	}
	for i, m := range metrics[6:] {
		if got := second.Step(m); got != want[6+i] {
			t.Errorf("after resume, step %d: lr %v, uninterrupted %v", 7+i, got, want[6+i])
		}
	}
	if want[len(want)-1] == 1 {
		t.Error("the metrics never reduce the rate; the test tests nothing")
	}
	// A fresh state carries Best = +Inf through the round trip.
	fresh, _ := NewPlateau(1, o)
	b, _ = fresh.State.MarshalBinary()
	var st PlateauState
	if err := st.UnmarshalBinary(b); err != nil || !math.IsInf(st.Best, 1) {
		t.Errorf("fresh state round trip: %+v, %v", st, err)
	}
	for _, bad := range [][]byte{nil, b[:10], append([]byte{9}, b[1:]...)} {
		if err := st.UnmarshalBinary(bad); err == nil {
			t.Errorf("UnmarshalBinary(%v) accepted", bad)
		}
	}
}

func TestPlateauModes(t *testing.T) {
	// Max mode with an absolute threshold of 0.1: 0.55 is not better than
	// 0.5 + 0.1, so it is a bad step; with patience 0 the rate drops at once.
	o := PlateauOptions{Mode: Max, Factor: 0.5, Threshold: 0.1, ThresholdMode: Abs}
	p, err := NewPlateau(1, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Step(0.5); got != 1 {
		t.Errorf("first step: %v", got)
	}
	if got := p.Step(0.55); got != 0.5 {
		t.Errorf("insignificant gain: lr %v, want 0.5", got)
	}
	if got := p.Step(0.7); got != 0.5 || p.State.Best != 0.7 {
		t.Errorf("significant gain: lr %v best %v", got, p.State.Best)
	}
	// A NaN metric is never an improvement.
	if got := p.Step(math.NaN()); got != 0.25 {
		t.Errorf("NaN metric: lr %v, want 0.25", got)
	}
}
