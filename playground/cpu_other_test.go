//go:build !unix

package playground

import "time"

// cpuTime is not measured here; the benchmark reports wall-clock time only.
func cpuTime() time.Duration { return 0 }
