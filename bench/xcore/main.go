//go:build linux && amd64

// Command xcore measures what it costs one core to read or update memory
// that the other core has just touched: the pattern of a training step on
// two threads, where the optimizer updates weights that both cores read in
// the forward pass. It pins two threads to CPUs 0 and 1 and times, on a
// 313 KB buffer (MNIST's first-layer weights), a read and an update
// (AVX-512, one vector per cache line) after the buffer was last touched
// by the same core or by the other, and the update with PREFETCHW 2 KB
// ahead (as optim's kernels do).
//
//	go run ./bench/xcore [-kb 313] [-reps 300]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/descentlab/descent/internal/simd"
	"golang.org/x/sys/unix"
)

func pin(cpu int) error {
	runtime.LockOSThread()
	var s unix.CPUSet
	s.Set(cpu)
	return unix.SchedSetaffinity(0, &s)
}

func main() {
	kb := flag.Int("kb", 313, "buffer size in KiB (1 to 65536)")
	reps := flag.Int("reps", 300, "repetitions per case (1 to 100000); the median is shown")
	flag.Parse()
	if *kb < 1 || *kb > 65536 {
		fmt.Fprintf(os.Stderr, "xcore: invalid -kb %d: want 1 to 65536\n", *kb)
		os.Exit(2)
	}
	if *reps < 1 || *reps > 100000 {
		fmt.Fprintf(os.Stderr, "xcore: invalid -reps %d: want 1 to 100000\n", *reps)
		os.Exit(2)
	}
	if !simd.AVX512 {
		fmt.Fprintln(os.Stderr, "xcore: needs AVX-512 (its update loop is AVX-512 assembly)")
		os.Exit(2)
	}
	if runtime.NumCPU() < 2 {
		fmt.Fprintln(os.Stderr, "xcore: needs two CPUs")
		os.Exit(2)
	}
	n := *kb * 1024 / 4 &^ 15
	buf := make([]float32, n)
	var sink float32
	req := make(chan func())
	done := make(chan time.Duration)
	errs := make(chan error, 1)
	go func() {
		errs <- pin(1)
		for f := range req {
			t := time.Now()
			f()
			done <- time.Since(t)
		}
	}()
	if err := <-errs; err != nil {
		fmt.Fprintln(os.Stderr, "xcore: pinning to CPU 1:", err)
		os.Exit(2)
	}
	if err := pin(0); err != nil {
		fmt.Fprintln(os.Stderr, "xcore: pinning to CPU 0:", err)
		os.Exit(2)
	}
	write := func() { upd(&buf[0], n, 0, 0) }
	read := func() {
		var s float32
		for i := 0; i < len(buf); i += 16 {
			s += buf[i]
		}
		sink += s
	}
	update := func() { upd(&buf[0], n, 1, 0) }
	updatePF := func() { upd(&buf[0], n, 1, 1) }
	on1 := func(f func()) time.Duration { req <- f; return <-done }
	on0 := func(f func()) time.Duration { t := time.Now(); f(); return time.Since(t) }
	fmt.Printf("%d KiB, median of %d, CPU 0 timed\n", n*4/1024, *reps)
	for _, c := range []struct {
		name   string
		before func()
		timed  func()
	}{
		{"read, last written here", func() { on0(write) }, read},
		{"read, last written by the other", func() { on1(write) }, read},
		{"update, last read here", func() { on0(write); on0(read) }, update},
		{"update, last read by the other", func() { on0(write); on1(read) }, update},
		{"same, PREFETCHW 2 KB ahead", func() { on0(write); on1(read) }, updatePF},
		{"same, last read here", func() { on0(write); on0(read) }, updatePF},
	} {
		ts := make([]time.Duration, 0, *reps)
		for range *reps {
			c.before()
			ts = append(ts, on0(c.timed))
		}
		slices.Sort(ts)
		med := ts[len(ts)/2]
		fmt.Printf("%-34s %7.1f µs  %6.1f GB/s\n", c.name, float64(med.Nanoseconds())/1e3, float64(n*4)/float64(med.Nanoseconds()))
	}
	close(req)
	if sink == 1 {
		fmt.Println()
	}
}
