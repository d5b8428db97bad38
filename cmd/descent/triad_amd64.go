//go:build !noasm

package main

import "golang.org/x/sys/cpu"

// triadAVX sets a[i] = b[i] + s·c[i] for i < n, n a multiple of 32.
//
//go:noescape
func triadAVX(n int, a, b, c *float32, s float32)

// triad is the STREAM triad a[i] = b[i] + s·c[i], vectorised as the STREAM
// benchmark compiled by a C compiler would be, so that the bandwidth it
// measures is the memory's and not the loop's.
func triad(a, b, c []float32, s float32) {
	b, c = b[:len(a)], c[:len(a)]
	k := 0
	if cpu.X86.HasAVX2 {
		k = len(a) &^ 31
		if k > 0 {
			triadAVX(k, &a[0], &b[0], &c[0], s)
		}
	}
	for i := k; i < len(a); i++ {
		a[i] = b[i] + s*c[i]
	}
}
