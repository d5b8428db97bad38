package schedule

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// The reference values come from PyTorch: testdata/torch/gen_schedule.py
// records optimizer.param_groups[0]['lr'] before each optimizer step (and,
// for the plateau cases, after each scheduler.step(metric)).

type torchCase struct {
	Kind    string          `json:"kind"`
	Params  json.RawMessage `json:"params"`
	LRs     []float64       `json:"lrs"`
	Metrics []float64       `json:"metrics"`
}

type torchParams struct {
	LR             float64 `json:"lr"`
	StepSize       int     `json:"step_size"`
	Gamma          float64 `json:"gamma"`
	Milestones     []int   `json:"milestones"`
	TMax           int     `json:"t_max"`
	EtaMin         float64 `json:"eta_min"`
	T0             int     `json:"t_0"`
	TMult          int     `json:"t_mult"`
	StartFactor    float64 `json:"start_factor"`
	EndFactor      float64 `json:"end_factor"`
	TotalIters     int     `json:"total_iters"`
	MaxLR          float64 `json:"max_lr"`
	TotalSteps     int     `json:"total_steps"`
	PctStart       float64 `json:"pct_start"`
	Anneal         string  `json:"anneal"`
	DivFactor      float64 `json:"div_factor"`
	FinalDivFactor float64 `json:"final_div_factor"`
	ThreePhase     bool    `json:"three_phase"`
	Warmup         int     `json:"warmup"`
	StepGamma      float64 `json:"step_gamma"`
	ExpGamma       float64 `json:"exp_gamma"`
	Mode           string  `json:"mode"`
	Factor         float64 `json:"factor"`
	Patience       int     `json:"patience"`
	Threshold      float64 `json:"threshold"`
	ThresholdMode  string  `json:"threshold_mode"`
	Cooldown       int     `json:"cooldown"`
	MinLR          float64 `json:"min_lr"`
	Eps            float64 `json:"eps"`
}

func loadTorch(t *testing.T) []torchCase {
	t.Helper()
	return loadTorchFile(t, "schedule_reference.json")
}

// loadTorchFile reads one of the reference files in testdata/torch.
func loadTorchFile(t *testing.T, name string) []torchCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "torch", name))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Torch string      `json:"torch"`
		Cases []torchCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	for i := range ref.Cases { // one line per case in messages
		var b bytes.Buffer
		if err := json.Compact(&b, ref.Cases[i].Params); err != nil {
			t.Fatal(err)
		}
		ref.Cases[i].Params = b.Bytes()
	}
	if len(ref.Cases) == 0 {
		t.Fatalf("no cases in %s", name)
	}
	return ref.Cases
}

// must panics on a constructor error; for building test fixtures from
// parameters known to be valid.
func must(s Schedule, err error) Schedule {
	if err != nil {
		panic(err)
	}
	return s
}

// cosineBased are the reference kinds whose rate is eta + c·(1 + cos x).
var cosineBased = map[string]bool{
	"cosine": true, "cosine_closed": true, "cosine_restarts": true,
	"onecycle": true, "sequential_warmup_cosine": true,
}

// relTol is the agreement asked of every schedule against torch.
const relTol = 1e-12

// closeRel reports whether got is within tol of want relative to scale.
//
// scale is |want|, except for the schedules built on cosines: near the
// bottom of a cosine 1 + cos(x) cancels, so a one-ulp difference between
// Go's math.Cos and the C library's cos that torch calls is amplified in a
// rate that is almost 0. For example at step 299 of the warm-up + cosine
// case (lr 0.1, T_max 290), Python's closed form gives
// 2.9338608443452153e-06 (torch's recursion 2.933860844345219e-06) and Go
// 2.9338608443396643e-06: 1.9e-12 apart relative to the value, 5.6e-17
// relative to lr. Neither side is more precise than ulp(1)/(1 + cos x)
// there, so for these schedules the difference is measured relative to
// max(|want|, peak lr).
func closeRel(got, want, scale, tol float64) bool {
	return math.Abs(got-want) <= tol*scale
}

// schedFor builds the Go schedule for a torch case; ok is false for the
// plateau cases, which are tested separately.
func schedFor(t *testing.T, c torchCase) (s Schedule, peak float64, ok bool) {
	t.Helper()
	var p torchParams
	if err := json.Unmarshal(c.Params, &p); err != nil {
		t.Fatal(err)
	}
	var err error
	switch c.Kind {
	case "step":
		s, err = Step(p.LR, p.StepSize, p.Gamma)
	case "multistep":
		s, err = MultiStep(p.LR, p.Milestones, p.Gamma)
	case "exponential":
		s, err = Exponential(p.LR, p.Gamma)
	case "cosine", "cosine_closed":
		s, err = Cosine(p.LR, p.TMax, p.EtaMin)
	case "cosine_restarts":
		s, err = CosineWarmRestarts(p.LR, p.T0, p.TMult, p.EtaMin)
	case "linear":
		s, err = LinearWarmup(p.LR, p.StartFactor, p.EndFactor, p.TotalIters)
	case "onecycle":
		a := AnnealCos
		if p.Anneal == "linear" {
			a = AnnealLinear
		}
		s, err = OneCycle(p.MaxLR, p.TotalSteps, p.PctStart, a, p.DivFactor, p.FinalDivFactor, p.ThreePhase)
		p.LR = p.MaxLR
	case "sequential_warmup_cosine":
		w := must(LinearWarmup(p.LR, p.StartFactor, 1, p.Warmup))
		cos := must(Cosine(p.LR, p.TMax, p.EtaMin))
		s, err = Sequential([]Schedule{w, cos}, []int{p.Warmup})
	case "sequential_linear_step_exp":
		w := must(LinearWarmup(p.LR, p.StartFactor, 1, p.TotalIters))
		st := must(Step(p.LR, p.StepSize, p.StepGamma))
		ex := must(Exponential(p.LR, p.ExpGamma))
		s, err = Sequential([]Schedule{w, st, ex}, p.Milestones)
	case "plateau":
		return nil, 0, false
	default:
		t.Fatalf("unknown kind %q in reference", c.Kind)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", c.Kind, c.Params, err)
	}
	return s, p.LR, true
}

func TestTorchParity(t *testing.T) {
	for i, c := range loadTorch(t) {
		s, peak, ok := schedFor(t, c)
		if !ok {
			continue
		}
		t.Run(fmt.Sprintf("%d_%s", i, c.Kind), func(t *testing.T) {
			var p torchParams
			_ = json.Unmarshal(c.Params, &p)
			worst, worstAt, bad := 0.0, 0, 0
			for step, want := range c.LRs {
				if c.Kind == "cosine" && step > p.TMax {
					// torch's recursive cosine is compared only up to T_max;
					// after it, cosine_closed cases compare the documented
					// closed form (see TestCosineRecursiveDrift).
					break
				}
				got := s.LR(step)
				scale := math.Abs(want)
				if cosineBased[c.Kind] {
					scale = max(scale, peak) // see closeRel
				}
				if scale == 0 {
					scale = 1
				}
				if e := math.Abs(got-want) / scale; e > worst {
					worst, worstAt = e, step
				}
				if !closeRel(got, want, scale, relTol) {
					if bad++; bad <= 5 {
						t.Errorf("%s %s: LR(%d) = %v, torch %v", c.Kind, c.Params, step, got, want)
					}
				}
			}
			t.Logf("%s %s: worst relative difference %.2g at step %d", c.Kind, c.Params, worst, worstAt)
		})
	}
}

// TestCosineRecursiveDrift documents how far torch's recursive cosine
// drifts from the closed form (which Cosine implements) after T_max. It
// only logs; the closed form itself is checked by the cosine_closed cases.
func TestCosineRecursiveDrift(t *testing.T) {
	for _, c := range loadTorch(t) {
		if c.Kind != "cosine" {
			continue
		}
		s, peak, _ := schedFor(t, c)
		var p torchParams
		_ = json.Unmarshal(c.Params, &p)
		worst := 0.0
		for step := p.TMax + 1; step < len(c.LRs); step++ {
			worst = max(worst, math.Abs(s.LR(step)-c.LRs[step])/peak)
		}
		t.Logf("cosine %s: after T_max, recursive torch vs closed form differ by up to %.2g of lr", c.Params, worst)
	}
}

func TestTorchPlateau(t *testing.T) {
	n := 0
	for _, c := range loadTorch(t) {
		if c.Kind != "plateau" {
			continue
		}
		n++
		var p torchParams
		if err := json.Unmarshal(c.Params, &p); err != nil {
			t.Fatal(err)
		}
		o := PlateauOptions{Factor: p.Factor, Patience: p.Patience, Threshold: p.Threshold,
			Cooldown: p.Cooldown, MinLR: p.MinLR, Eps: p.Eps}
		if p.Mode == "max" {
			o.Mode = Max
		}
		if p.ThresholdMode == "abs" {
			o.ThresholdMode = Abs
		}
		pl, err := NewPlateau(p.LR, o)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Metrics) != len(c.LRs) {
			t.Fatalf("%s: %d metrics, %d lrs", c.Params, len(c.Metrics), len(c.LRs))
		}
		reductions := 0
		for i, m := range c.Metrics {
			before := pl.State.LR
			got := pl.Step(m)
			if got != before {
				reductions++
			}
			// Each reduction is one multiplication, as in torch, so the
			// values agree exactly, not just to a tolerance.
			if got != c.LRs[i] {
				t.Fatalf("%s: after Step #%d (metric %v) lr = %v, torch %v", c.Params, i+1, m, got, c.LRs[i])
			}
		}
		if reductions == 0 {
			t.Errorf("%s: no reduction; the case tests nothing", c.Params)
		}
	}
	if n == 0 {
		t.Fatal("no plateau cases in the reference")
	}
}
