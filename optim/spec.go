package optim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// newMethod returns the field table of a method's defaults and a function
// that returns the (possibly modified) hyperparameters as a Hyper.
func newMethod(name string) (tab []field, result func() Hyper, ok bool) {
	switch name {
	case "sgd", "gd":
		h := DefaultSGD()
		return h.fields(), func() Hyper { return h }, true
	case "momentum":
		h := DefaultMomentum()
		return h.fields(), func() Hyper { return h }, true
	case "adagrad":
		h := DefaultAdagrad()
		return h.fields(), func() Hyper { return h }, true
	case "rmsprop":
		h := DefaultRMSprop()
		return h.fields(), func() Hyper { return h }, true
	case "adam":
		h := DefaultAdam()
		return h.fields(), func() Hyper { return h }, true
	case "adamw":
		h := DefaultAdamW()
		return h.fields(), func() Hyper { return h }, true
	case "nadam":
		h := DefaultNAdam()
		return h.fields(), func() Hyper { return h }, true
	case "radam":
		h := DefaultRAdam()
		return h.fields(), func() Hyper { return h }, true
	case "adamax":
		h := DefaultAdamax()
		return h.fields(), func() Hyper { return h }, true
	case "adadelta":
		h := DefaultAdadelta()
		return h.fields(), func() Hyper { return h }, true
	case "lion":
		h := DefaultLion()
		return h.fields(), func() Hyper { return h }, true
	case "rprop":
		h := DefaultRprop()
		return h.fields(), func() Hyper { return h }, true
	case "asgd":
		h := DefaultASGD()
		return h.fields(), func() Hyper { return h }, true
	case "lbfgs":
		h := DefaultLBFGS()
		return h.fields(), func() Hyper { return h }, true
	case "adafactor":
		h := DefaultAdafactor()
		return h.fields(), func() Hyper { return h }, true
	case "sf_adamw":
		h := DefaultAdamWScheduleFree()
		return h.fields(), func() Hyper { return h }, true
	case "sf_sgd":
		h := DefaultSGDScheduleFree()
		return h.fields(), func() Hyper { return h }, true
	case "muon":
		h := DefaultMuon()
		return h.fields(), func() Hyper { return h }, true
	case "lamb":
		h := DefaultLAMB()
		return h.fields(), func() Hyper { return h }, true
	}
	return nil, nil, false
}

// Methods lists the method names ParseSpec accepts ("gd" is an alias of
// "sgd"), in the order of the documentation: the study note's methods
// first.
func Methods() []string {
	return []string{"gd", "sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw", "nadam", "radam", "adamax", "adadelta", "lion", "rprop", "asgd", "lbfgs", "adafactor", "sf_adamw", "sf_sgd", "muon", "lamb"}
}

// Default returns the default hyperparameters of the named method, as
// torch.optim defines them.
func Default(method string) (Hyper, error) { return ParseSpec(method) }

// Option describes one hyperparameter of a method, for documentation.
type Option struct {
	Key     string // the spec key, as torch.optim names it
	Default string // the default value, as written in a spec
	Allowed string // what values are allowed, in words
	Doc     string // one line saying what it does
}

// Wrappers lists the wrappers around a method that specs name, as
// lookahead:k=K,alpha=A/SPEC (ParseLookahead).
func Wrappers() []string { return []string{"lookahead"} }

// Options lists the hyperparameters of the named method (or wrapper) with
// their defaults.
func Options(method string) ([]Option, error) {
	if method == "lookahead" {
		d := DefaultLookahead()
		return []Option{
			{Key: "k", Default: strconv.Itoa(d.K), Allowed: wantIntAtLeast1, Doc: "inner steps between two synchronisations with the slow weights"},
			{Key: "alpha", Default: formatNum(d.Alpha), Allowed: wantUnitClosed, Doc: "weight of the fast weights when synchronising: w ← α·w + (1−α)·slow"},
			{Key: "pullback_momentum", Default: d.PullbackMomentum, Allowed: "one of " + strings.Join(pullbackModes, ", "),
				Doc: "what a synchronisation does to the inner momentum buffer: none keeps it, reset zeroes it, pullback interpolates it as the weights"},
		}, nil
	}
	tab, _, ok := newMethod(method)
	if !ok {
		return nil, unknownMethod(method)
	}
	out := make([]Option, len(tab))
	for i, f := range tab {
		allowed := f.want
		switch f.kind {
		case kindBool:
			allowed = "true or false"
		case kindEnum:
			allowed = "one of " + strings.Join(f.allowed, ", ")
		}
		out[i] = Option{Key: f.key, Default: fieldValue(f), Allowed: allowed, Doc: f.doc}
	}
	return out, nil
}

func unknownMethod(name string) error {
	return fmt.Errorf("unknown optimizer %q (want one of: %s)", name, strings.Join(Methods(), ", "))
}

// ParseSpec parses an optimizer spec, NAME[:key=value,...], into its
// hyperparameters. NAME is one of Methods(); keys are named as torch.optim
// names them (lr, momentum, dampening, nesterov, weight_decay, maximize,
// lr_decay, initial_accumulator_value, eps, alpha, centered, amsgrad, rho,
// momentum_decay, decoupled_weight_decay, etaminus, etaplus, step_size_min,
// step_size_max, lambd, t0), with beta1 and beta2 for betas and variant for the study
// note's variants; booleans are true or false; omitted keys take the
// defaults. The result is validated. Errors name the bad part and what is
// allowed; ParseSpec never panics.
func ParseSpec(spec string) (Hyper, error) {
	name, rest, hasOpts := strings.Cut(strings.TrimSpace(spec), ":")
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, fmt.Errorf("optimizer spec %q: missing method name (want NAME[:key=value,...], NAME one of: %s)", spec, strings.Join(Methods(), ", "))
	}
	tab, result, ok := newMethod(name)
	if !ok {
		return nil, unknownMethod(name)
	}
	seen := map[string]bool{}
	if hasOpts {
		for _, kv := range strings.Split(rest, ",") {
			key, val, ok := strings.Cut(kv, "=")
			key, val = strings.TrimSpace(key), strings.TrimSpace(val)
			if !ok || key == "" {
				return nil, fmt.Errorf("optimizer spec %q: malformed option %q (want key=value)", spec, kv)
			}
			f, found := lookupField(tab, key)
			if !found {
				return nil, fmt.Errorf("%s: unknown option %q (want one of: %s)", name, key, strings.Join(keys(tab), ", "))
			}
			if seen[key] {
				return nil, fmt.Errorf("%s: option %q given twice", name, key)
			}
			seen[key] = true
			if err := setField(name, f, val); err != nil {
				return nil, err
			}
		}
	}
	h := result()
	if l, ok := h.(LBFGS); ok && !seen["max_eval"] {
		l.MaxEval = l.MaxIter * 5 / 4 // torch's max_eval=None
		h = l
	}
	if a, ok := h.(Adafactor); ok && seen["eps1"] && !seen["eps1_dtype"] {
		a.Eps1DType = false // an eps1 given is the eps1 used
		h = a
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	return h, nil
}

func lookupField(tab []field, key string) (field, bool) {
	for _, f := range tab {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

func keys(tab []field) []string {
	out := make([]string, len(tab))
	for i, f := range tab {
		out[i] = f.key
	}
	sort.Strings(out)
	return out
}

func setField(method string, f field, val string) error {
	switch f.kind {
	case kindNum:
		v, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return fmt.Errorf("%s: invalid %s=%q: want a number", method, f.key, val)
		}
		*f.num = v
	case kindInt:
		v, err := strconv.Atoi(val)
		if err != nil {
			return fmt.Errorf("%s: invalid %s=%q: want an integer", method, f.key, val)
		}
		*f.integer = v
	case kindBool:
		switch val {
		case "true":
			*f.flag = true
		case "false":
			*f.flag = false
		default:
			return fmt.Errorf("%s: invalid %s=%q: want true or false", method, f.key, val)
		}
	case kindEnum:
		if !contains(f.allowed, val) {
			return fmt.Errorf("%s: invalid %s=%q: want one of %s", method, f.key, val, strings.Join(f.allowed, ", "))
		}
		*f.enum = val
	}
	return nil
}

// fullSpec writes every hyperparameter of h, defaults included, so that
// saved state does not depend on the defaults of the version that reads it.
func fullSpec(h Hyper) string {
	var b strings.Builder
	b.WriteString(h.Method())
	for i, f := range h.table() {
		if i == 0 {
			b.WriteByte(':')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(f.key)
		b.WriteByte('=')
		b.WriteString(fieldValue(f))
	}
	return b.String()
}
