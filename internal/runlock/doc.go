// Package runlock gives a run folder one owner: descent train, compare and
// a resumed train hold an advisory lock (flock) on the folder's ".lock"
// file while they write there, and a second writer is refused with the
// owner's PID. The kernel releases the lock when its process ends, however
// it ends, so a run killed with SIGKILL never blocks its own resume.
//
// Acquire also proves the folder writable (it creates it and writes the
// lock file), so a command finds an unwritable -o before it loads data or
// trains.
package runlock
