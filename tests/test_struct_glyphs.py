"""Glyph repairs of the PDF text layer (ingest.layout.textfix.repair_glyphs): ligature glyphs spelled out,
odd spaces made plain, invisible marks dropped; on a PDF drawn with an embedded TrueType font (reportlab).

Private-use code points stay as found (counted in a warning): PDFium, through pypdfium2, exposes no glyph
names (FPDFFont_* gives paths and widths only), so there is no font map to read them back from."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ingest.layout.textfix import repair_glyphs
from ingest.loaders.pdf import load_pdf


def test_repair_glyphs_on_text() -> None:
    text, count = repair_glyphs("Le dispositif \ufb01nance les \ufb02ux\u202f: 12\u2009000 \u20ac\u200b")
    assert (text, count) == ("Le dispositif finance les flux : 12 000 €", 5)
    assert repair_glyphs("rien à faire") == ("rien à faire", 0)
    assert repair_glyphs("e\ufb00et o\ufb03ce")[0] == "effet office"


def _vera() -> str:
    import reportlab

    path = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    if not path.is_file():
        pytest.skip("reportlab's Vera font is not installed")
    pdfmetrics.registerFont(TTFont("VeraGlyphs", str(path)))
    return "VeraGlyphs"


def test_a_pdf_whose_text_layer_has_thin_spaces(tmp_path) -> None:
    """The ToUnicode map of the embedded font sends the space glyph to U+2009 (a thin space, as some
    producers write): every word boundary of the text layer is odd; the loader makes them plain spaces.
    (Ligature glyphs drawn by reportlab come back spelled out by PDFium itself, so only the text-level
    test above covers them.)"""
    font = _vera()
    path = tmp_path / "thin.pdf"
    page = canvas.Canvas(str(path), pagesize=A4, pageCompression=0)  # the maps readable as bytes
    page.setFont(font, 11)
    lines = ["Fiche action n° 1 : Confier la filière bois aux entreprises", "Pilote : Communauté de communes"]
    for k, line in enumerate(lines):
        page.drawString(72, 760 - 18 * k, line)
    page.save()
    data, count = re.subn(rb"(<[0-9A-F]{2}> )<0020>", rb"\1<2009>", path.read_bytes())
    assert count  # the space glyph's entry was found and remapped (same length: xref offsets stay valid)
    raw = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
    assert "\u2009" in raw
    loaded = load_pdf(data, str(path))
    text = "\n".join(loaded.lines)
    assert "Fiche action n° 1 : Confier la filière bois aux entreprises" in text
    assert "Pilote : Communauté de communes" in text and "\u2009" not in text
    assert any("glyphs of the text layer normalised" in w for w in loaded.warnings)
