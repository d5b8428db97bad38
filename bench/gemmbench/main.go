// Command gemmbench times internal/gemm's Sgemm on the shapes given, for
// bench/issue10.py, which times numpy's sgemm (OpenBLAS) on the same shapes
// and compares the two.
//
//	go run ./bench/gemmbench -threads 2 -shapes 100x100x784/NT,2048x2048x2048/NN -reps 5
//
// A shape is MxNxK/XY: C (M×N) = op(A)·op(B) with K the inner dimension;
// X is N or T for A not transposed or transposed, Y the same for B, as in
// BLAS. The threads are runtime.GOMAXPROCS, which Sgemm's split reads.
// For each shape it prints one JSON line: the best of -reps timed
// repetitions, each the mean of enough calls to last -min-ms, and the
// GFLOP/s (2·M·N·K per call) of that best.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/descentlab/descent/internal/gemm"
)

type shape struct {
	m, n, k        int
	transA, transB bool
	spec           string
}

type result struct {
	Impl    string  `json:"impl"`
	Shape   string  `json:"shape"`
	Threads int     `json:"threads"`
	BestMs  float64 `json:"best_ms"`
	GFLOPS  float64 `json:"gflops"`
	Calls   int     `json:"calls"`
	Reps    int     `json:"reps"`
}

// maxElems bounds one operand (1<<28 float32 is 1 GiB).
const maxElems = 1 << 28

func parseShape(s string) (shape, error) {
	bad := fmt.Errorf("shape %q: want MxNxK/XY with M, N, K in [1, 65536] and X, Y each N or T, e.g. 100x100x784/NT", s)
	dims, ops, ok := strings.Cut(s, "/")
	if !ok || len(ops) != 2 {
		return shape{}, bad
	}
	parts := strings.Split(dims, "x")
	if len(parts) != 3 {
		return shape{}, bad
	}
	var v [3]int
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || x < 1 || x > 65536 {
			return shape{}, bad
		}
		v[i] = x
	}
	sh := shape{m: v[0], n: v[1], k: v[2], spec: s}
	for i, c := range ops {
		switch c {
		case 'N':
		case 'T':
			if i == 0 {
				sh.transA = true
			} else {
				sh.transB = true
			}
		default:
			return shape{}, bad
		}
	}
	if sh.m*sh.k > maxElems || sh.k*sh.n > maxElems || sh.m*sh.n > maxElems {
		return shape{}, fmt.Errorf("shape %q: an operand over %d elements", s, maxElems)
	}
	return sh, nil
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

func measure(sh shape, threads, reps int, minDur time.Duration) result {
	r := rand.New(rand.NewPCG(1, 2))
	a, b, c := randSlice(r, sh.m*sh.k), randSlice(r, sh.k*sh.n), make([]float32, sh.m*sh.n)
	lda, ldb := sh.k, sh.n
	if sh.transA {
		lda = sh.m
	}
	if sh.transB {
		ldb = sh.k
	}
	call := func() { gemm.Sgemm(sh.transA, sh.transB, sh.m, sh.n, sh.k, 1, a, lda, b, ldb, 0, c, sh.n) }
	// Warm up (packing buffers grow, workers start), then find how many
	// calls last minDur.
	calls := 1
	for {
		t0 := time.Now()
		for range calls {
			call()
		}
		if time.Since(t0) >= minDur || calls >= 1<<20 {
			break
		}
		calls *= 2
	}
	best := time.Duration(1<<63 - 1)
	for range reps {
		t0 := time.Now()
		for range calls {
			call()
		}
		if d := time.Since(t0) / time.Duration(calls); d < best {
			best = d
		}
	}
	sec := best.Seconds()
	return result{Impl: "descent", Shape: sh.spec, Threads: threads, BestMs: sec * 1e3,
		GFLOPS: 2 * float64(sh.m) * float64(sh.n) * float64(sh.k) / sec / 1e9, Calls: calls, Reps: reps}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gemmbench", flag.ContinueOnError)
	threads := fs.Int("threads", 1, "threads (runtime.GOMAXPROCS), 1 to 1024")
	shapes := fs.String("shapes", "100x100x784/NT", "comma-separated shapes MxNxK/XY")
	reps := fs.Int("reps", 5, "timed repetitions per shape, 1 to 1000; the best is printed")
	minMs := fs.Int("min-ms", 20, "milliseconds one repetition lasts at least, 1 to 10000")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *threads < 1 || *threads > 1024 {
		return fmt.Errorf("-threads=%d: want an integer in [1, 1024]", *threads)
	}
	if *reps < 1 || *reps > 1000 {
		return fmt.Errorf("-reps=%d: want an integer in [1, 1000]", *reps)
	}
	if *minMs < 1 || *minMs > 10000 {
		return fmt.Errorf("-min-ms=%d: want an integer in [1, 10000]", *minMs)
	}
	var list []shape
	for _, s := range strings.Split(*shapes, ",") {
		sh, err := parseShape(s)
		if err != nil {
			return err
		}
		list = append(list, sh)
	}
	runtime.GOMAXPROCS(*threads)
	enc := json.NewEncoder(os.Stdout)
	for _, sh := range list {
		if err := enc.Encode(measure(sh, *threads, *reps, time.Duration(*minMs)*time.Millisecond)); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gemmbench:", err)
		os.Exit(2)
	}
}
