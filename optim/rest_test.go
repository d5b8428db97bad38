package optim_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/testfunc"
)

// restReference is testdata/torch/optim_rest_reference.json, written by
// gen_optim_rest.py: muon (torch 2.9's algorithm), lamb (the paper's
// Algorithm 2) and Lookahead's pullback_momentum, in torch 1.13 operations.
type restReference struct {
	BF16  [][2]float64 `json:"bf16_samples"`
	Cases []struct {
		Spec   string      `json:"spec"`
		DType  string      `json:"dtype"`
		Rows   int         `json:"rows"`
		Cols   int         `json:"cols"`
		Func   *string     `json:"func"`
		Steps  int         `json:"steps"`
		Points [][]float64 `json:"points"`
	} `json:"cases"`
}

func loadRest(t *testing.T) restReference {
	t.Helper()
	b, err := os.ReadFile("../testdata/torch/optim_rest_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref restReference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) < 100 || len(ref.BF16) < 500 {
		t.Fatalf("%d cases, %d bf16 samples", len(ref.Cases), len(ref.BF16))
	}
	return ref
}

// matrixGrad is the generator's gradient of the matrix cases at step k.
func matrixGrad[T optim.Float](p *optim.Param[T], rows, cols, k int) {
	for i := range rows {
		for j := range cols {
			e := i*cols + j
			target := math.Sin(float64(i) + 2*float64(j) + float64(k)/10)
			p.Grad[e] = T((float64(p.Value[e]) - target) * float64(1+e%3))
		}
	}
}

// stepper is what the optimizers with a type of their own share.
type stepper interface{ Step() }

// runRest runs one case of the rest reference in T and returns its points.
func runRest[T optim.Float](t *testing.T, spec string, rows, cols int, fn *string, start []float64, steps int) [][]float64 {
	t.Helper()
	v := make([]T, len(start))
	for i, x := range start {
		v[i] = T(x)
	}
	p := optim.NewParam("w", v)
	var f testfunc.Function
	if fn != nil {
		var err error
		if f, err = testfunc.Lookup(*fn); err != nil {
			t.Fatal(err)
		}
	}
	var o stepper
	if strings.HasPrefix(spec, "lookahead") {
		o = newLookahead(t, spec, p)
	} else {
		h, err := optim.ParseSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		p.Rows, p.Cols = rows, cols
		switch h := h.(type) {
		case optim.Muon:
			o, err = optim.NewMuon(h, p)
		case optim.LAMB:
			o, err = optim.NewLAMB(h, p)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	pts := [][]float64{widen(v)}
	for k := range steps {
		if fn == nil {
			matrixGrad(p, rows, cols, k)
		} else {
			gx, gy := f.Grad(float64(v[0]), float64(v[1]))
			p.Grad[0], p.Grad[1] = T(gx), T(gy)
		}
		o.Step()
		pts = append(pts, widen(v))
	}
	return pts
}

// widen returns a float64 copy of v.
func widen[T optim.Float](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// TestRestParity compares every step of every case of the rest reference:
// float64 within 1e-9 and float32 within 1e-5, relative to max(|want|, 1),
// and logs the worst difference per method, dtype and Newton–Schulz type.
func TestRestParity(t *testing.T) {
	ref := loadRest(t)
	worst := map[string]float64{}
	seen := map[string]bool{}
	for _, c := range ref.Cases {
		var got [][]float64
		tol := 1e-9
		if c.DType == "float32" {
			got, tol = runRest[float32](t, c.Spec, c.Rows, c.Cols, c.Func, c.Points[0], c.Steps), 1e-5
		} else {
			got = runRest[float64](t, c.Spec, c.Rows, c.Cols, c.Func, c.Points[0], c.Steps)
		}
		method, _, _ := strings.Cut(c.Spec, ":")
		key := method + "/" + c.DType
		if strings.Contains(c.Spec, "ns_dtype=param") {
			key += "/ns_dtype=param"
		} else if method == "muon" {
			key += "/ns_dtype=bfloat16"
		}
		for _, k := range coveredOptions {
			if strings.Contains(c.Spec, k) {
				seen[k] = true
			}
		}
		d := 0.0
		for k := range c.Points {
			for j, w := range c.Points[k] {
				e := math.Abs(got[k][j]-w) / math.Max(math.Abs(w), 1)
				d = max(d, e)
				if !(e <= tol) {
					t.Fatalf("%s %s %d×%d func %v: step %d element %d: got %.17g, reference %.17g", c.Spec, c.DType, c.Rows, c.Cols, c.Func, k, j, got[k][j], w)
				}
			}
		}
		worst[key] = max(worst[key], d)
	}
	for _, k := range slices.Sorted(mapsKeys(worst)) {
		t.Logf("%-32s worst relative difference %.3g", k, worst[k])
	}
	for _, k := range coveredOptions {
		if !seen[k] {
			t.Errorf("no case has %s", k)
		}
	}
}

// coveredOptions are the options the rest reference must exercise.
var coveredOptions = []string{"pullback_momentum=reset", "pullback_momentum=pullback", "adjust_lr_fn=match_rms_adamw",
	"nesterov=false", "bias_correction=false", "ns_steps", "ns_a", "ns_dtype=param", "momentum=0.0", "weight_decay", "eps",
	"clamp_value", "beta1", "beta2"}

func mapsKeys(m map[string]float64) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestMuonBF16Rounding: the rounding to bfloat16 that Muon's iteration
// uses equals torch's (c10::BFloat16) on 510 float32 values: random ones,
// exact ties of both parities, subnormals, values near the largest.
func TestMuonBF16Rounding(t *testing.T) {
	ref := loadRest(t)
	for _, s := range ref.BF16 {
		if got := optim.BF16(float32(s[0])); float64(got) != s[1] {
			t.Errorf("BF16(%g [%#08x]) = %g, torch %g", s[0], math.Float32bits(float32(s[0])), got, s[1])
		}
	}
}

// TestMuonLAMBAllocsAndSaveLoad: Step allocates nothing; save after 5
// steps, load into a fresh optimizer over copies (built with other
// hyperparameters, which the saved ones replace), 6 more steps:
// bit-identical, in float32 and float64, for both Newton–Schulz types.
func TestMuonLAMBAllocsAndSaveLoad(t *testing.T) {
	for _, spec := range []string{"muon:lr=0.02", "muon:lr=0.02,ns_dtype=param,nesterov=false", "lamb:lr=0.01,weight_decay=0.01", "lamb:bias_correction=false"} {
		t.Run(spec, func(t *testing.T) {
			testSaveLoadOwn[float32](t, spec)
			testSaveLoadOwn[float64](t, spec)
		})
	}
}

type ownOptimizer interface {
	Step()
	MarshalBinary() ([]byte, error)
	UnmarshalBinary([]byte) error
}

func buildOwn[T optim.Float](t *testing.T, spec string, ps []*optim.Param[T]) ownOptimizer {
	t.Helper()
	h, err := optim.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	var o ownOptimizer
	switch h := h.(type) {
	case optim.Muon:
		o, err = optim.NewMuon(h, ps...)
	case optim.LAMB:
		o, err = optim.NewLAMB(h, ps...)
	}
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func testSaveLoadOwn[T optim.Float](t *testing.T, spec string) {
	r := rand.New(rand.NewPCG(3, 4))
	shapes := [][2]int{{7, 5}, {3, 9}, {1, 4}}
	mk := func() []*optim.Param[T] {
		var ps []*optim.Param[T]
		for i, s := range shapes {
			v := make([]T, s[0]*s[1])
			for j := range v {
				v[j] = T(math.Cos(float64(j + i)))
			}
			p := optim.NewParam(fmt.Sprintf("p%d", i), v)
			p.Rows, p.Cols = s[0], s[1]
			ps = append(ps, p)
		}
		return ps
	}
	ps := mk()
	o := buildOwn(t, spec, ps)
	for range 5 {
		fillGrads(r, ps)
		o.Step()
	}
	if n := testing.AllocsPerRun(10, o.Step); n != 0 {
		t.Errorf("%s: %v allocations per step", spec, n)
	}
	blob, err := o.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	ps2 := mk()
	for i := range ps {
		copy(ps2[i].Value, ps[i].Value)
	}
	other := "lamb:lr=0.5"
	if strings.HasPrefix(spec, "muon") {
		other = "muon:lr=0.5,momentum=0.1"
		if strings.Contains(spec, "ns_dtype=param") {
			other += ",ns_dtype=param"
		}
	}
	o2 := buildOwn(t, other, ps2)
	if err := o2.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	stepBoth(r.Uint64(), 6, ps, ps2, o, o2)
	for i := range ps {
		if !slices.Equal(ps[i].Value, ps2[i].Value) {
			t.Fatalf("%s: %s differs after save/load", spec, ps[i].Name)
		}
	}
	// A state refuses to load into other parameters, changing nothing.
	ps3 := mk()
	ps3[1].Name = "other"
	o3 := buildOwn(t, spec, ps3)
	if err := o3.UnmarshalBinary(blob); err == nil || !strings.Contains(err.Error(), `"other"`) {
		t.Errorf("load into renamed parameters: %v", err)
	}
	if err := o3.UnmarshalBinary(blob[:len(blob)/2]); err == nil {
		t.Error("a truncated state loaded")
	}
	// Muon's scratch is made for its ns_dtype: a state of the other refuses.
	if strings.HasPrefix(spec, "muon") {
		flip := "muon:ns_dtype=param"
		if strings.Contains(spec, "ns_dtype=param") {
			flip = "muon"
		}
		if err := buildOwn(t, flip, mk()).UnmarshalBinary(blob); err == nil || !strings.Contains(err.Error(), "ns_dtype") {
			t.Errorf("%s state into %s: %v", spec, flip, err)
		}
	}
}

// TestMuonRefusesNonMatrices: as torch.optim.Muon, muon takes 2-D
// parameters only, and says which parameter is not one; muon and lamb
// refuse to be built by New.
func TestMuonRefusesNonMatrices(t *testing.T) {
	w := optim.NewParam("w", make([]float32, 6))
	w.Rows, w.Cols = 2, 3
	b := optim.NewParam("bias", make([]float32, 3))
	if _, err := optim.NewMuon(optim.DefaultMuon(), w, b); err == nil || !strings.Contains(err.Error(), `"bias" is not a matrix`) {
		t.Errorf("NewMuon with a vector: %v", err)
	}
	w.Rows = 3 // 3×3 ≠ 6 values
	if _, err := optim.NewMuon(optim.DefaultMuon(), w); err == nil {
		t.Error("NewMuon accepted a shape that does not match the length")
	}
	w.Rows = 2
	for _, spec := range []string{"muon", "lamb"} {
		h, _ := optim.ParseSpec(spec)
		if _, err := optim.New(h, b); err == nil || !strings.Contains(err.Error(), "build it with New") {
			t.Errorf("New(%s): %v", spec, err)
		}
	}
	for spec, want := range map[string]string{
		"muon:ns_steps=100":           "ns_steps=100",
		"muon:ns_steps=-1":            "ns_steps=-1",
		"muon:adjust_lr_fn=none":      "adjust_lr_fn",
		"muon:ns_dtype=float16":       "ns_dtype",
		"muon:eps=0":                  "eps=0",
		"muon:momentum=-1":            "momentum=-1",
		"lamb:clamp_value=0":          "clamp_value=0",
		"lamb:beta2=1":                "beta2=1",
		"lamb:bias_correction=yes":    "bias_correction",
		"muon:ns_a=nan":               "ns_a=NaN",
		"lamb:weight_decay=-0.1":      "weight_decay=-0.1",
		"muon:weight_decay=1e400":     "weight_decay",
		"muon:lr=1e39,ns_dtype=param": "",
	} {
		h, err := optim.ParseSpec(spec)
		if want == "" {
			// Parses, but a float32 optimizer cannot hold lr=1e39.
			if err == nil {
				_, err = optim.NewMuon(h.(optim.Muon), w)
			}
			if err == nil || !strings.Contains(err.Error(), "float32") {
				t.Errorf("%s in float32: %v", spec, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSpec(%q): %v, want %q", spec, err, want)
		}
	}
}
