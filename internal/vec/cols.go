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

// MaskWords is the number of uint16 words of a mask of n columns.
func MaskWords(n int) int { return (n + 15) / 16 }

// NonzeroMask sets bit j of mask (mask[j/16] bit j%16) where b[j] is not 0,
// clears the others, and returns the number of bits set. mask must have
// MaskWords(len(b)) words; the bits beyond len(b) are cleared.
func NonzeroMask(mask []uint16, b []byte) int {
	mask = mask[:MaskWords(len(b))]
	clear(mask)
	count := 0
	for j, v := range b {
		if v != 0 {
			mask[j>>4] |= 1 << (j & 15)
			count++
		}
	}
	return count
}

// MaskCount returns the number of bits set in mask.
func MaskCount(mask []uint16) int {
	c := 0
	for _, w := range mask {
		c += bits.OnesCount16(w)
	}
	return c
}

// Compact writes, in order, the elements src[j] whose bit is set in mask
// into dst, and returns how many it wrote. mask must have
// MaskWords(len(src)) words and dst room for every element it selects.
func Compact(dst, src []float32, mask []uint16) int {
	checkMask(mask, len(src))
	g := 0
	k := 0
	if path == AVX512 {
		g = len(src) / 16
		if g > 0 {
			if c := MaskCount(mask[:g]); c > 0 {
				_ = dst[c-1] // bounds, before the assembly writes
			}
			k = compactAVX512(unsafeFirst(dst), &src[0], &mask[0], g)
		}
	}
	return k + compact(dst[k:], src[16*g:], mask[g:])
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
// where bit j of mask is set and to +0 elsewhere, for every j < len(dst),
// and returns how many elements of src it read. mask must have
// MaskWords(len(dst)) words and src as many elements as it selects.
func Expand(dst, src []float32, mask []uint16) int {
	checkMask(mask, len(dst))
	g := 0
	k := 0
	if path == AVX512 {
		g = len(dst) / 16
		if g > 0 {
			if c := MaskCount(mask[:g]); c > 0 {
				_ = src[c-1]
			}
			k = expandAVX512(&dst[0], unsafeFirst(src), &mask[0], g)
		}
	}
	return k + expand(dst[16*g:], src[k:], mask[g:])
}

func expand(dst, src []float32, mask []uint16) int {
	k := 0
	for j := range dst {
		if mask[j>>4]>>(j&15)&1 != 0 {
			dst[j] = src[k]
			k++
		} else {
			dst[j] = 0
		}
	}
	return k
}

func checkMask(mask []uint16, n int) {
	if len(mask) < MaskWords(n) {
		panic(fmt.Sprintf("vec: a mask of %d words for %d columns", len(mask), n))
	}
}

// unsafeFirst returns &s[0], or nil for an empty s (an assembly loop that
// selects nothing writes or reads nothing through it).
func unsafeFirst(s []float32) *float32 {
	if cap(s) == 0 {
		return nil
	}
	return &s[:1][0]
}
