//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/internal/runlock"
)

// tinyRun is a run of 500 examples in batches of 50 (10 steps an epoch)
// on a small model: it starts and ends in a fraction of a second.
func tinyRun(dataDir, out string, extra ...string) []string {
	return append([]string{"train", "--data-dir", dataDir, "--model", "mlp:784-8-10", "--opt", "adam:lr=0.01",
		"--batch", "50", "--epochs", "2", "--seed", "5", "-o", out}, extra...)
}

// limited runs descent in a child process with its address space capped
// at 4 GiB and a 60 s timeout: an input that reserves or loops without
// bound fails the test instead of the machine.
func limited(t *testing.T, args ...string) (stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DESCENT_TEST_CLI=1", "DESCENT_TEST_MEM_LIMIT="+strconv.Itoa(4<<30))
	var e bytes.Buffer
	cmd.Stderr = &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v: still running after 60 s", args)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return e.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return e.String(), 0
}

func oneLineErr(t *testing.T, what, stderr string, code, want int, has string) {
	t.Helper()
	if code != want || !strings.Contains(stderr, has) || (want != 0 && (strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "descent: "))) {
		t.Errorf("%s: exit %d, stderr %q: want exit %d and one line with %q", what, code, stderr, want, has)
	}
}

// Huge --epochs, alone or with --max-steps, through train, compare and
// --resume: once out of memory, an integer divide by zero or a makeslice
// panic; now a run of the steps asked for, or one line and exit 2.
func TestHugeEpochs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 500, 100)
	tmp := t.TempDir()
	n := 0
	out := func() string { n++; return filepath.Join(tmp, strconv.Itoa(n)) }
	for _, c := range []struct {
		epochs, maxSteps string
		code             int
		has              string
	}{
		{"1000000000", "3", 0, ""},
		{"184467440737095517", "3", 0, ""},
		{"4611686018427387904", "3", 0, ""},
		{"9223372036854775807", "3", 0, ""},
		{"4611686018427387904", "0", 2, "more steps than can be counted"},
		{"9223372036854775807", "0", 2, "more steps than can be counted"},
	} {
		args := []string{"--epochs", c.epochs, "--max-steps", c.maxSteps}
		stderr, code := limited(t, tinyRun(dataDir, out(), args...)...)
		oneLineErr(t, "train "+strings.Join(args, " "), stderr, code, c.code, c.has)
		cmp := append([]string{"compare", "--data-dir", dataDir, "--model", "mlp:784-8-10", "--opt", "sgd:lr=0.1", "--opt", "adam",
			"--batch", "50", "-o", out()}, args...)
		stderr, code = limited(t, cmp...)
		oneLineErr(t, "compare "+strings.Join(args, " "), stderr, code, c.code, c.has)
	}
	// Through --resume: a run limited to 2 steps, extended.
	run := out()
	if stderr, code := limited(t, tinyRun(dataDir, run, "--max-steps", "2")...); code != 0 {
		t.Fatal(stderr)
	}
	stderr, code := limited(t, "train", "--resume", run, "--epochs", "4611686018427387904", "--max-steps", "0")
	oneLineErr(t, "--resume --epochs 2^62 --max-steps 0", stderr, code, 2, "more steps than can be counted")
	stderr, code = limited(t, "train", "--resume", run, "--epochs", "1000000000", "--max-steps", "3")
	oneLineErr(t, "--resume --epochs 1e9 --max-steps 3", stderr, code, 0, "")
	stderr, code = limited(t, "train", "--resume", run, "--epochs", "184467440737095517", "--max-steps", "4")
	oneLineErr(t, "--resume --epochs 184467440737095517 --max-steps 4", stderr, code, 0, "")
}

// Windows narrower than float64 resolves or wider than its finite range,
// on either axis and in every picture format, are refused with one line;
// once they looped in the tick code until memory ran out, or forever.
func TestTraceWindowBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	for _, lim := range []string{"--xlim=1,1.000000000000001", "--xlim=-1e308,1e308", "--ylim=1,1.000000000000001", "--ylim=-1e308,1e308"} {
		for _, ext := range []string{"png", "svg", "gif"} {
			out := filepath.Join(dir, "n."+ext)
			stderr, code := limited(t, "trace", "--func", "rosenbrock", "--opt", "adam:lr=0.01", "--steps", "20", lim, "-o", out)
			oneLineErr(t, lim+" "+ext, stderr, code, 2, strings.SplitN(strings.TrimPrefix(lim, "--"), "=", 2)[0])
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s %s: wrote %s", lim, ext, out)
			}
		}
	}
}

// waitLocked waits until a child owns dir, and returns the owner's PID as
// the lock file says.
func waitLocked(t *testing.T, dir string, done <-chan error) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("the first run ended before the test: %v", err)
		default:
		}
		if b, err := os.ReadFile(filepath.Join(dir, runlock.File)); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				return pid
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("the first run never locked its folder")
	return 0
}

// Two writers on one folder: while a run trains, a second train, a
// --resume and a compare into its folder are refused with one line that
// names the owner's PID, and change nothing; once the owner is killed
// with SIGKILL, the kernel has freed the folder and --resume continues.
func TestOneWriterPerFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 500, 100)
	out := filepath.Join(t.TempDir(), "run")
	cmd, stderr := child(40*time.Millisecond, tinyRun(dataDir, out, "--epochs", "4", "--checkpoint-every", "2")...)
	done := startChild(t, cmd)
	defer cmd.Process.Kill()
	pid := waitLocked(t, out, done)
	if pid != cmd.Process.Pid {
		t.Fatalf("lock file names PID %d, the run is %d", pid, cmd.Process.Pid)
	}
	want := "PID " + strconv.Itoa(pid)
	for _, args := range [][]string{
		tinyRun(dataDir, out),
		tinyRun(dataDir, out, "--overwrite"),
		{"train", "--resume", out},
		{"compare", "--data-dir", dataDir, "--opt", "sgd", "--model", "mlp:784-8-10", "--batch", "50", "-o", out},
		{"compare", "--data-dir", dataDir, "--opt", "sgd", "--model", "mlp:784-8-10", "--batch", "50", "--overwrite", "-o", out},
	} {
		_, errOut, code := runCLI(t, args...)
		oneLineErr(t, strings.Join(args[:2], " "), errOut, code, 2, want)
	}
	// Let it write a checkpoint, then kill it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := checkpoint.Latest(filepath.Join(out, "checkpoints")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint: %s", stderr)
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	if _, errOut, code := runCLI(t, "train", "--resume", out); code != 0 {
		t.Fatalf("resume after SIGKILL: exit %d: %s", code, errOut)
	}
	noTemps(t, out)
}

// A folder that holds results is never overwritten without --overwrite:
// not by train (with or without checkpoints), not by compare (into a
// train run's folder); nothing in it changes. --overwrite replaces them.
func TestResultsNeedOverwrite(t *testing.T) {
	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 500, 100)
	tmp := t.TempDir()
	run := filepath.Join(tmp, "run")
	if _, errOut, code := runCLI(t, tinyRun(dataDir, run)...); code != 0 {
		t.Fatal(errOut)
	}
	// Results without checkpoints (a folder of another tool's making).
	bare := filepath.Join(tmp, "bare")
	os.Mkdir(bare, 0o755)
	os.WriteFile(filepath.Join(bare, "metrics.csv"), []byte("mine\n"), 0o644)
	for _, c := range []struct {
		dir  string
		args []string
		has  string
	}{
		{run, tinyRun(dataDir, run, "--seed", "9"), "--resume"},
		{bare, tinyRun(dataDir, bare), "--overwrite"},
		{run, []string{"compare", "--data-dir", dataDir, "--opt", "sgd", "--model", "mlp:784-8-10", "--batch", "50", "-o", run}, "--overwrite"},
	} {
		before := snapshot(t, c.dir)
		_, errOut, code := runCLI(t, c.args...)
		oneLineErr(t, c.args[0]+" into "+filepath.Base(c.dir), errOut, code, 2, c.has)
		if !strings.Contains(errOut, "holds the results") {
			t.Errorf("%q: want it to say the folder holds results", errOut)
		}
		if !equalMaps(before, snapshot(t, c.dir)) {
			t.Errorf("%s: the refused command changed the folder", c.dir)
		}
	}
	if _, errOut, code := runCLI(t, tinyRun(dataDir, bare, "--overwrite")...); code != 0 {
		t.Fatalf("--overwrite: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(bare, "metrics.csv")); bytes.Equal(b, []byte("mine\n")) {
		t.Error("--overwrite left the old metrics.csv")
	}
	// compare --overwrite into a train run's folder removes its
	// checkpoints and weights, so the two never mix.
	if _, errOut, code := runCLI(t, "compare", "--data-dir", dataDir, "--opt", "sgd", "--model", "mlp:784-8-10", "--batch", "50", "--epochs", "1", "--overwrite", "-o", run); code != 0 {
		t.Fatalf("compare --overwrite: exit %d: %s", code, errOut)
	}
	for _, n := range []string{"checkpoints", "model.safetensors"} {
		if _, err := os.Stat(filepath.Join(run, n)); err == nil {
			t.Errorf("compare --overwrite left the train run's %s", n)
		}
	}
	if _, errOut, code := runCLI(t, "train", "--resume", run, "--overwrite"); code != 2 || !strings.Contains(errOut, "--overwrite") {
		t.Errorf("--resume --overwrite: exit %d, %q", code, errOut)
	}
	noTemps(t, run)
}

// -o that cannot be a folder is found before any data is read (here the
// data folder does not even exist: the -o error comes first).
func TestOutputCheckedFirst(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, cmd := range [][]string{
		{"train", "--data-dir", filepath.Join(tmp, "nodata"), "-o", filepath.Join(file, "run")},
		{"compare", "--opt", "sgd", "--data-dir", filepath.Join(tmp, "nodata"), "-o", filepath.Join(file, "run")},
	} {
		_, errOut, code := runCLI(t, cmd...)
		oneLineErr(t, cmd[0], errOut, code, 2, "-o")
		if strings.Contains(errOut, "nodata") {
			t.Errorf("%s: %q: the data were looked at before -o", cmd[0], errOut)
		}
	}
	// A bad data folder after a good -o leaves no folder behind.
	out := filepath.Join(tmp, "new", "run")
	if _, _, code := runCLI(t, "train", "--data-dir", filepath.Join(tmp, "nodata"), "-o", out); code != 2 {
		t.Fatal("train on missing data did not fail")
	}
	if _, err := os.Stat(filepath.Join(tmp, "new")); err == nil {
		t.Error("a failed train left the folder it created")
	}
}

// twoRuns trains two tiny runs with checkpoints, b longer than a.
func twoRuns(t *testing.T) (dataDir, a, b string) {
	dataDir = t.TempDir()
	writeTinyData(t, dataDir, 500, 100)
	tmp := t.TempDir()
	a, b = filepath.Join(tmp, "a"), filepath.Join(tmp, "b")
	for _, r := range []struct {
		dir   string
		steps string
	}{{a, "6"}, {b, "9"}} {
		if _, errOut, code := runCLI(t, tinyRun(dataDir, r.dir, "--max-steps", r.steps, "--checkpoint-every", "3")...); code != 0 {
			t.Fatal(errOut)
		}
	}
	return dataDir, a, b
}

// A checkpoint folder of another run placed as the newest in a run's
// checkpoints is refused with one line, and nothing is written.
func TestForeignCheckpointRefused(t *testing.T) {
	_, a, b := twoRuns(t)
	src := filepath.Join(b, "checkpoints", checkpoint.StepName(9))
	dst := filepath.Join(a, "checkpoints", checkpoint.StepName(9))
	if err := os.Rename(src, dst); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, a)
	_, errOut, code := runCLI(t, "train", "--resume", a, "--max-steps", "20")
	oneLineErr(t, "resume", errOut, code, 2, "belongs to another run")
	if !equalMaps(before, snapshot(t, a)) {
		t.Error("the refused resume changed the folder")
	}
}

// A FIFO in place of manifest.json or model.safetensors is refused at
// once; it once blocked --resume forever.
func TestFIFOInCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	_, a, _ := twoRuns(t)
	dir := filepath.Join(a, "checkpoints", checkpoint.StepName(6))
	for _, name := range []string{checkpoint.ManifestFile, checkpoint.ModelFile} {
		p := filepath.Join(dir, name)
		orig, _ := os.ReadFile(p)
		os.Remove(p)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skip("no FIFOs:", err)
		}
		stderr, code := limited(t, "train", "--resume", a, "--max-steps", "20")
		oneLineErr(t, name+" FIFO", stderr, code, 2, "not a regular file")
		os.Remove(p)
		os.WriteFile(p, orig, 0o644)
	}
}

// Extending a run that stopped mid-epoch (--max-steps 7 of an epoch of 10)
// gives that epoch's train_loss over all its 10 steps, as the same run
// never stopped: once it averaged only steps 8–10.
func TestExtendMaxStepsEpochLoss(t *testing.T) {
	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 500, 100)
	tmp := t.TempDir()
	whole, cut := filepath.Join(tmp, "whole"), filepath.Join(tmp, "cut")
	if _, errOut, code := runCLI(t, tinyRun(dataDir, whole, "--epochs", "1")...); code != 0 {
		t.Fatal(errOut)
	}
	if _, errOut, code := runCLI(t, tinyRun(dataDir, cut, "--epochs", "1", "--max-steps", "7")...); code != 0 {
		t.Fatal(errOut)
	}
	if _, errOut, code := runCLI(t, "train", "--resume", cut, "--max-steps", "0"); code != 0 {
		t.Fatal(errOut)
	}
	a, b := readCSV(t, filepath.Join(whole, "metrics.csv")), readCSV(t, filepath.Join(cut, "metrics.csv"))
	if len(a) != 2 || len(b) != 3 {
		t.Fatalf("rows: %d and %d, want 2 and 3 (header, [step 7,] step 10)", len(a), len(b))
	}
	if got, want := strings.Join(b[2][:5], ","), strings.Join(a[1][:5], ","); got != want {
		t.Errorf("epoch 1 of the extended run: %s, uninterrupted: %s", got, want)
	}
	wa, _ := os.ReadFile(filepath.Join(whole, "model.safetensors"))
	wb, _ := os.ReadFile(filepath.Join(cut, "model.safetensors"))
	if !bytes.Equal(wa, wb) {
		t.Error("the weights differ")
	}
}

// Ctrl-C during gallery finishes the picture in progress, writes
// index.html of what is done, says so in one line and exits 130, leaving
// no temporary file.
func TestGallerySIGINT(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := filepath.Join(t.TempDir(), "g")
	cmd, stderr := child(0, "gallery", "-o", dir)
	done := startChild(t, cmd)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if ents, _ := os.ReadDir(dir); len(ents) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("gallery wrote nothing in 60 s")
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt)
	err := <-done
	if exitCode(err) != 130 {
		t.Fatalf("gallery after SIGINT: %v, want exit 130: %s", err, stderr)
	}
	if s := stderr.String(); strings.Count(s, "\n") != 1 || !strings.Contains(s, "SIGINT") {
		t.Errorf("stderr %q: want one line naming SIGINT", s)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		t.Errorf("no index.html: %v", err)
	}
	noTemps(t, dir)
}

// SIGTERM during compare stops it like SIGINT does train: the partial
// report is written, one line, exit 143, no temporary file.
func TestCompareSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 500, 100)
	out := filepath.Join(t.TempDir(), "cmp")
	cmd, stderr := child(0, "compare", "--data-dir", dataDir, "--model", "mlp:784-8-10", "--batch", "50", "--epochs", "100000",
		"--opt", "sgd:lr=0.1", "--opt", "adam", "-o", out)
	done := startChild(t, cmd)
	defer cmd.Process.Kill()
	waitLocked(t, out, done)
	time.Sleep(500 * time.Millisecond) // past loading the data, into training
	cmd.Process.Signal(syscall.SIGTERM)
	err := <-done
	if exitCode(err) != 143 {
		t.Fatalf("compare after SIGTERM: %v, want exit 143: %s", err, stderr)
	}
	if s := stderr.String(); strings.Count(s, "\n") != 1 || !strings.Contains(s, "SIGTERM") || !strings.Contains(s, "partial report") {
		t.Errorf("stderr %q: want one line naming SIGTERM and the partial report", s)
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err != nil {
		t.Errorf("no partial report: %v", err)
	}
	noTemps(t, out)
}

// SIGINT during bench (a 100M-parameter Adam: seconds of work) stops it with
// one line and exit 130, not the runtime's abrupt end.
func TestBenchSIGINT(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	cmd, stderr := child(0, "bench", "--opt", "adam", "--n", "50000000", "--steps", "200")
	done := startChild(t, cmd)
	time.Sleep(1500 * time.Millisecond) // into the timed steps
	cmd.Process.Signal(os.Interrupt)
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("bench still running 60 s after SIGINT")
	}
	if exitCode(err) != 130 {
		t.Fatalf("bench after SIGINT: %v, want exit 130: %s", err, stderr)
	}
	if s := stderr.String(); strings.Count(s, "\n") != 1 || !strings.Contains(s, "SIGINT") {
		t.Errorf("stderr %q: want one line naming SIGINT", s)
	}
}
