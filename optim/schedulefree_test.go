package optim_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

// TestScheduleFreeModes: Eval puts x in the parameters and Train puts y
// back exactly; Step refuses Eval mode; no allocation per step; the state
// saved in Eval mode loads and continues bit for bit.
func TestScheduleFreeModes(t *testing.T) {
	for _, spec := range []string{"sf_adamw:lr=0.05,weight_decay=0.01,warmup_steps=3", "sf_sgd:lr=0.1,weight_decay=0.01,warmup_steps=3"} {
		t.Run(spec, func(t *testing.T) { testScheduleFreeModes(t, spec) })
	}
}

func testScheduleFreeModes(t *testing.T, spec string) {
	h, _ := optim.ParseSpec(spec)
	p := optim.NewParam("w", []float32{1, -2, 3, 0.5})
	o, err := optim.NewScheduleFree(h, p)
	if err != nil {
		t.Fatal(err)
	}
	grad := func(k int) {
		for i := range p.Grad {
			p.Grad[i] = p.Value[i] - float32(k%3)
		}
	}
	for k := range 6 {
		grad(k)
		o.Step()
	}
	if n := testing.AllocsPerRun(10, func() { grad(1); o.Step() }); n != 0 {
		t.Errorf("%v allocations per step", n)
	}
	y := slices.Clone(p.Value)
	o.Eval()
	if !slices.Equal(p.Value, o.X(0)) || slices.Equal(p.Value, y) {
		t.Fatalf("Eval: parameters %v, x %v, y %v", p.Value, o.X(0), y)
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), "Train first") {
				t.Errorf("Step in Eval mode: %v", r)
			}
		}()
		o.Step()
	}()
	blob, err := o.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	o.Train()
	if !slices.Equal(p.Value, y) {
		t.Fatalf("Train: %v, want y %v", p.Value, y)
	}
	p2 := optim.NewParam("w", make([]float32, 4))
	def, _ := optim.Default(h.Method())
	o2, _ := optim.NewScheduleFree(def, p2)
	if err := o2.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	o2.Train()
	for k := range 5 {
		grad(k)
		copy(p2.Grad, p.Grad)
		o.Step()
		o2.Step()
		if !slices.Equal(p.Value, p2.Value) {
			t.Fatalf("step %d after load: %v, never saved %v", k, p2.Value, p.Value)
		}
	}
	if _, err := optim.New(h, p); err == nil || !strings.Contains(err.Error(), "NewScheduleFree") {
		t.Errorf("New(%s): %v", spec, err)
	}
}
