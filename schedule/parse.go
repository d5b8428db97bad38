package schedule

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// kind is one schedule name of the spec grammar.
type kind struct {
	keys   []string          // allowed keys, in the order the docs list them
	rename map[string]string // constructor option → spec key, where they differ
	build  func(a *args) (Schedule, error)
}

var kinds = map[string]kind{
	"constant": {nil, nil, func(a *args) (Schedule, error) { return Constant(a.baseLR) }},
	"step": {[]string{"step_size", "gamma"}, nil, func(a *args) (Schedule, error) {
		n := a.intReq("step_size")
		g := a.float("gamma", 0.1)
		if a.err != nil {
			return nil, a.err
		}
		return Step(a.baseLR, n, g)
	}},
	"multistep": {[]string{"milestones", "gamma"}, nil, func(a *args) (Schedule, error) {
		ms := a.ints("milestones")
		g := a.float("gamma", 0.1)
		if a.err != nil {
			return nil, a.err
		}
		return MultiStep(a.baseLR, ms, g)
	}},
	"exponential": {[]string{"gamma"}, nil, func(a *args) (Schedule, error) {
		g := a.floatReq("gamma")
		if a.err != nil {
			return nil, a.err
		}
		return Exponential(a.baseLR, g)
	}},
	"cosine": {[]string{"t_max", "eta_min"}, nil, func(a *args) (Schedule, error) {
		tMax := a.intDerived("t_max", a.totalSteps, "the run's total steps")
		eta := a.float("eta_min", 0)
		if a.err != nil {
			return nil, a.err
		}
		return Cosine(a.baseLR, tMax, eta)
	}},
	"cosine_restarts": {[]string{"t_0", "t_mult", "eta_min"}, nil, func(a *args) (Schedule, error) {
		t0 := a.intReq("t_0")
		tMult := a.int("t_mult", 1)
		eta := a.float("eta_min", 0)
		if a.err != nil {
			return nil, a.err
		}
		return CosineWarmRestarts(a.baseLR, t0, tMult, eta)
	}},
	"warmup": {[]string{"steps", "start_factor"}, map[string]string{"total_iters": "steps"}, func(a *args) (Schedule, error) {
		n := a.intReq("steps")
		sf := a.float("start_factor", 1.0/3)
		if a.err != nil {
			return nil, a.err
		}
		return LinearWarmup(a.baseLR, sf, 1, n)
	}},
	"warmup_cosine": {[]string{"warmup", "start_factor", "t_max", "eta_min"}, map[string]string{"total_iters": "warmup"}, func(a *args) (Schedule, error) {
		w := a.intReq("warmup")
		sf := a.float("start_factor", 1.0/3)
		tMax := a.intDerived("t_max", a.totalSteps-w, fmt.Sprintf("total steps %d − warmup %d", a.totalSteps, w))
		eta := a.float("eta_min", 0)
		if a.err != nil {
			return nil, a.err
		}
		warm, err := LinearWarmup(a.baseLR, sf, 1, w)
		if err != nil {
			return nil, err
		}
		cos, err := Cosine(a.baseLR, tMax, eta)
		if err != nil {
			return nil, err
		}
		return Sequential([]Schedule{warm, cos}, []int{w})
	}},
	"polynomial": {[]string{"total_iters", "power"}, nil, func(a *args) (Schedule, error) {
		n := a.int("total_iters", 5)
		pw := a.float("power", 1)
		if a.err != nil {
			return nil, a.err
		}
		return Polynomial(a.baseLR, n, pw)
	}},
	"constant_factor": {[]string{"factor", "total_iters"}, nil, func(a *args) (Schedule, error) {
		f := a.float("factor", 1.0/3)
		n := a.int("total_iters", 5)
		if a.err != nil {
			return nil, a.err
		}
		return ConstantFactor(a.baseLR, f, n)
	}},
	"linear": {[]string{"start_factor", "end_factor", "total_iters"}, nil, func(a *args) (Schedule, error) {
		sf := a.float("start_factor", 1.0/3)
		ef := a.float("end_factor", 1)
		n := a.int("total_iters", 5)
		if a.err != nil {
			return nil, a.err
		}
		return LinearWarmup(a.baseLR, sf, ef, n)
	}},
	"cyclic": {[]string{"max_lr", "step_size_up", "step_size_down", "mode", "gamma"}, nil, func(a *args) (Schedule, error) {
		maxLR := a.floatReq("max_lr")
		up := a.int("step_size_up", 2000)
		down := a.int("step_size_down", up)
		mode := a.cyclicMode("mode")
		g := a.float("gamma", 1)
		if a.err != nil {
			return nil, a.err
		}
		return Cyclic(a.baseLR, maxLR, up, down, mode, g)
	}},
	"swalr": {[]string{"swa_lr", "anneal_epochs", "anneal_strategy"}, nil, func(a *args) (Schedule, error) {
		swa := a.floatReq("swa_lr")
		n := a.int("anneal_epochs", 10)
		an := a.anneal("anneal_strategy")
		if a.err != nil {
			return nil, a.err
		}
		return SWALR(a.baseLR, swa, n, an)
	}},
	"onecycle": {[]string{"max_lr", "total_steps", "pct_start", "anneal_strategy", "div_factor", "final_div_factor", "three_phase"}, nil,
		func(a *args) (Schedule, error) {
			maxLR := a.float("max_lr", a.baseLR)
			total := a.intDerived("total_steps", a.totalSteps, "the run's total steps")
			pct := a.float("pct_start", 0.3)
			anneal := a.anneal("anneal_strategy")
			div := a.float("div_factor", 25)
			fdiv := a.float("final_div_factor", 1e4)
			three := a.bool("three_phase", false)
			if a.err != nil {
				return nil, a.err
			}
			return OneCycle(maxLR, total, pct, anneal, div, fdiv, three)
		}},
}

// Names returns the schedule names Parse accepts, sorted.
func Names() []string {
	names := make([]string, 0, len(kinds))
	for n := range kinds {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Parse builds a Schedule from a command-line spec such as
// "cosine:t_max=1000,eta_min=0" (the grammar is in the package doc).
// baseLR is the optimizer's learning rate, the rate the schedule scales;
// totalSteps is the run's length in optimizer steps, the default for t_max
// and total_steps (pass 0 if unknown: those keys then become required).
// Errors name the spec and the bad name, key or value.
func Parse(spec string, baseLR float64, totalSteps int) (Schedule, error) {
	s, err := parse(spec, baseLR, totalSteps)
	if err != nil {
		return nil, fmt.Errorf("schedule: spec %q: %w", spec, err)
	}
	return s, nil
}

// SpecError is a spec key or value that Parse could not read.
type SpecError struct {
	Schedule, Key, Value string
	Reason               string
}

func (e *SpecError) Error() string {
	if e.Key == "" {
		return e.Reason
	}
	if e.Value == "" {
		return fmt.Sprintf("%s: %s: %s", e.Schedule, e.Key, e.Reason)
	}
	return fmt.Sprintf("%s: %s=%q: %s", e.Schedule, e.Key, e.Value, e.Reason)
}

func parse(spec string, baseLR float64, totalSteps int) (Schedule, error) {
	name, rest, hasParams := strings.Cut(spec, ":")
	name = strings.TrimSpace(name)
	k, ok := kinds[name]
	if !ok {
		if name == "" {
			return nil, &SpecError{Reason: "empty schedule name; want one of " + strings.Join(Names(), ", ")}
		}
		return nil, &SpecError{Reason: fmt.Sprintf("unknown schedule %q; want one of %s", name, strings.Join(Names(), ", "))}
	}
	a := &args{name: name, baseLR: baseLR, totalSteps: totalSteps, vals: map[string]string{}}
	if hasParams {
		if strings.TrimSpace(rest) == "" {
			return nil, &SpecError{Reason: fmt.Sprintf("%s: nothing after ':'; write key=value pairs or drop the ':'", name)}
		}
		for kv := range strings.SplitSeq(rest, ",") {
			key, val, found := strings.Cut(kv, "=")
			key, val = strings.TrimSpace(key), strings.TrimSpace(val)
			switch {
			case !found:
				return nil, &SpecError{Schedule: name, Key: strings.TrimSpace(kv), Reason: "want key=value"}
			case !slices.Contains(k.keys, key):
				allowed := "none"
				if len(k.keys) > 0 {
					allowed = strings.Join(k.keys, ", ")
				}
				return nil, &SpecError{Schedule: name, Key: key, Reason: "unknown key; allowed: " + allowed}
			case val == "":
				return nil, &SpecError{Schedule: name, Key: key, Reason: "empty value"}
			}
			if _, dup := a.vals[key]; dup {
				return nil, &SpecError{Schedule: name, Key: key, Reason: "given twice"}
			}
			a.vals[key] = val
		}
	}
	s, err := k.build(a)
	if oe, ok := errors.AsType[*OptionError](err); ok {
		if key, ok := k.rename[oe.Option]; ok {
			c := *oe
			c.Option = key
			return nil, &c
		}
	}
	return s, err
}

// args reads the key=value pairs of one spec; the first error sticks.
type args struct {
	name       string
	baseLR     float64
	totalSteps int
	vals       map[string]string
	err        error
}

func (a *args) fail(key, val, reason string) {
	if a.err == nil {
		a.err = &SpecError{Schedule: a.name, Key: key, Value: val, Reason: reason}
	}
}

func (a *args) float(key string, def float64) float64 {
	v, ok := a.vals[key]
	if !ok {
		return def
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		a.fail(key, v, "not a number")
	}
	return x
}

func (a *args) floatReq(key string) float64 {
	if _, ok := a.vals[key]; !ok {
		a.fail(key, "", "required")
	}
	return a.float(key, 0)
}

func (a *args) int(key string, def int) int {
	v, ok := a.vals[key]
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		a.fail(key, v, "not an integer")
	}
	return n
}

// intDerived reads an integer whose default, def, is derived from the run
// (described by from); a default below 1 makes the key required.
func (a *args) intDerived(key string, def int, from string) int {
	if _, ok := a.vals[key]; !ok && def < 1 {
		a.fail(key, "", fmt.Sprintf("required: its default, %s, is %d", from, def))
	}
	return a.int(key, def)
}

func (a *args) intReq(key string) int {
	if _, ok := a.vals[key]; !ok {
		a.fail(key, "", "required")
	}
	return a.int(key, 0)
}

// ints reads a required list of integers separated by '/'.
func (a *args) ints(key string) []int {
	v, ok := a.vals[key]
	if !ok {
		a.fail(key, "", "required")
		return nil
	}
	var out []int
	for f := range strings.SplitSeq(v, "/") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			a.fail(key, v, "want integers separated by '/', e.g. 30/80")
			return nil
		}
		out = append(out, n)
	}
	return out
}

func (a *args) bool(key string, def bool) bool {
	v, ok := a.vals[key]
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		a.fail(key, v, "want true or false")
	}
	return b
}

func (a *args) anneal(key string) Anneal {
	switch v, ok := a.vals[key]; {
	case !ok || v == "cos":
		return AnnealCos
	case v == "linear":
		return AnnealLinear
	default:
		a.fail(key, v, "want cos or linear")
		return AnnealCos
	}
}

func (a *args) cyclicMode(key string) CyclicMode {
	v, ok := a.vals[key]
	if !ok {
		return Triangular
	}
	for _, m := range []CyclicMode{Triangular, Triangular2, ExpRange} {
		if v == m.String() {
			return m
		}
	}
	a.fail(key, v, "want triangular, triangular2 or exp_range")
	return Triangular
}
