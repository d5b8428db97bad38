package main

import (
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

func TestExplainMethod(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		out, errOut, code := runCLI(t, "explain", "adam", "--lang", lang)
		if code != 0 || errOut != "" {
			t.Fatalf("%s: exit %d: %s", lang, code, errOut)
		}
		if !strings.HasPrefix(out, "adam — ") {
			t.Errorf("%s: output starts %q", lang, firstLine(out))
		}
		// Every default comes from optim.Options.
		opts, err := optim.Options("adam")
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range opts {
			if !hasFields(out, o.Key, o.Default) {
				t.Errorf("%s: no row for %s=%s", lang, o.Key, o.Default)
			}
		}
	}
	// English is the default language.
	en, _, _ := runCLI(t, "explain", "adam")
	en2, _, _ := runCLI(t, "explain", "adam", "--lang", "en")
	if en != en2 {
		t.Error("explain adam differs from explain adam --lang en")
	}
}

func TestExplainList(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		out, errOut, code := runCLI(t, "explain", "--lang", lang)
		if code != 0 || errOut != "" {
			t.Fatalf("%s: exit %d: %s", lang, code, errOut)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		names := append(optim.Methods(), optim.Wrappers()...)
		if len(lines) != len(names) {
			t.Fatalf("%s: %d lines, want one per method and wrapper (%d)", lang, len(lines), len(names))
		}
		for i, m := range names {
			if f := strings.Fields(lines[i]); len(f) < 2 || f[0] != m {
				t.Errorf("%s: line %q, want %s and its description", lang, lines[i], m)
			}
		}
	}
}

func TestExplainBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"explain", "adamm"}, []string{`"adamm"`, "adam, adamw"}},
		{[]string{"explain", "adam", "--lang", "fr"}, []string{`"fr"`, "en, ja"}},
		{[]string{"explain", "--lang", "fr"}, []string{`"fr"`, "en, ja"}},
		{[]string{"explain", "adam", "sgd"}, []string{"explain"}},
		{[]string{"explain", "--langg", "ja"}, []string{"explain", "langg"}},
	} {
		out, errOut, code := runCLI(t, tc.args...)
		if code != 2 || out != "" {
			t.Errorf("%v: exit %d, stdout %q; want exit 2 and no output", tc.args, code, out)
		}
		if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "descent: ") {
			t.Errorf("%v: stderr %q, want one line", tc.args, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q does not mention %s", tc.args, errOut, w)
			}
		}
	}
}

// hasFields reports whether a line of out starts with the given fields.
func hasFields(out string, fields ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= len(fields) && strings.Join(f[:len(fields)], " ") == strings.Join(fields, " ") {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
