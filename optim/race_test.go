//go:build race

package optim_test

// raceEnabled: the tests run under the race detector, which makes them
// several times slower.
const raceEnabled = true
