package runlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// File is the name of the lock file in a run folder.
const File = ".lock"

// Lock is a held run-folder lock.
type Lock struct {
	f *os.File
}

// InUseError says that another process holds the folder.
type InUseError struct {
	Dir string
	PID int // 0 when the owner's PID could not be read
}

func (e *InUseError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("%s is in use by another descent (PID %d); wait for it to end, or choose another folder", e.Dir, e.PID)
	}
	return fmt.Sprintf("%s is in use by another descent; wait for it to end, or choose another folder", e.Dir)
}

// Acquire creates dir if needed, checks that files can be written in it,
// and takes its lock without waiting. It returns an *InUseError if another
// process holds it. Release the lock with Release; the kernel releases it
// anyway when the process ends.
func Acquire(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %v", dir, unwrap(err))
	}
	f, err := os.OpenFile(filepath.Join(dir, File), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot write in %s: %v", dir, unwrap(err))
	}
	if err := lock(f); err != nil {
		pid := readPID(f)
		f.Close()
		if errors.Is(err, errBusy) {
			return nil, &InUseError{Dir: dir, PID: pid}
		}
		return nil, fmt.Errorf("cannot lock %s: %v", dir, err)
	}
	// The lock file may be writable in a folder that is not: a temporary
	// file proves that the results can be written there.
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot write in %s: %v", dir, unwrap(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// Release gives the lock up. The lock file stays (removing it would let a
// third process lock a new file while a second still waits on the old).
func (l *Lock) Release() {
	if l != nil && l.f != nil {
		unlock(l.f)
		l.f.Close()
		l.f = nil
	}
}

func readPID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
