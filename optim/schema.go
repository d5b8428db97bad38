package optim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The kinds of HyperParam.
const (
	KindNumber = "number" // a float64 within [Min, Max] (Max may be open or +Inf)
	KindBool   = "bool"   // true or false
	KindEnum   = "enum"   // one of Values
)

// HyperParam describes one hyperparameter of a method so that a program (a form,
// an API) can offer it without knowing the method: its key, kind, default
// and allowed range. It is built from the same field table that parses and
// validates specs, so a method added to this package appears in Schema with
// its hyperparameters automatically.
type HyperParam struct {
	Key     string   `json:"key"`                // the spec key, as torch.optim names it
	Kind    string   `json:"kind"`               // KindNumber, KindBool or KindEnum
	Default string   `json:"default"`            // the default, as written in a spec
	Values  []string `json:"values,omitempty"`   // KindEnum: the allowed values
	Min     *float64 `json:"min,omitempty"`      // KindNumber: the smallest allowed value; nil means unbounded
	MinOpen bool     `json:"min_open,omitempty"` // KindNumber: Min itself is not allowed
	Max     *float64 `json:"max,omitempty"`      // KindNumber: the largest allowed value; nil means unbounded
	MaxOpen bool     `json:"max_open,omitempty"` // KindNumber: Max itself is not allowed
	Integer bool     `json:"integer,omitempty"`  // KindNumber: only whole numbers are allowed
	// Log says the value is best chosen on a logarithmic scale (the
	// learning rate and ε span several orders of magnitude).
	Log     bool   `json:"log,omitempty"`
	Allowed string `json:"allowed"` // what is allowed, in words (as Options says)
	Doc     string `json:"doc"`     // one line saying what it does
}

// MethodSchema is the schema of one method: its name and hyperparameters
// in the order of the method's field table.
type MethodSchema struct {
	Method string       `json:"method"`
	Params []HyperParam `json:"params"`
}

// Schema returns the schema of every method of Methods(), in that order.
func Schema() []MethodSchema {
	names := Methods()
	out := make([]MethodSchema, 0, len(names))
	for _, name := range names {
		s, err := SchemaOf(name)
		if err != nil {
			// Methods and newMethod list the same names (a test checks).
			panic("optim: " + err.Error())
		}
		out = append(out, s)
	}
	return out
}

// SchemaOf returns the schema of the named method.
func SchemaOf(method string) (MethodSchema, error) {
	tab, ok := optionTable(method)
	if !ok {
		return MethodSchema{}, unknownMethod(method)
	}
	s := MethodSchema{Method: method, Params: make([]HyperParam, len(tab))}
	for i, f := range tab {
		p := HyperParam{Key: f.key, Default: fieldValue(f), Doc: f.doc, Allowed: f.want}
		switch f.kind {
		case kindBool:
			p.Kind, p.Allowed = KindBool, "true or false"
		case kindEnum:
			p.Kind, p.Values = KindEnum, append([]string(nil), f.allowed...)
			p.Allowed = "one of " + strings.Join(f.allowed, ", ")
		default:
			p.Kind = KindNumber
			lo, hi, minOpen, open, err := rangeOf(f)
			if err != nil {
				return MethodSchema{}, fmt.Errorf("%s: %w", method, err)
			}
			p.MinOpen, p.MaxOpen = minOpen, open
			p.Integer = f.kind == kindInt || strings.HasPrefix(f.want, "an integer")
			if !math.IsInf(lo, -1) {
				p.Min = &lo
			}
			if !math.IsInf(hi, 1) {
				p.Max = &hi
			}
			p.Log = f.key == "lr" || f.key == "eps"
		}
		s.Params[i] = p
	}
	return s, nil
}

// rangeOf reads a numeric field's allowed range from the words its check
// is documented by; a field with words this does not know is an error, so
// a new kind of range cannot be published wrongly (a test runs every
// method through here).
func rangeOf(f field) (lo, hi float64, minOpen, maxOpen bool, err error) {
	switch f.want {
	case wantNonNeg:
		return 0, math.Inf(1), false, false, nil
	case wantEps:
		return 0, math.Inf(1), true, false, nil
	case wantUnitOpen:
		return 0, 1, false, true, nil
	case wantUnitClosed:
		return 0, 1, false, false, nil
	case "", wantFinite:
		return math.Inf(-1), math.Inf(1), false, false, nil
	case wantAboveOne:
		return 1, math.Inf(1), true, false, nil
	case wantAtLeastOne:
		return 1, math.Inf(1), false, false, nil
	case wantOpenUnit:
		return 0, 1, true, true, nil
	case wantNonPos:
		return math.Inf(-1), 0, false, false, nil
	case wantIntAtLeast1:
		return 1, math.Inf(1), false, false, nil
	case wantNSSteps:
		return 0, 99, false, false, nil
	}
	return 0, 0, false, false, fmt.Errorf("option %s: no range known for %s", f.key, strconv.Quote(f.want))
}
