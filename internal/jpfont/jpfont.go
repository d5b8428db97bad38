package jpfont

import (
	_ "embed"
	"sync"
	"unicode"

	"golang.org/x/image/font/sfnt"
)

// Name is the font's family name in its name table.
const Name = "Descent Gothic"

//go:embed gothic.ttf
var ttf []byte

// TTF returns a copy of the embedded TrueType file.
func TTF() []byte {
	return append([]byte(nil), ttf...)
}

var parsed = sync.OnceValues(func() (*sfnt.Font, error) {
	return sfnt.Parse(ttf)
})

// Font returns the embedded font, parsed once. Its methods are safe for
// concurrent use when each call passes its own *sfnt.Buffer (or nil).
func Font() (*sfnt.Font, error) {
	return parsed()
}

// Has reports whether the font has a glyph for r.
func Has(r rune) bool {
	f, err := parsed()
	if err != nil {
		return false
	}
	i, err := f.GlyphIndex(nil, r)
	return err == nil && i != 0
}

// Missing returns the characters of s that the font cannot draw, each once,
// in the order of their first appearance. Control characters (newlines,
// tabs) and spaces need no glyph and are never missing.
func Missing(s string) []rune {
	var out []rune
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || Has(r) {
			continue
		}
		seen := false
		for _, m := range out {
			seen = seen || m == r
		}
		if !seen {
			out = append(out, r)
		}
	}
	return out
}
