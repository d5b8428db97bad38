//go:build !amd64 || noasm

package main

// triad is the STREAM triad a[i] = b[i] + s·c[i].
func triad(a, b, c []float32, s float32) {
	b, c = b[:len(a)], c[:len(a)]
	for i := range a {
		a[i] = b[i] + s*c[i]
	}
}
