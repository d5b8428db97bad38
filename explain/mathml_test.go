package explain

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/descentlab/descent/optim"
)

// TestFormulaHTMLExamples checks the MathML of a few lines written out by
// hand from the MathML 3 specification's elements.
func TestFormulaHTMLExamples(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"w ← w − η·g", `<math><mrow><mi>w</mi><mo>←</mo><mi>w</mi><mo>−</mo><mi>η</mi><mo>·</mo><mi>g</mi></mrow></math>`},
		{"√v̂ + ε", `<math><mrow><msqrt><mover accent="true"><mi>v</mi><mo>^</mo></mover></msqrt><mo>+</mo><mi>ε</mi></mrow></math>`},
		{"1 − β₂ᵗ", `<math><mrow><mn>1</mn><mo>−</mo><msubsup><mi>β</mi><mn>2</mn><mi>t</mi></msubsup></mrow></math>`},
		{"√(a + ε)", `<math><mrow><msqrt><mi>a</mi><mo>+</mo><mi>ε</mi></msqrt></mrow></math>`},
		{"0.96^(t·ψ)", `<math><mrow><msup><mn>0.96</mn><mrow><mi>t</mi><mo>·</mo><mi>ψ</mi></mrow></msup></mrow></math>`},
		{"μₜ₊₁", `<math><mrow><msub><mi>μ</mi><mrow><mi>t</mi><mo>+</mo><mn>1</mn></mrow></msub></mrow></math>`},
		{"x  first moment", `<math><mrow><mi>x</mi></mrow></math><span class="gap"> </span>first moment`},
		{"a < b & c", `<math><mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi></mrow></math> &amp; <math><mrow><mi>c</mi></mrow></math>`},
		{"only words", `only words`},
		{"weight_decay λ", `<math><mrow><mi>weight_decay</mi><mspace width="0.3em"/><mi>λ</mi></mrow></math>`},
	} {
		if got := FormulaHTML(c.in); got != c.want {
			t.Errorf("FormulaHTML(%q) =\n  %s\nwant\n  %s", c.in, got, c.want)
		}
	}
}

// TestFormulaHTMLKeepsEveryCharacter renders every formula line of every
// method in every language and checks that the result is well-formed, that
// each line with an update arrow has MathML, and that the letters and
// digits of the output (its text content) are exactly those of the input,
// in order, once subscripts and superscripts are written plainly.
func TestFormulaHTMLKeepsEveryCharacter(t *testing.T) {
	lines := 0
	for _, lang := range Languages() {
		for _, m := range optim.Methods() {
			sec, err := text(m, lang)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(sec[secFormula], "\n") {
				if strings.TrimSpace(line) == "" {
					continue
				}
				lines++
				out := FormulaHTML(line)
				content, err := textContent(out)
				if err != nil {
					t.Fatalf("%s/%s: %q: not well-formed: %v\n%s", lang, m, line, err, out)
				}
				if strings.Contains(line, "←") && !strings.Contains(out, "<math>") {
					t.Errorf("%s/%s: %q has no MathML", lang, m, line)
				}
				if a, b := alnum(line), alnum(content); a != b {
					t.Errorf("%s/%s: letters and digits changed:\n  in  %s\n  out %s", lang, m, a, b)
				}
			}
		}
	}
	if lines < 80 {
		t.Errorf("only %d formula lines", lines)
	}
}

func textContent(fragment string) (string, error) {
	d := xml.NewDecoder(strings.NewReader("<p>" + fragment + "</p>"))
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		if c, ok := tok.(xml.CharData); ok {
			b.Write(c)
		}
	}
}

// alnum keeps the letters and digits of s, with sub- and superscript
// characters written as the plain ones they stand for.
func alnum(s string) string {
	var b strings.Builder
	for _, r := range s {
		if p, ok := subscripts[r]; ok {
			b.WriteString(p)
			continue
		}
		if p, ok := superscripts[r]; ok {
			b.WriteString(p)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	out := b.String()
	var k strings.Builder
	for _, r := range out {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			k.WriteRune(r)
		}
	}
	return k.String()
}

// TestExplainMatchesRender checks that Explain carries the texts Render
// writes, for every method and language.
func TestExplainMatchesRender(t *testing.T) {
	for _, lang := range Languages() {
		for _, m := range optim.Methods() {
			e, err := Explain(m, lang)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := Render(&b, m, lang); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if !strings.Contains(out, e.Summary) || len(e.Formula) == 0 || len(e.Note) == 0 || len(e.Variant) == 0 {
				t.Errorf("%s/%s: incomplete explanation %+v", lang, m, e)
			}
			for _, f := range e.Formula {
				if !strings.Contains(out, f.Text) {
					t.Errorf("%s/%s: formula line %q not in Render's output", lang, m, f.Text)
				}
			}
			opts, _ := optim.Options(m)
			if len(e.Params) != len(opts) {
				t.Errorf("%s/%s: %d params, want %d", lang, m, len(e.Params), len(opts))
			}
			if (m == "gd") != (e.Alias != "") {
				t.Errorf("%s/%s: alias %q", lang, m, e.Alias)
			}
		}
	}
	if _, err := Explain("adam", "fr"); err == nil {
		t.Error("Explain in an unknown language succeeded")
	}
	if _, err := Explain("nope", "en"); err == nil {
		t.Error("Explain of an unknown method succeeded")
	}
}
