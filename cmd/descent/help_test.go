package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
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
	out, _, _ = runCLI(t, "train", "--help")
	for _, want := range []string{"--epochs int", "訓練データを何周するか（エポック数）（デフォルト 5）", "--batch N ", "ミニバッチの大きさ"} {
		if !strings.Contains(out, want) {
			t.Errorf("DESCENT_LANG=ja train --help lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "(default") {
		t.Errorf("DESCENT_LANG=ja train --help has an English (default …):\n%s", out)
	}
	t.Setenv(langEnv, "")
	out, _, _ = runCLI(t, "trace", "--help")
	if strings.Contains(out, "使い方") || !strings.Contains(out, "Usage:") {
		t.Errorf("English help expected:\n%s", out)
	}
}

// Every command (subcommands too) has a Japanese description, a Japanese
// long text where it has an English one, and every flag a Japanese usage
// that keeps the English one's argument name (the `NAME` pflag shows).
func TestHelpJapaneseComplete(t *testing.T) {
	root := newRoot(strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	root.InitDefaultHelpCmd()
	root.InitDefaultHelpFlag()
	root.InitDefaultVersionFlag()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		ja, ok := jaHelp[c.Name()]
		switch {
		case !ok || ja.short == "":
			t.Errorf("command %s has no Japanese description", c.CommandPath())
		case c.Long != "" && ja.long == "":
			t.Errorf("command %s has an English long text and no Japanese one", c.CommandPath())
		}
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				u, ok := jaFlags[c.Name()+"."+f.Name]
				if !ok {
					u, ok = jaFlags[f.Name]
				}
				if !ok {
					t.Errorf("%s --%s has no Japanese usage", c.CommandPath(), f.Name)
					return
				}
				en, _ := pflag.UnquoteUsage(f)
				jaName, _ := pflag.UnquoteUsage(&pflag.Flag{Name: f.Name, Value: f.Value, Usage: u})
				if en != jaName {
					t.Errorf("%s --%s: Japanese usage shows the argument as %q, English as %q", c.CommandPath(), f.Name, jaName, en)
				}
			})
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}
