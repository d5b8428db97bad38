package viz

import (
	"image"
	"math"
)

// raster paints palette indices into a paletted image without anti-aliasing:
// GIF frames have one palette, and hard edges compress well. Everything is
// clipped to clip.
type raster struct {
	img  *image.Paletted
	clip image.Rectangle
}

// span calls fn(x0, x1, y) for each row y of the pixels whose centres lie in
// the convex region described by rowRange; fn gets x0 ≤ x < x1.
func (r *raster) rows(y0, y1 float64, rowRange func(yc float64) (lo, hi float64, ok bool), fn func(x0, x1, y int)) {
	jy0 := max(r.clip.Min.Y, int(math.Floor(y0)))
	jy1 := min(r.clip.Max.Y, int(math.Ceil(y1)))
	for j := jy0; j < jy1; j++ {
		lo, hi, ok := rowRange(float64(j) + 0.5)
		if !ok {
			continue
		}
		// Pixel i is in when lo ≤ i+0.5 ≤ hi.
		i0 := max(r.clip.Min.X, int(math.Ceil(lo-0.5)))
		i1 := min(r.clip.Max.X, int(math.Floor(hi-0.5))+1)
		if i0 < i1 {
			fn(i0, i1, j)
		}
	}
}

// capsule calls fn for the pixels within distance rad of the segment a–b.
func (r *raster) capsule(ax, ay, bx, by, rad float64, fn func(x0, x1, y int)) {
	dx, dy := bx-ax, by-ay
	l := math.Hypot(dx, dy)
	var nx, ny float64 // unit normal
	if l > 0 {
		nx, ny = -dy/l*rad, dx/l*rad
	}
	// The band around the segment is the parallelogram with corners
	// a±n, b±n; the capsule is its union with the end discs, and is convex,
	// so each row meets it in one interval: the hull of the pieces' intervals.
	quad := [4][2]float64{{ax + nx, ay + ny}, {bx + nx, by + ny}, {bx - nx, by - ny}, {ax - nx, ay - ny}}
	rowRange := func(yc float64) (lo, hi float64, ok bool) {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, c := range [2][2]float64{{ax, ay}, {bx, by}} {
			if d := yc - c[1]; d*d <= rad*rad {
				h := math.Sqrt(rad*rad - d*d)
				lo, hi = math.Min(lo, c[0]-h), math.Max(hi, c[0]+h)
			}
		}
		if l > 0 {
			for k := range 4 {
				p, q := quad[k], quad[(k+1)%4]
				if (p[1] <= yc) != (q[1] <= yc) {
					x := p[0] + (yc-p[1])/(q[1]-p[1])*(q[0]-p[0])
					lo, hi = math.Min(lo, x), math.Max(hi, x)
				}
			}
		}
		return lo, hi, lo <= hi
	}
	r.rows(math.Min(ay, by)-rad, math.Max(ay, by)+rad, rowRange, fn)
}

// disc calls fn for the pixels within distance rad of (cx, cy).
func (r *raster) disc(cx, cy, rad float64, fn func(x0, x1, y int)) {
	r.capsule(cx, cy, cx, cy, rad, fn)
}

// fill returns an fn for capsule and disc that sets the pixels to idx.
func (r *raster) fill(idx uint8) func(x0, x1, y int) {
	return func(x0, x1, y int) {
		row := r.img.Pix[r.img.PixOffset(0, y):]
		for x := x0; x < x1; x++ {
			row[x] = idx
		}
	}
}
