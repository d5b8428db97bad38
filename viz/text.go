package viz

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot/font"

	"github.com/descentlab/descent/internal/jpfont"
)

// jpTypeface is internal/jpfont's Descent Gothic (a subset of IPAexGothic)
// in gonum's font cache.
var jpTypeface = font.Font{Typeface: "DescentGothic"}

var registerJP = sync.OnceValues(func() (*opentype.Font, error) {
	f, err := jpfont.Font()
	if err != nil {
		return nil, fmt.Errorf("viz: the Japanese font: %v", err)
	}
	font.DefaultCache.Add([]font.Face{{Font: jpTypeface, Face: f}})
	return f, nil
})

// JapaneseTypeface registers the embedded Japanese gothic (internal/jpfont)
// in gonum's font.DefaultCache, once, and returns its typeface, for charts
// drawn with gonum/plot outside this package (train/report's) to use the
// face viz's pictures use. It is registered with no variant, style or
// weight.
func JapaneseTypeface() (font.Typeface, error) {
	if _, err := registerJP(); err != nil {
		return "", err
	}
	return jpTypeface.Typeface, nil
}

// liberationHas reports whether Liberation Sans, the default face, has r.
func liberationHas(r rune) bool {
	face := font.DefaultCache.Lookup(sansFont, 10)
	if face.Face == nil {
		return false
	}
	i, err := face.Face.GlyphIndex(nil, r)
	return err == nil && i != 0
}

// fontFor returns the face that can draw all of s at size: Liberation Sans
// when it has every character, else the Japanese gothic when that has every
// character. what names the text in the error returned when neither can
// draw s, which names the missing characters: no glyph is dropped silently.
func fontFor(what, s string, size float64) (font.Font, error) {
	var lib, jp []rune
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			continue
		}
		if !liberationHas(r) {
			lib = append(lib, r)
		}
	}
	if len(lib) == 0 {
		return font.From(sansFont, font.Length(size)), nil
	}
	if _, err := registerJP(); err != nil {
		return font.Font{}, err
	}
	jp = jpfont.Missing(s)
	if len(jp) == 0 {
		return font.From(jpTypeface, font.Length(size)), nil
	}
	return font.Font{}, fmt.Errorf("viz: the %s %q has characters no font here can draw: %q", what, s, string(jp))
}

// Langs are the languages of the words pictures write themselves.
var Langs = []string{"en", "ja"}

// CheckLang returns an error naming lang and the allowed values unless lang
// is "" (English) or one of Langs.
func CheckLang(lang string) error {
	if lang == "" || slices.Contains(Langs, lang) {
		return nil
	}
	return fmt.Errorf("viz: language %q: want one of %s", lang, strings.Join(Langs, ", "))
}

// words are the words a picture writes itself, in one language.
type words struct {
	start, end, minimum   string
	diverged, leaves      string
	step, loss, lossTitle string
	counter               string // format of the step counter: step, steps
}

func wordsFor(lang string) words {
	if lang == "ja" {
		return words{
			start: "始点", end: "終点", minimum: "最小点",
			diverged: "（発散）", leaves: "（図の外へ）",
			step: "ステップ", loss: "損失", lossTitle: "損失の推移",
			counter: "ステップ %d / %d",
		}
	}
	return words{
		start: "start", end: "end", minimum: "minimum",
		diverged: " (diverged)", leaves: " (leaves the map)",
		step: "step", loss: "loss", lossTitle: "loss",
		counter: "step %d / %d",
	}
}
