package optim_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

// TestLookaheadPullback: with pullback_momentum reset or pullback, Step
// allocates nothing and a state saved mid-cycle (after 6 steps, k=4) and
// loaded into a fresh wrapper gives the same weights and slow weights, bit
// for bit, 9 steps later (two more synchronisations); over a method
// without a momentum buffer the option is refused, naming it.
func TestLookaheadPullback(t *testing.T) {
	for _, spec := range []string{
		"lookahead:k=4,alpha=0.6,pullback_momentum=pullback/sgd:lr=0.01,momentum=0.9",
		"lookahead:k=4,alpha=0.6,pullback_momentum=reset/sgd:lr=0.01,momentum=0.9,nesterov=true",
		"lookahead:k=4,alpha=0.5,pullback_momentum=pullback/rmsprop:lr=0.001,momentum=0.5",
	} {
		lo, _, err := optim.ParseLookahead(spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := lo.String(); !strings.HasPrefix(spec, got+"/") {
			t.Errorf("String() = %q, spec %q", got, spec)
		}
		checkLookaheadSaveLoad[float64](t, spec, 6)
	}
	for spec, want := range map[string]string{
		"lookahead:pullback_momentum=pullback/adam":  "needs an inner method with a momentum buffer",
		"lookahead:pullback_momentum=reset/sgd:lr=1": "needs an inner method with a momentum buffer",
		"lookahead:pullback_momentum=sometimes/sgd":  `pullback_momentum="sometimes"`,
	} {
		lo, h, err := optim.ParseLookahead(spec)
		if err == nil {
			inner, _ := optim.New(h, optim.NewParam("w", make([]float32, 3)))
			_, err = optim.NewLookahead(lo, inner)
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", spec, err, want)
		}
	}
}

// checkLookaheadSaveLoad runs spec over three parameters for warm steps,
// checks that Step allocates nothing, saves, loads into a fresh wrapper
// (built with the default options, which the saved ones replace) over
// copies, and asks for the same weights and slow weights, bit for bit,
// 9 steps later.
func checkLookaheadSaveLoad[T optim.Float](t *testing.T, spec string, warm int) {
	t.Helper()
	lo, h, err := optim.ParseLookahead(spec)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	ps := randomParams[T](r, 100, 3)
	inner, _ := optim.New(h, ps...)
	l, err := optim.NewLookahead(lo, inner)
	if err != nil {
		t.Fatal(err)
	}
	for range warm {
		fillGrads(r, ps)
		l.Step()
	}
	if n := testing.AllocsPerRun(20, l.Step); n != 0 {
		t.Errorf("%s: %v allocations per step", spec, n)
	}
	blob, err := l.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	ps2 := make([]*optim.Param[T], len(ps))
	for i, p := range ps {
		ps2[i] = optim.NewParam(p.Name, slices.Clone(p.Value))
	}
	inner2, _ := optim.New(h, ps2...)
	l2, _ := optim.NewLookahead(optim.DefaultLookahead(), inner2)
	if err := l2.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	stepBoth(r.Uint64(), 9, ps, ps2, l, l2)
	for i := range ps {
		if !slices.Equal(ps[i].Value, ps2[i].Value) || !slices.Equal(l.Slow(i), l2.Slow(i)) {
			t.Fatalf("%s: %s differs after save/load", spec, ps[i].Name)
		}
	}
}

// TestLookaheadTypedErrors: a bad lookahead spec is a *HyperError naming
// its key, and a saved state that does not fit is a *ParamError naming the
// parameter and the part of the state, as for the other optimizers.
func TestLookaheadTypedErrors(t *testing.T) {
	for _, c := range []struct{ spec, key string }{
		{"lookahead:k=5", "method"},
		{"lookahead:k=0/sgd", "k"},
		{"lookahead:k=5,k=6/sgd", "k"},
		{"lookahead:pullback_momentum=pullback/adam", "pullback_momentum"},
	} {
		h, err := optim.ParseSpec("sgd:lr=0.1")
		if err != nil {
			t.Fatal(err)
		}
		o, _, err := optim.ParseLookahead(c.spec)
		if err == nil { // a pullback that needs a momentum buffer fails at NewLookahead
			if strings.HasSuffix(c.spec, "/adam") {
				h, _ = optim.ParseSpec("adam")
			}
			inner, _ := optim.New(h, optim.NewParam("w", make([]float32, 3)))
			_, err = optim.NewLookahead(o, inner)
		}
		var he *optim.HyperError
		if !errors.As(err, &he) || he.Key != c.key {
			t.Errorf("%s: %v (%T), want a *HyperError for key %s", c.spec, err, err, c.key)
		}
	}
	// A state saved with parameter "w" loaded where the parameter is "v".
	h, _ := optim.ParseSpec("sgd:lr=0.1")
	inner, _ := optim.New(h, optim.NewParam("w", make([]float32, 3)))
	l, _ := optim.NewLookahead(optim.DefaultLookahead(), inner)
	blob, err := l.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	inner2, _ := optim.New(h, optim.NewParam("v", make([]float32, 3)))
	l2, _ := optim.NewLookahead(optim.DefaultLookahead(), inner2)
	err = l2.UnmarshalBinary(blob)
	var pe *optim.ParamError
	if !errors.As(err, &pe) || pe.Param != "v" || pe.Key != "slow" {
		t.Errorf("state of another parameter: %v (%T), want a *ParamError for v's slow weights", err, err)
	}
}
