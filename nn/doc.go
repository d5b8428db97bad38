// Package nn is a small float32 neural-network package: multilayer
// perceptrons with softmax cross-entropy, written so that an optimizer sees
// the whole model as one flat vector.
//
// # Models
//
// A model is described by a spec string:
//
//	mlp:784-100-10                                   // one hidden layer of 100
//	mlp:784-256-128-10,act=relu,init=he,dropout=0.2  // the options
//	mlp:784-100-100-10,init=normal:0.01,bn           // N(0, 0.01²), batch norm
//
// ParseModel reads it into a Spec and New builds the Model from a seed.
// The defaults are act=relu, init=torch (PyTorch's nn.Linear default,
// U(−1/√fan_in, 1/√fan_in) for weights and biases) and dropout=0. The other
// initialisations are he (N(0, 2/fan_in)), he-uniform, xavier
// (U(±√(6/(fan_in+fan_out)))), xavier-normal and normal:STD (N(0, STD²),
// the book's weight_init_std); see Init.
//
// # Batch normalisation
//
// The option bn puts a batch normalisation after every hidden dense layer,
// before its activation: torch.nn.BatchNorm1d with momentum 0.1 and eps
// 1e-5 (batchnorm.go). Loss normalises with the batch's mean and biased
// variance and moves the running statistics (with the unbiased variance);
// Evaluate, Accuracy and Predict use the running statistics. Its γ and β are
// parameters (bnK.weight, bnK.bias, after fcK's); the running statistics
// are Buffers (bnK.running_mean, bnK.running_var), which a checkpoint must
// save besides the parameters. A training batch needs at least 2 examples.
// Forward and backward are checked against torch 1.13 and by finite
// differences.
//
// # Parameters
//
// All parameters live in one []float32, layer after layer: fc1.weight,
// fc1.bias, (bn1.weight, bn1.bias,) fc2.weight, … A weight is stored [out×in] row-major, as in
// PyTorch (so y = x·Wᵀ + b, and a PyTorch state dict maps one to one); a
// bias is [out]. The gradient buffer has the same layout. Flat returns both
// buffers, for an optimizer that updates everything in one pass; Params
// returns the same memory as named views, for optimizers with parameter
// groups or per-tensor state.
//
// # Training
//
// One step of training is:
//
//	loss := m.Loss(x, y) // forward pass, mean cross-entropy over the batch
//	m.Backward()         // gradients into the gradient buffer (overwritten)
//	// optimizer: params -= lr·grads, or anything else, over m.Flat()
//
// x is a batch of len(y) examples, row-major, as data.Batch holds them
// (LossFill takes a function that writes its rows as they are needed).
// Loss applies dropout (inverted: kept units are scaled by 1/(1−p), so
// evaluation needs no rescaling); Evaluate, Accuracy and Predict never do,
// and run EvalChunk examples at a time so a whole test set fits in little
// memory. Buffers are kept per batch size and reused: after the first step
// at the largest batch size, Loss, Backward and Evaluate allocate nothing.
//
// # Speed
//
// Matrix products go through internal/gemm (AVX-512 or AVX2 kernels on both
// cores). What runs between them is fused into single vector passes of
// internal/vec: the bias and ReLU of a layer in one pass over its output;
// the loss and its gradient in one pass over the logits (the softmax, with a
// float32 exp, written straight into the gradient buffer that Backward
// starts from); ReLU's mask and the bias gradient in one pass each. On two
// or more threads Loss splits the batch by rows once and each thread takes
// its rows through every layer and the softmax (rows are independent in the
// forward pass), instead of splitting each product: one hand-over per
// forward pass instead of one per layer, and each thread's activations stay
// in its core's caches (without dropout, whose masks are drawn in one
// sequence). Backward then goes in two passes: each thread takes the same
// rows down through every layer's input gradient (∂x = ∂z·W, a row at a
// time), then the threads share out the weight and bias gradients, each a
// product over the whole batch, as tasks (a large ∂W cut into column
// ranges), largest first. Without the row split (small products, dropout)
// Backward runs a layer's two products (∂W and ∂x) side by side, one per
// thread. The results are the same bits whatever the number of threads.
//
// A deep, narrow network on two threads (the book's 784-100-100-100-100-10:
// at least three layers, none wider than 512, the layers above the first
// about as much work as the first) is split by layers instead (pipe.go):
// thread 0 owns the first layer, thread 1 the layers above, and Loss runs
// the batch through in micro-batches, thread 1 taking each from the first
// layer through the loss and back down to ∂z₁ while thread 0 computes the
// next; only the first layer's outputs and ∂z₁ cross between the cores.
// ParamParts says which thread holds each parameter, for optim's
// Optimizer.SetParts; LossFill lets a training loop gather the batch on
// the thread that reads it, micro-batch by micro-batch. The bits are
// again the one-thread step's; Model.SetPipeline(false), or
// DESCENT_PIPE=off, keeps the split by rows.
//
// Where the CPU has AVX-512, the first layer's two products leave out the
// terms whose input is zero (sparse.go): the forward product over the
// positions where one of four rows is nonzero, ∂W₁ by groups of four
// columns over the rows that light them. The sums keep the dense products' order,
// so the bits are the same; Model.SetSparseInput(false), or
// DESCENT_SPARSE=off in the environment, makes every batch take the dense
// products.
//
// The loss is computed stably, log Σ exp(z − max z) − (z_y − max z), and its
// gradient with respect to the logits is (softmax(z) − onehot(y))/n.
// Backward is checked against float64 central differences in the tests.
//
// # Randomness
//
// New(spec, seed) seeds two PCG generators from seed with distinct streams,
// one for the initial parameters and one for dropout masks, so turning
// dropout on does not change the initial weights. DropoutState and
// SetDropoutState save and restore the dropout generator for exact resume.
package nn
