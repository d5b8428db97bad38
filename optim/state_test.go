package optim_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

// trainSteps runs k steps with gradients from r.
func trainSteps[T optim.Float](o *optim.Optimizer[T], ps []*optim.Param[T], r *rand.Rand, k int) {
	for i := 0; i < k; i++ {
		fillGrads(r, ps)
		o.Step()
	}
}

// TestSaveLoadExact: save after 7 steps, load into a fresh optimizer over
// copies of the parameters, run 5 more steps on both: bit-identical.
func TestSaveLoadExact(t *testing.T) {
	for _, spec := range allSpecs {
		t.Run(spec, func(t *testing.T) {
			testSaveLoad[float32](t, spec)
			testSaveLoad[float64](t, spec)
		})
	}
}

func testSaveLoad[T optim.Float](t *testing.T, spec string) {
	h, _ := optim.ParseSpec(spec)
	r := rand.New(rand.NewPCG(11, 12))
	ps := randomParams[T](r, 17, 3)
	o, _ := optim.New(h, ps...)
	trainSteps(o, ps, r, 7)
	o.SetLR(0, 0.5*h.LearningRate()) // the lr set between steps is state too
	blob, err := o.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// A fresh optimizer, built with defaults, over copies of the parameters.
	ps2 := make([]*optim.Param[T], len(ps))
	for i, p := range ps {
		ps2[i] = optim.NewParam(p.Name, slices.Clone(p.Value))
	}
	def, _ := optim.Default(h.Method())
	o2, _ := optim.New(def, ps2...)
	if err := o2.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	if o2.LR(0) != o.LR(0) {
		t.Fatalf("lr after load %v, want %v", o2.LR(0), o.LR(0))
	}
	seed := r.Uint64()
	trainSteps(o, ps, rand.New(rand.NewPCG(seed, 1)), 5)
	trainSteps(o2, ps2, rand.New(rand.NewPCG(seed, 1)), 5)
	for i := range ps {
		if !slices.Equal(ps[i].Value, ps2[i].Value) {
			t.Fatalf("%s: after save/load the parameters differ:\n%v\n%v", ps[i].Name, ps[i].Value, ps2[i].Value)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	ps := randomParams[float64](r, 4, 2)
	o, _ := optim.New(optim.DefaultAdam(), ps...)
	trainSteps(o, ps, r, 2)
	good := o.State()

	mutate := func(f func(s *optim.State[float64])) optim.State[float64] {
		s := o.State()
		f(&s)
		return s
	}
	cases := []struct {
		name string
		s    optim.State[float64]
		want string
	}{
		{"method", mutate(func(s *optim.State[float64]) { s.Method = "sgd" }), `state is for "sgd", optimizer runs "adam"`},
		{"missing", mutate(func(s *optim.State[float64]) { delete(s.Params, "pb") }), `no entry for parameter "pb"`},
		{"extra", mutate(func(s *optim.State[float64]) { s.Params["zz"] = s.Params["pa"] }), `parameter "zz", which the optimizer does not have`},
		{"length", mutate(func(s *optim.State[float64]) { s.Params["pa"].Buffers["exp_avg"] = []float64{1} }), `"exp_avg" buffer has 1 values, parameter has 4`},
		{"buffer", mutate(func(s *optim.State[float64]) { delete(s.Params["pa"].Buffers, "exp_avg_sq") }), `no "exp_avg_sq" buffer`},
		{"name", mutate(func(s *optim.State[float64]) { s.Groups[0].Params[1] = "other" }), `state has parameter "other", which the optimizer does not have`},
		{"hyper", mutate(func(s *optim.State[float64]) { s.Groups[0].Hyper = "adam:lr=-1" }), "invalid lr=-1"},
	}
	for _, c := range cases {
		err := o.LoadState(c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	// Failed loads leave the optimizer unchanged.
	if after := o.State(); !slices.Equal(after.Params["pa"].Buffers["exp_avg"], good.Params["pa"].Buffers["exp_avg"]) {
		t.Error("a failed load changed the state")
	}
	// A float64 state does not load into a float32 optimizer.
	blob, _ := o.MarshalBinary()
	ps32 := randomParams[float32](r, 4, 2)
	o32, _ := optim.New(optim.DefaultAdam(), ps32...)
	if err := o32.UnmarshalBinary(blob); err == nil || !strings.Contains(err.Error(), "F64") {
		t.Errorf("loading F64 state into float32: %v", err)
	}
}

func FuzzUnmarshalState(f *testing.F) {
	r := rand.New(rand.NewPCG(15, 16))
	ps := randomParams[float32](r, 3, 1)
	o, _ := optim.New(optim.DefaultAdam(), ps...)
	trainSteps(o, ps, r, 1)
	blob, _ := o.MarshalBinary()
	f.Add(blob)
	f.Add([]byte{})
	f.Add(blob[:len(blob)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		ps := randomParams[float32](rand.New(rand.NewPCG(1, 1)), 3, 1)
		o, _ := optim.New(optim.DefaultAdam(), ps...)
		if err := o.UnmarshalBinary(data); err != nil {
			return
		}
		o.Step() // a state that loads must be usable
	})
}
