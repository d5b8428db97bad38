package nn

import "math"

// Stepper is an optimizer step taken in pieces, as optim.Optimizer's
// BeginStep, StepRange and EndStep take it: BeginStep starts the step (or
// returns false, changing nothing, where the optimizer cannot take it in
// pieces), StepRange updates elements [lo, hi) of parameter view (an index
// into Params) from their gradients, and EndStep ends the step once every
// element has been updated. StepRange is called on disjoint ranges from
// several goroutines at once.
type Stepper interface {
	BeginStep() bool
	StepRange(view, lo, hi int)
	EndStep()
}

// BackwardStep is Backward, and where it can take the optimizer step as it
// goes, that step too: where Backward runs by rows and tasks on several
// threads (Loss by rows), every gradient is proven finite before any
// weight gradient is computed (see gradsBounded) and s.BeginStep accepts,
// each task hands the elements of ∂W and ∂b it has just computed to
// s.StepRange, which updates those weights while the gradients are still
// in the core's caches; then s.EndStep ends the step and BackwardStep
// returns true: every parameter's every element was passed to s exactly
// once. Otherwise it computes the gradients as Backward does and returns
// false, s's step not begun: the caller checks them and steps as usual. The gradients are Backward's, bit for bit, either way, and
// GradsFinite reports on them.
//
// inputMax must bound |x| for every input value of the last Loss's batch
// (a training loop takes it from its data set once, e.g. 1 for pixels
// scaled to [0, 1]); a NaN or +Inf inputMax turns the fused step off.
func (m *Model) BackwardStep(inputMax float32, s Stepper) bool {
	if !m.ready {
		panic("nn: Backward called before Loss")
	}
	n := len(m.y)
	if parts := m.rowParts(n); parts > 1 && m.rows.parts == parts {
		m.finiteKnown = false
		return m.backwardSplit(n, parts, inputMax, s)
	}
	m.Backward()
	return false
}

// maxBoundedBatch is the largest batch for which gradsBounded's rounding
// factor (1+2⁻²⁴)^(B+1) stays below 2.
const maxBoundedBatch = 1 << 22

// gradsBounded reports whether every weight and bias gradient of the
// batch of n will be finite, from the largest magnitudes of the layers'
// inputs and of their ∂z that Loss and backwardRows recorded (rows.peaks)
// and inputMax for the first layer's input.
//
// Layer l's gradients are ∂W[j][k] = Σ_r δ[r][j]·a[r][k] and
// ∂b[j] = Σ_r δ[r][j] over the n rows r, δ its ∂z and a its input. If
// |δ| ≤ D and |a| ≤ A everywhere (both finite), each exact term is at most
// D·max(A, 1) in magnitude and each exact partial sum at most
// n·D·max(A, 1) =: S. In float32 each product and each addition rounds to
// nearest with relative error at most u = 2⁻²⁴, so by induction over any
// order of summation (gemm's blocked one included) every computed partial
// sum of k ≤ n terms is at most (1+u)^(k+1)·S ≤ (1+u)^(n+1)·S < 2S for
// n < 2²², and a value below the largest float32 never rounds to ±Inf.
// So 2S < MaxFloat32 makes every gradient finite. (gemm computes
// ∂W = 1·δᵀa + 0 without reading the old ∂W, which may hold a NaN.)
func (m *Model) gradsBounded(n, parts int, inputMax float32) bool {
	if n >= maxBoundedBatch {
		return false
	}
	L := len(m.layers)
	peaks := m.rows.peaks
	a := float64(inputMax) // the largest |input| of layer li
	for li := range L {
		var d, nextA float64 // the largest |∂z| of layer li, and |activation|
		for part := range parts {
			d = max(d, float64(peaks[(2*part+1)*L+li]))
			if li < L-1 {
				nextA = max(nextA, float64(peaks[2*part*L+li]))
			}
		}
		// A NaN anywhere makes s NaN (max keeps NaN) and fails the test.
		if s := 2 * float64(n) * d * max(a, 1); !(s < math.MaxFloat32) {
			return false
		}
		a = nextA
	}
	return true
}
