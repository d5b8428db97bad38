#!/usr/bin/python3
"""Builds gothic.ttf, the subset of IPAexGothic that package jpfont embeds.

Run from this folder with Debian's fonts-ipaexfont-gothic and
python3-fonttools installed:

    /usr/bin/python3 subset.py /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf

It keeps ASCII, Latin-1, Greek, the general punctuation, arrows, mathematical
operators, super- and subscripts, CJK symbols and punctuation, hiragana,
katakana, half- and full-width forms, the 2,965 kanji of JIS X 0208 level 1,
and every other character the repository's Japanese texts use. It drops the
hinting, the layout tables and the vertical metrics, and renames the font
"Descent Gothic" as the IPA Font License requires of a Derived Program
(Article 3.1(4)); see LICENSE.txt beside this script.
"""
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

NAME = "Descent Gothic"


def jis_level1():
    """The kanji of JIS X 0208 rows 16 to 47 (level 1), decoded through EUC-JP."""
    out = []
    for row in range(16, 48):
        for cell in range(1, 95):
            try:
                out.append(bytes([0xA0 + row, 0xA0 + cell]).decode("euc_jp"))
            except UnicodeDecodeError:
                pass
    return out


def repo_chars(root):
    """Characters of the repository's own texts, so no text we ship lacks a glyph."""
    chars = set()
    for pat in ("**/*.go", "**/*.md", "explain/text/**/*.txt"):
        for p in root.glob(pat):
            if ".git" in p.parts:
                continue
            chars.update(p.read_text(encoding="utf-8", errors="ignore"))
    return chars


def main(src):
    root = pathlib.Path(__file__).resolve().parents[2]
    cps = set()
    for lo, hi in [
        (0x20, 0x7E), (0xA0, 0xFF), (0x370, 0x3FF), (0x2010, 0x206F),
        (0x2070, 0x209F), (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF),
        (0x2500, 0x257F), (0x25A0, 0x25FF), (0x3000, 0x303F), (0x3040, 0x30FF),
        (0xFF00, 0xFFEF),
    ]:
        cps.update(range(lo, hi + 1))
    cps.update(ord(c) for c in jis_level1())
    cps.update(ord(c) for c in repo_chars(root) if ord(c) >= 0x80)

    font = TTFont(src)
    have = set(font.getBestCmap())
    cps &= have

    opts = subset.Options()
    opts.hinting = False
    opts.layout_features = []
    opts.drop_tables += ["vhea", "vmtx", "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "gasp", "prep", "fpgm", "cvt "]
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(cps))
    sub.subset(font)

    for rec in font["name"].names:
        if rec.nameID in (1, 4):
            rec.string = NAME
        elif rec.nameID == 3:
            rec.string = NAME + " (subset of IPAexGothic 00401)"
        elif rec.nameID == 6:
            rec.string = NAME.replace(" ", "")
    font.save("gothic.ttf")
    print(len(cps), "characters,", pathlib.Path("gothic.ttf").stat().st_size, "bytes")


if __name__ == "__main__":
    main(sys.argv[1])
