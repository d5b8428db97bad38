// Package train is descent's training loop: a model (nn), data and a batch
// sampler (data), an optimizer (optim), a learning-rate schedule (schedule)
// and gradient clipping (clip), run step by step with metrics.
//
// # Using it
//
// A Config says everything about a run, as plain values and spec strings,
// so that written to JSON it is the record needed to repeat the run:
//
//	cfg := train.Config{Data: train.DataMNIST, Model: "mlp:784-100-10",
//		Opt: "adam:lr=0.001", Batch: 100, Epochs: 5, Seed: 1}
//	summary, t, err := train.Run(ctx, cfg, func(t *train.Trainer, r train.StepResult) error {
//		if r.EpochEnd { fmt.Println(r.Metric) }
//		return nil
//	})
//
// Or load the data once and build several runs on it with New (as compare
// does), stepping each by Step or Trainer.Run.
//
// # A step
//
// Each call of Trainer.Step is one optimizer step:
//
//  1. the sampler draws the next batch (Batch = FullBatch: the whole
//     training set in index order, which is gradient descent; 1: one random
//     example, SGD; B: random mini-batches of B, each epoch a fresh
//     permutation from Seed),
//  2. the schedule, if any, sets the learning rate for step t (counted
//     from 0, never reset per epoch),
//  3. forward pass and mean cross-entropy, backward pass,
//  4. a NaN or ±Inf loss or gradient stops the run with a *NonFiniteError
//     naming the step and the parameter, before anything is updated (or,
//     with OnNonFinite skip, skips the step and counts it); clip.CheckFinite is
//     the same guard for code that drives an optimizer itself,
//  5. clipping (global norm or value, with torch's semantics),
//  6. the optimizer step over the model's named parameters, one optim.Param
//     per tensor (fc1.weight, fc1.bias, …) in one group.
//
// When a step completes an epoch, or the run, the model is evaluated on the
// test set and a Metric is recorded: epoch, step, the mean training loss of
// the epoch's batches, test loss, test accuracy, and training seconds so far
// (evaluation excluded). The run ends after Epochs epochs or MaxSteps
// steps, whichever comes first. Every step's loss and learning rate are
// kept too (StepLog, float32, in slices allocated by New, so a step
// appends without allocating), for steps.csv and the loss chart.
//
// # Determinism and state
//
// The same Config on the same data gives the same weights and metrics (all
// but the seconds), bit for bit, on any number of threads: the initial
// weights, the batch order and dropout masks all come from Seed through
// separate PCG streams, and the matrix products and optimizer steps add up
// each number in the same order however they are split across threads. All of a run's state is in its Trainer (see its documentation),
// and between two Steps it is at a clean boundary, which is where
// checkpoints belong.
//
// # Checkpoints
//
// Trainer.Checkpoint returns the whole state as a checkpoint.Checkpoint
// (weights with batch normalisation's running statistics and the step
// log as extra tensors, optimizer state, and in the manifest the config, sampler and
// dropout generators, counters, running sums, curve and metrics, and a
// fingerprint of the data: a SHA-256 of the sets as they are held, pixel
// bytes or float32; checkpoints of older versions, whose SHA-256 is of the
// float32 values, are still checked as they were written);
// checkpoint.Save writes it crash-safely.
// Restore rebuilds the Trainer from one, on the same data, and the run
// continues bit for bit as if never stopped:
//
//	c, _ := checkpoint.Load(dir)
//	cfg, _ := train.CheckpointConfig(c) // or an extension: Config.Extends
//	t, err := train.Restore(cfg, c, trainSet, testSet)
//
// # Memory
//
// LoadData keeps the training set's pixels as bytes (47 MB for MNIST) and
// Step converts each batch to float32 as it gathers it (GD converts the
// whole set once, at its first step); the test set is converted once, at
// load, because nn.Model.Evaluate sums its losses over the whole matrix
// in one pass (31 MB for MNIST's). A full MNIST run peaks at about 125 MB.
// Buffers are allocated by New and by the first step and the first
// evaluation; after that a step allocates nothing (a test checks it with
// testing.AllocsPerRun).
package train
