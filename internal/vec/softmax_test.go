package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ulps returns the distance between a and b in units in the last place of
// float32 (both finite and of one sign, or equal).
func ulps(a, b float32) int64 {
	d := int64(math.Float32bits(a)) - int64(math.Float32bits(b))
	if d < 0 {
		d = -d
	}
	return d
}

func TestExp32Accuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	check := func(x float32) {
		got := Exp32(x)
		want := float32(math.Exp(float64(x)))
		if want >= math.SmallestNonzeroFloat32*(1<<23) { // normal: relative
			if u := ulps(got, want); u > 2 {
				t.Fatalf("Exp32(%v) = %v, exp = %v: %d ulp", x, got, want, u)
			}
			return
		}
		if math.Abs(float64(got)-math.Exp(float64(x))) > 2*math.SmallestNonzeroFloat32 {
			t.Fatalf("Exp32(%v) = %v, exp = %v (subnormal)", x, got, want)
		}
	}
	for range 1_000_000 {
		check(float32(-110 + 199*r.Float64()))
		check(float32(-1 + 2*r.Float64()))
	}
	for _, x := range []float32{0, -0.5, 0.5, 1, -1, -87, -103, -104, -105, -200, 88, 88.7} {
		check(x)
	}
	if Exp32(0) != 1 || Exp32(-1e30) != 0 || Exp32(float32(math.Inf(-1))) != 0 {
		t.Fatal("Exp32 of 0, −1e30, −Inf")
	}
	if !math.IsInf(float64(Exp32(89)), 1) || !math.IsInf(float64(Exp32(1e30)), 1) || !math.IsInf(float64(Exp32(float32(math.Inf(1)))), 1) {
		t.Fatal("Exp32 overflow is not +Inf")
	}
	if x := Exp32(float32(math.NaN())); x == x {
		t.Fatal("Exp32(NaN) is not NaN")
	}
}

// softmaxCase returns rows×c logits: normal values, large spreads, and with
// special set, ±Inf and NaN here and there.
func softmaxCase(r *rand.Rand, rows, c int, special bool) []float32 {
	x := make([]float32, rows*c)
	for i := range x {
		switch k := r.IntN(20); {
		case special && k == 0:
			x[i] = []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}[r.IntN(3)]
		case k < 3:
			x[i] = float32(200 * (r.Float64() - 0.5)) // spreads past ExpMin
		case k == 3:
			x[i] = float32(1e30 * (r.Float64() - 0.5))
		default:
			x[i] = float32(3 * r.NormFloat64())
		}
	}
	return x
}

func TestSoftmaxRowsPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for c := 1; c <= 20; c++ {
		for _, rows := range []int{1, 2, 5, 100} {
			for _, special := range []bool{false, true} {
				logits := softmaxCase(r, rows, c, special)
				wdz, wtop, wsum := make([]float32, rows*c), make([]float32, rows), make([]float32, rows)
				softmaxRows(wdz, wtop, wsum, logits, c, 0.01)
				each(t, func(t *testing.T, _ Path) {
					dz, top, sum := make([]float32, rows*c+1), make([]float32, rows+1), make([]float32, rows+1)
					dz[rows*c], top[rows], sum[rows] = 7, 7, 7
					SoftmaxRows(dz[:rows*c], top[:rows], sum[:rows], logits, c, 0.01)
					if dz[rows*c] != 7 || top[rows] != 7 || sum[rows] != 7 {
						t.Fatal("SoftmaxRows wrote past its rows")
					}
					for i := range rows {
						if wsum[i] != wsum[i] { // a NaN or +Inf logit: all NaN
							if sum[i] == sum[i] {
								t.Fatalf("c=%d row %d: sum %v, want NaN", c, i, sum[i])
							}
							for j := range c {
								if v := dz[i*c+j]; v == v {
									t.Fatalf("c=%d row %d: dz %v, want NaN", c, i, v)
								}
							}
							continue
						}
						if top[i] != wtop[i] {
							t.Fatalf("c=%d row %d: top %v, want %v", c, i, top[i], wtop[i])
						}
						sameBits(t, "sum", sum[i:i+1], wsum[i:i+1])
						sameBits(t, "dz", dz[i*c:(i+1)*c], wdz[i*c:(i+1)*c])
					}
				})
			}
		}
	}
}

func TestSoftmaxRowsDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	const rows, c, scale = 50, 10, 0.5
	logits := softmaxCase(r, rows, c, false)
	dz, top, sum := make([]float32, rows*c), make([]float32, rows), make([]float32, rows)
	SoftmaxRows(dz, top, sum, logits, c, scale)
	for i := range rows {
		row := logits[i*c : (i+1)*c]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		if float64(top[i]) != m {
			t.Fatalf("row %d: top %v, want %v", i, top[i], m)
		}
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v) - m)
		}
		if math.Abs(float64(sum[i])-s) > 1e-6*s {
			t.Fatalf("row %d: sum %v, want %v", i, sum[i], s)
		}
		for j, v := range row {
			want := scale * math.Exp(float64(v)-m) / s
			if math.Abs(float64(dz[i*c+j])-want) > 1e-6*scale {
				t.Fatalf("row %d col %d: %v, want %v", i, j, dz[i*c+j], want)
			}
		}
	}
}
