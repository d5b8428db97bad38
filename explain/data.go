package explain

import (
	"fmt"
	"strings"
)

// Explanation is what Render writes, as data for a page: the same texts
// and the same hyperparameter table, with each line of the update rule
// also rendered as MathML (FormulaHTML).
type Explanation struct {
	Method  string `json:"method"`
	Lang    string `json:"lang"`
	Summary string `json:"summary"`
	// Alias is set for a method that is another's alias (gd): one
	// sentence saying so.
	Alias      string            `json:"alias,omitempty"`
	Legend     string            `json:"legend"`
	Formula    []FormulaLine     `json:"formula"`
	Params     []ExplainedKey    `json:"params"`
	Pseudocode string            `json:"pseudocode"`
	Behaviour  []string          `json:"behaviour"` // paragraphs; "- " bullets, "$ " commands
	Note       []string          `json:"note"`      // where the study note differs
	Variant    []string          `json:"variant"`   // what variant=note changes
	Headings   map[string]string `json:"headings"`
}

// FormulaLine is one line of the update rule: its text and its HTML with
// MathML.
type FormulaLine struct {
	Text string `json:"text"`
	HTML string `json:"html"`
}

// ExplainedKey is one row of the hyperparameter table.
type ExplainedKey struct {
	Key     string `json:"key"`
	Default string `json:"default"`
	Allowed string `json:"allowed"`
	Doc     string `json:"doc"`
}

// Explain returns the explanation of a method (one of optim.Methods()) in a
// language (one of Languages()).
func Explain(method, lang string) (Explanation, error) {
	sec, opts, err := sources(method, lang)
	if err != nil {
		return Explanation{}, err
	}
	l := labelsOf[lang]
	e := Explanation{
		Method: method, Lang: lang, Summary: sec[secSummary], Legend: legendOf(method, lang),
		Pseudocode: sec[secPseudocode],
		Behaviour:  paragraphs(sec[secBehaviour]),
		Note:       paragraphs(sec[secNote]),
		Variant:    paragraphs(sec[secVariant]),
		Headings: map[string]string{
			"formula": l.formula, "hyper": l.hyper, "pseudocode": l.pseudocode,
			"behaviour": l.behaviour, "note": l.note, "variant": l.variant,
			"key": l.colKey, "default": l.colDefault, "allowed": l.colAllowed,
		},
	}
	if method != canonical(method) {
		e.Alias = fmt.Sprintf(l.alias, canonical(method))
	}
	for _, line := range strings.Split(sec[secFormula], "\n") {
		if strings.TrimSpace(line) != "" {
			e.Formula = append(e.Formula, FormulaLine{Text: line, HTML: FormulaHTML(line)})
		}
	}
	for _, o := range opts {
		e.Params = append(e.Params, ExplainedKey{Key: o.Key, Default: o.Default, Allowed: allowedText(o.Allowed, lang), Doc: keyDoc(method, o, lang)})
	}
	return e, nil
}

func paragraphs(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}
