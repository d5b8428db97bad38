package main

import (
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descentlab/descent/lab"
)

func TestGallery(t *testing.T) {
	if testing.Short() {
		t.Skip("draws every function")
	}
	dir := filepath.Join(t.TempDir(), "gallery")
	out, errOut, code := runCLI(t, "gallery", "-o", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "index.html") {
		t.Errorf("stdout %q", out)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(page), "http://") || strings.Contains(string(page), "https://") {
		t.Error("index.html refers to external assets")
	}
	for _, e := range lab.Gallery {
		name := strings.NewReplacer(":", "-", "=", "", ",", "-").Replace(e.Func)
		for _, file := range []string{name + ".png", name + ".gif"} {
			if !strings.Contains(string(page), `src="`+file+`"`) {
				t.Errorf("index.html does not show %s", file)
			}
			f, err := os.Open(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(file, ".png") {
				if _, err := png.DecodeConfig(f); err != nil {
					t.Errorf("%s: %v", file, err)
				}
			} else if g, err := gif.DecodeAll(f); err != nil || len(g.Image) < 2 {
				t.Errorf("%s: %v, frames %d", file, err, len(g.Image))
			}
			f.Close()
		}
	}
}

func TestGalleryBadOutput(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for _, args := range [][]string{{"gallery"}, {"gallery", "-o", filepath.Join(file, "sub")}} {
		_, errOut, code := runCLI(t, args...)
		if code != 2 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
