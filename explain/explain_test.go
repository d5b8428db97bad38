package explain

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

func render(t *testing.T, method, lang string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, method, lang); err != nil {
		t.Fatalf("Render(%s, %s): %v", method, lang, err)
	}
	return b.String()
}

// TestRenderSections renders every method in every language and checks
// that each section is there, in order, with something under it.
func TestRenderSections(t *testing.T) {
	for _, lang := range Languages() {
		l := labelsOf[lang]
		headings := []string{l.formula, l.hyper, l.pseudocode, l.behaviour, l.note, l.variant}
		for _, m := range names() {
			out := render(t, m, lang)
			if !strings.HasPrefix(out, m+" — ") {
				t.Errorf("%s/%s: does not start with %q", m, lang, m+" — ")
			}
			lines := strings.Split(out, "\n")
			at := 0
			for _, h := range headings {
				found := false
				for ; at < len(lines); at++ {
					if strings.HasPrefix(lines[at], h) {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("%s/%s: heading %q missing or out of order", m, lang, h)
					break
				}
				if at+1 >= len(lines) || strings.TrimSpace(lines[at+1]) == "" {
					t.Errorf("%s/%s: nothing under %q", m, lang, h)
				}
			}
		}
	}
}

// TestGDIsSGD checks that gd says it is an alias of sgd and otherwise
// explains sgd.
func TestGDIsSGD(t *testing.T) {
	for _, lang := range Languages() {
		gd, sgd := render(t, "gd", lang), render(t, "sgd", lang)
		alias := fmt.Sprintf(labelsOf[lang].alias, "sgd")
		first := strings.Fields(alias)[0] + " " + strings.Fields(alias)[1]
		if !strings.Contains(gd, first) {
			t.Errorf("%s: gd does not say it is an alias of sgd", lang)
		}
		_, gdBody, _ := strings.Cut(gd, "\n\n")
		_, sgdBody, _ := strings.Cut(sgd, "\n\n")
		if strings.ReplaceAll(gdBody, "gd:", "sgd:") != sgdBody {
			t.Errorf("%s: gd's explanation differs from sgd's beyond the alias line and spec name", lang)
		}
	}
}

// TestDefaultsFromOptions checks that the table shows, for every key,
// exactly the default and allowed values optim.Options gives.
func TestDefaultsFromOptions(t *testing.T) {
	for _, lang := range Languages() {
		for _, m := range names() {
			out := render(t, m, lang)
			opts, err := optim.Options(m)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range opts {
				want := []string{o.Key, o.Default}
				want = append(want, strings.Fields(allowedText(o.Allowed, lang))...)
				if !hasRow(out, want) {
					t.Errorf("%s/%s: no row %q", m, lang, strings.Join(want, " "))
				}
				if !strings.Contains(squash(out), squash(keyDoc(m, o, lang))) {
					t.Errorf("%s/%s: description of %s missing", m, lang, o.Key)
				}
			}
		}
	}
}

// squash drops all white space, so that wrapped text compares equal to
// its source.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

func hasRow(out string, fields []string) bool {
	for _, line := range strings.Split(out, "\n") {
		if strings.Join(strings.Fields(line), " ") == strings.Join(fields, " ") {
			return true
		}
	}
	return false
}

// TestJapaneseKeyDocs checks that every key optim.Options returns, for
// every method, has a Japanese description and a translated allowed range.
func TestJapaneseKeyDocs(t *testing.T) {
	used := map[string]bool{}
	for _, m := range names() {
		opts, err := optim.Options(m)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range opts {
			if s, ok := jaDoc(m, o.Key); !ok || s == "" {
				t.Errorf("%s: key %s has no Japanese description", m, o.Key)
			}
			if _, ok := jaAllowed(o.Allowed); !ok {
				t.Errorf("%s: allowed %q of %s has no Japanese translation", m, o.Allowed, o.Key)
			}
			used[o.Key] = true
			used[canonical(m)+"."+o.Key] = true
		}
	}
	// No stale entries: a key that optim dropped must not linger here.
	for k := range jaKeyDoc {
		if !used[k] {
			t.Errorf("jaKeyDoc has %q, which no method has", k)
		}
	}
	for k := range jaKeyDocOf {
		if !used[k] {
			t.Errorf("jaKeyDocOf has %q, which no method has", k)
		}
	}
}

// TestTextFiles checks that there is a text per method and language and
// no text for a method that does not exist.
func TestTextFiles(t *testing.T) {
	want := map[string]bool{}
	for _, m := range names() {
		want[canonical(m)+".txt"] = true
	}
	for _, lang := range Languages() {
		entries, err := textFS.ReadDir("text/" + lang)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, e := range entries {
			got[e.Name()] = true
			if !want[e.Name()] {
				t.Errorf("text/%s/%s: no such method", lang, e.Name())
			}
		}
		for name := range want {
			if !got[name] {
				t.Errorf("text/%s/%s missing", lang, name)
			}
		}
	}
}

// TestProseWidth checks that wrapped prose fits 80 columns.
func TestProseWidth(t *testing.T) {
	for _, lang := range Languages() {
		for _, m := range names() {
			out := render(t, m, lang)
			inBlock := false
			l := labelsOf[lang]
			for _, line := range strings.Split(out, "\n") {
				if line != "" && line[0] != ' ' {
					// Formula and pseudo-code lines are preformatted.
					inBlock = strings.HasPrefix(line, l.formula) || strings.HasPrefix(line, l.pseudocode)
				}
				if !inBlock && displayWidth(line) > width && len(strings.Fields(line)) > 1 && !strings.HasPrefix(line, "  $ ") {
					t.Errorf("%s/%s: line wider than %d: %q", m, lang, width, line)
				}
			}
		}
	}
}

func TestUnknown(t *testing.T) {
	var b bytes.Buffer
	err := Render(&b, "adamm", "en")
	if err == nil || !strings.Contains(err.Error(), `"adamm"`) || !strings.Contains(err.Error(), "adam, adamw") {
		t.Errorf("unknown method: %v", err)
	}
	err = Render(&b, "adam", "fr")
	if err == nil || !strings.Contains(err.Error(), `"fr"`) || !strings.Contains(err.Error(), "en, ja") {
		t.Errorf("unknown language: %v", err)
	}
	if err = List(&b, "de"); err == nil || !strings.Contains(err.Error(), `"de"`) {
		t.Errorf("List, unknown language: %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("wrote %q on error", b.String())
	}
}

func TestList(t *testing.T) {
	for _, lang := range Languages() {
		var b bytes.Buffer
		if err := List(&b, lang); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		methods := names()
		if len(lines) != len(methods) {
			t.Fatalf("%s: %d lines, want %d", lang, len(lines), len(methods))
		}
		for i, m := range methods {
			if w := displayWidth(lines[i]); w > width {
				t.Errorf("%s: line %d is %d columns wide, want ≤ %d", lang, i, w, width)
			}
			f := strings.Fields(lines[i])
			if len(f) < 2 || f[0] != m {
				t.Errorf("%s: line %d = %q, want method %s and a description", lang, i, lines[i], m)
			}
		}
	}
}

func TestParseSections(t *testing.T) {
	good := "[summary]\ns\n[formula]\nf\n[pseudocode]\n1\n2\n3\n4\n5\n[behaviour]\nb\n[note]\nn\n[variant]\nv\n"
	if _, err := parseSections("good", good); err != nil {
		t.Errorf("good: %v", err)
	}
	bad := map[string]string{
		"missing":     strings.Replace(good, "[note]\nn\n", "", 1),
		"unknown":     good + "[extra]\nx\n",
		"twice":       good + "[note]\nx\n",
		"4 lines":     strings.Replace(good, "5\n", "", 1),
		"text before": "hello\n" + good,
		"empty":       strings.Replace(good, "[variant]\nv\n", "[variant]\n\n", 1),
	}
	for name, s := range bad {
		if _, err := parseSections(name, s); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"aaa bbb ccc", "aaa bbb\nccc\n"},
		{"あいうえお。かきくけこ", "あいうえ\nお。かき\nくけこ\n"},
		{"（あいう）", "（あい\nう）\n"},
		{"lr=0.1 です", "lr=0.1\nです\n"},
	} {
		if got := wrap(tc.in, "", "", 8); got != tc.want {
			t.Errorf("wrap(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if w := displayWidth("学習率 v̂"); w != 8 {
		t.Errorf("displayWidth = %d, want 8", w)
	}
}
