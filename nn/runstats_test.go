package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAccumulateRunningStats: after ResetRunningStats and three batches,
// every running mean is the average of the three batches' feature means
// and every running variance the average of their unbiased variances
// (torch's update_bn, BatchNorm1d with momentum None), computed here in
// float64 from the weights, layer after layer, with each batch normalised
// by its own statistics.
func TestAccumulateRunningStats(t *testing.T) {
	m := MustParse("mlp:6-5-4-3,bn", 7)
	r := rand.New(rand.NewPCG(1, 2))
	for _, b := range m.Buffers() { // not the reset values, so a missing reset shows
		for i := range b.Value {
			b.Value[i] = float32(r.Float64() + 0.5)
		}
	}
	w := map[string][]float32{}
	tensors := Weights(m)
	for _, tn := range tensors {
		w[tn.Name] = tn.Data
		if tn.Name == "bn1.weight" || tn.Name == "bn2.bias" { // γ, β away from 1, 0
			for i := range tn.Data {
				tn.Data[i] = float32(0.5 + r.Float64())
			}
		}
	}
	if err := LoadWeights(m, tensors); err != nil {
		t.Fatal(err)
	}
	sizes := []int{7, 5, 9}
	batches := make([][]float32, len(sizes))
	for k, n := range sizes {
		batches[k] = make([]float32, n*6)
		for i := range batches[k] {
			batches[k][i] = float32(r.NormFloat64())
		}
	}
	m.ResetRunningStats()
	for k, x := range batches {
		m.AccumulateRunningStats(x, k+1)
	}
	widths := []int{5, 4}
	var wantMean, wantVar [2][]float64
	for l := range 2 {
		wantMean[l], wantVar[l] = make([]float64, widths[l]), make([]float64, widths[l])
	}
	for _, x := range batches {
		in, inW := make([]float64, len(x)), 6
		for i, v := range x {
			in[i] = float64(v)
		}
		n := len(x) / 6
		for l := range 2 {
			out := widths[l]
			W, b := w[fcName(l, "weight")], w[fcName(l, "bias")]
			g, be := w[bnName(l, "weight")], w[bnName(l, "bias")]
			z := make([]float64, n*out)
			for i := range n {
				for j := range out {
					s := float64(b[j])
					for q := range inW {
						s += in[i*inW+q] * float64(W[j*inW+q])
					}
					z[i*out+j] = s
				}
			}
			for j := range out {
				var mu, v float64
				for i := range n {
					mu += z[i*out+j]
				}
				mu /= float64(n)
				for i := range n {
					v += (z[i*out+j] - mu) * (z[i*out+j] - mu)
				}
				wantMean[l][j] += mu / float64(len(batches))
				wantVar[l][j] += v / float64(n-1) / float64(len(batches))
				for i := range n {
					y := float64(g[j])*(z[i*out+j]-mu)/math.Sqrt(v/float64(n)+BatchNormEps) + float64(be[j])
					z[i*out+j] = max(y, 0) // ReLU
				}
			}
			in, inW = z, out
		}
	}
	bufs := m.Buffers()
	for l := range 2 {
		mean, vr := bufs[2*l].Value, bufs[2*l+1].Value
		for j := range widths[l] {
			if d := math.Abs(float64(mean[j]) - wantMean[l][j]); d > 1e-5*(1+math.Abs(wantMean[l][j])) {
				t.Errorf("layer %d feature %d: running mean %v, want %v", l+1, j, mean[j], wantMean[l][j])
			}
			if d := math.Abs(float64(vr[j]) - wantVar[l][j]); d > 1e-5*(1+wantVar[l][j]) {
				t.Errorf("layer %d feature %d: running variance %v, want %v", l+1, j, vr[j], wantVar[l][j])
			}
		}
	}
	// A model without batch normalisation is left as it is.
	plain := MustParse("mlp:6-5-3", 7)
	plain.AccumulateRunningStats(batches[0], 1)
}

func fcName(l int, what string) string { return "fc" + string(rune('1'+l)) + "." + what }
func bnName(l int, what string) string { return "bn" + string(rune('1'+l)) + "." + what }
