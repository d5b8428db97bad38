package torchbridge

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/safetensors"
)

// net is a small two-layer network's parameters, named and shaped as
// torch's nn.Linear layers fc1 (4→3) and fc2 (3→2) are.
func net(seed uint64) ([]*optim.Param[float32], []safetensors.Float32Tensor) {
	r := rand.New(rand.NewPCG(seed, 1))
	shapes := []struct {
		name  string
		shape []int
	}{{"fc1.weight", []int{3, 4}}, {"fc1.bias", []int{3}}, {"fc2.weight", []int{2, 3}}, {"fc2.bias", []int{2}}}
	var ps []*optim.Param[float32]
	var ws []safetensors.Float32Tensor
	for _, s := range shapes {
		v := make([]float32, product(s.shape))
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		p := optim.NewParam(s.name, v)
		ps = append(ps, p)
		ws = append(ws, safetensors.Float32Tensor{Name: s.name, Shape: s.shape, Data: v})
	}
	return ps, ws
}

// run builds an optimizer of two groups (fc1, fc2) with the given specs
// over a fresh net and takes steps with pseudo-random gradients; the
// second group's rate is changed by SetLR, as a schedule would.
func run(t *testing.T, spec1, spec2 string, steps int) (*optim.Optimizer[float32], []*optim.Param[float32], []safetensors.Float32Tensor) {
	t.Helper()
	ps, ws := net(1)
	h1, err1 := optim.ParseSpec(spec1)
	h2, err2 := optim.ParseSpec(spec2)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	o, err := optim.NewGroups(optim.Group[float32]{Params: ps[:2], Hyper: h1}, optim.Group[float32]{Params: ps[2:], Hyper: h2})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 2))
	for s := range steps {
		for _, p := range ps {
			for i := range p.Grad {
				p.Grad[i] = float32(r.NormFloat64())
			}
		}
		o.Step()
		if s == steps/2 {
			o.SetLR(1, o.LR(1)*0.5)
		}
	}
	return o, ps, ws
}

// TestRoundTrip converts descent's state and weights to the torch layout
// and back for every method with a torch class, and checks the bytes come
// back identical, and that the torch side has what torch's state_dict has:
// shaped buffers under integer ids, a float step, betas as a pair.
func TestRoundTrip(t *testing.T) {
	for _, c := range []struct{ spec1, spec2 string }{
		{"adam:lr=0.01", "adam:lr=0.003,amsgrad=true,weight_decay=0.1"},
		{"sgd:lr=0.1,momentum=0.9,nesterov=true", "sgd:lr=0.05,momentum=0.5,dampening=0.1"},
		{"sgd:lr=0.1", "sgd:lr=0.2"},
		{"adamw:lr=0.01", "adamw:lr=0.02"},
		{"nadam:lr=0.01", "nadam:lr=0.02"},
		{"radam", "radam:lr=0.02"},
		{"rmsprop:centered=true,momentum=0.9", "rmsprop"},
		{"adagrad", "adagrad:lr_decay=0.01"},
		{"adamax", "adamax"},
		{"adadelta", "adadelta"},
		{"rprop", "rprop"},
		{"asgd", "asgd"},
	} {
		o, _, ws := run(t, c.spec1, c.spec2, 7)
		st, err := o.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		torch, err := Export(ws, st)
		if err != nil {
			t.Fatalf("%s: Export: %v", c.spec1, err)
		}
		ws2, st2, err := Import(torch)
		if err != nil {
			t.Fatalf("%s: Import: %v", c.spec1, err)
		}
		if !bytes.Equal(st2, st) {
			t.Errorf("%s: the state after descent → torch → descent differs (%d bytes, was %d)", c.spec1, len(st2), len(st))
		}
		var wb1, wb2 bytes.Buffer
		safetensors.WriteFloat32(&wb1, ws, nil)
		safetensors.WriteFloat32(&wb2, ws2, nil)
		if !bytes.Equal(wb1.Bytes(), wb2.Bytes()) {
			t.Errorf("%s: the weights after the round trip differ", c.spec1)
		}
		o2, _, _ := run(t, c.spec1, c.spec2, 0)
		if err := o2.UnmarshalBinary(st2); err != nil {
			t.Errorf("%s: the imported state does not load: %v", c.spec1, err)
		}
	}
}

// TestTorchLayout checks the torch side of an Adam export against the
// shape of torch 1.13's Adam.state_dict().
func TestTorchLayout(t *testing.T) {
	o, ps, ws := run(t, "adam:lr=0.01", "adam:lr=0.003,amsgrad=true", 5)
	st, _ := o.MarshalBinary()
	torch, err := Export(ws, st)
	if err != nil {
		t.Fatal(err)
	}
	tensors, meta, err := safetensors.Decode(torch)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]safetensors.Tensor{}
	for _, x := range tensors {
		byName[x.Name] = x
	}
	if meta[MetaClass] != "Adam" || meta[MetaParamNames] != `["fc1.weight","fc1.bias","fc2.weight","fc2.bias"]` {
		t.Errorf("metadata %v", meta)
	}
	var groups []map[string]any
	if err := json.Unmarshal([]byte(meta[MetaParamGroups]), &groups); err != nil || len(groups) != 2 {
		t.Fatalf("param_groups %s: %v", meta[MetaParamGroups], err)
	}
	g := groups[1]
	if g["lr"] != 0.0015 || g["amsgrad"] != true || g["eps"] != 1e-08 || len(g["betas"].([]any)) != 2 || g["betas"].([]any)[1] != 0.999 || len(g["params"].([]any)) != 2 || g["params"].([]any)[0] != 2.0 {
		t.Errorf("param_groups[1] = %v; want lr 0.0015 (the rate SetLR left), amsgrad, eps 1e-8, betas [0.9 0.999], params [2 3]", g)
	}
	if _, ok := g["variant"]; ok {
		t.Error("param_groups carry descent's variant")
	}
	w := byName["optim.state.2.exp_avg"]
	if w.DType != "F32" || len(w.Shape) != 2 || w.Shape[0] != 2 || w.Shape[1] != 3 {
		t.Errorf("optim.state.2.exp_avg: %s %v, want F32 [2 3] (fc2.weight's shape)", w.DType, w.Shape)
	}
	want := o.State().Params["fc2.weight"].Buffers["exp_avg"]
	got, _ := w.AsFloat32()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("exp_avg[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if _, ok := byName["optim.state.3.max_exp_avg_sq"]; !ok {
		t.Error("no max_exp_avg_sq for the amsgrad group")
	}
	if s, err := scalar(byName["optim.state.0.step"]); err != nil || s != 5 || byName["optim.state.0.step"].DType != "F32" || len(byName["optim.state.0.step"].Shape) != 0 {
		t.Errorf("step: %v %v", s, err)
	}
	if m, _ := byName["model.fc1.weight"].AsFloat32(); len(m) != 12 || m[0] != ps[0].Value[0] {
		t.Error("model.fc1.weight is not the weights")
	}
}

// TestImportTorchOnly imports a file as torch_bridge.py writes one from a
// torch optimizer, without descent's metadata: torch's values are taken,
// the other keys get defaults, SGD's step-less momentum buffers count as
// used.
func TestImportTorchOnly(t *testing.T) {
	buf := safetensors.NewF32("optim.state.0.momentum_buffer", []int{2}, []float32{0.5, -1})
	groups := `[{"lr": 0.1, "momentum": 0.9, "dampening": 0, "weight_decay": 0, "nesterov": false, "maximize": false, "foreach": null, "differentiable": false, "params": [0, 1]}]`
	var b bytes.Buffer
	safetensors.Encode(&b, []safetensors.Tensor{safetensors.NewF32("model.w", []int{2}, []float32{1, 2}), buf},
		map[string]string{MetaClass: "SGD", MetaParamGroups: groups, MetaParamNames: `["w", "v"]`})
	ws, st, err := Import(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	w, v := optim.NewParam("w", []float32{1, 2}), optim.NewParam("v", []float32{3})
	o, _ := optim.New(optim.DefaultSGD(), w, v)
	if err := o.UnmarshalBinary(st); err != nil {
		t.Fatal(err)
	}
	s := o.State()
	if len(ws) != 1 || o.LR(0) != 0.1 || s.Params["w"].Step != 1 || s.Params["v"].Step != 0 || s.Params["w"].Buffers["momentum_buffer"][1] != -1 {
		t.Errorf("imported: lr %v, state %+v", o.LR(0), s)
	}
	if h := o.Hyper(0).(optim.SGD); h.Momentum != 0.9 || h.Nesterov {
		t.Errorf("hyper %+v", h)
	}
}

// TestErrors checks that bad input is refused with the reason.
func TestErrors(t *testing.T) {
	o, _, ws := run(t, "lion", "lion", 2)
	st, _ := o.MarshalBinary()
	if _, err := Export(ws, st); err == nil || !strings.Contains(err.Error(), `"lion" has no torch.optim class`) {
		t.Errorf("lion: %v", err)
	}
	o, _, ws = run(t, "adam", "adam", 2)
	st, _ = o.MarshalBinary()
	if _, err := Export(ws[:3], st); err == nil || !strings.Contains(err.Error(), `"fc2.bias" of the optimizer state has no weights`) {
		t.Errorf("missing weights: %v", err)
	}
	ws[0].Shape = []int{4, 4}
	if _, err := Export(ws, st); err == nil || !strings.Contains(err.Error(), "its shape [4 4] wants 64") {
		t.Errorf("wrong shape: %v", err)
	}
	for _, c := range []struct {
		meta map[string]string
		want string
	}{
		{map[string]string{}, "names no optimizer"},
		{map[string]string{MetaClass: "LAMB"}, `optim.class "LAMB"`},
		{map[string]string{MetaClass: "SGD"}, "no optim.param_groups"},
		{map[string]string{MetaClass: "SGD", MetaParamGroups: `[{"lr": -1, "params": []}]`, MetaParamNames: `[]`}, "lr"},
		{map[string]string{MetaClass: "Adam", MetaParamGroups: `[{"betas": [0.9], "params": []}]`, MetaParamNames: `[]`}, "betas"},
		{map[string]string{MetaClass: "SGD", MetaParamGroups: `[{"params": [0, 0]}]`, MetaParamNames: `["w"]`}, "listed twice"},
	} {
		var b bytes.Buffer
		safetensors.Encode(&b, nil, c.meta)
		if _, _, err := Import(b.Bytes()); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.meta, err, c.want)
		}
	}
}

// FuzzImport checks that Import never panics and that the state it
// returns is a valid safetensors file.
func FuzzImport(f *testing.F) {
	// Seeds written by hand, not by Export: an optimizer's worker pool
	// has no place in every fuzzing process.
	for _, c := range []struct{ class, groups, buf string }{
		{"SGD", `[{"lr": 0.1, "momentum": 0.9, "params": [0, 1]}]`, "momentum_buffer"},
		{"Adam", `[{"lr": 0.01, "betas": [0.9, 0.99], "amsgrad": true, "params": [1]}, {"params": [0]}]`, "exp_avg"},
	} {
		var b bytes.Buffer
		safetensors.Encode(&b, []safetensors.Tensor{
			safetensors.NewF32("model.w", []int{2}, []float32{1, 2}),
			safetensors.NewF32("optim.state.0."+c.buf, []int{2}, []float32{0.5, -1}),
			safetensors.NewF32("optim.state.0.step", []int{}, []float32{3}),
		}, map[string]string{MetaClass: c.class, MetaParamGroups: c.groups, MetaParamNames: `["w", "v"]`})
		f.Add(b.Bytes())
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, st, err := Import(data)
		if err != nil {
			return
		}
		if _, _, err := safetensors.Decode(st); err != nil {
			t.Fatalf("Import returned a state that does not decode: %v", err)
		}
	})
}
