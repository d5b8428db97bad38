package clip_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/descentlab/descent/clip"
	"github.com/descentlab/descent/optim"
)

// paramsAndGrads returns parameters with random gradients scaled by scale,
// and a copy of those gradients as [][]T.
func paramsAndGrads(seed uint64, scale float64, sizes ...int) ([]*optim.Param[float32], [][]float32) {
	r := rand.New(rand.NewPCG(seed, 1))
	var ps []*optim.Param[float32]
	var gs [][]float32
	for i, n := range sizes {
		p := optim.NewParam("p"+string(rune('a'+i)), make([]float32, n))
		for j := range p.Grad {
			p.Grad[j] = float32(r.NormFloat64() * scale)
		}
		ps = append(ps, p)
		gs = append(gs, slices.Clone(p.Grad))
	}
	return ps, gs
}

// TestParamsFormsEqualSliceForms: the []*optim.Param forms give bit for bit
// what the [][]T forms give on the same gradients, on the ordinary path and
// on the rescaled one (tiny and huge gradients).
func TestParamsFormsEqualSliceForms(t *testing.T) {
	for _, scale := range []float64{1, 1e-30, 1e30} {
		for _, maxNorm := range []float64{0.5, 1e6, math.Inf(1)} {
			ps, gs := paramsAndGrads(7, scale, 33, 1, 100)
			if a, b := clip.NormParams(ps), clip.Norm(gs); a != b {
				t.Fatalf("scale %g: NormParams %v, Norm %v", scale, a, b)
			}
			n1, err1 := clip.GlobalNormParams(ps, maxNorm*scale)
			n2, err2 := clip.GlobalNorm(gs, maxNorm*scale)
			if n1 != n2 || err1 != nil || err2 != nil {
				t.Fatalf("scale %g: GlobalNormParams %v %v, GlobalNorm %v %v", scale, n1, err1, n2, err2)
			}
			for i, p := range ps {
				if !slices.Equal(p.Grad, gs[i]) {
					t.Fatalf("scale %g max %g: %s clipped differently", scale, maxNorm, p.Name)
				}
			}
		}
	}
	ps, gs := paramsAndGrads(3, 2, 5, 9)
	if err := clip.ValueParams(ps, 1); err != nil {
		t.Fatal(err)
	}
	if err := clip.Value(gs, 1); err != nil {
		t.Fatal(err)
	}
	for i, p := range ps {
		if !slices.Equal(p.Grad, gs[i]) {
			t.Fatalf("ValueParams and Value differ on %s", p.Name)
		}
	}
}

func TestParamsErrorsAndNonFinite(t *testing.T) {
	ps, _ := paramsAndGrads(1, 1, 4, 4)
	before := slices.Clone(ps[0].Grad)
	for _, bad := range []float64{0, -1, math.NaN()} {
		if _, err := clip.GlobalNormParams(ps, bad); err == nil {
			t.Errorf("GlobalNormParams(maxNorm=%v): no error", bad)
		}
		if err := clip.ValueParams(ps, bad); err == nil {
			t.Errorf("ValueParams(%v): no error", bad)
		}
	}
	if !slices.Equal(ps[0].Grad, before) {
		t.Fatal("a refused call changed the gradients")
	}
	if name, i, ok := clip.FirstNonFiniteParams(ps); ok || name != "" || i != -1 {
		t.Fatalf("FirstNonFiniteParams of finite gradients = %q, %d, %v", name, i, ok)
	}
	ps[1].Grad[2] = float32(math.Inf(-1))
	norm, err := clip.GlobalNormParams(ps, 1e-3)
	if err != nil || !math.IsInf(norm, 1) || !slices.Equal(ps[0].Grad, before) {
		t.Fatalf("GlobalNormParams with -Inf = %v, %v, or it changed the gradients", norm, err)
	}
	if name, i, ok := clip.FirstNonFiniteParams(ps); !ok || name != "pb" || i != 2 {
		t.Fatalf("FirstNonFiniteParams = %q, %d, %v; want pb, 2, true", name, i, ok)
	}
}

// TestParamsAllocateNothing: on ordinary gradients the Params forms
// allocate nothing, as the [][]T forms.
func TestParamsAllocateNothing(t *testing.T) {
	ps, _ := paramsAndGrads(5, 1, 1000, 10)
	n := testing.AllocsPerRun(10, func() {
		clip.NormParams(ps)
		_, _ = clip.GlobalNormParams(ps, 0.1)
		_ = clip.ValueParams(ps, 0.01)
		clip.FirstNonFiniteParams(ps)
	})
	if n != 0 {
		t.Fatalf("%v allocations per call, want 0", n)
	}
}
