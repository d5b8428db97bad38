//go:build !linux

package data

import "unsafe"

// adviseHuge does nothing where there is no madvise(MADV_HUGEPAGE).
func adviseHuge(p unsafe.Pointer, size uintptr) {}
