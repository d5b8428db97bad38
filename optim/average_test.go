package optim_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/descentlab/descent/optim"
)

// TestAverageParity feeds the parameter values of
// testdata/torch/average_reference.json (an SGD run recorded with torch
// 1.13.1's swa_utils.AveragedModel, gen_optim_more.py) into Average and
// compares every average: float64 within 1e-12, float32 within 1e-6.
func TestAverageParity(t *testing.T) {
	b, err := os.ReadFile("../testdata/torch/average_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			Fn       string       `json:"fn"`
			Decay    float64      `json:"decay"`
			Start    int          `json:"start"`
			DType    string       `json:"dtype"`
			Points   [][2]float64 `json:"points"`
			Averages [][2]float64 `json:"averages"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	fns := map[string]bool{}
	for _, c := range ref.Cases {
		fns[c.Fn] = true
		var got [][2]float64
		tol := 1e-12
		if c.DType == "float32" {
			got, tol = replayAverage[float32](t, c.Fn, c.Decay, c.Start, c.Points), 1e-6
		} else {
			got = replayAverage[float64](t, c.Fn, c.Decay, c.Start, c.Points)
		}
		if len(got) != len(c.Averages) {
			t.Fatalf("%s: %d averages, torch %d", c.Fn, len(got), len(c.Averages))
		}
		for k := range got {
			for j := range 2 {
				if w := c.Averages[k][j]; math.Abs(got[k][j]-w) > tol*math.Max(math.Abs(w), 1) {
					t.Fatalf("%s %s decay %v: update %d coordinate %d: got %.17g, torch %.17g", c.Fn, c.DType, c.Decay, k, j, got[k][j], w)
				}
			}
		}
	}
	if !fns[optim.AverageSWA] || !fns[optim.AverageEMA] {
		t.Errorf("reference covers %v, want swa and ema", fns)
	}
	p := optim.NewParam("w", []float64{1})
	if _, err := optim.NewAverage(optim.AverageEMA, 1.5, p); err == nil {
		t.Error("decay 1.5 accepted")
	}
	a, _ := optim.NewAverage(optim.AverageSWA, 0, p)
	a.Update()
	if n := testing.AllocsPerRun(10, a.Update); n != 0 {
		t.Errorf("Update: %v allocations", n)
	}
}

func replayAverage[T optim.Float](t *testing.T, fn string, decay float64, start int, points [][2]float64) [][2]float64 {
	t.Helper()
	p := optim.NewParam("w", make([]T, 2))
	a, err := optim.NewAverage(fn, decay, p)
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]float64
	for k, pt := range points {
		p.Value[0], p.Value[1] = T(pt[0]), T(pt[1])
		if k >= start {
			a.Update()
			v := a.Values(0)
			out = append(out, [2]float64{float64(v[0]), float64(v[1])})
		}
	}
	return out
}
