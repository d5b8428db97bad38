package optim_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

// allSpecs exercises every method and every buffer-changing option.
var allSpecs = []string{
	"gd:lr=0.1", "sgd:lr=0.1,momentum=0.9", "sgd:lr=0.1,momentum=0.9,nesterov=true,weight_decay=0.01",
	"sgd:lr=0.1,momentum=0.5,dampening=0.3,maximize=true",
	"momentum:lr=0.05", "adagrad:lr=0.1,lr_decay=0.01,initial_accumulator_value=0.5",
	"rmsprop", "rmsprop:centered=true,momentum=0.9", "rmsprop:momentum=0.5",
	"adam", "adam:amsgrad=true,weight_decay=0.1", "adam:variant=note", "adamw", "adamw:amsgrad=true",
	"nadam", "radam", "adamax", "adadelta", "lion:weight_decay=0.1",
	"rprop", "rprop:etaminus=0.3,etaplus=1.5,step_size_max=0.2,maximize=true",
	"asgd", "asgd:lambd=0.01,t0=2,weight_decay=0.1,maximize=true",
	"adam:decoupled_weight_decay=true,weight_decay=0.1", "adam:decoupled_weight_decay=true,weight_decay=0.1,amsgrad=true",
	"nadam:decoupled_weight_decay=true,weight_decay=0.1", "radam:decoupled_weight_decay=true,weight_decay=0.1",
}

func randomParams[T optim.Float](r *rand.Rand, sizes ...int) []*optim.Param[T] {
	var ps []*optim.Param[T]
	for i, n := range sizes {
		v := make([]T, n)
		for j := range v {
			v[j] = T(r.NormFloat64())
		}
		ps = append(ps, optim.NewParam("p"+string(rune('a'+i)), v))
	}
	return ps
}

func fillGrads[T optim.Float](r *rand.Rand, ps []*optim.Param[T]) {
	for _, p := range ps {
		for j := range p.Grad {
			p.Grad[j] = T(r.NormFloat64())
		}
	}
}

// stepBoth takes n steps of a on ps and of b on ps2, both parameter sets
// given the same random gradients each step (from seed).
func stepBoth[T optim.Float](seed uint64, n int, ps, ps2 []*optim.Param[T], a, b interface{ Step() }) {
	r1, r2 := rand.New(rand.NewPCG(seed, 1)), rand.New(rand.NewPCG(seed, 1))
	for range n {
		fillGrads(r1, ps)
		fillGrads(r2, ps2)
		a.Step()
		b.Step()
	}
}

// TestStepAllocatesNothing: after the first step, a step allocates nothing.
func TestStepAllocatesNothing(t *testing.T) {
	for _, spec := range allSpecs {
		h, err := optim.ParseSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		ps := randomParams[float32](r, 1000, 7, 1)
		o, err := optim.New(h, ps...)
		if err != nil {
			t.Fatal(err)
		}
		fillGrads(r, ps)
		o.Step()
		if n := testing.AllocsPerRun(20, o.Step); n != 0 {
			t.Errorf("%s: %v allocations per step after the first, want 0", spec, n)
		}
	}
}

// TestZeroLRChangesNothing: with lr = 0 no method moves a parameter (Adadelta
// and Lion scale their whole step by lr too). Rprop's lr is only its
// starting step size, which the clamp raises to step_size_min: it stays
// put with lr = 0 only when step_size_min is 0 too.
func TestZeroLRChangesNothing(t *testing.T) {
	for _, spec := range allSpecs {
		if strings.HasPrefix(spec, "rprop") {
			spec = strings.Replace(spec+":", "rprop:", "rprop:step_size_min=0,", 1)
			spec = strings.TrimRight(spec, ",:")
		}
		h, err := optim.ParseSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, 4))
		ps := randomParams[float64](r, 50)
		before := slices.Clone(ps[0].Value)
		o, _ := optim.New(h, ps...)
		if err := o.SetAllLR(0); err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 5; k++ {
			fillGrads(r, ps)
			o.Step()
		}
		if !slices.Equal(before, ps[0].Value) {
			t.Errorf("%s: lr=0 changed the parameters", spec)
		}
	}
}

// TestDescends: every method, minimizing ½‖w‖², lowers the loss; with
// maximize=true on −½‖w‖² it does the same.
func TestDescends(t *testing.T) {
	for _, spec := range allSpecs {
		for _, maximize := range []bool{false, true} {
			s := spec
			if strings.Contains(s, "maximize") {
				continue
			}
			sep := ":"
			if strings.Contains(s, ":") {
				sep = ","
			}
			lr := ",lr=0.01"
			if strings.Contains(s, "lr=") || strings.HasPrefix(s, "adadelta") {
				lr = ""
			}
			if maximize {
				s += sep + "maximize=true" + lr
			} else if lr != "" {
				s += sep + lr[1:]
			}
			h, err := optim.ParseSpec(s)
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			r := rand.New(rand.NewPCG(5, 6))
			ps := randomParams[float64](r, 20)
			o, _ := optim.New(h, ps...)
			norm := func() float64 { return sq(ps[0].Value) }
			start := norm()
			for k := 0; k < 50; k++ {
				for j, w := range ps[0].Value {
					ps[0].Grad[j] = w // ∇½‖w‖²
					if maximize {
						ps[0].Grad[j] = -w // ∇(−½‖w‖²)
					}
				}
				o.Step()
			}
			if end := norm(); !(end < start) {
				t.Errorf("%s: ‖w‖² went from %g to %g", s, start, end)
			}
		}
	}
}

func sq(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return s
}

// TestMomentumEqualsSGDMomentum: the note's momentum and torch's SGD with
// momentum agree under a constant lr and differ after the lr changes.
func TestMomentumEqualsSGDMomentum(t *testing.T) {
	run := func(spec string, lrs []float64) []float64 {
		h, _ := optim.ParseSpec(spec)
		r := rand.New(rand.NewPCG(7, 8))
		ps := randomParams[float64](r, 10)
		o, _ := optim.New(h, ps...)
		for _, lr := range lrs {
			o.SetLR(0, lr)
			fillGrads(r, ps)
			o.Step()
		}
		return ps[0].Value
	}
	constant := []float64{0.1, 0.1, 0.1, 0.1, 0.1}
	a, b := run("momentum:momentum=0.9", constant), run("sgd:momentum=0.9", constant)
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			t.Fatalf("constant lr: momentum %v, sgd %v", a, b)
		}
	}
	decay := []float64{0.1, 0.1, 0.01, 0.01, 0.01}
	a, b = run("momentum:momentum=0.9", decay), run("sgd:momentum=0.9", decay)
	if slices.Equal(a, b) {
		t.Fatal("after an lr change momentum and sgd agree; they should differ")
	}
}

func TestGroups(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	w, b := randomParams[float64](r, 5)[0], randomParams[float64](r, 3)[0]
	b.Name = "bias"
	decay := optim.DefaultAdamW()
	noDecay := decay
	noDecay.WeightDecay = 0
	o, err := optim.NewGroups(optim.Group[float64]{Params: []*optim.Param[float64]{w}, Hyper: decay},
		optim.Group[float64]{Params: []*optim.Param[float64]{b}, Hyper: noDecay})
	if err != nil {
		t.Fatal(err)
	}
	// Zero gradients: only decoupled decay moves the weights, and biases stay.
	wb, bb := slices.Clone(w.Value), slices.Clone(b.Value)
	o.Step()
	for i := range wb {
		if want := wb[i] * (1 - 0.001*0.01); math.Abs(w.Value[i]-want) > 1e-15 {
			t.Errorf("w[%d] = %v, want %v", i, w.Value[i], want)
		}
	}
	if !slices.Equal(bb, b.Value) {
		t.Errorf("bias changed with zero gradient and no decay")
	}
	if err := o.SetLR(1, 0.5); err != nil || o.LR(1) != 0.5 || o.LR(0) != 0.001 {
		t.Errorf("SetLR(1, 0.5): err %v, lrs %v %v", err, o.LR(0), o.LR(1))
	}
	if err := o.SetLR(2, 0.5); err == nil {
		t.Error("SetLR on a missing group: no error")
	}
	if err := o.SetLR(0, math.NaN()); err == nil || !strings.Contains(err.Error(), "lr=NaN") {
		t.Errorf("SetLR(NaN): %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	v := []float64{1, 2}
	cases := []struct {
		name   string
		groups []optim.Group[float64]
		want   string
	}{
		{"none", nil, "no parameter groups"},
		{"nil hyper", []optim.Group[float64]{{Params: []*optim.Param[float64]{optim.NewParam("a", v)}}}, "no hyperparameters"},
		{"dup", []optim.Group[float64]{{Params: []*optim.Param[float64]{optim.NewParam("a", v), optim.NewParam("a", v)}, Hyper: optim.DefaultAdam()}}, "appears twice"},
		{"len", []optim.Group[float64]{{Params: []*optim.Param[float64]{{Name: "a", Value: v, Grad: v[:1]}}, Hyper: optim.DefaultAdam()}}, "2 values but 1 gradients"},
		{"mixed", []optim.Group[float64]{{Hyper: optim.DefaultAdam()}, {Hyper: optim.DefaultSGD()}}, "one optimizer runs one method"},
		{"invalid", []optim.Group[float64]{{Hyper: optim.Adam{LR: -1}}}, "invalid lr=-1"},
	}
	for _, c := range cases {
		_, err := optim.NewGroups(c.groups...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

// TestGroupMatchesSeparate: every parameter of a group is updated exactly
// as an optimizer holding that parameter alone would update it, for every
// method, including after a state is loaded in which the parameters have
// taken different numbers of steps (so that their per-step scalars differ).
func TestGroupMatchesSeparate(t *testing.T) {
	sizes := []int{5, 0, 33, 1, 17, 64}
	for _, spec := range allSpecs {
		t.Run(spec, func(t *testing.T) {
			h, err := optim.ParseSpec(spec)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(3, 4))
			group := randomParams[float64](r, sizes...)
			alone := make([]*optim.Param[float64], len(group))
			single := make([]*optim.Optimizer[float64], len(group))
			for i, p := range group {
				alone[i] = optim.NewParam(p.Name, slices.Clone(p.Value))
				if single[i], err = optim.New(h, alone[i]); err != nil {
					t.Fatal(err)
				}
			}
			o, err := optim.New(h, group...)
			if err != nil {
				t.Fatal(err)
			}
			step := func(which func(i int) bool) {
				fillGrads(r, group)
				for i, p := range group {
					copy(alone[i].Grad, p.Grad)
				}
				o.Step()
				for i := range group {
					if which(i) {
						single[i].Step()
					}
				}
			}
			all := func(int) bool { return true }
			for k := 0; k < 3; k++ {
				step(all)
			}
			// Parameters 2 and 4 take two extra steps alone; the group then
			// loads a state with their counts and buffers.
			for k := 0; k < 2; k++ {
				fillGrads(r, group)
				for _, i := range []int{2, 4} {
					copy(alone[i].Grad, group[i].Grad)
					single[i].Step()
				}
			}
			st := o.State()
			for i, p := range group {
				st.Params[p.Name] = single[i].State().Params[p.Name]
				copy(p.Value, alone[i].Value)
			}
			if err := o.LoadState(st); err != nil {
				t.Fatal(err)
			}
			for k := 0; k < 3; k++ {
				step(all)
			}
			for i, p := range group {
				if !slices.Equal(p.Value, alone[i].Value) {
					t.Fatalf("parameter %d (%d values): the group's update differs from the parameter's alone", i, len(p.Value))
				}
			}
		})
	}
}

// TestFloat32Range: hyperparameters a float32 optimizer cannot hold are
// refused with a message naming them, in New, SetLR and LoadState, instead
// of turning into ±Inf or 0 inside the step (an lr of 1e40 is +Inf in
// float32 and made every weight NaN); float64 takes them.
func TestFloat32Range(t *testing.T) {
	w32 := []*optim.Param[float32]{optim.NewParam("w", []float32{1, 2})}
	for _, c := range []struct {
		h    optim.Hyper
		want string
	}{
		{optim.SGD{LR: 1e40}, "sgd: invalid lr=1e+40: beyond the range of float32 parameters"},
		{func() optim.Hyper { h := optim.DefaultAdam(); h.Eps = 1e-50; return h }(), "adam: invalid eps=1e-50: rounds to 0 in float32 parameters"},
	} {
		if _, err := optim.New(c.h, w32...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New[float32](%v): %v, want %q", c.h, err, c.want)
		}
		if _, err := optim.New(c.h, optim.NewParam("w", []float64{1, 2})); err != nil {
			t.Errorf("New[float64](%v): %v", c.h, err)
		}
	}
	o, err := optim.New(optim.DefaultSGD(), w32...)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.SetLR(0, 1e40); err == nil || !strings.Contains(err.Error(), "beyond the range of float32") {
		t.Errorf("SetLR(1e40) on float32: %v", err)
	}
	o64, _ := optim.New(optim.SGD{LR: 1e40}, optim.NewParam("w", []float64{1, 2}))
	o64.Step()
	if err := o.LoadState(stateAs[float32](o64.State())); err == nil || !strings.Contains(err.Error(), "beyond the range of float32") {
		t.Errorf("LoadState of lr=1e40 into float32: %v", err)
	}
}

// stateAs converts a state to another element type.
func stateAs[T, U optim.Float](s optim.State[U]) optim.State[T] {
	out := optim.State[T]{Method: s.Method, Groups: s.Groups, Params: map[string]optim.ParamState[T]{}}
	for name, ps := range s.Params {
		bufs := map[string][]T{}
		for k, b := range ps.Buffers {
			c := make([]T, len(b))
			for i, v := range b {
				c[i] = T(v)
			}
			bufs[k] = c
		}
		out.Params[name] = optim.ParamState[T]{Step: ps.Step, Buffers: bufs, Scalars: ps.Scalars}
	}
	return out
}
