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
	f       *os.File
	path    string
	created string // the top folder Acquire created, "" if none
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
// process holds it. Release the lock with Release (or Abandon); the kernel
// releases it anyway when the process ends.
func Acquire(dir string) (*Lock, error) {
	created := topMissing(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %v", dir, unwrap(err))
	}
	l, err := acquire(dir)
	if err != nil {
		removeCreated(dir, created)
		return nil, err
	}
	l.created = created
	return l, nil
}

func acquire(dir string) (*Lock, error) {
	path := filepath.Join(dir, File)
	for try := 0; ; try++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
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
		// The owner removes the file when it releases the lock: the lock
		// held must be on the file the path names now, or another process
		// may lock a new one.
		fi, err1 := f.Stat()
		pi, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(fi, pi) {
			unlock(f)
			f.Close()
			if try < 100 {
				continue
			}
			return nil, &InUseError{Dir: dir}
		}
		// The lock file may be writable in a folder that is not: a
		// temporary file proves that the results can be written there.
		// A probe an owner killed at this point left is the new owner's
		// to remove: no other process writes in the folder.
		removeProbes(dir)
		probe, err := os.CreateTemp(dir, probePrefix+"*")
		if err != nil {
			unlock(f)
			f.Close()
			return nil, fmt.Errorf("cannot write in %s: %v", dir, unwrap(err))
		}
		probe.Close()
		os.Remove(probe.Name())
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
		return &Lock{f: f, path: path}, nil
	}
}

// probePrefix begins the name of the temporary file that proves a folder
// writable.
const probePrefix = ".probe-"

// removeProbes removes the probes left in dir.
func removeProbes(dir string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), probePrefix) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// Release removes the lock file and gives the lock up.
func (l *Lock) Release() {
	if l != nil && l.f != nil {
		os.Remove(l.path)
		unlock(l.f)
		l.f.Close()
		l.f = nil
	}
}

// Abandon releases the lock and removes the folders Acquire created, if
// they are empty: for a command that fails before writing anything.
func (l *Lock) Abandon() {
	if l == nil || l.f == nil {
		return
	}
	l.Release()
	removeCreated(filepath.Dir(l.path), l.created)
}

// topMissing returns the outermost folder of dir's path that does not
// exist yet, or "" if dir exists.
func topMissing(dir string) string {
	top := ""
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			return top
		}
		top = d
		if filepath.Dir(d) == d {
			return top
		}
	}
}

// removeCreated removes dir and its parents up to top, each only if empty.
func removeCreated(dir, top string) {
	if top == "" {
		return
	}
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if os.Remove(d) != nil || d == top || filepath.Dir(d) == d {
			return
		}
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
