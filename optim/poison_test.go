package optim_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

// A poisoned state (NaN or ±Inf in a buffer, a negative second moment, a
// step count about to wrap, a NAdam mu_product out of [0, 1]) is refused
// by LoadState and UnmarshalBinary; loaded, the next Step made the weights
// NaN.
func TestLoadPoisonedState(t *testing.T) {
	type poison struct {
		name, spec, want string
		f                func(s *optim.State[float32])
	}
	set := func(buf string, v float32) func(s *optim.State[float32]) {
		return func(s *optim.State[float32]) { s.Params["pa"].Buffers[buf][1] = v }
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	cases := []poison{
		{"nan exp_avg", "adam", `"exp_avg" buffer [1] is NaN`, set("exp_avg", nan)},
		{"inf exp_avg_sq", "adam", `"exp_avg_sq" buffer [1] is +Inf`, set("exp_avg_sq", inf)},
		{"negative exp_avg_sq", "adam", "never negative", set("exp_avg_sq", -1)},
		{"negative max_exp_avg_sq", "adam:amsgrad=true", "never negative", set("max_exp_avg_sq", -1)},
		{"negative sum", "adagrad", "never negative", set("sum", -1e-3)},
		{"negative square_avg", "rmsprop", "never negative", set("square_avg", -2)},
		{"negative exp_inf", "adamax", "never negative", set("exp_inf", -2)},
		{"negative acc_delta", "adadelta", "never negative", set("acc_delta", -2)},
		{"nan momentum", "sgd:momentum=0.9", "is NaN", set("momentum_buffer", nan)},
		{"inf velocity", "momentum", "is +Inf", set("velocity", inf)},
		{"wrapping step", "adam", "want 0 ≤ step", func(s *optim.State[float32]) {
			p := s.Params["pa"]
			p.Step = math.MaxInt64
			s.Params["pa"] = p
		}},
		{"mu_product", "nadam", "mu_product", func(s *optim.State[float32]) {
			s.Params["pa"].Scalars["mu_product"] = math.NaN()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := optim.ParseSpec(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			ps := randomParams[float32](r, 4, 2)
			o, err := optim.New(h, ps...)
			if err != nil {
				t.Fatal(err)
			}
			trainSteps(o, ps, r, 3)
			s := o.State()
			c.f(&s)
			if err := o.LoadState(s); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("LoadState: %v, want an error with %q", err, c.want)
			}
			// A fresh optimizer refuses it too.
			o2, _ := optim.New(h, ps...)
			if err := o2.LoadState(s); err == nil {
				t.Fatal("a fresh optimizer loaded it")
			}
		})
	}
}

// The binary form refuses a poisoned buffer too (it goes through LoadState).
func TestUnmarshalPoisoned(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ps := randomParams[float32](r, 4, 1)
	o, _ := optim.New(optim.DefaultAdam(), ps...)
	trainSteps(o, ps, r, 2)
	blob, err := o.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// The last 4 bytes are the last float of the last buffer (exp_avg_sq,
	// sorted after exp_avg): make it -1.
	bad := append([]byte(nil), blob...)
	copy(bad[len(bad)-4:], []byte{0, 0, 0x80, 0xbf})
	if err := o.UnmarshalBinary(bad); err == nil || !strings.Contains(err.Error(), "never negative") {
		t.Fatalf("UnmarshalBinary: %v, want a refusal of the negative second moment", err)
	}
}

// eps=0 is refused by every method that has an eps (each divides by a
// root of accumulated squares plus eps: 0/0 for a weight never lit), and
// eps=1e-50, which rounds to 0 in float32, with a message that does not
// offer 0 as the way out.
func TestEpsZero(t *testing.T) {
	for _, m := range []string{"adagrad", "rmsprop", "adam", "adamw", "nadam", "radam", "adamax", "adadelta"} {
		if _, err := optim.ParseSpec(m + ":eps=0"); err == nil || !strings.Contains(err.Error(), "want a finite number > 0") {
			t.Errorf("%s:eps=0: %v, want a refusal", m, err)
		}
		h, err := optim.ParseSpec(m + ":eps=1e-50")
		if err != nil {
			t.Fatal(err)
		}
		err = optim.CheckRange[float32](h)
		if err == nil || !strings.Contains(err.Error(), "rounds to 0") || strings.Contains(err.Error(), "want 0 or") {
			t.Errorf("%s:eps=1e-50: %v, want a refusal that does not suggest eps=0", m, err)
		}
	}
	// lr=0 stays allowed, and its rounding message still offers it.
	h, _ := optim.ParseSpec("adam:lr=1e-50")
	if err := optim.CheckRange[float32](h); err == nil || !strings.Contains(err.Error(), "want 0 or") {
		t.Errorf("lr=1e-50: %v", err)
	}
}

// LR and Hyper of a group that does not exist panic with a message that
// names the group and the range, not a raw index error.
func TestGroupOutOfRange(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	o, _ := optim.New(optim.DefaultAdam(), randomParams[float32](r, 3, 1)...)
	for _, f := range []func(){func() { o.LR(1) }, func() { o.Hyper(-1) }} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, "out of range [0, 1)") {
					t.Errorf("panic %q, want one naming the range", msg)
				}
			}()
			f()
		}()
	}
}
