//go:build unix

package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/descentlab/descent/checkpoint"
)

// TestKillResumeTrials repeats the crash trial at random moments: a run
// (dropout, a cosine schedule, Adam, a checkpoint every 2 steps, the
// newest 2 kept) is killed with SIGKILL at a time drawn uniformly over its
// length — during a step, inside a checkpoint's writes, while the results
// are written, or after it ended — then resumed (or, with no checkpoint
// yet, started again), and its weights and metrics must equal the
// uninterrupted run's, with no temporary file left. A kill after the last
// checkpoint makes the resume re-save that step, so the same-step path is
// tried too. DESCENT_KILL_TRIALS sets the number of trials (default 50)
// and DESCENT_KILL_SEED the seed of the moments (default: the time,
// logged so a failure can be repeated).
func TestKillResumeTrials(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	trials := 50
	if n, err := strconv.Atoi(os.Getenv("DESCENT_KILL_TRIALS")); err == nil {
		trials = n
	}
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("DESCENT_KILL_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("DESCENT_KILL_SEED=%d", seed)
	rng := rand.New(rand.NewPCG(seed, 15))

	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 300, 50)
	args := func(out string) []string {
		return []string{"train", "--data-dir", dataDir, "--model", "mlp:784-8-10,dropout=0.1", "--opt", "adam:lr=0.01",
			"--schedule", "cosine", "--batch", "30", "--epochs", "2", "--seed", "7", "--checkpoint-every", "2", "--keep", "2", "-o", out}
	}
	tmp := t.TempDir()
	ref := filepath.Join(tmp, "ref")
	// The reference runs as a child too, which also times a whole run.
	start := time.Now()
	cmd, stderr := child(0, args(ref)...)
	if err := cmd.Run(); err != nil {
		t.Fatalf("reference: %v: %s", err, stderr)
	}
	span := time.Since(start)
	resumed, restarted, finished := 0, 0, 0
	for i := range trials {
		out := filepath.Join(tmp, strconv.Itoa(i))
		cmd, stderr := child(0, args(out)...)
		done := startChild(t, cmd)
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("trial %d: %v: %s", i, err, stderr)
			}
			finished++
		case <-time.After(time.Duration(rng.Float64() * float64(span))):
			cmd.Process.Kill()
			<-done
		}
		// The resume runs in this process: it is the same code, and saves
		// a process start per trial.
		again := args(out)
		if _, err := checkpoint.Latest(filepath.Join(out, "checkpoints")); err == nil {
			resumed++
			again = []string{"train", "--resume", out}
		} else {
			restarted++
		}
		if _, errOut, code := runCLI(t, again...); code != 0 {
			t.Fatalf("trial %d: after the kill: exit %d: %s", i, code, errOut)
		}
		sameResults(t, ref, out)
		noTemps(t, out)
		noTemps(t, filepath.Join(out, "checkpoints"))
		if t.Failed() {
			t.Fatalf("trial %d failed (DESCENT_KILL_SEED=%d)", i, seed)
		}
		os.RemoveAll(out)
	}
	t.Logf("%d trials over a run of %v: %d resumed from a checkpoint, %d started again, %d ended before the kill", trials, span.Round(time.Millisecond), resumed, restarted, finished)
}
