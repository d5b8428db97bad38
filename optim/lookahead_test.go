package optim_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

// TestLookaheadStateAndAllocs: Step allocates nothing; save after 7 steps
// (mid-cycle), load into a fresh wrapper over copies, 9 more steps:
// bit-identical; bad specs are refused with the option named.
func TestLookaheadStateAndAllocs(t *testing.T) {
	lo, h, err := optim.ParseLookahead("lookahead:k=4,alpha=0.6/adam:lr=0.01")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	ps := randomParams[float32](r, 100, 3)
	inner, _ := optim.New(h, ps...)
	l, err := optim.NewLookahead(lo, inner)
	if err != nil {
		t.Fatal(err)
	}
	for range 7 {
		fillGrads(r, ps)
		l.Step()
	}
	if n := testing.AllocsPerRun(20, l.Step); n != 0 {
		t.Errorf("%v allocations per step", n)
	}
	blob, err := l.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	ps2 := make([]*optim.Param[float32], len(ps))
	for i, p := range ps {
		ps2[i] = optim.NewParam(p.Name, slices.Clone(p.Value))
	}
	inner2, _ := optim.New(optim.DefaultAdam(), ps2...)
	l2, _ := optim.NewLookahead(optim.DefaultLookahead(), inner2)
	if err := l2.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	seed := r.Uint64()
	r1, r2 := rand.New(rand.NewPCG(seed, 1)), rand.New(rand.NewPCG(seed, 1))
	for range 9 {
		fillGrads(r1, ps)
		fillGrads(r2, ps2)
		l.Step()
		l2.Step()
	}
	for i := range ps {
		if !slices.Equal(ps[i].Value, ps2[i].Value) || !slices.Equal(l.Slow(i), l2.Slow(i)) {
			t.Fatalf("%s differs after save/load", ps[i].Name)
		}
	}
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
