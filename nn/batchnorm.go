package nn

import (
	"fmt"
	"math"
)

// Batch normalisation (Ioffe and Szegedy 2015) as torch.nn.BatchNorm1d with
// its defaults: eps 1e-5, momentum 0.1, affine, running statistics tracked.
// A model with Spec.BatchNorm has one after every hidden dense layer, before
// the activation (and dropout), as 『ゼロから作るDeep Learning』 §6.3 and
// torch's usual Linear → BatchNorm1d → ReLU order place it.
//
// In training (Loss) each feature j of a batch of n rows is normalised with
// the batch's mean μ_j and biased variance σ²_j = Σ(z−μ)²/n:
//
//	x̂ = (z − μ_j)/√(σ²_j + eps),   y = γ_j·x̂ + β_j
//
// and the running statistics move towards the batch's, with the unbiased
// variance as torch does:
//
//	running_mean ← (1−momentum)·running_mean + momentum·μ_j
//	running_var  ← (1−momentum)·running_var  + momentum·σ²_j·n/(n−1)
//
// In evaluation (Evaluate, Accuracy, Predict) the running statistics take
// the batch's place. γ (bnK.weight, 1 at first) and β (bnK.bias, 0 at first)
// are parameters the optimizer trains; the running statistics are buffers,
// which Buffers exposes for checkpoints.
const (
	BatchNormEps      = 1e-5
	BatchNormMomentum = 0.1
)

// batchNorm is one BatchNorm1d over a layer of width features.
type batchNorm struct {
	gamma, beta   []float32 // views into Model.params
	ggamma, gbeta []float32 // views into Model.grads
	runMean       []float32 // running statistics (buffers), float32 as in torch
	runVar        []float32
	// The last training batch's statistics, for backward: the mean and
	// 1/√(σ²+eps) of each feature, and float64 sums as scratch.
	mean, invstd []float32
	sum, sq      []float64
}

func newBatchNorm(width int) batchNorm {
	b := batchNorm{
		runMean: make([]float32, width), runVar: make([]float32, width),
		mean: make([]float32, width), invstd: make([]float32, width),
		sum: make([]float64, width), sq: make([]float64, width),
	}
	for j := range b.runVar {
		b.runVar[j] = 1
	}
	return b
}

// forward normalises z (n rows of len(gamma) features) in place, with the
// batch's statistics when training (keeping x̂ in xhat and moving the
// running statistics by momentum towards the batch's) or with the running
// ones otherwise, and applies ReLU in the same pass when relu is set.
func (b *batchNorm) forward(z, xhat []float32, n int, training, relu bool, momentum float64) {
	f := len(b.gamma)
	if training {
		if n < 2 {
			panic(fmt.Sprintf("nn: batch normalisation needs at least 2 examples per training batch, got %d", n))
		}
		clear(b.sum)
		clear(b.sq)
		for r := range n {
			for j, v := range z[r*f : (r+1)*f] {
				b.sum[j] += float64(v)
			}
		}
		for j := range f {
			b.sum[j] /= float64(n) // now the mean
		}
		for r := range n {
			for j, v := range z[r*f : (r+1)*f] {
				d := float64(v) - b.sum[j]
				b.sq[j] += float64(d * d)
			}
		}
		for j := range f {
			mu, v := b.sum[j], b.sq[j]/float64(n)
			b.mean[j] = float32(mu)
			b.invstd[j] = float32(1 / math.Sqrt(v+BatchNormEps))
			b.runMean[j] = float32(float64((1-momentum)*float64(b.runMean[j])) + float64(momentum*mu))
			b.runVar[j] = float32(float64((1-momentum)*float64(b.runVar[j])) + float64(momentum*v*float64(n)/float64(n-1)))
		}
		for r := range n {
			row, xr := z[r*f:(r+1)*f], xhat[r*f:(r+1)*f]
			for j, v := range row {
				x := (v - b.mean[j]) * b.invstd[j]
				xr[j] = x
				y := float32(b.gamma[j]*x) + b.beta[j]
				if relu && y < 0 {
					y = 0
				}
				row[j] = y
			}
		}
		return
	}
	// Evaluation: fold the running statistics and γ, β into one scale and
	// shift per feature, in the float64 scratch (mean and invstd must stay
	// as the last training batch left them, for a pending backward).
	for j := range f {
		s := float64(b.gamma[j]) / math.Sqrt(float64(b.runVar[j])+BatchNormEps)
		b.sq[j] = s
		b.sum[j] = float64(b.beta[j]) - float64(s*float64(b.runMean[j]))
	}
	for r := range n {
		row := z[r*f : (r+1)*f]
		for j, v := range row {
			y := float32(float64(float64(v)*b.sq[j]) + b.sum[j])
			if relu && y < 0 {
				y = 0
			}
			row[j] = y
		}
	}
}

// backward turns g, the gradient of the loss with respect to the
// normalisation's output y (n rows), into the gradient with respect to its
// input z, in place, and writes ∂γ and ∂β:
//
//	∂β_j = Σ_i g_ij,  ∂γ_j = Σ_i g_ij·x̂_ij,
//	∂z_ij = γ_j·invstd_j/n · (n·g_ij − ∂β_j − x̂_ij·∂γ_j).
func (b *batchNorm) backward(g, xhat []float32, n int) {
	f := len(b.gamma)
	clear(b.sum)
	clear(b.sq)
	for r := range n {
		xr := xhat[r*f : (r+1)*f]
		for j, v := range g[r*f : (r+1)*f] {
			b.sum[j] += float64(v)
			b.sq[j] += float64(float64(v) * float64(xr[j]))
		}
	}
	for j := range f {
		b.gbeta[j], b.ggamma[j] = float32(b.sum[j]), float32(b.sq[j])
	}
	fn := float32(n)
	for r := range n {
		row, xr := g[r*f:(r+1)*f], xhat[r*f:(r+1)*f]
		for j, v := range row {
			k := b.gamma[j] * b.invstd[j] / fn
			row[j] = k * (float32(fn*v) - b.gbeta[j] - float32(xr[j]*b.ggamma[j]))
		}
	}
}

// Buffers returns the model's buffers, the state that is not trained by
// the optimizer but belongs in a checkpoint: for a model with batch
// normalisation, bnK.running_mean and bnK.running_var [width] for each
// hidden layer K, as torch's state_dict names them (Grad is nil). They are
// the model's own slices; a checkpoint copies them out and back in. A model
// without batch normalisation has none.
func (m *Model) Buffers() []NamedView { return m.buffers }

// ResetRunningStats sets the running mean of every batch normalisation to 0
// and its running variance to 1, as torch's reset_running_stats.
func (m *Model) ResetRunningStats() {
	for i := range m.norms {
		clear(m.norms[i].runMean)
		for j := range m.norms[i].runVar {
			m.norms[i].runVar[j] = 1
		}
	}
}

// AccumulateRunningStats runs the batch x (at least 2 examples) through the
// hidden layers normalising with the batch's statistics, and moves every
// running statistic towards the batch's with weight 1/k: after
// ResetRunningStats and batches k = 1, 2, …, K the running statistics are
// the plain average of the K batches' (torch's BatchNorm1d with momentum
// None). This is what torch.optim.swa_utils.update_bn does to give averaged
// weights their own statistics; unlike it, dropout is not applied (the
// statistics are those evaluation sees, and the dropout generator is left
// alone). It disturbs a pending Backward; a model without batch
// normalisation is left as it is.
func (m *Model) AccumulateRunningStats(x []float32, k int) {
	if m.norms == nil {
		return
	}
	d := m.Inputs()
	if len(x)%d != 0 || len(x)/d < 2 || k < 1 {
		panic(fmt.Sprintf("nn: running statistics from %d inputs (%d per example) as batch %d: want at least 2 whole examples and k ≥ 1", len(x), d, k))
	}
	n := len(x) / d
	ws := &m.train
	ws.ensure(m, n, true)
	in := x
	for li := range len(m.layers) - 1 {
		in = m.hidden(ws, li, in, n, true, 1/float64(k))
	}
}
