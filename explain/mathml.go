package explain

import (
	"html"
	"strings"
	"unicode"
)

// FormulaHTML renders one line of a method's update rule (the plain
// Unicode text of its formula section) as an HTML fragment in which the
// mathematics is MathML (<math> elements, which every current browser
// draws) and the words around it (annotations, "if", "、") stay text.
//
// The notation is the small one the formula texts use: one-letter Latin
// or Greek names with subscripts (β₁, μₜ₊₁, Π₍ᵢ≤ₜ₎), superscripts (β₁ᵗ,
// m̄²), accents (m̂, m̄), √ before a name or a parenthesised group, ^(…)
// for a power, numbers, operators and snake_case hyperparameter names.
// Anything else is kept as text, so no character of the line is lost: a
// test checks that the letters and digits of the output are those of the
// input, in order.
func FormulaHTML(line string) string {
	toks := tokenize(line)
	var b strings.Builder
	i := 0
	for i < len(toks) {
		j, k, ok := mathSpan(toks, i)
		if !ok {
			writeText(&b, toks[i:])
			break
		}
		writeText(&b, toks[i:j])
		b.WriteString(`<math><mrow>`)
		p := &mathParser{toks: toks[j:k]}
		p.seq(&b, false)
		b.WriteString(`</mrow></math>`)
		i = k
	}
	return b.String()
}

// tokKind classifies a token for finding the mathematical spans of a line.
type tokKind int

const (
	tkSpace tokKind = iota
	tkText          // prose: a word, a CJK character, a colon
	tkOp            // an operator or bracket: mathematics only next to mathematics
	tkIdent         // a one-letter name with its accent, subscript, superscript
	tkNum           // a number
	tkName          // a multi-letter name inside mathematics: max, sign, lr_decay
	tkSqrt          // √
)

type token struct {
	kind tokKind
	text string // as written (tkIdent: the base letter)
	mark string // tkIdent: the accent drawn over the base, "^" or "¯"
	sub  string // tkIdent: the subscript, in plain characters
	sup  string // tkIdent: the superscript, in plain characters
}

// mathNames are the multi-letter words that are mathematics, not prose.
var mathNames = map[string]bool{"max": true, "sign": true}

var subscripts = map[rune]string{
	'₀': "0", '₁': "1", '₂': "2", '₃': "3", '₄': "4", '₅': "5", '₆': "6", '₇': "7", '₈': "8", '₉': "9",
	'ₜ': "t", 'ᵢ': "i", '₊': "+", '₋': "−", '∞': "∞",
}

var superscripts = map[rune]string{'ᵗ': "t", '²': "2", '³': "3"}

var marks = map[rune]string{'\u0302': "^", '\u0304': "¯"}

func isGreek(r rune) bool { return r >= 'Α' && r <= 'ω' && r != 'Π' && r != 'Σ' }

func isOp(r rune) bool { return strings.ContainsRune("←=+−-·/⊙()|<>≤≥,^Π½", r) }

func tokenize(s string) []token {
	rs := []rune(s)
	var toks []token
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r == ' ':
			j := i
			for j < len(rs) && rs[j] == ' ' {
				j++
			}
			toks = append(toks, token{kind: tkSpace, text: string(rs[i:j])})
			i = j
		case r < 128 && (unicode.IsLetter(r) || r == '_'):
			j := i
			for j < len(rs) && rs[j] < 128 && (unicode.IsLetter(rs[j]) || rs[j] == '_' || (j > i && unicode.IsDigit(rs[j]))) {
				j++
			}
			w := string(rs[i:j])
			switch {
			case j-i == 1:
				var t token
				t, j = ident(rs, i)
				toks = append(toks, t)
			case mathNames[w] || strings.Contains(w, "_"):
				toks = append(toks, token{kind: tkName, text: w})
			default:
				toks = append(toks, token{kind: tkText, text: w})
			}
			i = j
		case isGreek(r):
			var t token
			t, i = ident(rs, i)
			toks = append(toks, t)
		case r >= '0' && r <= '9' || r == '.' && i+1 < len(rs) && rs[i+1] >= '0' && rs[i+1] <= '9':
			j := i
			for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || rs[j] == '.' && j+1 < len(rs) && rs[j+1] >= '0' && rs[j+1] <= '9') {
				j++
			}
			toks = append(toks, token{kind: tkNum, text: string(rs[i:j])})
			i = j
		case r == '√':
			toks = append(toks, token{kind: tkSqrt, text: "√"})
			i++
		case r == 'Π':
			t, j := ident(rs, i)
			toks = append(toks, t)
			i = j
		case isOp(r):
			toks = append(toks, token{kind: tkOp, text: string(r)})
			i++
		default:
			toks = append(toks, token{kind: tkText, text: string(r)})
			i++
		}
	}
	return toks
}

// ident reads the one-letter name at rs[i] with what is attached to it.
func ident(rs []rune, i int) (token, int) {
	t := token{kind: tkIdent, text: string(rs[i])}
	j := i + 1
	for j < len(rs) {
		r := rs[j]
		if m, ok := marks[r]; ok && t.mark == "" && t.sub == "" {
			t.mark = m
			j++
			continue
		}
		if r == '₍' {
			k := j + 1
			var sub strings.Builder
			for k < len(rs) && rs[k] != '₎' {
				if s, ok := subscripts[rs[k]]; ok {
					sub.WriteString(s)
				} else {
					sub.WriteRune(rs[k])
				}
				k++
			}
			if k == len(rs) {
				break
			}
			t.sub += sub.String()
			j = k + 1
			continue
		}
		if s, ok := subscripts[r]; ok && t.sup == "" {
			t.sub += s
			j++
			continue
		}
		if s, ok := superscripts[r]; ok {
			t.sup += s
			j++
			continue
		}
		break
	}
	return t, j
}

func strong(k tokKind) bool { return k == tkIdent || k == tkNum || k == tkName || k == tkSqrt }

// mathSpan finds the next span of mathematics at or after toks[i]: from a
// strong token (a name, number or √) to the last strong token before the
// next prose or gap, grown by the brackets and operators directly attached to it.
func mathSpan(toks []token, i int) (start, end int, ok bool) {
	for start = i; start < len(toks) && !strong(toks[start].kind); start++ {
	}
	if start == len(toks) {
		return 0, 0, false
	}
	last := start
	for k := start; k < len(toks) && toks[k].kind != tkText && !gap(toks[k]); k++ {
		if strong(toks[k].kind) {
			last = k
		}
	}
	for start > i && toks[start-1].kind == tkOp && toks[start-1].text != "," {
		start--
	}
	end = last + 1
	for end < len(toks) && toks[end].kind == tkOp && toks[end].text != "," {
		end++
	}
	return start, end, true
}

// gap reports whether t is two or more spaces, which separate a formula
// from the next one or from its annotation.
func gap(t token) bool { return t.kind == tkSpace && len(t.text) > 1 }

// writeText writes tokens as HTML text; runs of two or more spaces, which
// separate a formula from its annotation in the texts, become a gap.
func writeText(b *strings.Builder, toks []token) {
	for _, t := range toks {
		switch {
		case gap(t):
			b.WriteString(`<span class="gap"> </span>`)
		case t.kind == tkIdent:
			b.WriteString(html.EscapeString(t.text + t.mark + t.sub + t.sup))
		default:
			b.WriteString(html.EscapeString(t.text))
		}
	}
}

// mathParser writes MathML for the tokens of one span.
type mathParser struct {
	toks []token
	pos  int
}

func (p *mathParser) peek() (token, bool) {
	for p.pos < len(p.toks) && p.toks[p.pos].kind == tkSpace {
		p.pos++
	}
	if p.pos == len(p.toks) {
		return token{}, false
	}
	return p.toks[p.pos], true
}

// seq writes tokens until the end, or, when inGroup, until the ")" that
// closes the group (consumed, not written).
func (p *mathParser) seq(b *strings.Builder, inGroup bool) {
	var prev string // the last element written, for ^ to raise
	lastName := false
	var out []string
	flush := func() {
		if prev != "" {
			out = append(out, prev)
		}
	}
	for {
		t, ok := p.peek()
		if !ok {
			break
		}
		p.pos++
		var el string
		switch {
		case inGroup && t.kind == tkOp && t.text == ")":
			flush()
			b.WriteString(strings.Join(out, ""))
			return
		case t.kind == tkOp && t.text == "^":
			if n, ok := p.peek(); ok && prev != "" {
				p.pos++
				if n.kind == tkOp && n.text == "(" {
					var g strings.Builder
					p.seq(&g, true)
					prev = "<msup>" + prev + "<mrow>" + g.String() + "</mrow></msup>"
				} else {
					prev = "<msup>" + prev + p.atom(n) + "</msup>"
				}
				continue
			}
			el = mo("^")
		case t.kind == tkSqrt:
			n, ok := p.peek()
			switch {
			case !ok:
				el = mo("√")
			case n.kind == tkOp && n.text == "(":
				p.pos++
				var g strings.Builder
				p.seq(&g, true)
				el = "<msqrt>" + g.String() + "</msqrt>"
			default:
				p.pos++
				el = "<msqrt>" + p.atom(n) + "</msqrt>"
			}
		case t.kind == tkOp && t.text == "(":
			// A bracket of the expression, drawn as written.
			el = mo("(")
		default:
			el = p.atom(t)
			if lastName && t.kind == tkIdent {
				// A key name and a symbol ("weight_decay λ") would touch.
				el = `<mspace width="0.3em"/>` + el
			}
		}
		lastName = t.kind == tkName
		flush()
		prev = el
	}
	flush()
	b.WriteString(strings.Join(out, ""))
}

// atom is the MathML of a single token.
func (p *mathParser) atom(t token) string {
	switch t.kind {
	case tkNum:
		return "<mn>" + html.EscapeString(t.text) + "</mn>"
	case tkName:
		return "<mi>" + html.EscapeString(t.text) + "</mi>"
	case tkIdent:
		base := "<mi>" + html.EscapeString(t.text) + "</mi>"
		if t.mark != "" {
			base = `<mover accent="true">` + base + mo(t.mark) + "</mover>"
		}
		sub, sup := script(t.sub), script(t.sup)
		switch {
		case t.sub != "" && t.sup != "":
			return "<msubsup>" + base + sub + sup + "</msubsup>"
		case t.sub != "":
			return "<msub>" + base + sub + "</msub>"
		case t.sup != "":
			return "<msup>" + base + sup + "</msup>"
		}
		return base
	case tkOp:
		if t.text == "-" {
			return mo("−")
		}
		return mo(t.text)
	}
	return "<mtext>" + html.EscapeString(t.text) + "</mtext>"
}

// script is the MathML of a subscript or superscript written in plain
// characters, e.g. "t+1" or "i≤t".
func script(s string) string {
	if s == "" {
		return ""
	}
	var parts []string
	for _, t := range tokenize(s) {
		if t.kind == tkSpace {
			continue
		}
		parts = append(parts, (&mathParser{}).atom(t))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "<mrow>" + strings.Join(parts, "") + "</mrow>"
}

func mo(s string) string { return "<mo>" + html.EscapeString(s) + "</mo>" }
