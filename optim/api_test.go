package optim_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

// heavyBall is a user-defined method, written as a program outside the
// package would: the study note's momentum, v ← μv − lr·g, w ← w + v, in
// the operations of optim's momentum kernel, so that the two must agree bit
// for bit.
type heavyBall struct{ LR, Mu float64 }

func (h heavyBall) Method() string        { return "heavy_ball" }
func (h heavyBall) LearningRate() float64 { return h.LR }
func (h heavyBall) String() string {
	return "heavy_ball:lr=" + strconv.FormatFloat(h.LR, 'g', -1, 64) + ",mu=" + strconv.FormatFloat(h.Mu, 'g', -1, 64)
}
func (h heavyBall) Validate() error {
	if !(h.Mu >= 0 && h.Mu < 1) {
		return fmt.Errorf("heavy_ball: mu=%v: want a number in [0, 1)", h.Mu)
	}
	return nil
}
func (h heavyBall) WithLR(lr float64) optim.Hyper { h.LR = lr; return h }
func (h heavyBall) Buffers() []string             { return []string{"velocity"} }
func (h heavyBall) Parse(spec string) (optim.Hyper, error) {
	var out heavyBall
	_, err := fmt.Sscanf(strings.NewReplacer(",", " ", "=", " ").Replace(spec), "heavy_ball:lr %g mu %g", &out.LR, &out.Mu)
	return out, err
}
func (h heavyBall) Update(w, g []float64, bufs [][]float64, step int64, lr float64) {
	v, mu := bufs[0], h.Mu
	for i := range w {
		vi := float64(mu*v[i]) - float64(lr*g[i]) // rounded products, as the built-in kernels: no fused multiply-add
		v[i] = vi
		w[i] = w[i] + vi
	}
}

var _ optim.Custom[float64] = heavyBall{}

// twoGroups returns parameters in two groups and a function filling their
// gradients from a fixed stream.
func twoGroups(seed uint64) (a, b []*optim.Param[float64], fill func()) {
	r := rand.New(rand.NewPCG(seed, 3))
	mk := func(name string, n int) *optim.Param[float64] {
		v := make([]float64, n)
		for i := range v {
			v[i] = r.NormFloat64()
		}
		return optim.NewParam(name, v)
	}
	a = []*optim.Param[float64]{mk("w1", 37), mk("w2", 5)}
	b = []*optim.Param[float64]{mk("b1", 3), mk("b2", 1)}
	g := rand.New(rand.NewPCG(seed, 4))
	fill = func() {
		for _, p := range append(slices.Clone(a), b...) {
			for i := range p.Grad {
				p.Grad[i] = g.NormFloat64()
			}
		}
	}
	return a, b, fill
}

// TestCustomMethodEqualsBuiltin: a user-defined method runs in groups with
// their own rates, changed by SetLR between steps, saves and loads its
// state by name, and gives bit for bit the numbers of the built-in method
// with the same rule; after the first step neither allocates.
func TestCustomMethodEqualsBuiltin(t *testing.T) {
	a1, b1, fill1 := twoGroups(1)
	a2, b2, fill2 := twoGroups(1)
	custom, err := optim.NewGroups(optim.NewGroup(heavyBall{LR: 0.05, Mu: 0.9}, a1...), optim.NewGroup(heavyBall{LR: 0.01, Mu: 0.9}, b1...))
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := optim.NewGroups(optim.NewGroup(optim.Momentum{LR: 0.05, Momentum: 0.9}, a2...), optim.NewGroup(optim.Momentum{LR: 0.01, Momentum: 0.9}, b2...))
	if err != nil {
		t.Fatal(err)
	}
	for step := range 20 {
		lr := 0.05 / float64(1+step)
		ia := 0 // the group of a
		if step > 10 {
			ia = 1
		}
		if err := custom.SetLR(ia, lr); err != nil {
			t.Fatal(err)
		}
		if err := builtin.SetLR(0, lr); err != nil {
			t.Fatal(err)
		}
		fill1()
		fill2()
		custom.Step()
		builtin.Step()
		if step == 10 { // save and restore the custom one halfway
			blob, err := custom.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			// A new optimizer over the same parameters, its groups in the
			// other order and with other hyperparameters, which the state
			// replaces; it runs the rest of the steps.
			fresh, err := optim.NewGroups(optim.NewGroup(heavyBall{LR: 1, Mu: 0.5}, b1[1], b1[0]), optim.NewGroup(heavyBall{LR: 1, Mu: 0.5}, a1...))
			if err != nil {
				t.Fatal(err)
			}
			if err := fresh.UnmarshalBinary(blob); err != nil {
				t.Fatal(err)
			}
			if fresh.Steps() != 11 || fresh.Hyper(1).(heavyBall) != (heavyBall{LR: lr, Mu: 0.9}) {
				t.Fatalf("restored: Steps %d, group of a %v", fresh.Steps(), fresh.Hyper(1))
			}
			if got, want := fresh.State().Params["w1"].Buffers["velocity"], custom.State().Params["w1"].Buffers["velocity"]; !slices.Equal(got, want) {
				t.Fatal("restored velocity differs")
			}
			custom = fresh
			if err := custom.SetLR(0, 0.01); err != nil { // the a group is now group 1
				t.Fatal(err)
			}
		}
	}
	for i, p := range append(slices.Clone(a1), b1...) {
		q := append(slices.Clone(a2), b2...)[i]
		if !slices.Equal(p.Value, q.Value) {
			t.Fatalf("%s: custom %v, built-in %v", p.Name, p.Value[:1], q.Value[:1])
		}
	}
	if custom.Steps() != 20 {
		t.Fatalf("Steps = %d, want 20", custom.Steps())
	}
	if n := testing.AllocsPerRun(10, custom.Step); n != 0 {
		t.Fatalf("custom Step: %v allocations, want 0", n)
	}
}

// TestZeroVariantIsTorch: Adam written as a literal with torch's values is
// DefaultAdam; the study note's Adam is its own method, also reached by
// adam:variant=note, and momentum, adagrad and rmsprop still accept
// variant=note, which changes nothing there.
func TestZeroVariantIsTorch(t *testing.T) {
	lit := optim.Adam{LR: 1e-3, Beta1: .9, Beta2: .999, Eps: 1e-8}
	if lit != optim.DefaultAdam() {
		t.Fatalf("literal %v differs from DefaultAdam %v", lit, optim.DefaultAdam())
	}
	if _, err := optim.New(lit, optim.NewParam("w", []float32{1, 2})); err != nil {
		t.Fatalf("New(literal Adam): %v", err)
	}
	for spec, want := range map[string]optim.Hyper{
		"adam:variant=note":                       optim.DefaultAdamNote(),
		"adam:lr=0.05,variant=note,amsgrad=false": optim.AdamNote{LR: 0.05, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
		"adam_note:lr=0.05":                       optim.AdamNote{LR: 0.05, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
		"adam:variant=torch":                      optim.DefaultAdam(),
		"momentum:variant=note":                   optim.DefaultMomentum(),
		"adagrad:lr=0.5,variant=note":             optim.Adagrad{LR: 0.5, Eps: 1e-10},
		"rmsprop:variant=torch":                   optim.DefaultRMSprop(),
	} {
		h, err := optim.ParseSpec(spec)
		if err != nil || h != want {
			t.Errorf("ParseSpec(%q) = %v, %v; want %v", spec, h, err, want)
		}
	}
	if s := (optim.AdamNote{LR: 0.05, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}).String(); s != "adam_note:lr=0.05" {
		t.Errorf("AdamNote.String() = %q", s)
	}
	for _, bad := range []string{"adam:variant=note,amsgrad=true", "adam:variant=paper", "sgd:variant=note", "adam:variant=note,variant=note"} {
		if _, err := optim.ParseSpec(bad); err == nil {
			t.Errorf("ParseSpec(%q): no error", bad)
		}
	}
}

// TestHyperErrorFindsKeyAndValue: errors.As finds the bad key and value of
// a spec or hyperparameter, through the wrapping of LoadState too.
func TestHyperErrorFindsKeyAndValue(t *testing.T) {
	cases := []struct{ spec, method, key, value string }{
		{"adam:lr=-1", "adam", "lr", "-1"},
		{"adam:beta1=x", "adam", "beta1", "x"},
		{"adam:momentum=0.9", "adam", "momentum", "0.9"},
		{"sgd:nesterov=true", "sgd", "nesterov", "true"},
		{"nosuch:lr=1", "", "method", "nosuch"},
		{"rmsprop:centered=maybe", "rmsprop", "centered", "maybe"},
	}
	for _, c := range cases {
		_, err := optim.ParseSpec(c.spec)
		var he *optim.HyperError
		if !errors.As(err, &he) || he.Method != c.method || he.Key != c.key || he.Value != c.value || he.Want == "" {
			t.Errorf("%s: %#v (%v), want method %q key %q value %q", c.spec, he, err, c.method, c.key, c.value)
		}
	}
	o, err := optim.New(optim.DefaultAdam(), optim.NewParam("w", []float64{1}))
	if err != nil {
		t.Fatal(err)
	}
	s := o.State()
	s.Groups[0].Hyper = "adam:eps=0"
	err = o.LoadState(s)
	var he *optim.HyperError
	var pe *optim.ParamError
	if !errors.As(err, &he) || he.Key != "eps" || he.Value != "0" || !errors.As(err, &pe) || pe.Key != "hyper" {
		t.Fatalf("LoadState of eps=0: %v, want a *ParamError wrapping a *HyperError for eps=0", err)
	}
	_, err = optim.New[float32](optim.Adam{LR: 1e40, Beta1: .9, Beta2: .999, Eps: 1e-8}, optim.NewParam("w", []float32{1}))
	if !errors.As(err, &he) || he.Key != "lr" || he.Value != "1e+40" {
		t.Fatalf("lr beyond float32: %v", err)
	}
}

// TestLoadStateByName: a state loads into an optimizer whose groups, and
// the parameters within them, come in another order; missing and extra
// names are *ParamErrors naming the parameter.
func TestLoadStateByName(t *testing.T) {
	a, b, fill := twoGroups(5)
	adam := optim.DefaultAdam()
	slow := adam
	slow.LR = 1e-4
	o, err := optim.NewGroups(optim.NewGroup(adam, a...), optim.NewGroup(slow, b...))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		fill()
		o.Step()
	}
	saved := o.State()
	a2, b2, _ := twoGroups(5)
	shuffled, err := optim.NewGroups(optim.NewGroup(slow, b2[1], b2[0]), optim.NewGroup(adam, a2[1], a2[0]))
	if err != nil {
		t.Fatal(err)
	}
	if err := shuffled.LoadState(saved); err != nil {
		t.Fatal(err)
	}
	if shuffled.LR(0) != 1e-4 || shuffled.LR(1) != 1e-3 || shuffled.Steps() != 3 {
		t.Fatalf("loaded: lr %v %v, Steps %d", shuffled.LR(0), shuffled.LR(1), shuffled.Steps())
	}
	got := shuffled.State()
	for name, ps := range saved.Params {
		if !slices.Equal(got.Params[name].Buffers["exp_avg"], ps.Buffers["exp_avg"]) {
			t.Fatalf("%s: exp_avg differs after a shuffled load", name)
		}
	}
	// One step of each from the same point gives the same weights.
	for i, p := range append(slices.Clone(a), b...) {
		copy(append(slices.Clone(a2), b2...)[i].Value, p.Value)
		copy(append(slices.Clone(a2), b2...)[i].Grad, p.Grad)
	}
	o.Step()
	shuffled.Step()
	for i, p := range append(slices.Clone(a), b...) {
		if !slices.Equal(p.Value, append(slices.Clone(a2), b2...)[i].Value) {
			t.Fatalf("%s: a step after a shuffled load differs", p.Name)
		}
	}

	mixed := saved
	mixed.Groups = []optim.GroupState{{Hyper: saved.Groups[0].Hyper, Params: []string{"w1", "b1"}}, {Hyper: saved.Groups[1].Hyper, Params: []string{"w2", "b2"}}}
	cases := []struct {
		name, param string
		s           optim.State[float64]
	}{
		{"missing", "b2", func() optim.State[float64] {
			s := o.State()
			s.Groups[1].Params = s.Groups[1].Params[:1]
			delete(s.Params, "b2")
			return s
		}()},
		{"extra", "zz", func() optim.State[float64] {
			s := o.State()
			s.Groups[1].Params = append(s.Groups[1].Params, "zz")
			s.Params["zz"] = s.Params["b1"]
			return s
		}()},
		{"mixed groups", "b1", mixed},
	}
	for _, c := range cases {
		err := shuffled.LoadState(c.s)
		var pe *optim.ParamError
		if !errors.As(err, &pe) || pe.Param != c.param {
			t.Errorf("%s: %v, want a *ParamError naming %q", c.name, err, c.param)
		}
	}
}

// TestOptionsKeepVariant: Options and SchemaOf still list the spec key
// variant where the study note has a version, since the playground builds
// its specs from the schema; a spec written from them with variant=note is
// the note's method.
func TestOptionsKeepVariant(t *testing.T) {
	for _, m := range []string{"adam", "momentum", "adagrad", "rmsprop"} {
		opts, err := optim.Options(m)
		if err != nil {
			t.Fatal(err)
		}
		s, err := optim.SchemaOf(m)
		if err != nil {
			t.Fatal(err)
		}
		last, sl := opts[len(opts)-1], s.Params[len(s.Params)-1]
		if last.Key != "variant" || last.Default != optim.VariantTorch || sl.Key != "variant" || !slices.Equal(sl.Values, []string{"torch", "note"}) {
			t.Errorf("%s: last option %+v, schema %+v; want variant, default torch", m, last, sl)
		}
	}
	if opts, _ := optim.Options("adamw"); opts[len(opts)-1].Key == "variant" {
		t.Error("adamw lists variant")
	}
	if h, err := optim.ParseSpec("adam:lr=0.05,variant=note"); err != nil || h.Method() != "adam_note" {
		t.Errorf("adam:lr=0.05,variant=note = %v, %v", h, err)
	}
}

// TestCustomOfOtherElementType: a Custom method written for float64 is
// refused by a float32 optimizer with a *HyperError that says so.
func TestCustomOfOtherElementType(t *testing.T) {
	_, err := optim.New[float32](heavyBall{LR: 0.1, Mu: 0.9}, optim.NewParam("w", []float32{1}))
	var he *optim.HyperError
	if !errors.As(err, &he) || he.Key != "method" || !strings.Contains(err.Error(), "optim.Custom[float32]") {
		t.Fatalf("float64 method in a float32 optimizer: %v", err)
	}
	_, err = optim.New[float64](heavyBall{LR: 0.1, Mu: 1.5}, optim.NewParam("w", []float64{1}))
	if err == nil || !strings.Contains(err.Error(), "mu=1.5") {
		t.Fatalf("New did not run the Custom method's Validate: %v", err)
	}
}
