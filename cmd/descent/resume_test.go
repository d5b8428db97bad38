//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/nn"
)

// TestMain lets the test binary act as the descent command: with
// DESCENT_TEST_CLI=1 it runs the command line it was given and exits, so
// the tests can start real child processes, and kill them, without a
// separate go build. DESCENT_TEST_STEP_DELAY (a duration) slows every
// training step so that a test can stop a run at a chosen point.
func TestMain(m *testing.M) {
	if os.Getenv("DESCENT_TEST_CLI") == "1" {
		// DESCENT_TEST_MEM_LIMIT (bytes) caps the child's address space,
		// so that an input that reserves unbounded memory fails fast.
		if n, err := strconv.ParseUint(os.Getenv("DESCENT_TEST_MEM_LIMIT"), 10, 64); err == nil {
			syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: n, Max: n})
		}
		if d, err := time.ParseDuration(os.Getenv("DESCENT_TEST_STEP_DELAY")); err == nil {
			testStepHook = func(int) { time.Sleep(d) }
		}
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// child returns the command for descent with args as a child process,
// each step taking at least delay.
func child(delay time.Duration, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DESCENT_TEST_CLI=1", "DESCENT_TEST_STEP_DELAY="+delay.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	return cmd, &stderr
}

// startChild starts cmd and returns the channel its Wait's error comes on.
func startChild(t *testing.T, cmd *exec.Cmd) <-chan error {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return done
}

// exitCode is the exit status that err (from Wait or Run) reports, -1
// when err is not a process's exit.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// resumeRun is the run the resume tests interrupt: 500 examples, batches
// of 50, 4 epochs (40 steps), with dropout, a cosine schedule and Adam, so
// that every part of the state (sampler, dropout generator, schedule
// position, optimizer buffers) matters; a checkpoint every 3 steps, which
// is not a divisor of the 10 steps of an epoch, so resumes land mid-epoch.
func resumeRun(dataDir, out string) []string {
	return []string{"train", "--data-dir", dataDir, "--model", "mlp:784-16-10,dropout=0.2,bn", "--opt", "adam:lr=0.01",
		"--schedule", "cosine", "--batch", "50", "--epochs", "4", "--seed", "3", "--checkpoint-every", "3", "--keep", "2", "-o", out}
}

// reference trains the run in-process, uninterrupted, into a new folder.
func reference(t *testing.T, dataDir string) string {
	t.Helper()
	ref := filepath.Join(t.TempDir(), "ref")
	if _, errOut, code := runCLI(t, resumeRun(dataDir, ref)...); code != 0 {
		t.Fatalf("reference run: exit %d: %s", code, errOut)
	}
	return ref
}

// sameResults fails unless out's final weights equal ref's byte for byte
// and its metrics.csv equals ref's in every column but seconds.
func sameResults(t *testing.T, ref, out string) {
	t.Helper()
	a, err1 := os.ReadFile(filepath.Join(ref, "model.safetensors"))
	b, err2 := os.ReadFile(filepath.Join(out, "model.safetensors"))
	if err1 != nil || err2 != nil {
		t.Fatalf("model.safetensors: %v, %v", err1, err2)
	}
	if !bytes.Equal(a, b) {
		t.Error("model.safetensors differs from the uninterrupted run's")
	}
	sa, err1 := os.ReadFile(filepath.Join(ref, "steps.csv"))
	sb, err2 := os.ReadFile(filepath.Join(out, "steps.csv"))
	if err1 != nil || err2 != nil || !bytes.Equal(sa, sb) {
		t.Errorf("steps.csv differs from the uninterrupted run's (%v, %v)", err1, err2)
	}
	ra, rb := readCSV(t, filepath.Join(ref, "metrics.csv")), readCSV(t, filepath.Join(out, "metrics.csv"))
	if len(ra) != len(rb) {
		t.Fatalf("metrics.csv has %d rows, the uninterrupted run %d", len(rb), len(ra))
	}
	sec := -1
	for i, h := range ra[0] {
		if h == "seconds" {
			sec = i
		}
	}
	for i := range ra {
		for j := range ra[i] {
			if j != sec && ra[i][j] != rb[i][j] {
				t.Errorf("metrics.csv row %d, %s: %s, uninterrupted %s", i, ra[0][j], rb[i][j], ra[i][j])
			}
		}
	}
}

// tempEntry reports whether root holds the temporary folder of a
// checkpoint being written.
func tempEntry(root string) bool {
	ents, _ := os.ReadDir(root)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".step-") {
			return true
		}
	}
	return false
}

// TestKillAndResume is the crash test: a training run in a child process
// is killed with SIGKILL at several points (after its 1st checkpoint,
// while a later checkpoint is being written, some milliseconds after
// others), each time resumed with --resume (on 1, 2 or 3 threads in turn),
// and its final weights and metrics must equal those of the same run never
// interrupted, byte for byte (metrics' seconds aside). After every kill the
// newest checkpoint must load.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 500, 100)
	ref := reference(t, dataDir)
	out := filepath.Join(t.TempDir(), "run")
	root := filepath.Join(out, "checkpoints")

	kills := []struct {
		after   int           // kill once a checkpoint of at least this step exists…
		writing bool          // …or, if set, as soon as one is being written after it
		wait    time.Duration // …and this long after
	}{
		{after: 3},
		{after: 9, writing: true},
		{after: 15, wait: 7 * time.Millisecond},
		{after: 21, writing: true},
		{after: 27, wait: 20 * time.Millisecond},
	}
	args := resumeRun(dataDir, out)
	for i, k := range kills {
		cmd, stderr := child(15*time.Millisecond, args...)
		done := startChild(t, cmd)
		deadline := time.Now().Add(30 * time.Second)
	poll:
		for {
			select {
			case err := <-done:
				t.Fatalf("kill %d: the run ended before it was killed (%v): %s", i, err, stderr)
			default:
			}
			// A write takes about a millisecond: if the polls miss two of
			// them, kill anyway rather than let the run end.
			if e, err := checkpoint.Latest(root); err == nil && e.Step >= k.after && (!k.writing || tempEntry(root) || e.Step >= k.after+6) {
				break poll
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("kill %d: no checkpoint of step %d after 30 s: %s", i, k.after, stderr)
			}
			time.Sleep(200 * time.Microsecond)
		}
		time.Sleep(k.wait)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-done
		e, err := checkpoint.Latest(root)
		if err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		if _, err := checkpoint.Load(e.Dir); err != nil {
			t.Fatalf("kill %d: the newest checkpoint is damaged: %v", i, err)
		}
		t.Logf("kill %d: killed after checkpoint %d; a checkpoint being written was left: %v", i, e.Step, tempEntry(root))
		args = []string{"train", "--resume", out, "--threads", strconv.Itoa(1 + i%3)}
	}
	cmd, stderr := child(0, args...)
	if err := cmd.Run(); err != nil {
		t.Fatalf("final resume: %v: %s", err, stderr)
	}
	sameResults(t, ref, out)
	all, _ := checkpoint.List(root)
	if len(all) != 2 || all[1].Step != 40 {
		t.Errorf("checkpoints %+v: want the newest 2, the last at step 40", all)
	}
	noTemps(t, root)
}

// SIGINT and SIGTERM stop the run after the current step with a
// checkpoint and exit 130 and 143, saying how to resume; resuming then
// gives the uninterrupted run's results.
func TestSignalStopsAndResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 500, 100)
	ref := reference(t, dataDir)
	for _, sig := range []struct {
		s    syscall.Signal
		code int
		name string
	}{{syscall.SIGINT, 130, "SIGINT"}, {syscall.SIGTERM, 143, "SIGTERM"}} {
		t.Run(sig.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			root := filepath.Join(out, "checkpoints")
			cmd, stderr := child(10*time.Millisecond, resumeRun(dataDir, out)...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
				if e, err := checkpoint.Latest(root); err == nil && e.Step >= 6 {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("no checkpoint after 30 s: %s", stderr)
				}
			}
			time.Sleep(15 * time.Millisecond) // into a step, not on a checkpoint
			cmd.Process.Signal(sig.s)
			err := cmd.Wait()
			if exitCode(err) != sig.code {
				t.Fatalf("exit %v, want %d: %s", err, sig.code, stderr)
			}
			msg := stderr.String()
			e, _ := checkpoint.Latest(root)
			if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, sig.name) ||
				!strings.Contains(msg, "descent train --resume "+out) || !strings.Contains(msg, e.Dir) {
				t.Errorf("stderr %q: want one line naming the signal, the checkpoint %s and how to resume", msg, e.Dir)
			}
			t.Logf("stopped after step %d", e.Step)
			if _, errOut, code := runCLI(t, "train", "--resume", out); code != 0 {
				t.Fatalf("resume: exit %d: %s", code, errOut)
			}
			sameResults(t, ref, out)
		})
	}
}

// snapshot returns every file under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// A damaged newest checkpoint (truncated, from a future version, of
// another model shape) stops --resume with one clear line and exit 2, and
// nothing in the run's folder changes.
func TestResumeDamagedCheckpoint(t *testing.T) {
	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 200, 50)
	base := filepath.Join(t.TempDir(), "base")
	if _, errOut, code := runCLI(t, "train", "--data-dir", dataDir, "--model", "mlp:784-8-10", "--batch", "50",
		"--epochs", "2", "--max-steps", "6", "--checkpoint-every", "2", "--keep", "0", "-o", base); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	cases := []struct {
		name   string
		damage func(t *testing.T, ckDir string)
		want   string
	}{
		{"truncated weights", func(t *testing.T, ckDir string) {
			p := filepath.Join(ckDir, checkpoint.ModelFile)
			fi, _ := os.Stat(p)
			os.Truncate(p, fi.Size()/2)
		}, "model.safetensors is truncated"},
		{"truncated manifest", func(t *testing.T, ckDir string) {
			os.Truncate(filepath.Join(ckDir, checkpoint.ManifestFile), 100)
		}, "manifest.json is damaged (truncated or not JSON)"},
		{"empty optimizer", func(t *testing.T, ckDir string) {
			os.Truncate(filepath.Join(ckDir, checkpoint.OptimizerFile), 0)
		}, "optimizer.safetensors is truncated: 0 bytes"},
		{"future version", func(t *testing.T, ckDir string) {
			p := filepath.Join(ckDir, checkpoint.ManifestFile)
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte(`"version": 1`), []byte(`"version": 7`), 1), 0o644)
		}, "written by a newer descent (checkpoint format version 7"},
		{"other model shape", func(t *testing.T, ckDir string) {
			// A checkpoint whose files are consistent (checksums right) but
			// whose weights are of another network.
			c, err := checkpoint.Load(ckDir)
			if err != nil {
				t.Fatal(err)
			}
			c.Model = nn.Weights(nn.MustParse("mlp:784-12-10", 1))
			if _, err := checkpoint.Save(filepath.Dir(ckDir), c, 0); err != nil {
				t.Fatal(err)
			}
		}, "fc1.weight has shape [12 784], model mlp:784-8-10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			if err := os.CopyFS(out, os.DirFS(base)); err != nil {
				t.Fatal(err)
			}
			latest, err := checkpoint.Latest(filepath.Join(out, "checkpoints"))
			if err != nil || latest.Step != 6 {
				t.Fatalf("latest %+v, %v", latest, err)
			}
			c.damage(t, latest.Dir)
			before := snapshot(t, out)
			stdout, errOut, code := runCLI(t, "train", "--resume", out, "--epochs", "3")
			if code != 2 || stdout != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q: want exit 2 and one line containing %q", code, errOut, c.want)
			}
			if !strings.Contains(errOut, "remove that folder to resume from "+filepath.Join(out, "checkpoints", "step-00000004")) &&
				c.name != "other model shape" {
				t.Errorf("stderr %q does not point at the previous checkpoint", errOut)
			}
			if after := snapshot(t, out); !equalMaps(before, after) {
				t.Error("a refused resume changed the run's folder")
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// The flags given with --resume may only extend the run.
func TestResumeFlags(t *testing.T) {
	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 200, 50)
	out := filepath.Join(t.TempDir(), "run")
	common := []string{"--data-dir", dataDir, "--model", "mlp:784-8-10", "--batch", "50", "--epochs", "2", "--seed", "5"}
	if _, errOut, code := runCLI(t, append(append([]string{"train"}, common...), "-o", out)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "mlp:784-9-10"}, `--model: the run was recorded with "mlp:784-8-10", not "mlp:784-9-10"`},
		{[]string{"--epochs", "1"}, "--epochs 1: the run has 2"},
		{[]string{"--seed", "6"}, "--seed: the run was recorded with"},
		{[]string{"--batch", "full"}, "--batch: the run was recorded with"},
		{[]string{"-o", "elsewhere"}, "leave out -o"},
		{[]string{"--on-nonfinite", "maybe"}, `--on-nonfinite "maybe"`},
	} {
		_, errOut, code := runCLI(t, append([]string{"train", "--resume", out}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
	// A fresh run into a folder with checkpoints is refused: it would mix
	// two runs' checkpoints.
	_, errOut, code := runCLI(t, append(append([]string{"train"}, common...), "-o", out)...)
	if code != 2 || !strings.Contains(errOut, "--resume "+out) {
		t.Errorf("fresh run over checkpoints: exit %d, %q", code, errOut)
	}
	_, errOut, code = runCLI(t, "train", "--resume", filepath.Join(t.TempDir(), "nothing"))
	if code != 2 || !strings.Contains(errOut, "no such file or directory") {
		t.Errorf("resume of a missing folder: exit %d, %q", code, errOut)
	}
	_, errOut, code = runCLI(t, "train", "--resume", t.TempDir())
	if code != 2 || !strings.Contains(errOut, "no checkpoint in") {
		t.Errorf("resume of an empty folder: exit %d, %q", code, errOut)
	}
	// Other data under --data-dir are refused; the same data moved are fine
	// (checked below by the results).
	otherData := t.TempDir()
	writeTinyData(t, otherData, 201, 50)
	_, errOut, code = runCLI(t, "train", "--resume", out, "--data-dir", otherData)
	if code != 2 || !strings.Contains(errOut, "data differ from those the checkpoint was trained on") {
		t.Errorf("resume on other data: exit %d, %q", code, errOut)
	}
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.Rename(dataDir, moved); err != nil {
		t.Fatal(err)
	}
	// Same values as recorded are fine, and more epochs extend the run to
	// what a 3-epoch run gives.
	if _, errOut, code := runCLI(t, "train", "--resume", out, "--epochs", "3", "--seed", "5", "--model", "mlp:784-8-10", "--data-dir", moved); code != 0 {
		t.Fatalf("extension: exit %d: %s", code, errOut)
	}
	ref := filepath.Join(t.TempDir(), "ref")
	common[1] = moved
	if _, errOut, code := runCLI(t, append(append([]string{"train"}, common...), "--epochs", "3", "-o", ref)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	sameResults(t, ref, out)
	var s struct {
		Config map[string]any `json:"config"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	if json.Unmarshal(b, &s); s.Config["epochs"] != 3.0 {
		t.Errorf("summary config %v: want epochs 3", s.Config)
	}
}

// A diverging run stops with the step and what went wrong, keeps the last
// good checkpoint, and says how to skip; resumed with --on-nonfinite skip
// it runs to the end and counts the skipped steps.
func TestNonFiniteStopThenSkip(t *testing.T) {
	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 200, 50)
	out := filepath.Join(t.TempDir(), "run")
	_, errOut, code := runCLI(t, "train", "--data-dir", dataDir, "--model", "mlp:784-8-10", "--opt", "sgd:lr=1e30",
		"--batch", "50", "--epochs", "3", "--checkpoint-every", "1", "-o", out)
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "step ") ||
		!strings.Contains(errOut, "the last good checkpoint is") || !strings.Contains(errOut, "--on-nonfinite skip") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(out, "model.safetensors")); err == nil {
		t.Error("a stopped run wrote final weights")
	}
	_, errOut, code = runCLI(t, "train", "--resume", out, "--on-nonfinite", "skip")
	if code != 0 || !strings.Contains(errOut, "warning: step ") {
		t.Fatalf("skip: exit %d, stderr %q", code, errOut)
	}
	rows := readCSV(t, filepath.Join(out, "metrics.csv"))
	if got := strings.Join(rows[0], ","); got != "epoch,step,train_loss,test_loss,test_accuracy,seconds,skipped" {
		t.Fatalf("header %s", got)
	}
	if last := rows[len(rows)-1]; last[6] == "0" {
		t.Errorf("last row %v: no skipped steps counted", last)
	}
	w, err := os.ReadFile(filepath.Join(out, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	tensors, _, err := checkpoint.ReadWeights(w)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range tensors {
		for _, v := range x.Data {
			if v != v {
				t.Fatalf("%s holds a NaN", x.Name)
			}
		}
	}
}

// A run with --on-nonfinite skip whose steps are all skipped after the
// first (its weights overflow, so its test loss is not a number either)
// writes its results without NaN or Inf: empty fields in the CSV files,
// null in summary.json.
func TestSkipWritesFiniteResults(t *testing.T) {
	dataDir := t.TempDir()
	writeTinyData(t, dataDir, 200, 50)
	out := filepath.Join(t.TempDir(), "run")
	_, errOut, code := runCLI(t, "train", "--data-dir", dataDir, "--model", "mlp:784-8-10", "--opt", "sgd:lr=1e30",
		"--batch", "50", "--epochs", "2", "--on-nonfinite", "skip", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, name := range []string{"metrics.csv", "steps.csv", "summary.json", "report.md"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"NaN", "Inf", "nan", "inf,"} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s holds %q:\n%s", name, bad, b)
			}
		}
	}
	steps := readCSV(t, filepath.Join(out, "steps.csv"))
	empty := 0
	for _, r := range steps[1:] {
		if r[1] == "" {
			empty++
		}
	}
	if len(steps) != 1+8 || empty == 0 || steps[1][1] == "" {
		t.Errorf("steps.csv: %d rows, %d with an empty loss; want 8 steps, the first with a loss, later ones skipped", len(steps)-1, empty)
	}
	metrics := readCSV(t, filepath.Join(out, "metrics.csv"))
	if last := metrics[len(metrics)-1]; last[3] != "" || last[6] == "0" {
		t.Errorf("metrics.csv's last row %v: want an empty test_loss and skipped steps counted", last)
	}
}
