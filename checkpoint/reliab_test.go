//go:build unix

package checkpoint

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The child half of TestKillInsideSameStepSave: re-executed with these
// variables set, the test binary re-saves step 10 into the root and kills
// itself with SIGKILL at the named stage of Save.
const (
	envKillRoot  = "DESCENT_CHECKPOINT_KILL_ROOT"
	envKillStage = "DESCENT_CHECKPOINT_KILL_STAGE"
	envKillKeep  = "DESCENT_CHECKPOINT_KILL_KEEP"
)

func TestMain(m *testing.M) {
	if root := os.Getenv(envKillRoot); root != "" {
		stage := os.Getenv(envKillStage)
		testHook = func(s string) {
			if s == stage {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				time.Sleep(time.Minute)
			}
		}
		c := second(nil)
		keep := 0
		if os.Getenv(envKillKeep) == "1" {
			keep = 1
		}
		if _, err := Save(root, c, keep); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// second is the re-save of step 10: other weights than sample(10).
func second(t testing.TB) *Checkpoint {
	c := sampleOf(10)
	for i := range c.Model[0].Data {
		c.Model[0].Data[i] += 1
	}
	return c
}

func sampleOf(step int) *Checkpoint {
	return sample(nil, step)
}

// A SIGKILL at every stage of a same-step re-save, with --keep 1 as well
// as all kept, leaves a loadable step 10: the old one until the new one is
// in place, the new one after; never none, and the next Save cleans up.
func TestKillInsideSameStepSave(t *testing.T) {
	for _, keep := range []string{"0", "1"} {
		for _, stage := range []string{"written", "moved-aside", "renamed", "replaced"} {
			t.Run(stage+"/keep"+keep, func(t *testing.T) {
				root := t.TempDir()
				old := sample(t, 10)
				if _, err := Save(root, old, 0); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), envKillRoot+"="+root, envKillStage+"="+stage, envKillKeep+"="+keep)
				out, err := cmd.CombinedOutput()
				if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
					t.Fatalf("child: %v, want killed by SIGKILL: %s", err, out)
				}
				check := func(when string, wantNew bool) {
					last, err := Latest(root)
					if err != nil {
						t.Fatalf("%s: %v", when, err)
					}
					c, err := Load(last.Dir)
					if err != nil {
						t.Fatalf("%s: %v", when, err)
					}
					want := old
					if wantNew {
						want = second(t)
					}
					if c.Step != 10 || !slices.Equal(c.Model[0].Data, want.Model[0].Data) {
						t.Fatalf("%s: step %d, or not the %s checkpoint", when, c.Step, map[bool]string{false: "old", true: "new"}[wantNew])
					}
				}
				wantNew := stage == "renamed" || stage == "replaced"
				check("after the kill", wantNew)
				// The next Save (of a later step) puts things right.
				if _, err := Save(root, sample(t, 20), 0); err != nil {
					t.Fatal(err)
				}
				ents, _ := os.ReadDir(root)
				var names []string
				for _, e := range ents {
					names = append(names, e.Name())
				}
				if got := strings.Join(names, " "); got != "step-00000010 step-00000020" {
					t.Errorf("after the next Save the root holds %s", got)
				}
				c, err := Load(filepath.Join(root, "step-00000010"))
				if err != nil {
					t.Fatal(err)
				}
				if want := map[bool]*Checkpoint{false: old, true: second(t)}[wantNew]; !slices.Equal(c.Model[0].Data, want.Model[0].Data) {
					t.Error("the next Save did not keep the checkpoint the kill left")
				}
			})
		}
	}
}

// A FIFO named as a checkpoint file is refused at once, not opened (an
// open would block until a writer came).
func TestFIFORefused(t *testing.T) {
	for _, name := range []string{ManifestFile, ModelFile} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dir, err := Save(root, sample(t, 10), 0)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, name)
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip("no FIFOs here:", err)
			}
			done := make(chan error, 1)
			go func() { _, err := Load(dir); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "not a regular file") {
					t.Fatalf("Load: %v, want a refusal of the FIFO", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Load blocked on a FIFO")
			}
		})
	}
}

// A checkpoint of another run, copied in among a run's own, is refused by
// CheckRun and by Save.
func TestForeignCheckpoint(t *testing.T) {
	mine, theirs := t.TempDir(), t.TempDir()
	a := sample(t, 10)
	a.Run = "run-a"
	if _, err := Save(mine, a, 0); err != nil {
		t.Fatal(err)
	}
	b := sample(t, 20)
	b.Run = "run-b"
	dir, err := Save(theirs, b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(dir, filepath.Join(mine, filepath.Base(dir))); err != nil {
		t.Fatal(err)
	}
	last, _ := Latest(mine)
	c, err := Load(last.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckRun(mine, c, last.Dir); err == nil || !strings.Contains(err.Error(), "belongs to another run") {
		t.Fatalf("CheckRun: %v, want a refusal", err)
	}
	if err := CheckRun(mine, a, "x"); err != nil {
		t.Fatalf("CheckRun of the run's own: %v", err)
	}
	if _, err := Save(mine, sample(t, 30), 0); err == nil || !strings.Contains(err.Error(), "run-a") {
		t.Fatalf("Save of a checkpoint without the run's identity: %v, want a refusal naming run-a", err)
	}
	bad := sample(t, 40)
	bad.Run = "no/slashes"
	if _, err := Save(t.TempDir(), bad, 0); err == nil {
		t.Fatal("Save accepted a run identity with a slash")
	}
}
