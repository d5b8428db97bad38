package viz

import (
	"slices"
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
		for _, tk := range (niceTicks{}).Ticks(tc.lo, tc.hi) {
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
	for _, tk := range (logTicks{}).Ticks(0.013, 12000) {
		if tk.Label != "" {
			got = append(got, tk.Label)
		}
	}
	if want := []string{"0.01", "0.1", "1", "10", "100", "1000", "10000", "1e5"}; !slices.Equal(got, want) {
		t.Errorf("log ticks %q, want %q", got, want)
	}
	got = got[:0]
	for _, tk := range (logTicks{}).Ticks(1e-30, 1e100) {
		if tk.Label != "" {
			got = append(got, tk.Label)
		}
	}
	if len(got) > 9 {
		t.Errorf("%d labels over 130 decades: %q", len(got), got)
	}
}
