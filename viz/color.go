package viz

import (
	"image/color"
	"math"
)

// viridisAnchors samples matplotlib's viridis colour map (van der Walt and
// Smith, 2015) at 0, 0.1, …, 1. Viridis is perceptually uniform and reads in
// grey scale and for colour-blind viewers; linear interpolation between these
// eleven anchors stays within a few levels of the full 256-entry table.
var viridisAnchors = [11][3]uint8{
	{0x44, 0x01, 0x54}, {0x48, 0x24, 0x75}, {0x41, 0x44, 0x87}, {0x35, 0x5f, 0x8d},
	{0x2a, 0x78, 0x8e}, {0x21, 0x91, 0x8c}, {0x22, 0xa8, 0x84}, {0x44, 0xbf, 0x70},
	{0x7a, 0xd1, 0x51}, {0xbd, 0xdf, 0x26}, {0xfd, 0xe7, 0x25},
}

// bandWhite is how much white is mixed into the map colours so the optimizer
// paths, drawn in saturated colours, stand out against every band.
const bandWhite = 0.35

// viridis returns the colour at t ∈ [0, 1], lightened by bandWhite.
func viridis(t float64) color.RGBA {
	t = math.Max(0, math.Min(1, t))
	s := t * 10
	i := int(s)
	if i >= 10 {
		i = 9
	}
	u := s - float64(i)
	var c [3]uint8
	for k := range c {
		v := (1-u)*float64(viridisAnchors[i][k]) + u*float64(viridisAnchors[i+1][k])
		v = (1-bandWhite)*v + bandWhite*255
		c[k] = uint8(v + 0.5)
	}
	return color.RGBA{c[0], c[1], c[2], 255}
}

// pathColors are the optimizer colours, in legend order: saturated hues that
// differ from the (lightened) viridis bands. After ten they repeat.
var pathColors = []color.RGBA{
	{0xe6, 0x19, 0x4b, 255}, // red
	{0x00, 0x30, 0xc0, 255}, // blue
	{0xff, 0x8c, 0x00, 255}, // orange
	{0xd0, 0x20, 0xd0, 255}, // magenta
	{0x10, 0x10, 0x10, 255}, // black
	{0x8b, 0x45, 0x13, 255}, // brown
	{0x00, 0xa0, 0xe0, 255}, // sky blue
	{0xff, 0xff, 0xff, 255}, // white
	{0x70, 0x70, 0x70, 255}, // grey
	{0x70, 0x00, 0x90, 255}, // purple
}

func pathColor(i int) color.RGBA { return pathColors[i%len(pathColors)] }

// haloFor is the outline drawn under a path of colour c so that it reads on
// light and dark bands alike: white under dark colours, near-black under
// light ones.
func haloFor(c color.RGBA) color.RGBA {
	if 0.299*float64(c.R)+0.587*float64(c.G)+0.114*float64(c.B) > 200 {
		return color.RGBA{0x20, 0x20, 0x20, 255}
	}
	return color.RGBA{0xff, 0xff, 0xff, 255}
}
