package clip

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

func TestCheckFinite(t *testing.T) {
	params := []*optim.Param[float32]{
		{Name: "fc1.weight", Value: make([]float32, 3), Grad: []float32{1, 2, 3}},
		{Name: "fc1.bias", Value: make([]float32, 4), Grad: []float32{0, 0, float32(math.Inf(-1)), float32(math.NaN())}},
	}
	err := CheckFinite(7, 0.5, params)
	var nf *NonFiniteError
	if !errors.As(err, &nf) || nf.Step != 7 || nf.Param != "fc1.bias" || nf.Index != 2 || !math.IsInf(nf.Value, -1) {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "step 7: gradient fc1.bias[2] is -Inf") {
		t.Errorf("message %q", err)
	}
	if err := CheckFinite(3, math.NaN(), params); !errors.As(err, &nf) || nf.Param != "" {
		t.Errorf("NaN loss: %v", err)
	}
	params[1].Grad[2], params[1].Grad[3] = 0, 0
	if err := CheckFinite(1, 0.5, params); err != nil {
		t.Errorf("finite: %v", err)
	}
	if n := testing.AllocsPerRun(100, func() { CheckFinite(1, 0.5, params) }); n != 0 {
		t.Errorf("%v allocations on the finite path", n)
	}
}
