package viz

import (
	"image"
	"image/draw"
	"image/gif"
)

// composite plays a GIF whose frames all use disposal "none", returning the
// picture shown after each frame.
func composite(g *gif.GIF) []*image.RGBA {
	screen := image.NewRGBA(image.Rect(0, 0, g.Config.Width, g.Config.Height))
	var out []*image.RGBA
	for _, f := range g.Image {
		draw.Draw(screen, f.Bounds(), f, f.Bounds().Min, draw.Over)
		c := image.NewRGBA(screen.Bounds())
		copy(c.Pix, screen.Pix)
		out = append(out, c)
	}
	return out
}
