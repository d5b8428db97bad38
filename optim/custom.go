package optim

// Custom is a method written outside this package. Its value is the
// method's hyperparameters (as the built-in Adam or SGD are) and it carries
// the update rule, so that New and NewGroups run it with everything the
// built-in methods get: parameter groups with their own hyperparameters,
// SetLR and the schedule drivers, Steps, State/LoadState and
// MarshalBinary/UnmarshalBinary keyed by parameter name.
//
// An Optimizer runs one method; a Custom method's groups must all be of the
// same Method name. Step calls Update once per parameter, in group order,
// on the calling goroutine (the built-in methods' fused, multi-threaded
// kernels are theirs alone); the buffers Update receives are the
// optimizer's, allocated at a parameter's first step and zero then, and
// saved and loaded with the state under the names Buffers gives.
//
// The built-in methods round every product before adding it, on every
// architecture: Go may fuse x*y + z into one multiply-add (arm64, amd64
// built with GOAMD64=v3), and the explicit conversion T(x*y) + z keeps it
// from doing so. An Update that should match a built-in method bit for
// bit writes its products that way too.
//
// The methods of Hyper keep their contracts: Validate reports bad
// hyperparameters (New calls it), and String is read back by Parse when a
// saved state is loaded.
type Custom[T Float] interface {
	Hyper
	// WithLR returns the hyperparameters with lr as the learning rate; the
	// optimizer calls it for Hyper(i) and to save the state after SetLR
	// or a schedule changed the group's rate.
	WithLR(lr float64) Hyper
	// Parse reads back a spec that String wrote, as LoadState does with
	// saved hyperparameters; it returns the method's hyperparameters (a
	// Custom[T] of the same Method) or an error naming what is wrong.
	Parse(spec string) (Hyper, error)
	// Buffers names the state buffers the method keeps per parameter, in
	// the order Update receives them; each is as long as the parameter.
	// The result must be the same on every call.
	Buffers() []string
	// Update applies one step to one parameter: value is updated in place
	// from grad, bufs are its buffers in Buffers' order (updated in place
	// too), step is the parameter's step count including this one (1 at
	// the first step), and lr the group's current learning rate.
	Update(value, grad []T, bufs [][]T, step int64, lr float64)
}

// The buffers' names of a Custom method are read once, when the group is
// made or loaded: Buffers may allocate.

// stepCustom takes the step of a group of a Custom method: buffers on a
// parameter's first step, then one Update per parameter.
func stepCustom[T Float](g *group[T]) {
	for _, s := range g.slots {
		if n := len(g.customBufs); len(s.st.bufs) != n {
			bufs := make([][]T, n)
			for i := range bufs {
				bufs[i] = make([]T, len(s.param.Value))
			}
			s.st.bufs = bufs
		}
		s.st.step++
		g.custom.Update(s.param.Value, s.param.Grad, s.st.bufs, s.st.step, g.lr)
	}
}
