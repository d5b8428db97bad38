package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionText checks the text built from a build info as go install
// …@v0.1.0 from a clone would record it, and without vcs settings.
func TestVersionText(t *testing.T) {
	info := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/descentlab/descent", Version: "v0.1.0"},
		Settings: []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs.revision", Value: "21bc54b0123456789abcdef0123456789abcdef0"},
			{Key: "vcs.time", Value: "2026-12-02T07:00:00Z"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
	want := "descent v0.1.0\n" +
		"module   github.com/descentlab/descent\n" +
		"revision 21bc54b0123456789abcdef0123456789abcdef0\n" +
		"time     2026-12-02T07:00:00Z\n" +
		"modified false\n" +
		"go       go1.26.8\n"
	if got := versionText(info, true); got != want {
		t.Errorf("versionText:\n%s\nwant:\n%s", got, want)
	}
	bare := &debug.BuildInfo{GoVersion: "go1.24.0"}
	if got, want := versionText(bare, true), "descent (devel)\nmodule   github.com/descentlab/descent\ngo       go1.24.0\n"; got != want {
		t.Errorf("versionText without vcs:\n%s\nwant:\n%s", got, want)
	}
	if got := versionText(nil, false); !strings.Contains(got, "no build information") {
		t.Errorf("versionText without info = %q", got)
	}
}

// TestVersionCommand checks that `descent version`, `--version` and `-v`
// print the same text, this binary's, and exit 0.
func TestVersionCommand(t *testing.T) {
	want := buildVersion()
	if !strings.HasPrefix(want, "descent ") || !strings.Contains(want, "\ngo       go1.") {
		t.Fatalf("buildVersion() = %q", want)
	}
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, nil, &stdout, &stderr); code != 0 || stdout.String() != want || stderr.Len() != 0 {
			t.Errorf("descent %v: exit %d, stdout %q, stderr %q; want 0, %q", args, code, stdout.String(), stderr.String(), want)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"version", "extra"}, nil, &stdout, &stderr); code != 2 {
		t.Errorf("descent version extra: exit %d, want 2", code)
	}
}
