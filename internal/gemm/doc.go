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
// The micro-kernel (kernel_amd64.s) keeps a 6×16 tile of C in twelve YMM
// registers; each step of k loads 16 floats of B, broadcasts 6 of A and
// issues 12 FMAs, so it runs near the two-FMA-per-cycle peak. Packing puts
// both operands in the order the kernel reads them, which is also where the
// four transpose combinations are absorbed: the kernel never sees a stride
// other than ldc, and no whole matrix is ever copied. Alpha is applied while
// packing A. Beta is applied by the kernel on the first pass over k (store,
// add or scale mode), so beta = 0 writes C without reading it, as BLAS
// requires. Tiles cut by the edge of C use masked loads and stores
// (VMASKMOVPS) rather than a scratch tile, and packed panels are zero padded.
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
// The assembly kernels need AVX2 and FMA, detected at start-up with
// golang.org/x/sys/cpu. Without them, on other architectures, or with the
// build tag noasm, the same blocking and packing run with the portable
// kernelGeneric, which is also the reference the tests compare against.
// Tests switch between the two paths in one run through the useAsm variable.
//
// # Tuning
//
// mr×nr = 6×16 fills 12 of the 16 YMM registers. kcMax = 384 keeps a B
// micro-panel (kc·16 floats) within a 48 KiB L1; mcMax = 120 rows of packed A
// (up to 180 KiB) sit in L2 beside the packed B block. Passes over k are
// equalised (k = 784 runs as three passes of 262) to avoid a thin last pass.
package gemm
