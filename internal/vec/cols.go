package vec

import (
	"fmt"
	"math/bits"
)

// Columns of a batch that are zero in every row (MNIST's border pixels: a
// third of the 784 in a batch of 100) contribute nothing to the first
// layer's products; the functions below find them and move a row between
// its full width and its nonzero columns. A column set is a bit mask, bit j
// of mask[j/16] for column j, one uint16 per group of 16 columns: the
// opmask of one AVX-512 vector.

// OrBytes sets acc[i] |= src[i] for every i < len(src): the columns of a
// set of byte rows that are nonzero in at least one row, one src at a
// time. acc must be at least as long as src.
func OrBytes(acc, src []byte) {
	acc = acc[:len(src)]
	n := 0
	switch path {
	case AVX512:
		n = len(src) &^ 63
		if n > 0 {
			orBytesAVX512(&acc[0], &src[0], n)
		}
	case AVX2:
		n = len(src) &^ 31
		if n > 0 {
			orBytesAVX2(&acc[0], &src[0], n)
		}
	}
	orBytes(acc[n:], src[n:])
}

func orBytes(acc, src []byte) {
	acc = acc[:len(src)]
	for i, b := range src {
		acc[i] |= b
	}
}

// Cols is a set of the columns of rows of a fixed width, for Compact and
// Expand. Its zero value is the empty set of width 0; SetNonzero fills it,
// reusing its buffers.
type Cols struct {
	width, count int
	// mask has bit j%16 of word j/16 set for each column j of the set.
	mask []uint16
	// perm and inv hold 16 lane indices per group of 16 columns: perm the
	// lanes of the group's columns in order (Compact's permutation), inv
	// each column's rank among them (Expand's).
	perm, inv []int32
}

// SetNonzero makes c the set of the columns j < len(b) with b[j] ≠ 0.
func (c *Cols) SetNonzero(b []byte) {
	words := (len(b) + 15) / 16
	if cap(c.mask) < words {
		c.mask = make([]uint16, words)
		c.perm = make([]int32, 16*words)
		c.inv = make([]int32, 16*words)
	}
	c.width, c.count = len(b), 0
	c.mask = c.mask[:words]
	c.perm, c.inv = c.perm[:16*words], c.inv[:16*words]
	clear(c.perm)
	clear(c.inv)
	for g := range words {
		var w uint16
		k := 0
		for i, v := range b[16*g : min(16*g+16, len(b))] {
			if v != 0 {
				w |= 1 << i
				c.perm[16*g+k] = int32(i)
				c.inv[16*g+i] = int32(k)
				k++
			}
		}
		c.mask[g] = w
		c.count += k
	}
}

// Width returns the width of the rows c is a set of columns of.
func (c *Cols) Width() int { return c.width }

// Count returns the number of columns in c.
func (c *Cols) Count() int { return c.count }

// CountBefore returns the number of columns of c before column j ≤ Width.
func (c *Cols) CountBefore(j int) int {
	n := 0
	for _, w := range c.mask[:j/16] {
		n += bits.OnesCount16(w)
	}
	if r := j % 16; r > 0 {
		n += bits.OnesCount16(c.mask[j/16] & (1<<r - 1))
	}
	return n
}

// Sub returns the columns [lo, hi) of c as a set of columns of rows of
// width hi−lo, sharing c's buffers. lo must be a multiple of 16.
func (c *Cols) Sub(lo, hi int) Cols {
	if lo%16 != 0 || lo < 0 || hi < lo || hi > c.width {
		panic(fmt.Sprintf("vec: columns [%d, %d) of %d (the first must be a multiple of 16)", lo, hi, c.width))
	}
	s := Cols{width: hi - lo, mask: c.mask[lo/16 : (hi+15)/16], perm: c.perm[lo : lo+16*((hi-lo+15)/16)], inv: c.inv[lo : lo+16*((hi-lo+15)/16)]}
	s.count = c.CountBefore(hi) - c.CountBefore(lo)
	return s
}

// Compact writes, in order, the elements of src in the columns of c into
// dst and returns their number, c.Count(). len(src) must be c.Width() and
// dst must have room for c.Count() elements.
func Compact(dst, src []float32, c *Cols) int {
	if len(src) != c.width || len(dst) < c.count {
		panic(fmt.Sprintf("vec: Compact of %d values into %d by a set of %d of %d columns", len(src), len(dst), c.count, c.width))
	}
	g, k := 0, 0
	if path == AVX512 {
		g = len(src) / 16
		if g > 0 {
			k = compactAVX512(first(dst), &src[0], &c.mask[0], &c.perm[0], g)
		}
	}
	return k + compact(dst[k:], src[16*g:], c.mask[g:])
}

func compact(dst, src []float32, mask []uint16) int {
	k := 0
	for j, v := range src {
		if mask[j>>4]>>(j&15)&1 != 0 {
			dst[k] = v
			k++
		}
	}
	return k
}

// Expand is Compact's inverse: it sets dst[j] to the next element of src
// for each column j in c and to +0 for the others. len(dst) must be
// c.Width() and src must hold c.Count() elements.
func Expand(dst, src []float32, c *Cols) {
	if len(dst) != c.width || len(src) < c.count {
		panic(fmt.Sprintf("vec: Expand of %d values into %d by a set of %d of %d columns", len(src), len(dst), c.count, c.width))
	}
	g, k := 0, 0
	if path == AVX512 {
		g = len(dst) / 16
		if g > 0 {
			k = expandAVX512(&dst[0], first(src), &c.mask[0], &c.inv[0], g)
		}
	}
	expand(dst[16*g:], src[k:], c.mask[g:])
}

func expand(dst, src []float32, mask []uint16) {
	k := 0
	for j := range dst {
		if mask[j>>4]>>(j&15)&1 != 0 {
			dst[j] = src[k]
			k++
		} else {
			dst[j] = 0
		}
	}
}

// first returns &s[0], or nil for an empty s (an assembly loop that selects
// nothing writes or reads nothing through it).
func first(s []float32) *float32 {
	if cap(s) == 0 {
		return nil
	}
	return &s[:1][0]
}

// Masks returns c's columns as a mask: bit j%16 of word j/16 is set for
// each column j in c. The slice is c's own; do not modify it.
func (c *Cols) Masks() []uint16 { return c.mask }
