package viz

import (
	"fmt"
	"image"
	"image/color"

	"github.com/descentlab/descent/testfunc"
)

// Field paints the filled contour bands of f over the window w into a
// width×height image, with no axes, title or paths: the same levels and
// colours as Contour's map of that window, for a page that draws the axes
// and paths itself. Pixel (i, j) shows f at the centre of its cell, with x
// growing to the right and y growing upwards (row 0 is the top, YMax).
func Field(f testfunc.Function, w testfunc.Window, width, height int) (*image.RGBA, error) {
	if f == nil {
		return nil, fmt.Errorf("viz: no function to plot")
	}
	if err := checkWindow("window", w); err != nil {
		return nil, err
	}
	if width < 1 || height < 1 || width > maxSide || height > maxSide {
		return nil, fmt.Errorf("viz: field size %d×%d: want each side in [1, %d]", width, height, maxSide)
	}
	sc := chooseScale(f, w, sample(f, w, sampleSide))
	cs := sc.colors()
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	dx := (w.XMax - w.XMin) / float64(width)
	dy := (w.YMax - w.YMin) / float64(height)
	for j := range height {
		y := w.YMax - (float64(j)+0.5)*dy
		row := img.Pix[j*img.Stride:]
		for i := range width {
			c := cs[sc.band(f.Value(w.XMin+(float64(i)+0.5)*dx, y))]
			row[4*i], row[4*i+1], row[4*i+2], row[4*i+3] = c.R, c.G, c.B, 255
		}
	}
	return img, nil
}

// PathColor is the colour Contour, Animate and Loss give the i-th path
// (counted from 0); after ten the colours repeat.
func PathColor(i int) color.RGBA { return pathColor(i) }
