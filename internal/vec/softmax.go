package vec

import (
	"fmt"
	"math"
)

// The constants of Exp32 (Cephes expf, S. L. Moshier): exp(x) = 2ⁿ·exp(r)
// with n = ⌊x·log₂e + ½⌋ and r = x − n·ln2 (ln2 in two parts, C1 + C2), and
// exp(r) ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2.
const (
	expLog2e = 1.44269504088896341
	expC1    = 0.693359375
	expC2    = -2.12194440e-4
	expP0    = 1.9875691500e-4
	expP1    = 1.3981999507e-3
	expP2    = 8.3334519073e-3
	expP3    = 4.1665795894e-2
	expP4    = 1.6666665459e-1
	expP5    = 5.0000001201e-1
	// ExpMin is the argument below which Exp32 takes ExpMin instead. e^−104
	// is below half the smallest float32 subnormal (2^−149 ≈ e^−103.3), so
	// Exp32 is 0 there as e^x is: the clamp only bounds the scaling.
	ExpMin = -104
)

// Exp32 is e^x in float32, with at most 2 ulp of error for normal results
// (TestExp32Accuracy), computed by the same sequence of float32 operations,
// each rounded, as the vector kernels: no fused multiply-add, so the
// portable and vector results are the same bits. NaN gives NaN, +Inf and
// overflow +Inf, arguments below ExpMin are taken as ExpMin.
func Exp32(x float32) float32 {
	if x != x {
		return x
	}
	if x < ExpMin {
		x = ExpMin
	}
	if x > 89 { // e^89 overflows float32; avoid scaling by 2^≥128 below
		return float32(math.Inf(1))
	}
	t := float32(x*expLog2e) + 0.5
	n := float32(math.Floor(float64(t)))
	r := x - float32(n*expC1)
	r = r - float32(n*expC2)
	z := float32(r * r)
	y := float32(expP0 * r)
	y = float32((y + expP1) * r)
	y = float32((y + expP2) * r)
	y = float32((y + expP3) * r)
	y = float32((y + expP4) * r)
	y = y + expP5
	y = float32(y * z)
	y = y + r
	y = y + 1
	return float32(math.Ldexp(float64(y), int(n))) // one rounding, as VSCALEFPS
}

// SoftmaxRows computes, for each row i of the rows×c matrix logits, the
// row's largest value tops[i], the sum sums[i] of e_j = Exp32(logits[i][j]
// − tops[i]) and dz[i][j] = (e_j / sums[i]) · scale. The sum of a row is
// taken in a fixed tree order: e_j enters lane j mod 16 (lanes added in
// order of j), then lanes l and l+8 are added, then l and l+4, l and l+2,
// l and l+1, which is the order of a 16-lane vector reduction. The
// cross-entropy of row i with label y is log(sums[i]) − (logits[i][y] −
// tops[i]). c must be ≥ 1; tops and sums must hold a value per row.
func SoftmaxRows(dz, tops, sums, logits []float32, c int, scale float32) {
	if c < 1 || len(logits)%c != 0 {
		panic(fmt.Sprintf("vec: SoftmaxRows of %d values by rows of %d", len(logits), c))
	}
	rows := len(logits) / c
	if rows == 0 {
		return
	}
	dz, tops, sums = dz[:len(logits)], tops[:rows], sums[:rows]
	if path == AVX512 && c <= 16 {
		softmaxAVX512(&dz[0], &tops[0], &sums[0], &logits[0], rows, c, scale)
		return
	}
	softmaxRows(dz, tops, sums, logits, c, scale)
}

func softmaxRows(dz, tops, sums, logits []float32, c int, scale float32) {
	for i := range len(logits) / c {
		row, out := logits[i*c:(i+1)*c], dz[i*c:(i+1)*c]
		top := row[0]
		for _, v := range row[1:] {
			if v > top || v != v {
				top = v
			}
		}
		var lane [16]float32
		for j, v := range row {
			e := Exp32(v - top)
			out[j] = e
			lane[j%16] += e
		}
		for w := 8; w >= 1; w /= 2 {
			for l := range w {
				lane[l] += lane[l+w]
			}
		}
		sum := lane[0]
		for j, e := range out {
			out[j] = float32(e/sum) * scale
		}
		tops[i], sums[i] = top, sum
	}
}
