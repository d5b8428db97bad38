package viz

import (
	"image/color"
	"strings"
)

// methodColors fixes the colour of each method in every picture and chart:
// gd and sgd (the book's SGD) red, momentum blue, adagrad orange, rmsprop sky
// blue, adam magenta, newton black, the others their own saturated hues, all
// apart from the lightened viridis bands of the maps.
var methodColors = map[string]color.RGBA{
	"gd":          {0xe6, 0x19, 0x4b, 255}, // red
	"sgd":         {0xe6, 0x19, 0x4b, 255}, // red: the same method, on a full batch
	"momentum":    {0x00, 0x30, 0xc0, 255}, // blue
	"adagrad":     {0xff, 0x8c, 0x00, 255}, // orange
	"rmsprop":     {0x00, 0xa0, 0xe0, 255}, // sky blue
	"adam":        {0xd0, 0x20, 0xd0, 255}, // magenta
	"newton":      {0x10, 0x10, 0x10, 255}, // black
	"adamw":       {0x70, 0x00, 0x90, 255}, // purple
	"nadam":       {0x8b, 0x45, 0x13, 255}, // brown
	"radam":       {0x80, 0x80, 0x00, 255}, // olive
	"adamax":      {0x00, 0x80, 0x80, 255}, // teal
	"adadelta":    {0xff, 0x69, 0xb4, 255}, // pink
	"lion":        {0x80, 0x00, 0x00, 255}, // maroon
	"rprop":       {0x00, 0x00, 0x60, 255}, // navy
	"asgd":        {0x70, 0x70, 0x70, 255}, // grey
	"lbfgs":       {0x00, 0x64, 0x00, 255}, // dark green
	"gonum_lbfgs": {0x2f, 0x4f, 0x4f, 255}, // slate
	"adafactor":   {0xff, 0x7f, 0x50, 255}, // coral
	"sf_adamw":    {0xc7, 0x15, 0x85, 255}, // deep pink
	"sf_sgd":      {0xd2, 0x69, 0x1e, 255}, // chocolate
	"lookahead":   {0x5f, 0x9e, 0xa0, 255}, // cadet blue (white vanished on the MNIST charts' white ground)
	"muon":        {0x8a, 0x2b, 0xe2, 255}, // blue violet
	"lamb":        {0x00, 0xbf, 0xa0, 255}, // sea green
}

// spareColors are for the labels without a fixed colour of their own:
// first hues that no method has, then the general path colours.
var spareColors = append([]color.RGBA{
	{0xb8, 0x86, 0x0b, 255}, // goldenrod
	{0x46, 0x82, 0xb4, 255}, // steel blue
	{0x4b, 0x00, 0x82, 255}, // indigo
	{0x55, 0x6b, 0x2f, 255}, // dark olive green
}, pathColors...)

// MethodOf returns the method name a label or spec starts with: "adam" for
// "adam:lr=0.3" and for "adam:lr=0.3 (diverged at step 7)", "lookahead" for
// "lookahead:k=5/sgd:lr=0.1".
func MethodOf(label string) string {
	end := strings.IndexAny(label, ":/ ")
	if end < 0 {
		end = len(label)
	}
	return strings.ToLower(strings.TrimSpace(label[:end]))
}

// MethodColor returns the fixed colour of the method that label names (see
// MethodOf), and false when the method has none.
func MethodColor(label string) (color.RGBA, bool) {
	c, ok := methodColors[MethodOf(label)]
	return c, ok
}

// Colors returns the colour of each label in one picture: its method's fixed
// colour (MethodColor) the first time the method appears; for a method
// without a colour, or a second run of the same method (adam and
// adam:variant=note), the next spare colour (one that no method has first)
// that no label of the picture already uses. Every picture and chart that shows these labels
// colours them alike.
func Colors(labels []string) []color.RGBA {
	out := make([]color.RGBA, len(labels))
	used := map[color.RGBA]bool{}
	fixed := make([]bool, len(labels))
	for i, l := range labels {
		if c, ok := MethodColor(l); ok && !used[c] {
			out[i], fixed[i], used[c] = c, true, true
		}
	}
	spare := 0
	for i := range labels {
		if fixed[i] {
			continue
		}
		// Past the spare list the colours repeat, as they must.
		for k := 0; k < len(spareColors); k++ {
			c := spareColors[(spare+k)%len(spareColors)]
			if !used[c] || k == len(spareColors)-1 {
				out[i], used[c] = c, true
				spare += k + 1
				break
			}
		}
	}
	return out
}
