package optim

import (
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
	case "adam_note":
		h := DefaultAdamNote()
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
// first. ParseSpec also accepts adam_note, the study note's Adam (AdamNote),
// which is explained with adam and usually written adam:variant=note.
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
	tab, ok := optionTable(method)
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
	want := "one of: " + strings.Join(Methods(), ", ")
	return hyperErrf("", "method", name, want, "unknown optimizer %q (want %s)", name, want)
}

// ParseSpec parses an optimizer spec, NAME[:key=value,...], into its
// hyperparameters. NAME is one of Methods(); keys are named as torch.optim
// names them (lr, momentum, dampening, nesterov, weight_decay, maximize,
// lr_decay, initial_accumulator_value, eps, alpha, centered, amsgrad, rho,
// momentum_decay, decoupled_weight_decay, etaminus, etaplus, step_size_min,
// step_size_max, lambd, t0), with beta1 and beta2 for betas. The key
// variant (torch or note) selects the study note's version: adam:variant=note
// is adam_note (AdamNote), and on momentum, adagrad and rmsprop, whose
// note's code is the real method, it changes nothing. Booleans are true or
// false; omitted keys take the defaults. The result is validated. Errors
// are a *HyperError naming the bad part and what is allowed; ParseSpec
// never panics.
func ParseSpec(spec string) (Hyper, error) {
	name, rest, hasOpts := strings.Cut(strings.TrimSpace(spec), ":")
	name = strings.TrimSpace(name)
	if name == "" {
		want := "NAME[:key=value,...], NAME one of: " + strings.Join(Methods(), ", ")
		return nil, hyperErrf("", "method", "", want, "optimizer spec %q: missing method name (want %s)", spec, want)
	}
	orig := rest
	name, rest, err := variantOf(name, rest)
	if err != nil {
		return nil, err
	}
	if rest == "" && orig != "" { // the options were only variant (and amsgrad=false, …)
		hasOpts = false
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
				return nil, hyperErrf(name, key, val, "key=value", "optimizer spec %q: malformed option %q (want key=value)", spec, kv)
			}
			f, found := lookupField(tab, key)
			if !found {
				all, _ := optionTable(name)
				want := "one of: " + strings.Join(keys(all), ", ")
				return nil, hyperErrf(name, key, val, want, "%s: unknown option %q (want %s)", name, key, want)
			}
			if seen[key] {
				return nil, hyperErrf(name, key, val, "each key once", "%s: option %q given twice", name, key)
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
			return hyperErrf(method, f.key, val, "a number", "%s: invalid %s=%q: want a number", method, f.key, val)
		}
		*f.num = v
	case kindInt:
		v, err := strconv.Atoi(val)
		if err != nil {
			return hyperErrf(method, f.key, val, "an integer", "%s: invalid %s=%q: want an integer", method, f.key, val)
		}
		*f.integer = v
	case kindBool:
		switch val {
		case "true":
			*f.flag = true
		case "false":
			*f.flag = false
		default:
			return hyperErrf(method, f.key, val, "true or false", "%s: invalid %s=%q: want true or false", method, f.key, val)
		}
	case kindEnum:
		if !contains(f.allowed, val) {
			return badEnum(method, f, val)
		}
		*f.enum = val
	}
	return nil
}

// FullSpec writes every hyperparameter of h, defaults included, so that
// saved state does not depend on the defaults of the version that reads it;
// it is the spec a saved state's groups carry. A Custom method's is its
// String.
func FullSpec(h Hyper) string {
	bh, ok := h.(builtin)
	if !ok {
		return h.String()
	}
	var b strings.Builder
	b.WriteString(h.Method())
	for i, f := range bh.table() {
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

// optionTable is the field table of a method's defaults as Options and
// SchemaOf publish it: with the spec key variant on the methods where the
// study note has a version (ParseSpec reads it apart, see variantOf).
func optionTable(method string) ([]field, bool) {
	tab, _, ok := newMethod(method)
	if !ok {
		return nil, false
	}
	doc := map[string]string{
		"adam":     "torch (bias correction 1−βᵗ, ε outside the root) or note (the study note's 1−β and √(v̂+ε): the method adam_note)",
		"momentum": "torch (the real method) or note (the study note's code; identical here)",
		"adagrad":  "torch or note (the study note's code; identical here)",
		"rmsprop":  "torch or note (the study note's code; identical here)",
	}[method]
	if doc != "" {
		v := VariantTorch
		tab = append(tab, enum("variant", &v, variants, doc))
	}
	return tab, true
}

// variantOf takes the key variant out of the options rest of method name:
// adam with variant=note becomes adam_note, whose table has no amsgrad and
// no decoupled_weight_decay (the note has neither: true is an error, false
// is dropped); momentum, adagrad and rmsprop accept variant and drop it.
// Other methods keep it, and their tables refuse it as an unknown option.
func variantOf(name, rest string) (string, string, error) {
	switch name {
	case "adam", "momentum", "adagrad", "rmsprop":
	default:
		return name, rest, nil
	}
	var kept []string
	note, given := false, false
	for _, kv := range strings.Split(rest, ",") {
		key, val, _ := strings.Cut(kv, "=")
		if strings.TrimSpace(key) != "variant" {
			kept = append(kept, kv)
			continue
		}
		val = strings.TrimSpace(val)
		if given {
			return "", "", hyperErrf(name, "variant", val, "each key once", "%s: option %q given twice", name, "variant")
		}
		given = true
		if !contains(variants, val) {
			want := "one of " + strings.Join(variants, ", ")
			return "", "", hyperErrf(name, "variant", val, want, "%s: invalid variant=%q: want %s", name, val, want)
		}
		note = val == VariantNote
	}
	if !note || name != "adam" {
		return name, strings.Join(kept, ","), nil
	}
	out := kept[:0]
	for _, kv := range kept {
		key, val, _ := strings.Cut(kv, "=")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if key == "amsgrad" || key == "decoupled_weight_decay" {
			if val == "true" {
				what := map[string]string{"amsgrad": "AMSGrad", "decoupled_weight_decay": "decoupled weight decay"}[key]
				return "", "", hyperErrf("adam", key, val, "false with variant=note",
					"adam: invalid %s=true with variant=note: the study note's Adam has no %s", key, what)
			}
			continue
		}
		out = append(out, kv)
	}
	return "adam_note", strings.Join(out, ","), nil
}
