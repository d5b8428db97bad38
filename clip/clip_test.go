package clip

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/descentlab/descent/optim"
)

var (
	nan = math.NaN()
	inf = math.Inf(1)
)

func clone[T optim.Float](g [][]T) [][]T {
	out := make([][]T, len(g))
	for i := range g {
		out[i] = slices.Clone(g[i])
	}
	return out
}

// same compares exactly, treating NaN as equal to NaN.
func same(a, b float64) bool { return a == b || (a != a && b != b) }

func TestNorm(t *testing.T) {
	tests := []struct {
		name  string
		grads [][]float64
		want  float64
	}{
		{"nil", nil, 0},
		{"empty slices", [][]float64{{}, nil}, 0},
		{"3-4-5", [][]float64{{3}, {4}}, 5},
		{"5-12-13 across slices", [][]float64{{3, 4}, {}, {12}}, 13},
		{"unrolled and tail", [][]float64{{1, 1, 1, 1, 1, 1, 1, 1, 1}}, 3},
		{"signs", [][]float64{{-3, 4}}, 5},
		// Squares of 3e200 overflow float64 and those of 3e-200 underflow;
		// the scaled pass still finds the 3-4-5 triangle.
		{"huge", [][]float64{{3e200}, {4e200}}, 5e200},
		{"tiny", [][]float64{{3e-200, 4e-200}}, 5e-200},
		{"zero", [][]float64{{0, 0, 0}}, 0},
		{"NaN", [][]float64{{1, nan}}, nan},
		{"Inf", [][]float64{{1}, {-inf}}, inf},
		{"Inf and NaN", [][]float64{{inf, nan}}, nan},
	}
	for _, tt := range tests {
		got := Norm(tt.grads)
		if !same(got, tt.want) && math.Abs(got-tt.want) > 1e-15*tt.want {
			t.Errorf("%s: Norm = %v, want %v", tt.name, got, tt.want)
		}
	}
	// float32 gradients near the top of their range: the float64 sum of
	// squares does not overflow. 3·2¹²⁰ and 4·2¹²⁰ are exact in float32.
	g32 := [][]float32{{3 * 0x1p120}, {4 * 0x1p120}}
	if got, want := Norm(g32), 5*0x1p120; got != want {
		t.Errorf("float32 huge: Norm = %v, want %v", got, want)
	}
}

// coef is torch's clip coefficient, computed in float64 at run time (a Go
// constant expression would be rounded only once, at the end).
func coef(maxNorm, norm float64) float64 { return maxNorm / (norm + 1e-6) }

func TestGlobalNorm(t *testing.T) {
	tests := []struct {
		name    string
		grads   [][]float64
		maxNorm float64
		norm    float64
		want    [][]float64 // the gradients afterwards
	}{
		// coef = maxNorm/(norm + 1e-6), torch's formula, applied when < 1.
		{"clipped", [][]float64{{3}, {4}}, 1, 5,
			[][]float64{{3 * coef(1, 5)}, {4 * coef(1, 5)}}},
		{"clipped by half", [][]float64{{3, 4}, {12}}, 6.5, 13,
			[][]float64{{3 * coef(6.5, 13), 4 * coef(6.5, 13)}, {12 * coef(6.5, 13)}}},
		// At maxNorm = norm, coef = 5/(5 + 1e-6) < 1, so torch scales too.
		{"at the limit", [][]float64{{3}, {4}}, 5, 5,
			[][]float64{{3 * coef(5, 5)}, {4 * coef(5, 5)}}},
		{"below the limit", [][]float64{{3}, {4}}, 10, 5, [][]float64{{3}, {4}}},
		{"infinite limit", [][]float64{{3e10}, {4e10}}, inf, 5e10, [][]float64{{3e10}, {4e10}}},
		{"zero gradient", [][]float64{{0, 0}}, 1, 0, [][]float64{{0, 0}}},
		{"NaN left alone", [][]float64{{3, nan}, {4}}, 1, nan, [][]float64{{3, nan}, {4}}},
		{"Inf left alone", [][]float64{{3, -inf}, {4}}, 1, inf, [][]float64{{3, -inf}, {4}}},
	}
	for _, tt := range tests {
		g := clone(tt.grads)
		norm, err := GlobalNorm(g, tt.maxNorm)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !same(norm, tt.norm) {
			t.Errorf("%s: norm = %v, want %v", tt.name, norm, tt.norm)
		}
		for i := range g {
			for j := range g[i] {
				if !same(g[i][j], tt.want[i][j]) {
					t.Errorf("%s: g[%d][%d] = %v, want %v", tt.name, i, j, g[i][j], tt.want[i][j])
				}
			}
		}
		if math.IsInf(tt.maxNorm, 0) || math.IsNaN(tt.norm) || math.IsInf(tt.norm, 0) {
			continue
		}
		if after := Norm(g); after > tt.maxNorm {
			t.Errorf("%s: norm after clipping %v > maxNorm %v", tt.name, after, tt.maxNorm)
		}
	}
}

type myFloat float32 // a named type, as a model package might define

// float32 gradients are scaled in float32 by float32(coef), as torch
// multiplies a float32 tensor by its float32 clip_coef.
func TestGlobalNormFloat32(t *testing.T) {
	g := [][]myFloat{{3, 4}, {12}}
	norm, err := GlobalNorm(g, 1)
	if err != nil || norm != 13 {
		t.Fatalf("norm %v, err %v", norm, err)
	}
	c := myFloat(coef(1, 13))
	want := [][]myFloat{{3 * c, 4 * c}, {12 * c}}
	for i := range g {
		for j := range g[i] {
			if g[i][j] != want[i][j] {
				t.Errorf("g[%d][%d] = %v, want %v", i, j, g[i][j], want[i][j])
			}
		}
	}
}

func TestBadOptions(t *testing.T) {
	for _, v := range []float64{0, -1, nan, math.Inf(-1)} {
		g := [][]float64{{30, -40}}
		if n, err := GlobalNorm(g, v); err == nil || n != 0 {
			t.Errorf("GlobalNorm(maxNorm=%v) = %v, %v; want 0 and an error", v, n, err)
		}
		if err := Value(g, v); err == nil {
			t.Errorf("Value(clipValue=%v) accepted", v)
		}
		if g[0][0] != 30 || g[0][1] != -40 {
			t.Errorf("bad option %v changed the gradients: %v", v, g)
		}
	}
	_, err := GlobalNorm([][]float32{{1}}, -2)
	if want := "clip: GlobalNorm: maxNorm=-2, want a number > 0"; err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestValue(t *testing.T) {
	tests := []struct {
		name  string
		v     float64
		grads [][]float64
		want  [][]float64
	}{
		{"clamp both sides", 1, [][]float64{{-3, -1, -0.5, 0, 0.5, 1, 3}}, [][]float64{{-1, -1, -0.5, 0, 0.5, 1, 1}}},
		{"several slices", 0.25, [][]float64{{1}, {}, {-0.1, -2}}, [][]float64{{0.25}, {}, {-0.1, -0.25}}},
		{"Inf clamped, NaN kept", 2, [][]float64{{inf, -inf, nan}}, [][]float64{{2, -2, nan}}},
		{"infinite clip value", inf, [][]float64{{1e300, -inf}}, [][]float64{{1e300, -inf}}},
	}
	for _, tt := range tests {
		g := clone(tt.grads)
		if err := Value(g, tt.v); err != nil {
			t.Fatal(err)
		}
		for i := range g {
			for j := range g[i] {
				if !same(g[i][j], tt.want[i][j]) {
					t.Errorf("%s: g[%d][%d] = %v, want %v", tt.name, i, j, g[i][j], tt.want[i][j])
				}
			}
		}
	}
	g := [][]float32{{0.3, -7}}
	if err := Value(g, 0.5); err != nil || g[0][0] != 0.3 || g[0][1] != -0.5 {
		t.Errorf("float32: %v %v", g, err)
	}
}

func TestNonFinite(t *testing.T) {
	for _, bad := range []float64{nan, inf, -inf} {
		// Every position, so that both the unrolled loop and its tail are
		// tested, in slices after clean ones.
		for n := 1; n <= 9; n++ {
			for pos := range n {
				g := [][]float64{{1, 2, 3, 4, 5}, nil, make([]float64, n), {bad}}
				g[2][pos] = bad
				if AllFinite(g) {
					t.Errorf("AllFinite missed %v at [2][%d] of %d", bad, pos, n)
				}
				s, i, ok := FirstNonFinite(g)
				if !ok || s != 2 || i != pos {
					t.Errorf("FirstNonFinite = %d, %d, %v; want 2, %d, true", s, i, ok, pos)
				}
			}
		}
		g32 := [][]float32{{1}, {2, 3, 4, 5, float32(bad)}}
		if s, i, ok := FirstNonFinite(g32); AllFinite(g32) || !ok || s != 1 || i != 4 {
			t.Errorf("float32 %v: FirstNonFinite = %d, %d, %v", bad, s, i, ok)
		}
	}
	clean := [][]float64{{math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 0, -0}, nil}
	if !AllFinite(clean) {
		t.Error("AllFinite rejected finite extremes")
	}
	if s, i, ok := FirstNonFinite(clean); ok || s != -1 || i != -1 {
		t.Errorf("FirstNonFinite(clean) = %d, %d, %v", s, i, ok)
	}
	if !AllFinite[float32](nil) {
		t.Error("AllFinite(nil) = false")
	}
}

func TestNoAllocs(t *testing.T) {
	g := [][]float32{make([]float32, 1000), make([]float32, 37)}
	for i := range g[0] {
		g[0][i] = float32(i % 7)
	}
	g64 := [][]float64{make([]float64, 1000)}
	funcs := map[string]func(){
		"GlobalNorm":         func() { _, _ = GlobalNorm(g, 1) },
		"GlobalNorm float64": func() { _, _ = GlobalNorm(g64, 1) },
		"Norm":               func() { _ = Norm(g) },
		"Value":              func() { _ = Value(g, 0.5) },
		"AllFinite":          func() { _ = AllFinite(g) },
		"FirstNonFinite":     func() { _, _, _ = FirstNonFinite(g) },
	}
	for name, f := range funcs {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s allocates %v times per call", name, n)
		}
	}
}

// grads splits n values into slices of about 1/8 each, like the parameter
// tensors of a small network.
func grads[T optim.Float](n int) [][]T {
	var out [][]T
	for n > 0 {
		k := min(n, max(n/8, 1024))
		g := make([]T, k)
		for i := range g {
			g[i] = T(math.Sin(float64(i)) * 1e-3)
		}
		out = append(out, g)
		n -= k
	}
	return out
}

func bench[T optim.Float](b *testing.B, f func([][]T)) {
	for _, n := range []int{1 << 10, 1 << 16, 1 << 22} {
		g := grads[T](n)
		var zero T
		bytes := float64(n) * float64(sizeof(zero))
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f(g)
			}
			b.ReportMetric(bytes*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
		})
	}
}

func sizeof[T optim.Float](x T) int {
	switch any(x).(type) {
	case float32:
		return 4
	}
	return 8
}

// maxNorm 1e9 never clips, so each iteration measures the same work: the
// norm pass only (clipping adds one more pass).
func BenchmarkGlobalNorm32(b *testing.B) {
	bench(b, func(g [][]float32) { _, _ = GlobalNorm(g, 1e9) })
}

func BenchmarkGlobalNorm64(b *testing.B) {
	bench(b, func(g [][]float64) { _, _ = GlobalNorm(g, 1e9) })
}

func BenchmarkValue32(b *testing.B) { bench(b, func(g [][]float32) { _ = Value(g, 1) }) }

func BenchmarkAllFinite32(b *testing.B) { bench(b, func(g [][]float32) { _ = AllFinite(g) }) }
