package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/internal/runlock"
)

// resultNames are the files and folders train and compare write in -o: a
// folder holding any of them holds results.
var resultNames = []string{"metrics.csv", "steps.csv", "summary.json", "loss.png", "accuracy.png", "report.md", "report.html", "model.safetensors", "checkpoints"}

// runFolder is an output folder a command owns: locked, known writable,
// and holding no results but those it is allowed to replace.
type runFolder struct {
	dir   string
	lock  *runlock.Lock
	stale []string // results to remove (--overwrite) before writing
}

// claim takes dir for a fresh run of cmd ("train" or "compare"): it
// creates the folder, locks it and proves it writable, all before any
// data is loaded; a folder that holds results is refused unless overwrite,
// which removes them (by clear, once the run is ready to start).
func claim(cmd, dir string, overwrite bool) (*runFolder, error) {
	l, err := runlock.Acquire(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: -o %v", cmd, err)
	}
	rf := &runFolder{dir: dir, lock: l}
	sweepTemps(dir)
	// A checkpoints folder without a checkpoint is what a run killed
	// inside its first checkpoint leaves (temporary folders, its run
	// identity): nothing to keep, and it would refuse the new run's.
	root := filepath.Join(dir, "checkpoints")
	if all, err := checkpoint.List(root); err == nil && len(all) == 0 {
		if err := os.RemoveAll(root); err != nil {
			l.Abandon()
			return nil, fmt.Errorf("%s: -o %s: %v", cmd, dir, err)
		}
	}
	for _, n := range resultNames {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			rf.stale = append(rf.stale, n)
		}
	}
	if len(rf.stale) == 0 || overwrite {
		return rf, nil
	}
	l.Abandon()
	how := ""
	if cmd == "train" && slices.Contains(rf.stale, "checkpoints") {
		how = fmt.Sprintf("continue it with --resume %s, ", dir)
	}
	return nil, fmt.Errorf("%s: -o %s holds the results of a run (%s): %sreplace them with --overwrite, or choose another folder", cmd, dir, strings.Join(rf.stale, ", "), how)
}

// clear removes the results --overwrite replaces, so that the new run's
// never mix with them.
func (rf *runFolder) clear() error {
	for _, n := range rf.stale {
		if err := os.RemoveAll(filepath.Join(rf.dir, n)); err != nil {
			return fmt.Errorf("--overwrite: %v", err)
		}
	}
	rf.stale = nil
	return nil
}

// done releases the folder; abandon releases it and removes it if the
// command created it and wrote nothing.
func (rf *runFolder) done() {
	if rf != nil {
		rf.lock.Release()
	}
}

func (rf *runFolder) abandon() {
	if rf != nil {
		rf.lock.Abandon()
	}
}

// sweepTemps removes the temporary files an atomic write of a result left
// when its process was killed: the folder's owner may, and no other
// process writes there.
func sweepTemps(dir string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		for _, n := range resultNames {
			if strings.HasPrefix(e.Name(), "."+n+".tmp-") {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
}
