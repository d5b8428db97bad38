package lab

import "fmt"

// Label is how pictures name the trajectory: its spec, and where it
// diverged if it did, e.g. "sgd:lr=1 (diverged at step 7)".
func (tr Trajectory) Label() string {
	if tr.Diverged > 0 {
		return fmt.Sprintf("%s (diverged at step %d)", tr.Spec, tr.Diverged)
	}
	return tr.Spec
}
