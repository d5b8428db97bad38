//go:build unix

package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLoadFIFO: a FIFO under a data file's name would block an open for
// reading forever; it is refused at once.
func TestLoadFIFO(t *testing.T) {
	dir := t.TempDir()
	for name, b := range set(claim(t, 1, noise(784)), labels(1)) {
		os.WriteFile(filepath.Join(dir, name), b.Data, 0o644)
	}
	os.Remove(filepath.Join(dir, "train-labels-idx1-ubyte.gz"))
	if err := unix.Mkfifo(filepath.Join(dir, "train-labels-idx1-ubyte.gz"), 0o644); err != nil {
		t.Skip(err)
	}
	if _, _, err := LoadDir(dir, Options{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO as the labels file: %v", err)
	}
}
