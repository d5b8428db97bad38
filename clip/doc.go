// Package clip clips gradients and finds non-finite values in them, with the
// semantics of torch.nn.utils.clip_grad_norm_ and clip_grad_value_.
//
// Gradients are given as [][]T: one slice per parameter tensor, in the
// order the optimizer sees them, with T float32 or float64 (or a type
// based on them). Slices are modified in place. No function allocates.
//
// Each function also has a form over an optimizer's parameters, named with
// the suffix Params (GlobalNormParams(opt.Params(), 1), say), which acts on
// their Grad slices and gives the same numbers.
//
// # Clipping by global norm
//
// GlobalNorm treats all slices as one vector g (norm type 2):
//
//	total = sqrt(Σ_slices Σ_i g_i²)        accumulated in float64
//	coef  = maxNorm / (total + 1e-6)
//	g    ← g·coef   only if coef < 1
//
// and returns total, the norm before clipping, for logging. The 1e-6 is
// torch's; it keeps coef finite for a zero gradient. Accumulating in float64
// makes the norm of float32 gradients more accurate than torch's float32
// reduction, so it can differ from torch in the last float32 digits.
//
// # Non-finite gradients
//
// If any gradient is NaN or ±Inf, GlobalNorm returns the non-finite norm and
// leaves the gradients untouched (torch would multiply them all by NaN).
// The usual pattern skips the step and names the culprit:
//
//	norm, err := clip.GlobalNorm(grads, 1.0)
//	if err != nil { ... }                          // a bad maxNorm
//	if math.IsNaN(norm) || math.IsInf(norm, 0) {
//		i, j, _ := clip.FirstNonFinite(grads)
//		log.Printf("skipping step: %s[%d] = %v", names[i], j, grads[i][j])
//	}
//
// Value clamps each gradient to [−v, v]. It keeps NaN (so a later check
// still sees it) but turns ±Inf into ±v; check AllFinite first if an
// infinite gradient should skip the step.
//
// # Errors
//
// Options are checked on every call: a maxNorm or clip value that is not
// > 0 (NaN included) is an error, and the gradients are left untouched.
// +Inf is allowed and clips nothing.
package clip
