package kernel

import "math"

// Float is the element type: optim.Float's copy, which this package cannot
// import (optim imports it).
type Float interface{ ~float32 | ~float64 }

func sqrt[T Float](x T) T { return T(math.Sqrt(float64(x))) }

// grad returns the gradient as the method sees it: negated when maximizing,
// plus weight_decay·w when wd ≠ 0 (L2 penalty), as torch.optim does.
func grad[T Float](g, p T, neg bool, wd T) T {
	if neg {
		g = -g
	}
	if wd != 0 {
		g = g + T(wd*p)
	}
	return g
}

// Common holds the options every kernel reads.
type Common struct {
	LR          float64
	WeightDecay float64
	Maximize    bool
}

// sgdScalar: w ← w − lr·g (no momentum).
func sgdScalar[T Float](p, g []T, c Common) {
	lr, wd := T(c.LR), T(c.WeightDecay)
	g = g[:len(p)]
	for i := range p {
		d := grad(g[i], p[i], c.Maximize, wd)
		p[i] = p[i] + T((-lr)*d)
	}
}

// SGDMomentumArgs are the options of SGDMomentum.
type SGDMomentumArgs struct {
	Common
	Momentum, Dampening float64
	Nesterov            bool
	First               bool // the buffer is empty: it starts as the gradient itself
}

// sgdMomentumScalar: buf ← μ·buf + (1−dampening)·g (buf ← g on the first step);
// d = g + μ·buf (Nesterov) or buf; w ← w − lr·d.
func sgdMomentumScalar[T Float](p, g, buf []T, a SGDMomentumArgs) {
	lr, wd := T(a.LR), T(a.WeightDecay)
	mu, damp := T(a.Momentum), T(1-a.Dampening)
	g, buf = g[:len(p)], buf[:len(p)]
	for i := range p {
		d := grad(g[i], p[i], a.Maximize, wd)
		b := d
		if !a.First {
			b = T(buf[i]*mu) + T(damp*d)
		}
		buf[i] = b
		if a.Nesterov {
			d = d + T(mu*b)
		} else {
			d = b
		}
		p[i] = p[i] + T((-lr)*d)
	}
}

// MomentumArgs are the options of Momentum.
type MomentumArgs struct {
	Common
	Momentum float64
}

// momentumScalar is the study note's form: v ← μ·v − lr·g; w ← w + v.
func momentumScalar[T Float](p, g, v []T, a MomentumArgs) {
	lr, wd, mu := T(a.LR), T(a.WeightDecay), T(a.Momentum)
	g, v = g[:len(p)], v[:len(p)]
	for i := range p {
		d := grad(g[i], p[i], a.Maximize, wd)
		vi := T(mu*v[i]) - T(lr*d)
		v[i] = vi
		p[i] = p[i] + vi
	}
}

// AdagradArgs are the options of Adagrad. LR is the decayed clr.
type AdagradArgs struct {
	Common
	Eps float64
}

// adagradScalar: h ← h + g²; w ← w − clr·g/(√h + ε).
func adagradScalar[T Float](p, g, sum []T, a AdagradArgs) {
	lr, wd, eps := T(a.LR), T(a.WeightDecay), T(a.Eps)
	g, sum = g[:len(p)], sum[:len(p)]
	for i := range p {
		d := grad(g[i], p[i], a.Maximize, wd)
		s := sum[i] + T(d*d)
		sum[i] = s
		p[i] = p[i] + T((-lr)*(d/(sqrt(s)+eps)))
	}
}

// RMSpropArgs are the options of RMSprop.
type RMSpropArgs struct {
	Common
	Alpha, Eps, Momentum float64
}

// rmspropScalar: s ← α·s + (1−α)·g²; w ← w − lr·g/(√s + ε).
func rmspropScalar[T Float](p, g, sq []T, a RMSpropArgs) {
	lr, wd, eps := T(a.LR), T(a.WeightDecay), T(a.Eps)
	al, oma := T(a.Alpha), T(1-a.Alpha)
	g, sq = g[:len(p)], sq[:len(p)]
	for i := range p {
		d := grad(g[i], p[i], a.Maximize, wd)
		s := T(sq[i]*al) + T(oma*d*d)
		sq[i] = s
		p[i] = p[i] + T((-lr)*(d/(sqrt(s)+eps)))
	}
}

// rmspropFullScalar is RMSprop with the optional parts: centered (ga, the mean of
// the gradient, is subtracted: avg = √(s − ga²) + ε) and momentum
// (buf ← μ·buf + g/avg; w ← w − lr·buf). ga is nil when not centered, buf
// nil without momentum.
func rmspropFullScalar[T Float](p, g, sq, ga, buf []T, a RMSpropArgs) {
	lr, wd, eps := T(a.LR), T(a.WeightDecay), T(a.Eps)
	al, oma, mu := T(a.Alpha), T(1-a.Alpha), T(a.Momentum)
	g, sq = g[:len(p)], sq[:len(p)]
	for i := range p {
		d := grad(g[i], p[i], a.Maximize, wd)
		s := T(sq[i]*al) + T(oma*d*d)
		sq[i] = s
		var avg T
		if ga != nil {
			m := T(ga[i]*al) + T(oma*d)
			ga[i] = m
			avg = sqrt(s+T((-m)*m)) + eps
		} else {
			avg = sqrt(s) + eps
		}
		if buf != nil {
			b := T(buf[i]*mu) + d/avg
			buf[i] = b
			p[i] = p[i] + T((-lr)*b)
		} else {
			p[i] = p[i] + T((-lr)*(d/avg))
		}
	}
}

// AdamArgs are the options of Adam. StepSize = lr/(1−β₁ᵗ) and
// BC2Sqrt = √(1−β₂ᵗ) are computed by the caller; Decay is the decoupled
// weight-decay factor 1 − lr·λ of AdamW (1 for Adam).
type AdamArgs struct {
	Common
	Beta1, Beta2, Eps float64
	StepSize, BC2Sqrt float64
	Decay             float64
}

// adamScalar: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
// w ← w − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε). With vmax ≠ nil (AMSGrad) the
// running maximum of v replaces v in the denominator.
func adamScalar[T Float](p, g, m, v, vmax []T, a AdamArgs) {
	wd, eps := T(a.WeightDecay), T(a.Eps)
	b1, omb1 := T(a.Beta1), T(1-a.Beta1)
	b2, omb2 := T(a.Beta2), T(1-a.Beta2)
	step, bc2 := T(a.StepSize), T(a.BC2Sqrt)
	decay := T(a.Decay)
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i := range p {
		w := p[i]
		if a.Decay != 1 {
			w = w * decay
		}
		d := grad(g[i], w, a.Maximize, wd)
		mi := T(m[i]*b1) + T(omb1*d)
		vi := T(v[i]*b2) + T(omb2*d*d)
		m[i], v[i] = mi, vi
		if vmax != nil {
			vi = max(vmax[i], vi)
			vmax[i] = vi
		}
		p[i] = w + T((-step)*(mi/(sqrt(vi)/bc2+eps)))
	}
}

// AdamNoteArgs are the options of AdamNote: BC1 = 1−β₁ and BC2 = 1−β₂.
type AdamNoteArgs struct {
	Common
	Beta1, Beta2, Eps float64
}

// adamNoteScalar is Adam exactly as the study note's code writes it:
// m̂ = m/(1−β₁), v̂ = v/(1−β₂) (no power of t), w ← w − lr·m̂/√(v̂+ε).
func adamNoteScalar[T Float](p, g, m, v []T, a AdamNoteArgs) {
	lr, wd, eps := T(a.LR), T(a.WeightDecay), T(a.Eps)
	b1, omb1 := T(a.Beta1), T(1-a.Beta1)
	b2, omb2 := T(a.Beta2), T(1-a.Beta2)
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i := range p {
		d := grad(g[i], p[i], a.Maximize, wd)
		mi := T(b1*m[i]) + T(omb1*d)
		vi := T(b2*v[i]) + T(omb2*d*d)
		m[i], v[i] = mi, vi
		mh := mi / omb1
		vh := vi / omb2
		p[i] = p[i] - lr*mh/sqrt(vh+eps)
	}
}

// AdamaxArgs are the options of Adamax; LR is lr/(1−β₁ᵗ).
type AdamaxArgs struct {
	Common
	Beta1, Beta2, Eps float64
}

// adamaxScalar: m ← β₁m + (1−β₁)g; u ← max(β₂u, |g|+ε); w ← w − clr·m/u.
func adamaxScalar[T Float](p, g, m, u []T, a AdamaxArgs) {
	lr, wd, eps := T(a.LR), T(a.WeightDecay), T(a.Eps)
	b1, omb1, b2 := T(a.Beta1), T(1-a.Beta1), T(a.Beta2)
	g, m, u = g[:len(p)], m[:len(p)], u[:len(p)]
	for i := range p {
		d := grad(g[i], p[i], a.Maximize, wd)
		mi := T(m[i]*b1) + T(omb1*d)
		m[i] = mi
		ui := max(u[i]*b2, abs(d)+eps)
		u[i] = ui
		p[i] = p[i] + T((-lr)*(mi/ui))
	}
}

func abs[T Float](x T) T {
	if x < 0 {
		return -x
	}
	return x
}

// AdadeltaArgs are the options of Adadelta.
type AdadeltaArgs struct {
	Common
	Rho, Eps float64
}

// adadeltaScalar: s ← ρs + (1−ρ)g²; Δ = √(a+ε)/√(s+ε)·g; a ← ρa + (1−ρ)Δ²;
// w ← w − lr·Δ.
func adadeltaScalar[T Float](p, g, sq, acc []T, a AdadeltaArgs) {
	lr, wd, eps := T(a.LR), T(a.WeightDecay), T(a.Eps)
	rho, omr := T(a.Rho), T(1-a.Rho)
	g, sq, acc = g[:len(p)], sq[:len(p)], acc[:len(p)]
	for i := range p {
		d := grad(g[i], p[i], a.Maximize, wd)
		s := T(sq[i]*rho) + T(omr*d*d)
		sq[i] = s
		std := sqrt(s + eps)
		delta := sqrt(acc[i]+eps) / std * d
		acc[i] = T(acc[i]*rho) + T(omr*delta*delta)
		p[i] = p[i] + T((-lr)*delta)
	}
}

// NAdamArgs are the options of NAdam: C1 = −lr(1−μ_t)/(1−Πμ) and
// C2 = −lr·μ_{t+1}/(1−Πμ·μ_{t+1}) multiply g and m; BC2 = 1−β₂ᵗ; Decay is
// the decoupled weight-decay factor 1 − lr·λ (1 without it).
type NAdamArgs struct {
	Common
	Beta1, Beta2, Eps float64
	BC2, C1, C2       float64
	Decay             float64
}

// nadamScalar: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; denom = √(v/(1−β₂ᵗ)) + ε;
// w ← w + C1·g/denom + C2·m/denom.
func nadamScalar[T Float](p, g, m, v []T, a NAdamArgs) {
	wd, eps := T(a.WeightDecay), T(a.Eps)
	b1, omb1 := T(a.Beta1), T(1-a.Beta1)
	b2, omb2 := T(a.Beta2), T(1-a.Beta2)
	bc2, c1, c2 := T(a.BC2), T(a.C1), T(a.C2)
	decay := T(a.Decay)
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i := range p {
		w := p[i]
		if a.Decay != 1 {
			w = w * decay
		}
		d := grad(g[i], w, a.Maximize, wd)
		mi := T(m[i]*b1) + T(omb1*d)
		vi := T(v[i]*b2) + T(omb2*d*d)
		m[i], v[i] = mi, vi
		denom := sqrt(vi/bc2) + eps
		w = w + T(c1*(d/denom))
		p[i] = w + T(c2*(mi/denom))
	}
}

// RAdamArgs are the options of RAdam. When Rect is false (early steps, the
// variance of the adaptive lr is intractable) the update is the
// bias-corrected momentum alone; otherwise it is rectified by R.
type RAdamArgs struct {
	Common
	Beta1, Beta2, Eps float64
	BC1, BC2Sqrt      float64 // 1−β₁ᵗ and √(1−β₂ᵗ)
	Rect              bool
	R                 float64
	Decay             float64 // decoupled weight-decay factor 1 − lr·λ (1 without it)
}

// RAdam as torch 1.13: m̂ = m/(1−β₁ᵗ); if ρ_t > 5,
// w ← w − lr·m̂·r_t·√(1−β₂ᵗ)/(√v + ε), else w ← w − lr·m̂.
func radamScalar[T Float](p, g, m, v []T, a RAdamArgs) {
	lr, wd, eps := T(a.LR), T(a.WeightDecay), T(a.Eps)
	b1, omb1 := T(a.Beta1), T(1-a.Beta1)
	b2, omb2 := T(a.Beta2), T(1-a.Beta2)
	bc1, bc2s, r := T(a.BC1), T(a.BC2Sqrt), T(a.R)
	decay := T(a.Decay)
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i := range p {
		w := p[i]
		if a.Decay != 1 {
			w = w * decay
		}
		d := grad(g[i], w, a.Maximize, wd)
		mi := T(m[i]*b1) + T(omb1*d)
		vi := T(v[i]*b2) + T(omb2*d*d)
		m[i], v[i] = mi, vi
		mh := mi / bc1
		if a.Rect {
			adaptive := bc2s / (sqrt(vi) + eps)
			p[i] = w + T((-1)*(mh*lr*adaptive*r))
		} else {
			p[i] = w + T((-1)*(mh*lr))
		}
	}
}

// LionArgs are the options of Lion; Decay = 1 − lr·λ.
type LionArgs struct {
	Common
	Beta1, Beta2 float64
	Decay        float64
}

// lionScalar: c = β₁m + (1−β₁)g; w ← w·(1−lr·λ) − lr·sign(c); m ← β₂m + (1−β₂)g.
func lionScalar[T Float](p, g, m []T, a LionArgs) {
	lr, decay := T(a.LR), T(a.Decay)
	b1, omb1 := T(a.Beta1), T(1-a.Beta1)
	b2, omb2 := T(a.Beta2), T(1-a.Beta2)
	g, m = g[:len(p)], m[:len(p)]
	for i := range p {
		d := g[i]
		if a.Maximize {
			d = -d
		}
		c := T(b1*m[i]) + T(omb1*d)
		w := p[i]
		if a.Decay != 1 {
			w = w * decay
		}
		switch {
		case c > 0:
			w = w - lr
		case c < 0:
			w = w + lr
		}
		p[i] = w
		m[i] = T(b2*m[i]) + T(omb2*d)
	}
}
