"""PDF footnotes are not body text: a line set smaller than the body that starts with a number whose call
stands as a superscript on its page (and the lines of its size right under it, in its column) is a
footnote block of the layout model, left out of the lines the parser reads, with a warning; the call stays
in its sentence. Printed after its paragraph in a two-column page (sources/heldout4/pacte.pdf, Chromium)
the note no longer joins the next column's text."""

from __future__ import annotations

from pathlib import Path

from ingest.layout.model import FOOTNOTE
from ingest.layout.pdf import read_pdf
from ingest.loaders import load

PACTE = Path(__file__).parent / "plans" / "sources" / "heldout4" / "pacte.pdf"


def test_footnote_in_a_column_is_left_out_of_the_body() -> None:
    loaded = load(PACTE)
    assert any(line.rstrip().endswith("bassins¹. Les fuites des réseaux") for line in loaded.lines)
    assert not any("Projections des études prospectives" in line for line in loaded.lines)
    assert "2 footnote line(s) left out of the body text" in loaded.warnings
    notes = [b for b in read_pdf(PACTE.read_bytes(), str(PACTE)).blocks if b.kind == FOOTNOTE]
    assert [b.text for b in notes] == [
        "1 Projections des études prospectives conduites par bassin",
        "hydrographique, scénario d'émissions intermédiaire.",
    ]
