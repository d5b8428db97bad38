// Package optim holds the optimizers of deep learning over flat float32 or
// float64 parameter slices, numerically faithful to torch.optim (torch
// 1.13's _single_tensor_* update rules; the papers define the methods). It
// depends on the standard library and golang.org/x/sys/cpu (which picks the
// vector kernels) only.
//
// # Using it
//
// A parameter is a name, its values and its gradient ([Param]). Pick a
// method's hyperparameters (DefaultAdam() and friends give torch's
// defaults, and a zero field means zero, never "default"), build an
// [Optimizer] over the parameters, and call Step after each backward pass:
//
//	w := optim.NewParam("w", weights)
//	h := optim.DefaultAdam()
//	h.LR = 3e-4
//	opt, err := optim.New(h, w)
//	for ... { computeGradient(w.Grad); opt.Step() }
//
// Or parse a spec, as the command line does: ParseSpec("adam:lr=3e-4,amsgrad=true").
// A literal works as well: Adam{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
// is DefaultAdam().
// Parameter groups ([NewGroup], [NewGroups]) carry their own
// hyperparameters (no weight decay on biases, say), and SetLR changes a
// group's learning rate between steps, which is how schedules drive an
// optimizer: schedule.Driver scales each group's own base rate, as torch's
// LRScheduler does. Steps is the step count a resumed run continues from.
// State (step counts and buffers, keyed by parameter name) saves and loads
// exactly through [Optimizer.State]/[Optimizer.LoadState] or
// MarshalBinary/UnmarshalBinary (the safetensors format); it is matched by
// parameter name, so the groups, and the parameters in them, may come in
// another order. Package clip clips the gradients of Params().
//
// Errors are typed: a *[HyperError] names the method, key and value of a bad
// hyperparameter or spec, a *[ParamError] the parameter a bad parameter list
// or saved state is about; both are found by errors.As through every
// wrapping.
//
// # Methods of your own
//
// A method this package does not have implements [Custom]: its
// hyperparameters (Hyper, plus WithLR and Parse) and its rule (Buffers and
// Update, called once per parameter). New and NewGroups run it with groups,
// SetLR, schedules, Steps and saved state like the built-in methods, and
// train.Config.Method runs it in the Trainer. ExampleCustom writes one.
//
// GD, SGD and mini-batch SGD are one optimizer (sgd, alias gd); they differ
// in which examples the gradient comes from, which is the training loop's
// choice, not the optimizer's.
//
// # The update rules
//
// g is the gradient (negated when maximize=true, and with weight_decay·w
// added for an L2 penalty), t the step count starting at 1, η the learning
// rate. Each rule runs as one fused pass over the parameter's buffers.
//
//	sgd       b ← μb + (1−τ)g (b₁ = g);  d = g + μb (nesterov) or b;  w ← w − ηd
//	momentum  v ← μv − ηg;  w ← w + v
//	adagrad   h ← h + g²;  w ← w − η/(1+(t−1)·lr_decay) · g/(√h + ε)       h₀ = initial_accumulator_value
//	rmsprop   s ← αs + (1−α)g²;  w ← w − η·g/(√s + ε)
//	          centered: m̄ ← αm̄ + (1−α)g, √(s − m̄²);  momentum: b ← μb + g/(…), w ← w − ηb
//	adam      m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
//	          w ← w − η/(1−β₁ᵗ) · m/(√v/√(1−β₂ᵗ) + ε)        amsgrad: v̂max ← max(v̂max, v) in place of v
//	adamw     w ← w(1 − η·λ), then adam without the L2 term
//	nadam     μₜ = β₁(1 − ½·0.96^(tψ));  w ← w − η(1−μₜ)/(1−Πμ)·g/d − ημₜ₊₁/(1−Πμ·μₜ₊₁)·m/d,  d = √(v/(1−β₂ᵗ)) + ε
//	radam     ρ∞ = 2/(1−β₂)−1, ρₜ = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ);  if ρₜ > 5: w ← w − η·m̂·rₜ·√(1−β₂ᵗ)/(√v+ε) else w ← w − η·m̂
//	adamax    u ← max(β₂u, |g| + ε);  w ← w − η/(1−β₁ᵗ) · m/u
//	adadelta  s ← ρs + (1−ρ)g²;  Δ = √(a+ε)/√(s+ε)·g;  a ← ρa + (1−ρ)Δ²;  w ← w − ηΔ
//	lion      c = β₁m + (1−β₁)g;  w ← w(1−ηλ) − η·sign(c);  m ← β₂m + (1−β₂)g
//	rprop     f = η₊ if g·g_prev > 0, η₋ (and g ← 0) if < 0, else 1;  s ← clamp(s·f, s_min, s_max);
//	          w ← w − sign(g)·s;  g_prev ← g                 s₀ = lr
//	asgd      w ← w(1 − λη) − ηg;  ax ← ax + μ(w − ax) (ax ← w while μ = 1);
//	          η ← lr/(1 + λ·lr·t)^α,  μ ← 1/max(1, t − t0)   η₁ = lr; η, μ kept in float32 as torch does
//
// lbfgs is torch.optim.LBFGS, which is not element-wise and re-evaluates
// the loss within a step: build it with NewLBFGS and call
// Step(closure), closure setting the gradients and returning the loss; one
// Step is up to max_iter iterations of
//
//	d = −H·g (two-loop recursion over the last history_size pairs s = Δw, y = Δg with s·y > 1e-10);
//	w ← w + t·d,  t = lr (min(1, 1/Σ|g|)·lr at the first), or a strong-Wolfe line search from it
//
// adafactor is torch ≥ 2.5's Adafactor, which needs whole-parameter norms:
// build it with NewAdafactor. A parameter with Rows and Cols set (nn sets
// them for weight matrices) keeps row and column factors R, C of its second
// moment, any other a full V:
//
//	ρ = min(η, 1/√t);  α = max(ε₂, RMS(w))·ρ;  w ← w(1 − ηλ)
//	R ← lerp(R, mean_row(g²), t^τ), C ← lerp(C, mean_col(g²), t^τ), V̂ = R·C/max(mean(R), ε₁)   (or V ← lerp(V, g², t^τ))
//	u = g/max(√V̂, ε₁);  w ← w − α·u/max(1, RMS(u)/d)
//
// sf_adamw is Schedule-Free AdamW (Defazio et al. 2024; the authors'
// reference code), built with NewScheduleFree: gradients at y, evaluation
// at x (Train, Eval):
//
//	ηₜ = η·warmup·√(1−β₂ᵗ);  z ← z − ηₜλ·y − ηₜ·g/(√v + ε);  x ← (1−cₜ)x + cₜz, cₜ = wₜ/Σw;  y = β₁x + (1−β₁)z
//
// and sf_sgd its SGD form: ηₜ = η·warmup, z ← z − ηₜ(g + λy), y = μx + (1−μ)z.
//
// muon is torch ≥ 2.9's Muon, for matrix parameters only (Rows, Cols set;
// others are refused, as torch does): build it with NewMuon. With
// s = √max(1, rows/cols) (adjust_lr_fn original) or 0.2·√max(rows, cols)
// (match_rms_adamw):
//
//	B ← lerp(B, g, 1−μ);  U = lerp(g, B, μ) (nesterov) or B;  X = U/max(‖U‖, ε)  (transposed if rows > cols)
//	ns_steps times: A = XXᵀ, X ← aX + (bA + cA²)X;  w ← w(1 − ηλ) − η·s·X
//
// the iteration in bfloat16 as torch 2.x computes it (every result rounded
// to bfloat16, products summed in float32), or with ns_dtype=param in T.
//
// lamb is LAMB (You et al. 2020, Algorithm 2; pytorch-lamb's choices where
// the paper leaves them), built with NewLAMB; norms are per parameter:
//
//	m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  r = m̂/(√v̂ + ε) + λw   (m̂, v̂ bias-corrected unless bias_correction=false)
//	w ← w − η·min(‖w‖, clamp_value)/‖r‖ · r                        (ratio 1 if a norm is 0)
//
// Lookahead (NewLookahead, spec lookahead:k=K,alpha=A/SPEC) wraps an
// optimizer: every k steps w ← α·w + (1−α)·slow, slow ← w (Zhang et al.
// 2019, the authors' code); pullback_momentum=reset zeroes the inner
// momentum buffer then, pullback sets m ← α·m + (1−α)·m_slow, m_slow ← m. Average is swa_utils.AveragedModel: SWA's
// running mean a ← a + (w − a)/(n+1), or EMA's a ← β·a + (1−β)·w.
//
// decoupled_weight_decay=true (torch ≥ 2.0) on adam, nadam and radam
// applies weight_decay as adamw does, w ← w(1 − ηλ) before the step, in
// place of the L2 term; adam with it is adamw.
//
// momentum is the study note's form. Under a constant η it equals sgd with
// momentum μ and no dampening (v = −η·b); when η changes between steps they
// differ: sgd rescales the whole accumulated buffer by the new η, momentum
// keeps the old velocity and applies the new η only to the new gradient.
//
// NAdam follows torch's documented algorithm (and torch ≥ 2.0):
// Πμ·μₜ₊₁ in the second coefficient. torch 1.13's implementation multiplied
// μₜ in twice there and kept Πμ in float32; the reference data for the
// tests (testdata/torch) uses the documented form in float64.
//
// # Where the study note differs
//
// The study note (docs/optimizers-study-note.ja.md in the repository) has these
// mistakes; this package implements the real methods, and the spec key
// variant=note reproduces the note's code where it differs, so the two can
// be drawn side by side (for Adam that is a method of its own, AdamNote,
// adam_note in a spec; the real methods have no note switch):
//
//   - Adam: the note's code corrects the bias by dividing by 1−β₁ and 1−β₂;
//     the correction is 1−β₁ᵗ and 1−β₂ᵗ, which tends to 1 as t grows. With
//     1−β the first steps are fine but every later step is 10× (β₁=0.9) too
//     large in m̂ and 1000× (β₂=0.999) too large in v̂. It also puts ε inside
//     the square root, √(v̂+ε), where Adam adds it outside, √v̂ + ε (with
//     ε = 1e-8 the note's form behaves like ε' = 1e-4 near v̂ = 0).
//     adam:variant=note (adam_note, AdamNote) runs the note's code.
//   - Momentum: the note's formula writes w ← w − V with V = μV − εg, which
//     climbs the gradient; its code (w ← w + v) has the right sign, and
//     that is what momentum implements.
//   - AdaGrad: the note's formula starts h₀ = θ and divides by √h + θ with
//     the same θ; its code (and torch) starts h at 0 (initial_accumulator_value)
//     and adds a separate small ε = 1e-10. adagrad:variant=note equals the
//     note's code, which is torch's rule.
//   - RMSProp: the note's code calls the smoothing constant rho; torch calls
//     it alpha (default 0.99). The rules agree.
//
// # Speed
//
// An optimizer step is memory-bound: its floor is the bytes it moves
// divided by the memory bandwidth. A Step allocates only on a parameter's
// first step (its buffers); the kernels in optim/internal/kernel read and
// write each buffer once per step, with no interface call or allocation per
// element, in AVX2 assembly on CPUs that have it (the scalar Go loop is the
// reference, the fallback elsewhere, and what -tags noasm forces; the two
// round identically). Step splits the elements of all parameters into
// equal parts that SetThreads(n) goroutines (GOMAXPROCS by default) claim
// (one per thread below a million elements, so that a part keeps running
// on the core whose caches hold its state; four per thread above),
// so one large parameter is divided and many small ones are batched;
// results do not depend on the thread count. SetParts instead fixes the
// thread of each parameter, for a model that keeps each parameter on one
// core (package nn's layer pipeline, Model.ParamParts): then the step
// updates a parameter where its gradient was computed and where it is read
// next, with the same bits. The helper goroutines are the
// process's, shared with the matrix products of package nn; between
// computations less than about 0.3 ms apart they spin instead of sleeping
// (waking a sleeping thread costs a tenth of a millisecond or more), and
// after longer gaps they spin for 20µs and sleep. BENCHMARKS.md has the
// measurements.
//
// Fused vector kernels run every element-wise method, rprop, asgd,
// sf_adamw and sf_sgd included. lamb, and adafactor on a parameter it does
// not factor, run their element-wise pass and their update as fused
// kernels and the norms between them as scalar sums. lbfgs (dot products,
// a line search), adafactor's factored matrices (row and column norms),
// muon (small matrix products), and the Lookahead synchronisation and
// Average update (plain loops, once every k steps or once a step) run as
// scalar Go.
//
// Every product is rounded before it is added, on every architecture: Go
// may fuse x*y + z into one multiply-add where the CPU has one (arm64, and
// amd64 built with GOAMD64=v3), which would change the last bits and make
// the scalar path differ from the vector kernels and from torch. The
// scalar code writes T(x*y) + z, which the language rounds (see Custom for
// methods written outside the package); CI runs the tests built with
// GOAMD64=v3 and, under qemu, for arm64.
package optim

//go:generate go run hypergen.go
