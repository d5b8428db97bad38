package optim_test

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

// TestSchemaCoversMethods checks that Schema lists every method of Methods
// with exactly the keys Options lists, and that every default is a value
// ParseSpec accepts.
func TestSchemaCoversMethods(t *testing.T) {
	s := optim.Schema()
	if len(s) != len(optim.Methods()) {
		t.Fatalf("Schema has %d methods, Methods %d", len(s), len(optim.Methods()))
	}
	for i, m := range optim.Methods() {
		if s[i].Method != m {
			t.Fatalf("Schema()[%d] = %s, want %s", i, s[i].Method, m)
		}
		opts, err := optim.Options(m)
		if err != nil {
			t.Fatal(err)
		}
		if len(opts) != len(s[i].Params) {
			t.Fatalf("%s: %d params, Options has %d", m, len(s[i].Params), len(opts))
		}
		for j, p := range s[i].Params {
			if p.Key != opts[j].Key || p.Default != opts[j].Default {
				t.Errorf("%s: param %d = %s=%s, Options says %s=%s", m, j, p.Key, p.Default, opts[j].Key, opts[j].Default)
			}
			if _, err := optim.ParseSpec(m + ":" + p.Key + "=" + p.Default); err != nil {
				t.Errorf("%s: the default %s=%s is refused: %v", m, p.Key, p.Default, err)
			}
			switch p.Kind {
			case optim.KindEnum:
				if !slices.Contains(p.Values, p.Default) {
					t.Errorf("%s: %s default %q not among %v", m, p.Key, p.Default, p.Values)
				}
			case optim.KindBool, optim.KindNumber:
			default:
				t.Errorf("%s: %s has kind %q", m, p.Key, p.Kind)
			}
			if p.Log != (p.Key == "lr" || p.Key == "eps") {
				t.Errorf("%s: %s Log = %v", m, p.Key, p.Log)
			}
		}
	}
	if _, err := optim.SchemaOf("nope"); err == nil {
		t.Error("SchemaOf(nope) succeeded")
	}
}

// TestSchemaRangesMatchValidation checks every published range against the
// validator itself: the bounds that are allowed are accepted, and values
// just outside are refused.
func TestSchemaRangesMatchValidation(t *testing.T) {
	accept := func(m, key string, v float64) error {
		text := strconv.FormatFloat(v, 'g', -1, 64)
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			text = strconv.FormatFloat(v, 'f', -1, 64) // integers as integers
		}
		_, err := optim.ParseSpec(m + ":" + key + "=" + text)
		if err != nil && strings.Contains(err.Error(), " with ") {
			// A constraint between two keys (rprop's step_size_min ≤
			// step_size_max), which a per-key range cannot state: the
			// value itself is allowed.
			return nil
		}
		return err
	}
	checked := 0
	for _, s := range optim.Schema() {
		for _, p := range s.Params {
			if p.Kind != optim.KindNumber {
				continue
			}
			if p.Min != nil {
				if err := accept(s.Method, p.Key, *p.Min); p.MinOpen != (err != nil) {
					t.Errorf("%s: %s=min %g: open=%v but validation says %v", s.Method, p.Key, *p.Min, p.MinOpen, err)
				}
				below := math.Nextafter(*p.Min, math.Inf(-1))
				if accept(s.Method, p.Key, below) == nil {
					t.Errorf("%s: %s=%g below min accepted", s.Method, p.Key, below)
				}
				checked++
			}
			if p.Max != nil {
				err := accept(s.Method, p.Key, *p.Max)
				if p.MaxOpen != (err != nil) {
					t.Errorf("%s: %s=max %g: open=%v but validation says %v", s.Method, p.Key, *p.Max, p.MaxOpen, err)
				}
				above := math.Nextafter(*p.Max, math.Inf(1))
				if accept(s.Method, p.Key, above) == nil {
					t.Errorf("%s: %s=%g above max accepted", s.Method, p.Key, above)
				}
			} else {
				big := 1e300
				if p.Integer {
					big = 1e9
				}
				if err := accept(s.Method, p.Key, big); err != nil {
					t.Errorf("%s: %s has no max but %g is refused: %v", s.Method, p.Key, big, err)
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d bounds checked", checked)
	}
}
