package explain

import (
	"strings"
	"unicode"
)

// displayWidth is the number of terminal columns s takes: East Asian wide
// and full-width characters take two, combining marks none.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r):
		return 0
	case isWide(r):
		return 2
	}
	return 1
}

func isWide(r rune) bool {
	return r >= 0x1100 && r <= 0x115F ||
		r >= 0x2E80 && r <= 0x303E ||
		r >= 0x3041 && r <= 0x33FF ||
		r >= 0x3400 && r <= 0x4DBF ||
		r >= 0x4E00 && r <= 0x9FFF ||
		r >= 0xA000 && r <= 0xA4CF ||
		r >= 0xAC00 && r <= 0xD7A3 ||
		r >= 0xF900 && r <= 0xFAFF ||
		r >= 0xFE30 && r <= 0xFE4F ||
		r >= 0xFF00 && r <= 0xFF60 ||
		r >= 0xFFE0 && r <= 0xFFE6
}

// noBreakBefore are the characters a line may not start with, and
// noBreakAfter those it may not end with (Japanese line-breaking rules).
const (
	noBreakBefore = "、。，．・：；？！）」』】〕ー…ゃゅょっぁぃぅぇぉャュョッァィゥェォ"
	noBreakAfter  = "（「『【〔"
)

// tokens splits s into the units a line may break between: a run of
// spaces, a run of narrow non-space characters (a word, a formula), or one
// wide character.
func tokens(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i + 1
		switch {
		case rs[i] == ' ':
			for j < len(rs) && rs[j] == ' ' {
				j++
			}
		case isWide(rs[i]):
		default:
			for j < len(rs) && rs[j] != ' ' && !isWide(rs[j]) {
				j++
			}
		}
		out = append(out, string(rs[i:j]))
		i = j
	}
	return out
}

// operators are the characters of formulas that a line should not break
// next to: "1 − β₁ᵗ" stays on one line.
const operators = "−-+*=←→·×/<>≤≥≈⊙"

func isOperator(tok string) bool {
	for _, r := range tok {
		if !strings.ContainsRune(operators, r) {
			return false
		}
	}
	return tok != ""
}

// unit is what a line may not break inside: a word with the closing
// punctuation after it, an opening bracket with what follows, a formula's
// terms with the operators between them. spaced says whether a space comes
// before it in the source.
type unit struct {
	text   string
	spaced bool
}

func units(s string) []unit {
	toks := tokens(s)
	var out []unit
	glue := false // the last word was an operator: the next word joins it
	for i, t := range toks {
		if t[0] == ' ' {
			continue
		}
		spaced := i > 0 && toks[i-1][0] == ' '
		var join bool
		if n := len(out); n > 0 {
			last := out[n-1].text
			join = glue || (spaced && isOperator(t)) ||
				(!spaced && (strings.Contains(noBreakBefore, t) || strings.Contains(noBreakAfter, lastRune(last))))
		}
		if join {
			if spaced {
				out[len(out)-1].text += " "
			}
			out[len(out)-1].text += t
		} else {
			out = append(out, unit{t, spaced})
		}
		glue = isOperator(t)
	}
	return out
}

// wrap breaks the paragraph s into lines of at most w columns (a unit
// longer than the line stays whole), the first prefixed by first, the rest
// by rest; every line ends in a newline. Lines break at spaces and, in
// Japanese, between characters.
func wrap(s, first, rest string, w int) string {
	var b strings.Builder
	line, lineW := first, displayWidth(first)
	empty := true // nothing but the prefix on the line yet
	for _, u := range units(s) {
		uw := displayWidth(u.text)
		sep := 0
		if u.spaced && !empty {
			sep = 1
		}
		if !empty && lineW+sep+uw > w {
			b.WriteString(line)
			b.WriteByte('\n')
			line, lineW, sep = rest, displayWidth(rest), 0
		}
		if sep == 1 {
			line += " "
		}
		line += u.text
		lineW += sep + uw
		empty = false
	}
	b.WriteString(line)
	b.WriteByte('\n')
	return b.String()
}

func lastRune(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	return string(r[len(r)-1])
}
