//go:build race

package nn

// raceEnabled: the race detector is on (sync.Pool then drops items at
// random, so a step that reuses a pooled job may allocate).
const raceEnabled = true
