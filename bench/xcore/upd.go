//go:build linux && amd64

package main

// upd writes p[i] = read·p[i]·c + c for n floats (n a multiple of 16),
// 16 at a time; with pfw set it first asks for the line 2 KB ahead with
// PREFETCHW.
//
//go:noescape
func upd(p *float32, n int, read, pfw int)
