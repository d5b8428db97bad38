//go:generate sh -c "go run gen_kernel_avx512.go > kernel_avx512_amd64.s"
//go:generate sh -c "go run gen_sparse_avx512.go > sparse_amd64.s"

// Package gemm multiplies float32 matrices, C = alpha·op(A)·op(B) + beta·C,
// row-major with BLAS sgemm semantics, for the neural-network package. Its
// one entry point is [Sgemm].
//
// # Design
//
// The blocked path follows the GotoBLAS/BLIS scheme (Goto and van de Geijn,
// "Anatomy of high-performance matrix multiplication", ACM TOMS 34(3), 2008):
//
//	for jc in steps of ncMax over columns of C       (block.go)
//	  for pc in steps of ≤kcMax over k                 pack op(B)[pc:,jc:] → nr-column panels
//	    for ic in steps of mcMax over rows of C        pack alpha·op(A)[ic:,pc:] → mr-row panels
//	      for jr, ir over nr×mr tiles                  micro-kernel: tile += A panel · B panel
//
// Three paths share this blocking and differ in the micro-kernel and in how
// much they pack (path.go):
//
//   - avx512 (kernel_avx512_amd64.s, block_avx512.go) keeps a 26×16 tile of
//     C in 26 ZMM registers; each step of k loads 16 floats of B and issues
//     26 FMAs whose A operand is broadcast from memory (VFMADD231PS.BCST), so
//     a step is one vector load and 26 FMAs, near the two-FMA-per-cycle peak.
//     When alpha is 1 the kernel reads whole 26-row panels of A where the
//     caller stored them (rows adjacent when A is transposed; a row stride
//     apart otherwise, through scaled-index addressing), so A is not packed;
//     only a ragged last panel is copied, and A whose row stride is a
//     multiple of 512 floats (26 rows would share an L1 set) is packed.
//     op(B) is packed by masked vector copies or, when transposed, 16×16
//     blocks transposed in registers. Tile edges use opmask registers: a
//     masked-off lane is neither read nor written. Products of at most 16
//     rows (small_avx512.go) run transposed, Cᵀ = op(B)ᵀ·op(A)ᵀ, with the
//     same kernels: op(A)ᵀ is the 16-wide panel, op(B)ᵀ is read in place 26
//     columns of C at a time, and the kernel's epilogue scatters each tile
//     row into a column of C, so 10 rows no longer fill a 26-row tile.
//   - avx2 (kernel_amd64.s) keeps a 6×16 tile in twelve YMM registers and
//     packs both operands in Go; edges use VMASKMOVPS.
//   - generic (kernel_generic.go) is the portable Go loop on 6×16 tiles, the
//     reference for the others.
//
// Packing puts the operands in the order the kernel reads them, which is
// also where the four transpose combinations are absorbed: no whole matrix
// is ever copied. Alpha is applied while packing A. Beta is applied by the
// kernel on the first pass over k (store, add or scale mode), so beta = 0
// writes C without reading it, as BLAS requires; packed panels are zero
// padded.
//
// Every path computes each element of C the same way: a sum over k in
// order, one multiply-add per k, in the same passes over k, then the beta
// step. The tiles differ but the order per element does not, so the two
// assembly paths (both fused multiply-adds) give the same bits, which the
// tests check; the generic path rounds each product separately and is held
// to a bound against a float64 reference instead.
//
// When m ≤ 3 (batch-1 training) packing op(B) would cost as much memory
// traffic as the product itself, so gemv.go streams op(B) straight from the
// caller's storage: 32-column axpy strips when B is not transposed, four dot
// products at a time when it is.
//
// # Parallelism and memory
//
// Products with enough work are cut into GOMAXPROCS parts along the rows of
// C (each part then packs all of op(B)) or, when C is at least twice as wide
// as tall, along its columns (each part packs all of op(A)). Parts are whole
// tiles. The calling goroutine computes one part and a pool of long-lived
// worker goroutines the others, so a call starts no goroutines. Packing
// buffers live in recycled jobs and grow to the largest problem seen: after
// warm-up Sgemm does not allocate. Small products run on the calling
// goroutine, since waking a worker costs microseconds.
//
// # Kernels and fallback
//
// The path is chosen once at start-up from internal/simd (the CPU's
// features, golang.org/x/sys/cpu, less the build tags): avx512
// where the CPU has AVX512F (the kernels use nothing beyond it), avx2 where
// it has AVX2 and FMA, generic otherwise, on other architectures, or with
// the build tag noasm. The build tag noavx512 forces the avx2 path on an
// AVX-512 machine, so that CI can test it: `go test -tags noavx512`. Tests
// run every path the machine has in one process through the usePath
// variable.
//
// # Tuning
//
// avx512: mr×nr = 26×16 uses 26 of the 32 ZMM registers (two hold B, one
// beta); 26 divides the batch sizes of training with little waste (100 rows
// run as 4 tiles, 128 as 5, 256 as 10). A second, 13-row kernel computes a
// tile of at most half height at half the cost, and a product split by rows
// over threads is cut at half tiles: 128 rows on two threads are 65+63
// (2½ tiles each) instead of 78+50 (3 and 2), 15% less for the slower
// thread (65×100×784 on one thread: 77–84 µs against 91–102 µs before).
// mcMax = 130 rows (5 tiles). avx2:
// 6×16 fills 12 of the 16 YMM registers; mcMax = 120. Both: kcMax = 384
// keeps a B micro-panel (kc·16 floats, 24 KiB) within the 48 KiB L1 while
// panels of A stream from L2 (1 MiB per core on Zen 5); passes over k are
// equalised (k = 784 runs as three passes of 262) to avoid a thin last
// pass, and must stay equal on every path for the bits to agree.
//
// # Benchmarks
//
// BenchmarkShapes runs the products of issue 10 (the three training nets,
// an evaluation chunk and 2048³) on the path the machine selects, one
// sub-benchmark per shape named MxNxK_AB, where A and B are N (used as
// stored) or T (transposed): e.g. BenchmarkShapes/100x100x784_NT is the
// forward product X·Wᵀ of a 784→100 layer at batch 100. Threads are set by
// -cpu:
//
//	go test -run XXX -bench 'Shapes/' -cpu 1,2 ./internal/gemm
//
// BenchmarkKernel measures each micro-kernel alone on panels in L1.
//
// # Measured
//
// On the 2-core AMD EPYC (Zen 5, AVX-512) of issue 10, 2 December 2026
// 05:35 to 05:38 UTC, alternating in one sitting with OpenBLAS 0.3.21
// through numpy (np.matmul on C-contiguous float32 arrays, transposes as .T
// views, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, OPENBLAS_NUM_THREADS
// = threads), best of six alternating rounds, GFLOP/s = 2mnk/t. The machine was
// shared with other jobs throughout (load average 9 to 14): repeated runs
// of one shape vary by ±10%, and the second thread is the most affected
// (with two threads both libraries got about 1.4 CPUs), so the two-thread
// columns partly measure the scheduler.
//
//	shape (MxNxK_AB)     1 thread: descent OpenBLAS ratio   2 threads: descent OpenBLAS ratio
//	100x100x784_NT                134     144   0.93                162      82   1.97
//	100x784x100_TN                147     166   0.88                189      97   1.95
//	784x100x100_TN                141     163   0.86                193      49   3.94
//	100x10x100_NT                  76      67   1.14                 75      54   1.40
//	100x10x100_NN                  86      60   1.43                 89      60   1.47
//	10x100x100_TN                  61      88   0.69                 60      88   0.68
//	128x100x784_NT                138     146   0.95                126      76   1.67
//	128x100x100_NT                139     137   1.01                115      40   2.92
//	100x100x128_TN                128     144   0.89                120      42   2.86
//	100x784x128_TN                152     166   0.91                170      95   1.79
//	128x100x100_NN                146     146   1.00                124      38   3.29
//	256x1024x784_NT               154     175   0.88                173     148   1.17
//	256x1024x1024_NT              158     170   0.93                188     149   1.26
//	1024x1024x256_TN              160     173   0.92                179     189   0.95
//	1024x784x256_TN               164     183   0.90                189     232   0.81
//	256x1024x1024_NN              159     166   0.96                175     207   0.84
//	1024x100x784_NT               151     166   0.91                153     112   1.37
//	2048x2048x2048_NN             147     180   0.82                194     217   0.89
//
// descent's side is
//
//	go test -run XXX -bench 'Shapes/' -cpu 1,2 -benchtime 0.4s ./internal/gemm
//
// Where descent falls short: a ragged last column panel (n = 100 is 7 panels
// of 16, the last with 4 columns, so 12% of the FMAs are padding); products
// of few rows (m = 10 runs transposed, filling 10 of 16 lanes, and pays a
// scatter per column of C); and 2048³, where the gap is in memory behaviour
// not yet understood. BenchmarkKernel gives the avx512 kernel 150 to 178
// GFLOP/s in L1 on this machine (the avx2 one 93 to 100), depending on the
// load.
package gemm
