package viz

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   []string
	}{
		{-2, 2, []string{"-2", "-1", "0", "1", "2"}},
		{-1, 3, []string{"-1", "0", "1", "2", "3"}},
		{0, 1.2, []string{"0", "0.2", "0.4", "0.6", "0.8", "1.0", "1.2"}},
		{-6, 6, []string{"-6", "-4", "-2", "0", "2", "4", "6"}},
		{0, 300, []string{"0", "50", "100", "150", "200", "250", "300"}},
		{0.1, 0.35, []string{"0.10", "0.15", "0.20", "0.25", "0.30", "0.35"}},
		{-4.5, 4.5, []string{"-4", "-2", "0", "2", "4"}},
	} {
		var got []string
		for _, tk := range (NiceTicks{}).Ticks(tc.lo, tc.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ticks on [%g, %g]: %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestLogTicks(t *testing.T) {
	var got []string
	for _, tk := range (LogTicks{}).Ticks(0.013, 12000) {
		if tk.Label != "" {
			got = append(got, tk.Label)
		}
	}
	if want := []string{"0.01", "0.1", "1", "10", "100", "1000", "10000", "1e5"}; !slices.Equal(got, want) {
		t.Errorf("log ticks %q, want %q", got, want)
	}
	got = got[:0]
	for _, tk := range (LogTicks{}).Ticks(1e-30, 1e100) {
		if tk.Label != "" {
			got = append(got, tk.Label)
		}
	}
	if len(got) > 9 {
		t.Errorf("%d labels over 130 decades: %q", len(got), got)
	}
}

// A range within three decades is labelled at 1, 2 and 5 times the powers
// of ten, in the fewest digits (steps and losses have no "250.00").
func TestLogTicksFewDecades(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   string
	}{
		{0.15, 2.3, "0.2 0.5 1 2"},
		{0.5, 2.3, "0.5 1 2"},
		{120, 1800, "200 500 1000"},
		{2e-7, 3e-6, "2e-7 5e-7 1e-6 2e-6"},
		{0.03, 2.3, "0.05 0.1 0.2 0.5 1 2"},       // the book's figure 6-9
		{0.013, 12000, "0.1 1 10 100 1000 10000"}, // wider: the powers
	} {
		var got []string
		for _, tk := range (LogTicks{}).Ticks(tc.lo, tc.hi) {
			if tk.Label != "" && tk.Value >= tc.lo && tk.Value <= tc.hi {
				got = append(got, tk.Label)
			}
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("labels over %g–%g: %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestLogAxis(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   bool
	}{
		{0.07, 2.3, true}, // MNIST training loss over five epochs
		{0.1, 1, true},
		{0.5, 2.3, false}, // less than a decade
		{1, 1, false},
		{0, 2.3, false}, // zero has no place on a log axis
		{-1, 2, false},
		{0.1, math.Inf(1), false},
		{math.Inf(1), math.Inf(-1), false}, // nothing finite drawn
		{math.NaN(), 1, false},
	} {
		if got := LogAxis(c.lo, c.hi); got != c.want {
			t.Errorf("LogAxis(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
}
