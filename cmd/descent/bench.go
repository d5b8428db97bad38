package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/descentlab/descent/internal/workpool"
	"github.com/descentlab/descent/optim"
)

// Limits of descent bench: n float32 parameters need 4·n bytes per buffer
// and the triad three more arrays, so 2e8 is about 5 GB for Adam.
const (
	maxBenchN       = 200_000_000
	maxBenchThreads = 1024
	maxBenchSteps   = 100_000
)

// benchResult is what descent bench measures; --json prints it.
type benchResult struct {
	Opt       string  `json:"opt"`
	N         int     `json:"n"`
	Threads   int     `json:"threads"`
	MsPerStep float64 `json:"ms_per_step"`
	GBps      float64 `json:"gbps"`
	TriadGBps float64 `json:"triad_gbps"`
	Ratio     float64 `json:"ratio"`
}

// benchLong is bench's help text.
const benchLong = `bench times the optimizer step on N float32 parameters and, in the same
run and with the same number of threads, the STREAM triad a[i] = b[i] + s·c[i]
on three arrays of N float32, which measures the memory bandwidth the step
is bound by.

It prints the median time per step over S steps (after one untimed step that
allocates the state), the effective bandwidth of the step (the bytes it must
move: 4 per element for each of p and g read and p written, and 8 for each
state buffer read and written, e.g. 12 for sgd, 20 for momentum, adagrad and
rmsprop, 28 for adam and adamw), the triad bandwidth (the median of as many
repetitions, each timed right after a step, 12 bytes per element) and their
ratio. An effective bandwidth above the triad's is possible: the triad's
store to a also reads a into the cache first, which it does not count, while
every buffer a step writes it has read.`

func newBenchCmd(e *env) *cobra.Command {
	var (
		spec              string
		n, threads, steps int
		asJSON            bool
	)
	cmd := &cobra.Command{
		Use:   "bench [--opt SPEC] [--n N] [--threads T] [--steps S] [--json]",
		Short: "Time an optimizer step against the machine's memory bandwidth",
		Long:  benchLong,
		Example: `  descent bench --opt adam --n 10000000 --threads 2 --steps 20
  descent bench --opt sgd:momentum=0.9 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, err := optim.ParseSpec(spec)
			if err != nil {
				return fmt.Errorf("bench: --opt %s: %v", spec, err)
			}
			if n < 1 || n > maxBenchN {
				return fmt.Errorf("bench: --n=%d: want an integer in [1, %d]", n, maxBenchN)
			}
			if threads < 1 || threads > maxBenchThreads {
				return fmt.Errorf("bench: --threads=%d: want an integer in [1, %d]", threads, maxBenchThreads)
			}
			if steps < 1 || steps > maxBenchSteps {
				return fmt.Errorf("bench: --steps=%d: want an integer in [1, %d]", steps, maxBenchSteps)
			}
			bytes, err := bytesPerElement(h)
			if err != nil {
				return fmt.Errorf("bench: --opt %s: %v", spec, err)
			}
			in := catchInterrupt(cmd.Context())
			defer in.stop()
			ms, triad, err := measure(in.ctx, h, n, threads, steps)
			if in.interrupted() {
				return in.stopped("bench: interrupted; nothing measured")
			}
			if err != nil {
				return fmt.Errorf("bench: --opt %s: %v", spec, err)
			}
			r := benchResult{Opt: spec, N: n, Threads: threads, MsPerStep: ms,
				GBps:      float64(bytes*n) / (ms * 1e6),
				TriadGBps: triad}
			r.Ratio = r.GBps / r.TriadGBps
			if asJSON {
				b, err := json.Marshal(r)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(e.stdout, "%s\n", b)
				return err
			}
			_, err = fmt.Fprintf(e.stdout, "%s  n=%d  threads=%d  steps=%d\nstep   %8.3f ms  %6.2f GB/s (%d bytes/element)\ntriad             %6.2f GB/s\nratio  %.2f\n",
				r.Opt, n, threads, steps, r.MsPerStep, r.GBps, bytes, r.TriadGBps, r.Ratio)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&spec, "opt", "adam", "optimizer SPEC, NAME[:key=value,...]")
	fl.IntVar(&n, "n", 10_000_000, "number of float32 parameters")
	fl.IntVar(&threads, "threads", runtime.GOMAXPROCS(0), "goroutines per step (at most GOMAXPROCS run at once) and for the triad")
	fl.IntVar(&steps, "steps", 20, "timed steps (and triad repetitions)")
	fl.BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// bytesPerElement is what one float32 element of a step must move: p and g
// read, p written, each state buffer read and written. The buffers are
// counted on a one-element optimizer after its first step.
func bytesPerElement(h optim.Hyper) (int, error) {
	o, err := optim.New(h, optim.NewParam("w", []float32{1}))
	if err != nil {
		return 0, err
	}
	o.Step()
	bufs := len(o.State().Params["w"].Buffers)
	return 4 * (3 + 2*bufs), nil
}

// measure returns the median milliseconds per step of n parameters and
// the triad's bandwidth (GB/s) on n float32 with the same threads, the
// steps and the triad's repetitions timed in turn, so that both see the
// machine in the same state (timed one after the other, a disturbance of
// either moved the ratio: adadelta's step once took 1.85 times its time of
// twelve minutes before, 0.81× the triad). It stops early, returning ctx's
// error, when ctx is cancelled.
func measure(ctx context.Context, h optim.Hyper, n, threads, steps int) (ms, gbps float64, err error) {
	r := rand.New(rand.NewPCG(1, 1))
	w := optim.NewParam("w", make([]float32, n))
	for i := range w.Value {
		// Filling 10⁷–10⁸ values takes seconds on a busy machine: an
		// interrupt must not wait for it.
		if i%(1<<20) == 0 {
			if err := ctx.Err(); err != nil {
				return 0, 0, err
			}
		}
		w.Value[i] = float32(r.NormFloat64())
		w.Grad[i] = float32(r.NormFloat64()) * 1e-2
	}
	o, err := optim.New(h, w)
	if err != nil {
		return 0, 0, err
	}
	if err := o.SetThreads(threads); err != nil {
		return 0, 0, err
	}
	o.Step() // allocates the state
	// The triad a[i] = b[i] + s·c[i], the elements split evenly across
	// threads goroutines, counting 12 bytes per element as STREAM does.
	// The goroutines are the process's shared workpool, the optimizer's:
	// like STREAM's OpenMP threads they spin between repetitions, so the
	// figure does not include waking a sleeping thread; a pool of its own
	// would spin on a core while the step ran (its helper held the second
	// P through the next step, which then ran on one thread).
	a, b, c := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range b {
		b[i], c[i] = 1, 2
	}
	part := func(k, parts int) {
		lo, hi := k*n/parts, (k+1)*n/parts
		triad(a[lo:hi], b[lo:hi], c[lo:hi], 3)
	}
	runTriad := func() {
		if !workpool.TryRunShared(threads, threads, part) {
			part(0, 1)
		}
	}
	runTriad() // untimed: faults the pages of a in
	stepMs, triadMs := make([]float64, steps), make([]float64, steps)
	for i := range steps {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		t0 := time.Now()
		o.Step()
		stepMs[i] = float64(time.Since(t0).Nanoseconds()) / 1e6
		t0 = time.Now()
		runTriad()
		triadMs[i] = float64(time.Since(t0).Nanoseconds()) / 1e6
	}
	return median(stepMs), float64(12*n) / (median(triadMs) * 1e6), nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
