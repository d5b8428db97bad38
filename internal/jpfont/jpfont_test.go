package jpfont

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/japanese"
)

// The issue asks for a font of at most about 2 MB, so that the module stays small.
func TestSize(t *testing.T) {
	if n := len(TTF()); n > 2<<20 || n < 100<<10 {
		t.Fatalf("gothic.ttf is %d bytes, want 100 KiB..2 MiB", n)
	}
}

// The IPA Font License forbids the original's name in a Derived Program's
// font name (Article 3.1(4)).
func TestRenamed(t *testing.T) {
	f, err := Font()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []sfnt.NameID{sfnt.NameIDFamily, sfnt.NameIDFull} {
		got, err := f.Name(nil, id)
		if err != nil {
			t.Fatal(err)
		}
		if got != Name {
			t.Errorf("name %d = %q, want %q", id, got, Name)
		}
	}
}

// Every kanji of JIS X 0208 level 1 (rows 16..47, decoded from EUC-JP by
// golang.org/x/text, not by the script that made the subset) has a glyph with
// an outline.
func TestJISLevel1(t *testing.T) {
	dec := japanese.EUCJP.NewDecoder()
	n := 0
	for row := 16; row <= 47; row++ {
		for cell := 1; cell <= 94; cell++ {
			s, err := dec.Bytes([]byte{byte(0xA0 + row), byte(0xA0 + cell)})
			if err != nil || len([]rune(string(s))) != 1 || []rune(string(s))[0] == '\uFFFD' {
				continue
			}
			n++
			if r := []rune(string(s))[0]; !Has(r) {
				t.Errorf("no glyph for %q (U+%04X)", r, r)
			}
		}
	}
	// JIS X 0208 level 1 has 2,965 kanji.
	if n != 2965 {
		t.Fatalf("decoded %d level-1 kanji, want 2965", n)
	}
}

func TestHas(t *testing.T) {
	for _, r := range "Aa09ηεαβ²√−×·学習率楕円の谷モーメンタムぁゔ（）、。" {
		if !Has(r) {
			t.Errorf("Has(%q) = false", r)
		}
	}
	// Subscript one and an emoji are not in IPAexGothic.
	for _, r := range "₁💨" {
		if Has(r) {
			t.Errorf("Has(%q) = true", r)
		}
	}
}

func TestMissing(t *testing.T) {
	got := Missing("x₁ + x₁ 💨\n\t学習率₂")
	if want := []rune("₁💨₂"); !slices.Equal(got, want) {
		t.Fatalf("Missing = %q, want %q", string(got), string(want))
	}
	if got := Missing("学習率 η = 0.1"); got != nil {
		t.Fatalf("Missing = %q, want none", string(got))
	}
}

// A glyph has a real outline, not an empty box: the bounds of の are wide.
func TestOutline(t *testing.T) {
	f, err := Font()
	if err != nil {
		t.Fatal(err)
	}
	var b sfnt.Buffer
	i, err := f.GlyphIndex(&b, 'の')
	if err != nil {
		t.Fatal(err)
	}
	segs, err := f.LoadGlyph(&b, i, fixed.I(100), nil)
	if err != nil {
		t.Fatal(err)
	}
	bounds := segs.Bounds()
	if len(segs) < 10 || bounds.Max.X-bounds.Min.X < fixed.I(50) {
		t.Fatalf("の has %d segments, bounds %v", len(segs), bounds)
	}
}

// Every kana and kanji of the repository's Japanese explanations can be drawn
// (their formulas use subscripts that only the terminal and the page show).
func TestRepositoryTexts(t *testing.T) {
	files, _ := filepath.Glob("../../explain/text/ja/*.txt")
	if len(files) == 0 {
		t.Fatal("no Japanese texts found")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var cjk []rune
		for _, r := range string(b) {
			if r >= 0x3000 {
				cjk = append(cjk, r)
			}
		}
		if m := Missing(string(cjk)); m != nil {
			t.Errorf("%s: no glyph for %q", p, string(m))
		}
	}
}
