package viz

import (
	"image"
	"image/color"
	"slices"
)

// quantizer maps the colours of a rendered background onto a palette of at
// most 256 colours: the reserved colours first, then the most frequent colours
// of the image (counted in 6-bit-per-channel buckets) — flat colour bands,
// text and their anti-aliased edges. There is no dithering: the bands are flat
// and dithering would only add noise that compresses badly.
type quantizer struct {
	pal  color.Palette
	lut  []int16 // bucket → palette index, -1 until first needed
	skip int     // leading palette entries never chosen for a pixel
}

const bucketBits = 6

func bucket(r, g, b uint8) int {
	const s = 8 - bucketBits
	return int(r>>s)<<(2*bucketBits) | int(g>>s)<<bucketBits | int(b>>s)
}

// newQuantizer builds the palette for img; reserved colours keep their order
// at the start of the palette. The first reserved colour is the GIF's
// transparent one and is never chosen for a pixel; the others may be (the
// legend shows the path colours).
func newQuantizer(img *image.RGBA, reserved []color.Color) *quantizer {
	n := 1 << (3 * bucketBits)
	count := make([]int32, n)
	sum := make([][3]uint32, n)
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			k := bucket(row[i], row[i+1], row[i+2])
			count[k]++
			sum[k][0] += uint32(row[i])
			sum[k][1] += uint32(row[i+1])
			sum[k][2] += uint32(row[i+2])
		}
	}
	var used []int
	for k, c := range count {
		if c > 0 {
			used = append(used, k)
		}
	}
	slices.SortFunc(used, func(a, b int) int { return int(count[b] - count[a]) })
	q := &quantizer{pal: slices.Clone(color.Palette(reserved)), skip: min(1, len(reserved))}
	for _, k := range used {
		if len(q.pal) == 256 {
			break
		}
		c := count[k]
		q.pal = append(q.pal, color.RGBA{uint8(sum[k][0] / uint32(c)), uint8(sum[k][1] / uint32(c)), uint8(sum[k][2] / uint32(c)), 255})
	}
	q.lut = make([]int16, n)
	for i := range q.lut {
		q.lut[i] = -1
	}
	return q
}

// index returns the palette entry nearest to (r, g, b).
func (q *quantizer) index(r, g, b uint8) uint8 {
	k := bucket(r, g, b)
	if i := q.lut[k]; i >= 0 {
		return uint8(i)
	}
	best, bestD := q.skip, int(^uint(0)>>1)
	for i := q.skip; i < len(q.pal); i++ {
		c := q.pal[i].(color.RGBA)
		dr, dg, db := int(c.R)-int(r), int(c.G)-int(g), int(c.B)-int(b)
		if d := 2*dr*dr + 4*dg*dg + 3*db*db; d < bestD {
			best, bestD = i, d
		}
	}
	q.lut[k] = int16(best)
	return uint8(best)
}

// paletted converts img to the palette.
func (q *quantizer) paletted(img *image.RGBA) *image.Paletted {
	b := img.Bounds()
	out := image.NewPaletted(b, q.pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := img.Pix[img.PixOffset(b.Min.X, y):]
		dst := out.Pix[out.PixOffset(b.Min.X, y):]
		for x := 0; x < b.Dx(); x++ {
			dst[x] = q.index(src[4*x], src[4*x+1], src[4*x+2])
		}
	}
	return out
}
