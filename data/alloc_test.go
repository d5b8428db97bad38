package data

import "testing"

// TestHugeRange checks the whole huge pages found inside a buffer: none in
// a small one, and never a byte outside the buffer.
func TestHugeRange(t *testing.T) {
	for _, c := range []struct {
		p, size, off, length uintptr
	}{
		{0, 4 * hugePage, 0, 4 * hugePage},
		{hugePage, 2 * hugePage, 0, 2 * hugePage},
		{1, 4 * hugePage, hugePage - 1, 3 * hugePage},
		{hugePage - 8192, 3*hugePage + 8192, 8192, 3 * hugePage},
		{8192, 3 * hugePage, hugePage - 8192, 2 * hugePage},
		{8192, 2 * hugePage, 0, 0}, // only one whole page inside
		{0, hugePage, 0, 0},
		{100, 1000, 0, 0},
	} {
		off, length := hugeRange(c.p, c.size)
		if off != c.off || length != c.length {
			t.Errorf("hugeRange(%#x, %#x) = %#x, %#x; want %#x, %#x", c.p, c.size, off, length, c.off, c.length)
		}
	}
}

// TestMakeBuffers: the buffers are zeroed and of the length asked, small or
// large enough to be advised.
func TestMakeBuffers(t *testing.T) {
	for _, n := range []int{0, 1, 5 * hugePage} {
		b, x := makeBytes(n), makeFloats(n)
		if len(b) != n || len(x) != n {
			t.Fatalf("lengths %d and %d, want %d", len(b), len(x), n)
		}
		for i := range b {
			if b[i] != 0 || x[i] != 0 {
				t.Fatalf("value %d not zero", i)
			}
		}
	}
}
