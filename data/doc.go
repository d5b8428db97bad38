// Package data provides the datasets and batch samplers of descent's
// real-data experiments: MNIST embedded in the binary, a reader for the idx
// format of the MNIST family, and the three ways of drawing examples that
// the study compares.
//
// # Datasets
//
// MNIST returns the embedded MNIST training (60 000) and test (10 000) sets;
// nothing is downloaded at run time. The four original .gz files live in
// data/mnist with their origin, SHA-256 hashes and licence (CC BY-SA 3.0) in
// data/mnist/README.md. LoadDir reads any set stored under the four standard
// file names, such as Fashion-MNIST or KMNIST. A Dataset is an N×Dim
// row-major float32 matrix X with pixels scaled to [0, 1], and labels Y.
//
// # The idx format
//
// An idx file is a big-endian header, magic 0x0000 TT NN (TT the element
// type, NN the number of dimensions), then NN uint32 sizes, then the
// elements in row-major order. MNIST uses unsigned bytes (TT = 0x08):
// labels are 0x00000801 (one dimension), images 0x00000803 (count, rows,
// columns). ReadIDX accepts raw or gzip input, validates everything and
// never allocates on the header's word alone.
//
// # Samplers: GD, SGD and mini-batch
//
// A Sampler hands out batches of example indices, and its batch size picks
// the method:
//
//	NewSampler(n, n, seed)  // GD: the whole set every step, in index order
//	NewSampler(n, 1, seed)  // SGD: one random example per step
//	NewSampler(n, B, seed)  // mini-batch: random batches of B examples
//
// Each epoch is a new random permutation (PCG from seed) cut into batches,
// so every example is seen exactly once per epoch; a last partial batch is
// kept. Dataset.Gather copies a batch into a reusable Batch:
//
//	s, _ := data.NewSampler(train.N, 64, 1)
//	var idx []int
//	var b data.Batch
//	for s.Epoch() < epochs {
//		idx = s.Next(idx)
//		train.Gather(&b, idx) // b.X is b.N×train.Dim, b.Y the labels
//		// ... step on b
//	}
//
// Neither Next nor Gather allocates once their buffers are large enough.
// The sampler's state saves and restores (State/SetState, MarshalBinary)
// so a run can resume on exactly the batch it would have drawn.
package data
