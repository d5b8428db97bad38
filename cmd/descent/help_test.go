package main

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// The help is in Japanese with --lang ja (before or after --help, or through
// the help command) or DESCENT_LANG=ja, and in English otherwise.
func TestHelpJapanese(t *testing.T) {
	t.Setenv(langEnv, "")
	for _, args := range [][]string{
		{"--help", "--lang", "ja"}, {"--lang", "ja", "--help"}, {"--lang=ja", "--help"},
	} {
		out, errOut, code := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "使い方:") || !strings.Contains(out, jaHelp["trace"].short) {
			t.Errorf("%v: exit %d, stderr %q, stdout:\n%s", args, code, errOut, out)
		}
	}
	out, _, _ := runCLI(t, "help", "gallery", "--lang", "ja")
	if !strings.Contains(out, "NAME-panels.png、本の図 6-8") {
		t.Errorf("help gallery --lang ja:\n%s", out)
	}
	t.Setenv(langEnv, "ja")
	out, _, _ = runCLI(t, "trace", "--help")
	for _, want := range []string{"lr=auto（例: adam:lr=auto）", jaFlags["trace.layout"], "フラグ:"} {
		if !strings.Contains(out, want) {
			t.Errorf("DESCENT_LANG=ja trace --help lacks %q:\n%s", want, out)
		}
	}
	t.Setenv(langEnv, "")
	out, _, _ = runCLI(t, "trace", "--help")
	if strings.Contains(out, "使い方") || !strings.Contains(out, "Usage:") {
		t.Errorf("English help expected:\n%s", out)
	}
}

// Every command and every flag of trace, gallery and explain has its
// Japanese text.
func TestHelpJapaneseComplete(t *testing.T) {
	root := newRoot(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	root.InitDefaultHelpCmd()
	for _, c := range root.Commands() {
		if _, ok := jaHelp[c.Name()]; !ok {
			t.Errorf("command %s has no Japanese description", c.Name())
		}
		switch c.Name() {
		case "trace", "gallery", "explain":
			c.LocalFlags().VisitAll(func(f *pflag.Flag) {
				if _, ok := jaFlags[c.Name()+"."+f.Name]; !ok {
					if _, ok := jaFlags[f.Name]; !ok {
						t.Errorf("%s --%s has no Japanese usage", c.Name(), f.Name)
					}
				}
			})
		}
	}
}
