package nn

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestParamsLayout(t *testing.T) {
	m := MustParse("mlp:4-3-2", 1)
	want := []struct {
		name  string
		shape []int
	}{
		{"fc1.weight", []int{3, 4}}, {"fc1.bias", []int{3}},
		{"fc2.weight", []int{2, 3}}, {"fc2.bias", []int{2}},
	}
	params, grads := m.Flat()
	if m.NumParams() != 4*3+3+3*2+2 || len(params) != m.NumParams() || len(grads) != m.NumParams() {
		t.Fatalf("NumParams %d, len params %d, len grads %d", m.NumParams(), len(params), len(grads))
	}
	off := 0
	for i, v := range m.Params() {
		if v.Name != want[i].name || !reflect.DeepEqual(v.Shape, want[i].shape) {
			t.Errorf("view %d: %s %v, want %s %v", i, v.Name, v.Shape, want[i].name, want[i].shape)
		}
		// Each view is the next window of the flat buffers.
		if &v.Value[0] != &params[off] || &v.Grad[0] != &grads[off] || cap(v.Value) != len(v.Value) {
			t.Errorf("%s is not params[%d:%d]", v.Name, off, off+len(v.Value))
		}
		off += len(v.Value)
	}
	if off != len(params) {
		t.Errorf("views cover %d of %d parameters", off, len(params))
	}
}

// TestInitDistributions draws a 400→250 layer with each initialisation and
// checks the bound, mean and variance that the doc comments promise.
// With 100 000 draws the sample variance is within 2% of the true one
// (its relative standard error is √(2/n) ≈ 0.45% for a normal, less for a uniform).
func TestInitDistributions(t *testing.T) {
	const in, out = 400, 250
	cases := []struct {
		init     Init
		variance float64 // of the weights
		bound    float64 // of the weights; 0 means unbounded (normal)
		bias     float64 // bound of the biases; 0 means all zero
	}{
		{InitTorch, 1.0 / (3 * in), 1 / math.Sqrt(in), 1 / math.Sqrt(in)},
		{InitHe, 2.0 / in, 0, 0},
		{InitHeUniform, 2.0 / in, math.Sqrt(6.0 / in), 0},
		{InitXavier, 2.0 / (in + out), math.Sqrt(6.0 / (in + out)), 0},
		{InitXavierNormal, 2.0 / (in + out), 0, 0},
	}
	for _, c := range cases {
		t.Run(c.init.String(), func(t *testing.T) {
			m, err := New(Spec{Sizes: []int{in, out}, Init: c.init}, 5)
			if err != nil {
				t.Fatal(err)
			}
			w, b := m.Params()[0].Value, m.Params()[1].Value
			var sum, sq, top float64
			for _, v := range w {
				sum += float64(v)
				sq += float64(v) * float64(v)
				top = max(top, math.Abs(float64(v)))
			}
			mean, variance := sum/float64(len(w)), sq/float64(len(w))
			if math.Abs(mean) > 3*math.Sqrt(c.variance/float64(len(w))) {
				t.Errorf("mean %v", mean)
			}
			if math.Abs(variance/c.variance-1) > 0.02 {
				t.Errorf("variance %v, want %v", variance, c.variance)
			}
			if c.bound > 0 && (top > c.bound || top < 0.99*c.bound) {
				t.Errorf("max |w| %v, want just under %v", top, c.bound)
			}
			for _, v := range b {
				if c.bias == 0 && v != 0 || math.Abs(float64(v)) > c.bias {
					t.Fatalf("bias %v, want within ±%v", v, c.bias)
				}
			}
		})
	}
}

func TestSeeds(t *testing.T) {
	a, b, c := MustParse("mlp:5-4-3", 1), MustParse("mlp:5-4-3", 1), MustParse("mlp:5-4-3", 2)
	pa, _ := a.Flat()
	pb, _ := b.Flat()
	pc, _ := c.Flat()
	if !reflect.DeepEqual(pa, pb) || reflect.DeepEqual(pa, pc) {
		t.Error("same seed must give the same parameters, different seeds different ones")
	}
	// Dropout draws from its own stream: it does not change the initial weights.
	d := MustParse("mlp:5-4-3,dropout=0.5", 1)
	if pd, _ := d.Flat(); !reflect.DeepEqual(pa, pd) {
		t.Error("dropout changed the initial parameters")
	}
}

func TestDropoutStateResume(t *testing.T) {
	m := MustParse("mlp:6-8-3,dropout=0.5", 3)
	x, y := randBatch(rand.New(rand.NewPCG(3, 3)), 4, 6, 3)
	st := m.DropoutState()
	first := m.Loss(x, y)
	if second := m.Loss(x, y); second == first {
		t.Error("two dropout passes gave the same loss; masks did not change")
	}
	if err := m.SetDropoutState(st); err != nil {
		t.Fatal(err)
	}
	if again := m.Loss(x, y); again != first {
		t.Errorf("after restoring the dropout state: loss %v, want %v", again, first)
	}
	// Evaluation never drops: its loss is the same every time.
	l1, _ := m.Evaluate(x, y)
	l2, _ := m.Evaluate(x, y)
	if l1 != l2 {
		t.Errorf("Evaluate varies: %v, %v", l1, l2)
	}
}

// TestEvaluateChunks checks that evaluation in chunks of EvalChunk agrees
// with the training forward pass on the whole set at once.
func TestEvaluateChunks(t *testing.T) {
	m := MustParse("mlp:3-5-4", 9)
	n := 2*EvalChunk + 37
	x, y := randBatch(rand.New(rand.NewPCG(4, 4)), n, 3, 4)
	whole := m.Loss(x, y)
	loss, acc := m.Evaluate(x, y)
	if math.Abs(loss-whole) > 1e-12*whole {
		t.Errorf("Evaluate loss %v, Loss %v", loss, whole)
	}
	pred := m.Predict(nil, x)
	correct := 0
	for i := range y {
		if pred[i] == y[i] {
			correct++
		}
	}
	if len(pred) != n || float64(correct)/float64(n) != acc || m.Accuracy(x, y) != acc {
		t.Errorf("Predict gives %d of %d right; Evaluate accuracy %v", correct, n, acc)
	}
}

// TestStableSoftmax feeds logits far beyond float64 exp's range.
func TestStableSoftmax(t *testing.T) {
	m := MustParse("mlp:1-3", 1)
	w := m.Params()[0].Value
	b := m.Params()[1].Value
	copy(w, []float32{1000, 0, -1000})
	clear(b)
	// Logits (1000, 0, −1000) for x = 1: the loss of label 0 is about 0,
	// of label 1 about 1000, and the gradient is finite.
	loss := m.Loss([]float32{1, 1}, []uint8{0, 1})
	m.Backward()
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.Abs(loss-500) > 1e-3 {
		t.Errorf("loss %v, want 500", loss)
	}
	_, g := m.Flat()
	for _, v := range g {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("gradient %v", g)
		}
	}
}

func TestPanics(t *testing.T) {
	m := MustParse("mlp:2-3", 1)
	cases := map[string]func(){
		"backward first": func() { m.Backward() },
		"short x":        func() { m.Loss([]float32{1}, []uint8{0}) },
		"bad label":      func() { m.Loss([]float32{1, 2}, []uint8{3}) },
		"empty":          func() { m.Loss(nil, nil) },
	}
	for name, f := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestStepAllocs proves that a training step (Loss, Backward) and an
// evaluation allocate nothing once the buffers exist. The net is small
// enough that gonum's Sgemm stays serial: its parallel path starts
// goroutines, which allocate inside gemm, not in nn.
func TestStepAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops gemm's pooled jobs at random")
	}
	for _, spec := range []string{"mlp:20-32-16-10", "mlp:20-32-16-10,act=tanh,dropout=0.2"} {
		m := MustParse(spec, 1)
		x, y := randBatch(rand.New(rand.NewPCG(5, 5)), 16, 20, 10)
		small, ysmall := x[:8*20], y[:8]
		m.Loss(x, y)
		m.Backward()
		m.Evaluate(x, y)
		allocs := testing.AllocsPerRun(20, func() {
			m.Loss(x, y)
			m.Backward()
			m.Loss(small, ysmall) // a smaller batch reuses the same buffers
			m.Backward()
			m.Evaluate(x, y)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per step", spec, allocs)
		}
	}
}
