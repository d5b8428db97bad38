// Package jpfont embeds a small Japanese font, so that pictures can draw
// Japanese text without depending on the fonts of the machine.
//
// # The font
//
// gothic.ttf is "Descent Gothic", a 0.9 MB subset of IPAexGothic 00401 made
// by subset.py in this folder: ASCII, Latin-1, Greek, general punctuation,
// arrows, mathematical operators, super- and subscripts, CJK symbols and
// punctuation, hiragana, katakana, half- and full-width forms, the 2,965
// kanji of JIS X 0208 level 1, and every other character of the repository's
// Japanese texts, without hinting. It is licensed under the IPA Font License
// Agreement v1.0, which allows redistribution of a renamed Derived Program
// together with the means to replace it by the original; LICENSE.txt holds
// the licence, the origin and those means.
//
// # Use
//
// [TTF] returns the font file for a renderer to parse (gonum.org/v1/plot's
// font.Cache, golang.org/x/image/font/opentype). [Has] and [Missing] tell
// which characters the font can draw, so that a caller can name a character
// it cannot draw instead of dropping it silently.
//
// The package depends only on golang.org/x/image/font/sfnt, so that it can
// move to another module unchanged.
package jpfont
