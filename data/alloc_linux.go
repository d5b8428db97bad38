package data

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// adviseHuge asks the kernel to back the whole huge pages inside the size
// bytes at p with transparent huge pages (madvise MADV_HUGEPAGE), which it
// does where THP is "always" or "madvise" and otherwise ignores. It must be
// called before the memory is first written. Errors are ignored: the
// advice only changes the speed.
func adviseHuge(p unsafe.Pointer, size uintptr) {
	off, length := hugeRange(uintptr(p), size)
	if length == 0 {
		return
	}
	unix.Madvise(unsafe.Slice((*byte)(unsafe.Add(p, off)), length), unix.MADV_HUGEPAGE)
}
