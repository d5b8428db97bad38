package main

import (
	"bytes"
	"context"
	"html"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descentlab/descent/internal/jpfont"
	"github.com/descentlab/descent/lab"
)

func TestGallery(t *testing.T) {
	if testing.Short() {
		t.Skip("draws every function")
	}
	checkGallery(t, "en")
}

// The Japanese gallery: one entry drawn in Japanese, and the page around it.
func TestGalleryJapanese(t *testing.T) {
	dir := t.TempDir()
	in := catchInterrupt(context.Background())
	defer in.stop()
	item, done, err := drawEntry(in, dir, lab.Gallery()[0], "ja")
	if err != nil || !done {
		t.Fatalf("drawEntry: %v, done %v", err, done)
	}
	if item.Caption != lab.Gallery()[0].CaptionJA {
		t.Fatalf("caption %q, want the Japanese one", item.Caption)
	}
	var page bytes.Buffer
	if err := galleryPage.Execute(&page, galleryData{Items: []galleryItem{item}, JA: true}); err != nil {
		t.Fatal(err)
	}
	text := html.UnescapeString(page.String())
	for _, want := range []string{`<html lang="ja">`, "descent ギャラリー", lab.Gallery()[0].CaptionJA, "指定: <code>gd:lr=0.95</code>"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Japanese page lacks %q", want)
		}
	}
	for _, e := range lab.Gallery() {
		if e.CaptionJA == "" || jpfontMissing(e.CaptionJA) != "" {
			t.Errorf("%s: Japanese caption %q (missing glyphs %q)", e.Func, e.CaptionJA, jpfontMissing(e.CaptionJA))
		}
	}
}

func jpfontMissing(s string) string { return string(jpfont.Missing(s)) }

// checkGallery draws the gallery in lang and checks that the page links and
// shows every picture at full size, that the panels are one per method, and
// that the captions are in lang.
func checkGallery(t *testing.T, lang string) {
	dir := filepath.Join(t.TempDir(), "gallery")
	out, errOut, code := runCLI(t, "gallery", "-o", dir, "--lang", lang)
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
	for _, e := range lab.Gallery() {
		name := strings.NewReplacer(":", "-", "=", "", ",", "-").Replace(e.Func)
		caption := e.Caption
		if lang == "ja" {
			caption = e.CaptionJA
		}
		if !strings.Contains(html.UnescapeString(string(page)), caption) {
			t.Errorf("%s: index.html lacks the caption of %s", lang, e.Func)
		}
		for _, file := range []string{name + ".png", name + "-panels.png", name + ".gif"} {
			if !strings.Contains(string(page), `<a href="`+file+`"><img src="`+file+`"`) {
				t.Errorf("index.html does not show and link %s", file)
			}
			f, err := os.Open(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(file, ".png") {
				cfg, err := png.DecodeConfig(f)
				if err != nil {
					t.Errorf("%s: %v", file, err)
				}
				// Five or six methods: 3×2 panels of 420×390 under a 34 px title.
				if strings.HasSuffix(file, "-panels.png") && (cfg.Width != 3*420 || cfg.Height != 2*390+34) {
					t.Errorf("%s is %d×%d, want 3×2 panels", file, cfg.Width, cfg.Height)
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
