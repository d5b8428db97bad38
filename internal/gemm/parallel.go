package gemm

import (
	"runtime"
	"sync"

	"github.com/descentlab/descent/internal/workpool"
)

// procs reports how many goroutines a call may use. Tests replace it to force
// the parallel split on any machine.
var procs = func() int { return runtime.GOMAXPROCS(0) }

// minParallelWork is the work below which a product runs on the calling
// goroutine alone: waking a worker costs a few microseconds, about the time
// one core needs for this many flops. Work counts the 2·m·n·k flops plus 16
// per element of C, since for small k the product is bound by writing C (a
// 784×100 outer product takes about as long as 1.2 Mflop of kernel time).
const minParallelWork = 1 << 20

// job carries one call through the worker pool: the problem, how it is split
// and one workspace per part. Jobs are recycled through jobs so that a call
// allocates nothing once the buffers have grown.
type job struct {
	p      problem
	path   path
	parts  int
	splitM bool // split rows of C across parts; otherwise columns
	ws     []workspace
	wg     sync.WaitGroup
	run    func(part, parts int) // runPart for the shared pool, made once per job
}

// jobs keeps the jobs between products, per P (sync.Pool): a training
// step makes a product on each thread tens of times, and a job shared
// through one channel bounced its lock and its packing buffers between the
// cores (runtime.lock2 and chansend were 3% of a book-net step's profile).
var jobs = sync.Pool{New: func() any { return new(job) }}

func getJob() *job { return jobs.Get().(*job) }

func putJob(j *job) {
	j.p = problem{} // drop references to the caller's matrices
	jobs.Put(j)
}

// task asks a worker to compute one part of a job.
type task struct {
	j    *job
	part int
}

var (
	tasks     = make(chan task)
	workersMu sync.Mutex
	workers   int
)

// ensureWorkers starts pool goroutines until there are at least n. They live
// for the rest of the process and idle on a channel receive.
func ensureWorkers(n int) {
	workersMu.Lock()
	for workers < n {
		go worker()
		workers++
	}
	workersMu.Unlock()
}

func worker() {
	for t := range tasks {
		t.j.runPart(t.part)
		t.j.wg.Done()
	}
}

// run computes p, splitting it across goroutines when it is large enough.
func run(p problem) {
	j := getJob()
	j.p = p
	j.path = usePath
	if p.serial {
		j.plan(1)
	} else {
		j.plan(procs())
	}
	if len(j.ws) < j.parts {
		j.ws = append(j.ws, make([]workspace, j.parts-len(j.ws))...)
	}
	switch {
	case j.parts == 1:
		j.runPart(0)
	case runShared(j):
	default:
		ensureWorkers(j.parts - 1)
		j.wg.Add(j.parts - 1)
		for part := 1; part < j.parts; part++ {
			tasks <- task{j, part}
		}
		j.runPart(0)
		j.wg.Wait()
	}
	putJob(j)
}

// runShared runs j's parts on the process's shared pool (internal/workpool),
// whose helpers spin between computations: the products of a training step
// come tens of microseconds apart, and waking a parked worker for each cost
// as much as a small product takes. It reports false, running nothing,
// when the pool is busy (another goroutine's product, or an optimizer
// step); the channel workers above then run j.
func runShared(j *job) bool {
	if j.run == nil {
		j.run = func(part, _ int) { j.runPart(part) }
	}
	return workpool.TryRunShared(j.parts, j.parts, j.run)
}

// plan chooses the number of parts and the dimension to split. Splitting
// rows makes every part pack all of op(B) (k·n floats); splitting columns
// makes every part pack all of op(A) (m·k). Rows are preferred unless C is
// clearly wider than tall, as they divide into finer (mr-row) pieces.
func (j *job) plan(procs int) {
	p := &j.p
	j.parts = 1
	if procs < 2 || float64(p.m)*float64(p.n)*float64(2*p.k+16) < minParallelWork {
		return
	}
	j.splitM = p.n < 2*p.m
	dim := p.n
	if j.splitM {
		dim = p.m
	}
	j.parts = min(procs, (dim+j.unit()-1)/j.unit())
}

// unit is the piece a split is made of: whole mr-row tiles when rows are
// split, nr-column tiles when columns are, and whole 32-column strips when
// the product takes the row path (gemmRows), so that every column is
// computed by the same strip kernel as in the undivided product.
func (j *job) unit() int {
	switch {
	case j.splitM:
		return j.path.mr()
	case j.p.m <= maxGemvRows:
		return gemvStrip
	}
	return nr
}

// partRange is the run [lo, hi) of rows (or columns) of C that part part
// computes: whole tiles, the same number (±1) for each part. On the
// AVX-512 path a split of rows cuts at half tiles (13 rows), which the
// 13-row kernel computes at half the cost of a whole one: 128 rows on two
// threads are 65+63 (2½ tiles each) rather than 78+50 (3 and 2).
func (j *job) partRange(part int) (lo, hi int) {
	step := j.unit()
	dim := j.p.n
	if j.splitM {
		dim = j.p.m
		if j.path == pathAVX512 && j.p.m > maxGemvRows {
			step = mrHalfAVX512
		}
	}
	tiles := (dim + step - 1) / step
	return min(dim, tiles*part/j.parts*step), min(dim, tiles*(part+1)/j.parts*step)
}

// runPart computes part of the job's rows (or columns) of C: a contiguous run
// of whole tiles, the same number (±1) for each part.
func (j *job) runPart(part int) {
	p := j.p
	if j.parts > 1 {
		lo, hi := j.partRange(part)
		if lo >= hi {
			return
		}
		if j.splitM {
			p.m = hi - lo
			if p.transA {
				p.a = p.a[lo:]
			} else {
				p.a = p.a[lo*p.lda:]
			}
			p.c = p.c[lo*p.ldc:]
		} else {
			p.n = hi - lo
			if p.transB {
				p.b = p.b[lo*p.ldb:]
			} else {
				p.b = p.b[lo:]
			}
			p.c = p.c[lo:]
		}
	}
	// The whole product's rows choose the algorithm, not the part's: a part
	// of a few rows must add up its elements in the same order as the
	// product computed in one piece, so that C has the same bits on any
	// number of threads.
	if j.p.m <= maxGemvRows {
		gemmRows(&j.ws[part], &p, j.path != pathGeneric)
		return
	}
	gemmBlocked(&j.ws[part], &p, j.path)
}

// RowPart reports which rows of C part part of parts computes when Sgemm
// splits an m×n×k product over parts goroutines by rows, as it does on
// this machine: [lo, hi). ok is false when such a product is not split by
// rows (too small, or split by columns), and then lo and hi are 0. A caller
// that prepares op(A) on several threads can give each thread the rows its
// part of the product will read, so they are in that core's caches.
func RowPart(m, n, k, part, parts int) (lo, hi int, ok bool) {
	j := job{p: problem{m: m, n: n, k: k}, path: usePath}
	j.plan(parts)
	if j.parts != parts || !j.splitM || part < 0 || part >= parts {
		return 0, 0, false
	}
	lo, hi = j.partRange(part)
	return lo, hi, true
}
