package lab

import (
	"strings"
	"testing"
)

func TestParsePoint(t *testing.T) {
	p, err := ParsePoint(" -1.5, 2e3")
	if err != nil || p.X != -1.5 || p.Y != 2000 {
		t.Fatalf("ParsePoint(\" -1.5, 2e3\") = %v, %v; want {-1.5 2000}", p, err)
	}
	for s, want := range map[string]string{
		"1":       "separated by a comma",
		"1,x":     "two finite numbers",
		"NaN,0":   "two finite numbers",
		"0,+Inf":  "two finite numbers",
		"1e999,0": "two finite numbers",
	} {
		if _, err := ParsePoint(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePoint(%q) = %v; want an error saying %q", s, err, want)
		}
	}
}
