// Package workpool runs the parts of one computation on the calling
// goroutine and a fixed set of helper goroutines, for work that comes in
// quick succession: an optimizer step after another, the matrix products of
// one training step.
//
// Parts are claimed one at a time, by the caller and by whichever helpers
// are awake, so a helper that is slow to wake never holds a computation
// up: the caller runs what nobody has claimed. Waking a sleeping goroutine
// means waking an idle thread, which takes 0.1–0.4 ms on this project's
// 2-core virtual machine: a fifth of a two-thread SGD step over ten million
// parameters, and as much as a matrix product of a small network. So the
// helpers also spin for a while between computations instead of going
// straight to sleep. After a part, a helper whose wait for it was at most
// 0.3 ms (about what a wake-up costs) or no longer than the part (the
// matrix products and optimizer step of a training loop, back-to-back
// steps) spins for 20 µs plus the longer of the part and the longest of
// its recent such waits (each remembered wait shrinking by an eighth per
// computation), at most 5 ms more; after a longer wait, or when it got no
// part, for 20 µs.
// The caller waits for the helpers' parts in progress spinning for up to
// 2 ms before it sleeps. While spinning, each side yields to the Go
// scheduler, so other goroutines on its P still run.
//
// A Pool runs one computation at a time: Run must not be called from two
// goroutines at once. A panic in a helper's part is recovered and raised
// again in the caller once every part has finished.
package workpool
