// Package torchbridge converts model weights and optimizer state between
// descent and PyTorch's layout, both ways.
//
// Descent saves an optimizer's buffers flat and keyed by parameter name
// ("fc1.weight/exp_avg", optim.Optimizer.MarshalBinary); torch's
// Optimizer.state_dict() keys them by integer parameter id (0, 1, … in the
// order of the param_groups) with each buffer in its parameter's shape, and
// its param_groups list the hyperparameters under torch's names (betas as
// a pair). Export writes that layout as one safetensors file:
//
//	model.NAME                 the weights, F32, as model.state_dict() names them
//	optim.state.ID.BUFFER      each buffer in its parameter's shape (F32 or F64)
//	optim.state.ID.step        the step count, an F32 scalar, as torch 1.13 keeps it
//	optim.state.ID.SCALAR      NAdam's mu_product, ASGD's eta and mu (F64 scalars)
//
// with metadata optim.class (the torch.optim class), optim.param_groups
// (JSON, as state_dict()["param_groups"]), optim.param_names (JSON, the
// parameter name of each id) and, so that the way back is exact,
// descent.method, descent.dtype and descent.groups (the full specs).
// Import reads such a file, from Export or from the Python helper
// torch_bridge.py (in this folder: torch_bridge.save(path, model,
// optimizer) and torch_bridge.load(path, model, optimizer_class)), and
// returns the weights and the optimizer state in descent's format;
// Export then Import gives back the same bytes. `descent export-torch`
// and `descent import-torch` convert a checkpoint folder.
//
// # The learning rate on resume
//
// Both sides save the current rate of each group (torch's
// param_groups[i]["lr"] after any scheduler; descent's group spec after
// SetLR), and loading restores it, so the first step after a conversion
// uses the same rate. They differ in where the schedule's base rate lives:
// a torch LRScheduler keeps it in the group as initial_lr and its position
// in its own state_dict, and a scheduler rebuilt without them restarts from
// the current, already decayed rate; descent's schedules are functions of
// the step that set the rate before every step from the base rate in the
// run's configuration. So Export writes no initial_lr (set it, or restore
// the scheduler's state_dict, on the torch side when a schedule goes on),
// Import keeps torch's initial_lr out of the spec, and a descent schedule
// recomputes the rate from the step at the next step. A run without a
// schedule continues with the saved rate on both sides.
//
// Supported methods are those with a torch.optim class: sgd, adagrad,
// rmsprop, adam, adamw, nadam, radam, adamax, adadelta, rprop and asgd
// (plain optim.Optimizer states; not L-BFGS, Adafactor, Schedule-Free or
// Lookahead, whose states have formats of their own).
package torchbridge
