//go:generate sh -c "python3 gen_kernel_avx512.py > kernel_avx512_amd64.s"

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
// The path is chosen once at start-up with golang.org/x/sys/cpu: avx512
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
// run as 4 tiles, 128 as 5, 256 as 10). mcMax = 130 rows (5 tiles). avx2:
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
// On the 2-core AMD EPYC (Zen 5, AVX-512) of issue 10, 2 December 2026,
// alternating in one sitting with OpenBLAS 0.3.21 through numpy (np.matmul
// on C-contiguous float32 arrays, transposes as .T views, OPENBLAS_CORETYPE
// and OPENBLAS_L2_SIZE unset, OPENBLAS_NUM_THREADS = threads), best of six
// runs each, GFLOP/s = 2mnk/t. The machine was shared with other jobs
// throughout (load average 9 to 15), which costs the second thread most:
// both libraries got about 1.4 CPUs with two threads, so the two-thread
// columns mostly measure the scheduler.
//
//	shape (MxNxK_AB)     1 thread: descent OpenBLAS ratio   2 threads: descent OpenBLAS ratio
//	100x100x784_NT                   134     145   0.93                116      87   1.34
//	100x784x100_TN                   160     167   0.96                139      93   1.50
//	784x100x100_TN                   150     160   0.93                137      55   2.51
//	100x10x100_NT                     80      66   1.22                 74      52   1.43
//	100x10x100_NN                     91      62   1.47                 86      54   1.58
//	10x100x100_TN                     44      89   0.50                 43      71   0.61
//	128x100x784_NT                   144     142   1.02                116      82   1.42
//	128x100x100_NT                   142     138   1.03                114      46   2.48
//	100x100x128_TN                   133     142   0.94                101      44   2.27
//	100x784x128_TN                   157     163   0.96                120     100   1.20
//	128x100x100_NN                   145     148   0.98                101      42   2.44
//	256x1024x784_NT                  154     176   0.88                166     202   0.82
//	256x1024x1024_NT                 157     174   0.90                152     173   0.88
//	1024x1024x256_TN                 152     185   0.82                156     200   0.78
//	1024x784x256_TN                  152     188   0.81                157     193   0.81
//	256x1024x1024_NN                 147     174   0.84                159     216   0.74
//	1024x100x784_NT                  150     170   0.88                146     116   1.26
//	2048x2048x2048_NN                140     184   0.76                168     248   0.68
//
// descent's side is
//
//	go test -run XXX -bench 'Shapes/' -cpu 1,2 -benchtime 0.4s ./internal/gemm
//
// Where descent falls short: a ragged last column panel (n = 100 is 7 panels
// of 16, the last with 4 columns, so 12% of the FMAs are padding), a ragged
// row tile for very small m (m = 10 fills 10 of 26 rows), and the largest
// products, where the gap is in the kernel's memory behaviour, not yet
// understood. BenchmarkKernel gives the avx512 kernel 150 to 178 GFLOP/s in
// L1 on this machine (the avx2 one 93 to 100), depending on the load.
package gemm
