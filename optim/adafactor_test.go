package optim_test

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

// TestAdafactorMatrixParity compares matrix parameters, whose second
// moment Adafactor factors, with testdata/torch/adafactor_matrix_reference.json
// (torch 2.5's algorithm in torch 1.13 operations, gen_optim_more.py).
func TestAdafactorMatrixParity(t *testing.T) {
	b, err := os.ReadFile("../testdata/torch/adafactor_matrix_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			Spec   string      `json:"spec"`
			DType  string      `json:"dtype"`
			Rows   int         `json:"rows"`
			Cols   int         `json:"cols"`
			Steps  int         `json:"steps"`
			Points [][]float64 `json:"points"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) < 4 {
		t.Fatalf("%d matrix cases", len(ref.Cases))
	}
	for _, c := range ref.Cases {
		h, err := optim.ParseSpec(c.Spec)
		if err != nil {
			t.Fatal(err)
		}
		var got [][]float64
		tol := 1e-9
		if c.DType == "float32" {
			got, tol = runMatrix[float32](t, h.(optim.Adafactor), c.Rows, c.Cols, c.Steps), 1e-5
		} else {
			got = runMatrix[float64](t, h.(optim.Adafactor), c.Rows, c.Cols, c.Steps)
		}
		for k := range c.Points {
			for j, w := range c.Points[k] {
				if math.Abs(got[k][j]-w) > tol*math.Max(math.Abs(w), 1) {
					t.Fatalf("%s %s %d×%d: step %d element %d: got %.17g, torch %.17g", c.Spec, c.DType, c.Rows, c.Cols, k, j, got[k][j], w)
				}
			}
		}
	}
}

// runMatrix runs Adafactor on a rows×cols matrix with the generator's
// gradient.
func runMatrix[T optim.Float](t *testing.T, h optim.Adafactor, rows, cols, steps int) [][]float64 {
	t.Helper()
	v := make([]T, rows*cols)
	for i := range v {
		v[i] = T(math.Cos(0.7 * float64(i)))
	}
	p := optim.NewParam("w", v)
	p.Rows, p.Cols = rows, cols
	o, err := optim.NewAdafactor(h, p)
	if err != nil {
		t.Fatal(err)
	}
	pts := [][]float64{widen(v)}
	for k := range steps {
		matrixGrad(p, rows, cols, k)
		if h.Maximize {
			for i, g := range p.Grad {
				p.Grad[i] = -g
			}
		}
		o.Step()
		pts = append(pts, widen(v))
	}
	return pts
}

// TestAdafactorAllocsAndErrors: Step allocates nothing; New refuses
// adafactor; a shape that does not hold the values is refused.
func TestAdafactorAllocsAndErrors(t *testing.T) {
	w := optim.NewParam("w", make([]float32, 12))
	w.Rows, w.Cols = 3, 4
	b := optim.NewParam("b", make([]float32, 4))
	o, err := optim.NewAdafactor(optim.DefaultAdafactor(), w, b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range w.Grad {
		w.Grad[i] = float32(i) - 5
	}
	o.Step()
	if n := testing.AllocsPerRun(20, o.Step); n != 0 {
		t.Errorf("%v allocations per step", n)
	}
	if _, err := optim.New(optim.DefaultAdafactor(), b); err == nil || !strings.Contains(err.Error(), "NewAdafactor") {
		t.Errorf("New(adafactor): %v", err)
	}
	bad := optim.NewParam("bad", make([]float32, 5))
	bad.Rows, bad.Cols = 2, 2
	if _, err := optim.NewAdafactor(optim.DefaultAdafactor(), bad); err == nil || !strings.Contains(err.Error(), "2×2") {
		t.Errorf("2×2 shape on 5 values: %v", err)
	}
	h, _ := optim.ParseSpec("adafactor:eps1=0.001")
	if a := h.(optim.Adafactor); a.Eps1DType || a.Eps1 != 0.001 {
		t.Errorf("adafactor:eps1=0.001 gives %#v", a)
	}
}

// TestAdafactorSaveLoadExact: save after 5 steps, load into a fresh
// optimizer over copies, run 5 more on both: bit-identical.
func TestAdafactorSaveLoadExact(t *testing.T) {
	testAdafactorSaveLoad[float32](t)
	testAdafactorSaveLoad[float64](t)
}

func testAdafactorSaveLoad[T optim.Float](t *testing.T) {
	mk := func() (*optim.Param[T], *optim.Param[T]) {
		w := optim.NewParam("w", make([]T, 6))
		w.Rows, w.Cols = 2, 3
		b := optim.NewParam("b", make([]T, 3))
		for i := range w.Value {
			w.Value[i] = T(math.Cos(float64(i)))
		}
		return w, b
	}
	grads := func(k int, ps ...*optim.Param[T]) {
		for _, p := range ps {
			for i := range p.Grad {
				p.Grad[i] = T(math.Sin(float64(3*k+i)) + float64(p.Value[i]))
			}
		}
	}
	h, _ := optim.ParseSpec("adafactor:lr=0.1,weight_decay=0.01")
	w, b := mk()
	o, _ := optim.NewAdafactor(h.(optim.Adafactor), w, b)
	for k := range 5 {
		grads(k, w, b)
		o.Step()
	}
	blob, err := o.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	w2, b2 := mk()
	copy(w2.Value, w.Value)
	copy(b2.Value, b.Value)
	o2, _ := optim.NewAdafactor(optim.DefaultAdafactor(), w2, b2)
	if err := o2.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	for k := 5; k < 10; k++ {
		grads(k, w, b)
		grads(k, w2, b2)
		o.Step()
		o2.Step()
	}
	for i := range w.Value {
		if w.Value[i] != w2.Value[i] {
			t.Fatalf("after save/load w differs: %v vs %v", w.Value, w2.Value)
		}
	}
	// The matrix's state does not load into a vector of the same length.
	v := optim.NewParam("w", make([]T, 6))
	o3, _ := optim.NewAdafactor(optim.DefaultAdafactor(), v, optim.NewParam("b", make([]T, 3)))
	if err := o3.UnmarshalBinary(blob); err == nil || !strings.Contains(err.Error(), "variance") {
		t.Errorf("matrix state into a vector: %v", err)
	}
}
