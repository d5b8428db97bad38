// Package workpool runs the parts of one computation on a fixed set of
// helper goroutines, the caller running part 0, for work that comes in
// quick succession: an optimizer step after another, the matrix products of
// one training step.
//
// Its helpers spin for a while between computations instead of going
// straight to sleep. Waking a sleeping goroutine means waking an idle
// thread, which takes 0.1–0.4 ms on this project's 2-core virtual machine:
// a fifth of a two-thread SGD step over ten million parameters, and more
// than a whole matrix product of a small network. A helper that has
// finished its part looks for the next computation for a while (long when
// computations have been coming back to back, 20µs otherwise), and the
// caller looks for the helpers' ends for up to 2ms, before either sleeps.
// While spinning each side yields to the Go scheduler, so other goroutines
// on its P still run.
//
// A Pool runs one computation at a time: Run must not be called from two
// goroutines at once. A panic in a helper's part is recovered and raised
// again in the caller once every part has finished.
package workpool
