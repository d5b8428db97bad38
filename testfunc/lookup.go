package testfunc

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// constructors maps each name to a function that builds it from its options.
// It is never modified after initialisation.
var constructors = map[string]func(opts []option) (Function, error){
	"beale":      noOptions(Beale{}),
	"booth":      noOptions(Booth{}),
	"elliptic":   noOptions(Elliptic{}),
	"himmelblau": noOptions(Himmelblau{}),
	"quadratic":  newQuadraticFromOptions,
	"rastrigin":  noOptions(Rastrigin{}),
	"rosenbrock": noOptions(Rosenbrock{}),
	"saddle":     noOptions(Saddle{}),
	"styblinski": noOptions(StyblinskiTang{}),
	"threehump":  noOptions(ThreeHump{}),
}

// Names returns the names accepted by Lookup, sorted.
func Names() []string {
	names := make([]string, 0, len(constructors))
	for name := range constructors {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the function described by spec, which is a name from Names,
// optionally followed by a colon and comma-separated key=value options:
//
//	rosenbrock
//	quadratic:cond=100
//
// Only quadratic takes an option, cond (the condition number, default
// DefaultCond, a finite number from 1 to MaxCond). Surrounding white space is ignored.
// Errors are one line naming the bad part of spec and what is allowed.
func Lookup(spec string) (Function, error) {
	spec = strings.TrimSpace(spec)
	name, rest, hasOpts := strings.Cut(spec, ":")
	build, ok := constructors[name]
	if !ok {
		if name == "" {
			return nil, fmt.Errorf("missing function name (want one of: %s)", strings.Join(Names(), ", "))
		}
		return nil, fmt.Errorf("unknown function %s (want one of: %s)", quote(name), strings.Join(Names(), ", "))
	}
	var opts []option
	if hasOpts {
		if rest == "" {
			return nil, fmt.Errorf("%s: empty option list after %q (want key=value)", name, ":")
		}
		for _, kv := range strings.Split(rest, ",") {
			key, value, ok := strings.Cut(kv, "=")
			if !ok || key == "" {
				return nil, fmt.Errorf("%s: option %s is not key=value", name, quote(kv))
			}
			for _, o := range opts {
				if o.key == key {
					return nil, fmt.Errorf("%s: option %s given twice", name, quote(key))
				}
			}
			opts = append(opts, option{key, value})
		}
	}
	return build(opts)
}

// option is one key=value pair of a Lookup spec, in the order given.
type option struct{ key, value string }

// noOptions returns a constructor for f, which takes no options.
func noOptions(f Function) func([]option) (Function, error) {
	return func(opts []option) (Function, error) {
		if len(opts) > 0 {
			return nil, fmt.Errorf("%s: unknown option %s (takes no options)", f.Name(), quote(opts[0].key))
		}
		return f, nil
	}
}

// newQuadraticFromOptions builds a Quadratic from its options (only cond).
func newQuadraticFromOptions(opts []option) (Function, error) {
	cond := float64(DefaultCond)
	for _, o := range opts {
		if o.key != "cond" {
			return nil, fmt.Errorf("quadratic: unknown option %s (want cond)", quote(o.key))
		}
		c, err := strconv.ParseFloat(o.value, 64)
		if err != nil || !(c >= 1) || math.IsInf(c, 0) {
			return nil, fmt.Errorf("quadratic: cond=%s must be a finite number ≥ 1", plain(o.value))
		}
		if c > MaxCond {
			return nil, fmt.Errorf("quadratic: cond=%s is too large (want ≤ %g)", plain(o.value), float64(MaxCond))
		}
		cond = c
	}
	return NewQuadratic(cond)
}

// quote returns s in double quotes with Go escapes, so that any input
// prints on one line.
func quote(s string) string { return strconv.Quote(s) }

// plain returns s unchanged when it is a non-empty run of printable,
// non-space characters and quoted otherwise, so that "cond=-1" reads
// naturally while "cond=" or a value holding a newline stays visible on
// one line.
func plain(s string) string {
	if s == "" || !utf8.ValidString(s) {
		return quote(s)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || r == '"' {
			return quote(s)
		}
	}
	return s
}
