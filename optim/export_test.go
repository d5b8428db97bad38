package optim

// SetProcs replaces the number of goroutines a step may split into (by
// default GOMAXPROCS) until the returned function restores it, so that
// tests on a small machine still split steps three and four ways.
func SetProcs(n int) (restore func()) {
	prev := procs
	procs = func() int { return n }
	return func() { procs = prev }
}
