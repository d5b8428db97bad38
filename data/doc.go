// Package data provides the datasets and batch samplers of descent's
// real-data experiments: MNIST, a reader for the idx format of the MNIST
// family, and the three ways of drawing examples that the study compares.
//
// # Datasets
//
// LoadMNIST returns the MNIST training (60 000) and test (10 000) sets from
// the folder FindMNIST finds; it never downloads. The four original .gz
// files (11.6 MB) are not in the library's module: they are a module of
// their own, data/mnist in the repository, with their origin, SHA-256
// hashes and licence (CC BY-SA 3.0) in data/mnist/README.md, so that
// importing descent downloads none of it. A program run from a clone finds
// them there; elsewhere FetchMNIST (`descent data fetch`) downloads them
// once into the user cache folder, checked by SHA-256. LoadDir reads any set
// stored under the four standard file names, such as Fashion-MNIST or
// KMNIST.
//
// A Dataset is an N×Dim row-major matrix and labels Y. Sets read from idx
// files keep their pixels as bytes (Pixels; the byte b stands for
// float32(b)/255), and Gather converts each batch to float32 as it copies
// it: MNIST's training set then takes 47 MB instead of 188 MB, and a
// gathered batch costs no more than copying floats did. Sets built from
// numbers hold float32 X. MNIST (the function) and Dataset.Float32 convert
// a whole set for programs that want the float matrix.
//
// # Loading fast and safely
//
// Decoding the 9.9 MB gzip file of MNIST's training images is most of the
// cost of loading; klauspost/compress's gzip does it 1.5–2.5× as fast as
// compress/gzip, the training and test sets are read at once (two
// goroutines), and with Options.CacheDir (train.LoadData uses CacheDir())
// each gzip file's content is kept decoded, so later runs read 55 MB of
// raw idx files instead of decoding 11.6 MB of gzip: a fresh process then
// has MNIST in 40–50 ms (0.06–0.09 s of CPU) instead of the 150–160 ms
// (0.2 s of CPU) of decoding, on a 2-core machine shared with other work
// (BenchmarkLoadMNIST measures the same inside one process). A copy is
// named by the SHA-256 of its gzip file and checked against that file's
// trailer (CRC-32 and length) as it is read; a damaged copy is replaced,
// and a cache that cannot be written only costs the speed. Buffers for
// whole sets are advised for transparent huge pages on Linux (see
// makeBytes): page faults, not decoding, were most of the time on a VM.
//
// The loaders trust no header. Before any data are decoded, the images
// header of a set must agree with its labels header (the same count), and
// every header with its file's size: a raw file holds exactly header and
// data, and a gzip file of s bytes at most MaxExpansion·s bytes of data.
// A small file claiming millions of images is refused at once, in one
// line. Data are then decoded straight into the Dataset's buffer, which
// grows with the bytes that actually arrive beyond its first 64 MB, and
// Options.Subset stops decoding after the kept examples. Only regular files
// are opened, so a FIFO under a data file's name cannot block a run.
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
