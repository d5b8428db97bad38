package explain

import (
	"embed"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/descentlab/descent/optim"
)

// Languages lists the languages Render and List write, the default first.
func Languages() []string { return []string{"en", "ja"} }

// The sections of a method's text file, in the order they are rendered.
const (
	secSummary    = "summary"
	secFormula    = "formula"
	secPseudocode = "pseudocode"
	secBehaviour  = "behaviour"
	secNote       = "note"
	secVariant    = "variant"
)

var sectionOrder = []string{secSummary, secFormula, secPseudocode, secBehaviour, secNote, secVariant}

// pseudocodeLines is how many lines every pseudo-code has: short enough to
// learn by heart, long enough to hold the whole method.
const pseudocodeLines = 5

// width is the display width that prose is wrapped to, indentation included.
const width = 80

//go:embed text
var textFS embed.FS

// labels are the headings and fixed phrases of one language.
type labels struct {
	formula, legend, hyper, hyperNote, colKey, colDefault, colAllowed string
	pseudocode, behaviour, note, variant                              string
	alias                                                             string // %s: the method gd is an alias of
}

var labelsOf = map[string]labels{
	"en": {
		formula:    "Update rule",
		legend:     "g: gradient, η: learning rate lr, t: step count from 1; squares, roots, ⊙ and max act per element",
		hyper:      "Hyperparameters",
		hyperNote:  "spec: %s:key=value,...; omitted keys take the default",
		colKey:     "key",
		colDefault: "default",
		colAllowed: "allowed",
		pseudocode: "Pseudo-code",
		behaviour:  "When to use it, how it behaves",
		note:       "Differences from the study note (docs/optimizers-study-note.ja.md)",
		variant:    "variant=note",
		alias:      "gd is an alias of %s: the same optimizer with the same hyperparameters. GD, SGD and mini-batch SGD differ only in the data the gradient is computed on.",
	},
	"ja": {
		formula:    "更新式",
		legend:     "g は勾配、η は学習率 lr、t は 1 から数えるステップ数。二乗・平方根・⊙・max は要素ごとの演算",
		hyper:      "ハイパーパラメータ",
		hyperNote:  "書き方: %s:key=value,...（省略したキーはデフォルト値）",
		colKey:     "キー",
		colDefault: "デフォルト",
		colAllowed: "取りうる値",
		pseudocode: "擬似コード",
		behaviour:  "使いどころと振る舞い",
		note:       "学習ノートとの違い（docs/optimizers-study-note.ja.md）",
		variant:    "variant=note",
		alias:      "gd は %s の別名です。同じオプティマイザで、ハイパーパラメータも同じです。勾配降下法・確率的勾配降下法・ミニバッチ勾配降下法の違いは、勾配を計算するデータだけです。",
	},
}

// noteSymbols says, for the methods the study note covers and only for
// them, how the note writes what the update rule here calls η, g, ε and the
// state: the note's own symbols differ from torch's and from one another.
var noteSymbols = map[string]map[string]string{
	"en": {
		"sgd":      "The note writes the learning rate η as ε and the gradient g as ∇E.",
		"momentum": "The note writes the learning rate η as ε, the momentum coefficient as μ (慣性, inertia), the buffer v as V and the gradient g as ∇E.",
		"adagrad":  "The note writes the learning rate η as ε, the small constant ε (eps) as θ, the sum of squares as h and the gradient g as ∇E.",
		"rmsprop":  "The note writes the learning rate η as ε, the smoothing constant α as α in its formula and rho in its code, the small constant ε (eps) as θ, the average of squares v as h and the gradient g as ∇E.",
		"adam":     "The note writes the learning rate η as α, m as ν, v as s, the gradient g as G, and puts ε (eps) inside the root.",
	},
	"ja": {
		"sgd":      "ノートの記号では学習率 η を ε、勾配 g を ∇E と書きます。",
		"momentum": "ノートの記号では学習率 η を ε、モーメンタム係数を μ（「慣性」）、バッファ v を V、勾配 g を ∇E と書きます。",
		"adagrad":  "ノートの記号では学習率 η を ε、小さな値 ε（eps）を θ、二乗和を h、勾配 g を ∇E と書きます。",
		"rmsprop":  "ノートの記号では学習率 η を ε、平滑化係数 α を式では α・コードでは rho、小さな値 ε（eps）を θ、二乗の平均 v を h、勾配 g を ∇E と書きます。",
		"adam":     "ノートの記号では学習率 η を α、m を ν、v を s、勾配 g を G と書き、ε（eps）を平方根の中に入れます。",
	},
}

// legendOf is the legend of method's update rule in lang: the symbols, and
// the note's own symbols where the note covers the method.
func legendOf(method, lang string) string {
	l := labelsOf[lang].legend
	n := noteSymbols[lang][canonical(method)]
	if n == "" {
		return l
	}
	if lang == "en" {
		return l + ". " + n
	}
	return l + "。" + n
}

// canonical maps a method name to the one whose text explains it.
func canonical(method string) string {
	if method == "gd" {
		return "sgd"
	}
	return method
}

func checkLang(lang string) error {
	if _, ok := labelsOf[lang]; !ok {
		return fmt.Errorf("unknown language %q (want one of: %s)", lang, strings.Join(Languages(), ", "))
	}
	return nil
}

func checkMethod(method string) error {
	all := names()
	if slices.Contains(all, method) {
		return nil
	}
	return fmt.Errorf("unknown method %q (want one of: %s)", method, strings.Join(all, ", "))
}

// names are the methods and the wrappers explained, in List's order.
func names() []string { return append(optim.Methods(), optim.Wrappers()...) }

// text returns the sections of a method's text in a language.
func text(method, lang string) (map[string]string, error) {
	name := "text/" + lang + "/" + canonical(method) + ".txt"
	b, err := textFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("explain: no text for %s in %s: %v", method, lang, err)
	}
	return parseSections(name, string(b))
}

// parseSections splits a text file into its sections. A section starts at a
// line "[name]"; leading and trailing blank lines of a section are dropped.
// Every section of sectionOrder must be present, once, and no other.
func parseSections(name, s string) (map[string]string, error) {
	out := map[string]string{}
	var cur string
	var body []string
	flush := func() {
		if cur != "" {
			out[cur] = strings.Trim(strings.Join(body, "\n"), "\n")
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.TrimRight(line, " \t")
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") && !strings.ContainsAny(line, " =") {
			flush()
			cur, body = line[1:len(line)-1], nil
			if !isSection(cur) {
				return nil, fmt.Errorf("explain: %s: unknown section [%s]", name, cur)
			}
			if _, dup := out[cur]; dup {
				return nil, fmt.Errorf("explain: %s: section [%s] given twice", name, cur)
			}
			continue
		}
		if cur == "" && line != "" {
			return nil, fmt.Errorf("explain: %s: text before the first section", name)
		}
		body = append(body, line)
	}
	flush()
	for _, sec := range sectionOrder {
		if out[sec] == "" {
			return nil, fmt.Errorf("explain: %s: missing or empty section [%s]", name, sec)
		}
	}
	if n := len(strings.Split(out[secPseudocode], "\n")); n != pseudocodeLines {
		return nil, fmt.Errorf("explain: %s: pseudo-code has %d lines, want %d", name, n, pseudocodeLines)
	}
	return out, nil
}

func isSection(s string) bool {
	for _, x := range sectionOrder {
		if x == s {
			return true
		}
	}
	return false
}

// sources checks method and lang and returns what Render and Explain are
// made of: the method's text sections in lang and its options.
func sources(method, lang string) (map[string]string, []optim.Option, error) {
	if err := checkMethod(method); err != nil {
		return nil, nil, err
	}
	if err := checkLang(lang); err != nil {
		return nil, nil, err
	}
	sec, err := text(method, lang)
	if err != nil {
		return nil, nil, err
	}
	opts, err := optim.Options(method)
	if err != nil {
		return nil, nil, err
	}
	return sec, opts, nil
}

// Render writes the explanation of a method (one of optim.Methods()) in a
// language (one of Languages()) to w as plain text for a terminal: the
// update rule, the hyperparameters with their defaults and allowed values
// (read from optim.Options, so they are always the ones optim uses), a
// five-line pseudo-code, when to use the method and how it behaves, where
// the study note differs, and what variant=note changes.
func Render(w io.Writer, method, lang string) error {
	sec, opts, err := sources(method, lang)
	if err != nil {
		return err
	}
	l := labelsOf[lang]
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n", method, sec[secSummary])
	if method != canonical(method) {
		b.WriteString(wrap(fmt.Sprintf(l.alias, canonical(method)), "", "", width))
	}

	heading(&b, l.formula)
	b.WriteString(wrap(legendOf(method, lang), "  ", "  ", width))
	b.WriteByte('\n')
	block(&b, sec[secFormula])

	heading(&b, l.hyper)
	b.WriteString(wrap(fmt.Sprintf(l.hyperNote, method), "  ", "  ", width))
	writeTable(&b, method, lang, opts, l)

	heading(&b, l.pseudocode)
	block(&b, sec[secPseudocode])

	heading(&b, l.behaviour)
	prose(&b, sec[secBehaviour])

	heading(&b, l.note)
	prose(&b, sec[secNote])

	heading(&b, l.variant)
	prose(&b, sec[secVariant])

	_, err = io.WriteString(w, b.String())
	return err
}

// List writes one line per method of optim.Methods(): its name and what it
// is, in a language of Languages().
func List(w io.Writer, lang string) error {
	if err := checkLang(lang); err != nil {
		return err
	}
	names := names()
	nameW := 0
	for _, m := range names {
		nameW = max(nameW, len(m))
	}
	var b strings.Builder
	for _, m := range names {
		var line string
		if m != canonical(m) {
			line = fmt.Sprintf(aliasShort[lang], canonical(m))
		} else {
			sec, err := text(m, lang)
			if err != nil {
				return err
			}
			line = sec[secSummary]
		}
		fmt.Fprintf(&b, "%-*s  %s\n", nameW, m, line)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var aliasShort = map[string]string{
	"en": "alias of %s",
	"ja": "%s の別名",
}

func heading(b *strings.Builder, title string) {
	b.WriteString("\n")
	b.WriteString(title)
	b.WriteString("\n")
}

// block writes preformatted lines (formulas, code), indented, unwrapped.
func block(b *strings.Builder, s string) {
	for _, line := range strings.Split(s, "\n") {
		if line != "" {
			b.WriteString("  ")
			b.WriteString(line)
		}
		b.WriteByte('\n')
	}
}

// prose writes paragraphs, one per line of s, wrapped to width, with a
// blank line between them. A line starting "- " is a bullet with a hanging
// indent (bullets follow each other without a blank line); a line starting
// "$ " is a command, written as it is so that it can be copied.
func prose(b *strings.Builder, s string) {
	prevBullet := false
	for i, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		bullet := strings.HasPrefix(line, "- ")
		if i > 0 && !(bullet && prevBullet) {
			b.WriteByte('\n')
		}
		prevBullet = bullet
		switch {
		case bullet:
			b.WriteString(wrap(line, "  ", "    ", width))
		case strings.HasPrefix(line, "$ "):
			b.WriteString("  " + line + "\n")
		default:
			b.WriteString(wrap(line, "  ", "  ", width))
		}
	}
}

// writeTable writes the hyperparameters: key, default and allowed values in
// aligned columns, and the description on the next line.
func writeTable(b *strings.Builder, method, lang string, opts []optim.Option, l labels) {
	rows := [][3]string{{l.colKey, l.colDefault, l.colAllowed}}
	for _, o := range opts {
		rows = append(rows, [3]string{o.Key, o.Default, allowedText(o.Allowed, lang)})
	}
	var colW [2]int
	for _, r := range rows {
		colW[0] = max(colW[0], displayWidth(r[0]))
		colW[1] = max(colW[1], displayWidth(r[1]))
	}
	descIndent := "  " + strings.Repeat(" ", colW[0]+2)
	for i, r := range rows {
		line := "  " + pad(r[0], colW[0]) + "  " + pad(r[1], colW[1]) + "  " + r[2]
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
		if i > 0 {
			o := opts[i-1]
			b.WriteString(wrap(keyDoc(method, o, lang), descIndent, descIndent, width))
		}
	}
}

func pad(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-displayWidth(s)))
}
