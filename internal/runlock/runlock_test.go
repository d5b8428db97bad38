package runlock

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const envHold = "DESCENT_RUNLOCK_HOLD"

// Re-executed with envHold set, the test binary takes the lock of that
// folder, says so on stdout and holds it until killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv(envHold); dir != "" {
		if _, err := Acquire(dir); err != nil {
			os.Stdout.WriteString("error " + err.Error() + "\n")
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		select {}
	}
	os.Exit(m.Run())
}

// A second process is refused with the owner's PID, and a SIGKILL of the
// owner frees the folder at once.
func TestTwoProcesses(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	dir := filepath.Join(t.TempDir(), "run")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envHold+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("child: %q", line)
	}
	_, err = Acquire(dir)
	var busy *InUseError
	if !errors.As(err, &busy) || busy.PID != cmd.Process.Pid {
		t.Fatalf("second Acquire: %v, want in use by PID %d", err, cmd.Process.Pid)
	}
	if !strings.Contains(err.Error(), "PID") || strings.Contains(err.Error(), "\n") {
		t.Errorf("message %q: want one line naming the PID", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := Acquire(dir)
	if err != nil {
		t.Fatalf("after the owner was killed: %v", err)
	}
	l.Release()
}

// Within one process a second lock of the same folder (another open file
// description) is refused too, and Release frees it.
func TestReleaseAndUnwritable(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if _, err := Acquire(dir); err == nil {
			t.Fatal("a second lock in the same process was granted")
		}
	}
	l.Release()
	l2, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	l2.Release()
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere")
	}
	ro := filepath.Join(t.TempDir(), "ro")
	os.Mkdir(ro, 0o555)
	if _, err := Acquire(ro); err == nil || !strings.Contains(err.Error(), "cannot write") {
		t.Fatalf("Acquire of a read-only folder: %v", err)
	}
	if _, err := Acquire(filepath.Join(ro, "sub")); err == nil {
		t.Fatal("Acquire created a folder in a read-only one")
	}
}

// Release leaves no lock file; Abandon also removes the folders Acquire
// made, and only those.
func TestAbandon(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "a", "b")
	l, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	l.Abandon()
	if _, err := os.Stat(filepath.Join(base, "a")); !os.IsNotExist(err) {
		t.Errorf("Abandon left %s: %v", filepath.Join(base, "a"), err)
	}
	os.MkdirAll(dir, 0o755)
	l, err = Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	l.Abandon()
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("Abandon removed a folder it did not create: %v", err)
	}
	l, _ = Acquire(dir)
	l.Release()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("Release left %v", ents)
	}
}

// A probe that an owner killed while proving the folder writable left is
// removed by the next owner.
func TestLeftProbeRemoved(t *testing.T) {
	dir := t.TempDir()
	left := filepath.Join(dir, ".probe-123")
	if err := os.WriteFile(left, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is still there (%v)", left, err)
	}
}
