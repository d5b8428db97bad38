package checkpoint

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadWrapsCause: Load's error wraps its cause with %w, so that
// errors.As finds the JSON syntax error of a damaged manifest through
// "checkpoint DIR: manifest.json is damaged …", and the message is the
// one the package documents.
func TestLoadWrapsCause(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	if err == nil {
		t.Fatal("a truncated manifest loaded")
	}
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		t.Fatalf("errors.As(%q, *json.SyntaxError) is false", err)
	}
	if want := "checkpoint " + dir + ": " + ManifestFile + " is damaged (truncated or not JSON): "; !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %q, want prefix %q", err, want)
	}
}
