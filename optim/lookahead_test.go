package optim_test

import (
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

// TestLookaheadStateAndAllocs: Step allocates nothing; save after 7 steps
// (mid-cycle), load into a fresh wrapper over copies, 9 more steps:
// bit-identical (checkLookaheadSaveLoad); bad specs are refused with the
// option named.
func TestLookaheadStateAndAllocs(t *testing.T) {
	checkLookaheadSaveLoad[float32](t, "lookahead:k=4,alpha=0.6/adam:lr=0.01", 7)
	for spec, want := range map[string]string{
		"lookahead:k=0/adam":     "k=0",
		"lookahead:alpha=2/adam": "alpha=2",
		"lookahead:beta=1/adam":  `unknown option "beta"`,
		"lookahead:k=5":          "want lookahead[:k=K,alpha=A]/INNER",
		"lookahead/adam:lr=-1":   "adam: invalid lr=-1",
		"lookahead:k=x/adam":     `k="x"`,
		"lookaround:k=5/adam":    `want lookahead`,
		"lookahead:k=2,k=3/adam": "repeated",
	} {
		if _, _, err := optim.ParseLookahead(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseLookahead(%q): %v, want %q", spec, err, want)
		}
	}
}
