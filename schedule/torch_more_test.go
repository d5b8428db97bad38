package schedule

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
)

// testdata/torch/gen_schedule_more.py records the schedulers of issue 12
// from torch 1.13.1 (300 steps each; torch 2.x runs the same operations).

type moreParams struct {
	LR           float64      `json:"lr"`
	TotalIters   int          `json:"total_iters"`
	Power        float64      `json:"power"`
	Factor       float64      `json:"factor"`
	StartFactor  float64      `json:"start_factor"`
	EndFactor    float64      `json:"end_factor"`
	BaseLR       float64      `json:"base_lr"`
	MaxLR        float64      `json:"max_lr"`
	StepSizeUp   int          `json:"step_size_up"`
	StepSizeDown int          `json:"step_size_down"`
	Mode         string       `json:"mode"`
	Gamma        float64      `json:"gamma"`
	StepSize     int          `json:"step_size"`
	Milestones   []int        `json:"milestones"`
	Fn           string       `json:"fn"`
	Kind         string       `json:"kind"`
	SwaLR        float64      `json:"swa_lr"`
	AnnealEpochs int          `json:"anneal_epochs"`
	Anneal       string       `json:"anneal"`
	Parts        []moreParams `json:"parts"`
}

// torchFns are the functions of the lambda and multiplicative cases, as
// gen_schedule_more.py writes them.
var torchFns = map[string]func(t int) float64{
	"exp095":  func(t int) float64 { return math.Pow(0.95, float64(t)) },
	"inverse": func(t int) float64 { return 1.0 / (1.0 + 0.1*float64(t)) },
	"warmup_halving": func(t int) float64 {
		return min(1.0, float64(t+1)/10.0) * math.Pow(0.5, float64(t/100))
	},
	"const099": func(int) float64 { return 0.99 },
	"sawtooth": func(t int) float64 {
		if t%50 == 0 {
			return 0.5
		}
		return 1.01
	},
}

var cyclicModes = map[string]CyclicMode{"triangular": Triangular, "triangular2": Triangular2, "exp_range": ExpRange}

// moreSchedule builds the Go schedule of one case (or one part of a chain,
// on base rate lr).
func moreSchedule(kind string, p moreParams, lr float64) (Schedule, error) {
	switch kind {
	case "polynomial":
		return Polynomial(lr, p.TotalIters, p.Power)
	case "constant_factor":
		return ConstantFactor(lr, p.Factor, p.TotalIters)
	case "linear":
		return LinearWarmup(lr, p.StartFactor, p.EndFactor, p.TotalIters)
	case "cyclic":
		return Cyclic(p.BaseLR, p.MaxLR, p.StepSizeUp, p.StepSizeDown, cyclicModes[p.Mode], p.Gamma)
	case "exponential":
		return Exponential(lr, p.Gamma)
	case "step":
		return Step(lr, p.StepSize, p.Gamma)
	case "multistep":
		return MultiStep(lr, p.Milestones, p.Gamma)
	case "lambda":
		return Lambda(lr, torchFns[p.Fn])
	case "multiplicative":
		return Multiplicative(lr, torchFns[p.Fn])
	case "swalr":
		a := AnnealCos
		if p.Anneal == "linear" {
			a = AnnealLinear
		}
		return SWALR(lr, p.SwaLR, p.AnnealEpochs, a)
	case "chained":
		var parts []Schedule
		for _, q := range p.Parts {
			s, err := moreSchedule(q.Kind, q, lr)
			if err != nil {
				return nil, err
			}
			parts = append(parts, s)
		}
		return Chained(lr, parts...)
	}
	return nil, fmt.Errorf("unknown kind %q", kind)
}

// TestTorchParityMore compares every schedule with torch's get_last_lr()
// sequence over 300 steps, within relTol of the value (of the peak rate
// where torch's value is 0). The worst differences seen are about 1e-14.
func TestTorchParityMore(t *testing.T) {
	kinds := map[string]int{}
	for i, c := range loadTorchFile(t, "schedule_more_reference.json") {
		kinds[c.Kind]++
		t.Run(fmt.Sprintf("%d_%s", i, c.Kind), func(t *testing.T) {
			var p moreParams
			if err := json.Unmarshal(c.Params, &p); err != nil {
				t.Fatal(err)
			}
			s, err := moreSchedule(c.Kind, p, p.LR)
			if err != nil {
				t.Fatalf("%s %s: %v", c.Kind, c.Params, err)
			}
			if len(c.LRs) != 300 {
				t.Fatalf("%d steps in the reference, want 300", len(c.LRs))
			}
			peak := max(p.LR, p.BaseLR, p.MaxLR)
			worst := 0.0
			for step, want := range c.LRs {
				got := s.LR(step)
				scale := math.Abs(want)
				if scale == 0 || c.Kind == "swalr" {
					// SWALR's rate near swa_lr = 0 is the small
					// difference of two terms, and torch's recursion
					// divides by 1 − α there (see closeRel): measure it
					// against the peak rate, as the cosine schedules.
					scale = max(scale, peak)
				}
				e := math.Abs(got-want) / scale
				worst = max(worst, e)
				if !(e <= relTol) {
					t.Fatalf("%s %s: LR(%d) = %v, torch %v (rel %.2g)", c.Kind, c.Params, step, got, want, e)
				}
			}
			t.Logf("%s %s: worst relative difference %.2g", c.Kind, c.Params, worst)
		})
	}
	for _, k := range []string{"polynomial", "constant_factor", "linear", "cyclic", "chained", "lambda", "multiplicative", "swalr"} {
		if kinds[k] < 3 {
			t.Errorf("%s: %d reference cases, want at least 3", k, kinds[k])
		}
	}
}

// TestMultiplicativeOrder: any order of calls gives the same rates as
// increasing t (the memo is only a cache).
func TestMultiplicativeOrder(t *testing.T) {
	s := must(Multiplicative(0.1, torchFns["sawtooth"]))
	want := make([]float64, 200)
	for i := range want {
		want[i] = s.LR(i)
	}
	s2 := must(Multiplicative(0.1, torchFns["sawtooth"]))
	for _, i := range []int{150, 3, 199, 0, 57, 56, 58, -4} {
		if got := s2.LR(i); got != want[max(i, 0)] {
			t.Errorf("LR(%d) = %v after other calls, want %v", i, got, want[max(i, 0)])
		}
	}
}
