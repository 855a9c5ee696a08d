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


CLS = Path(__file__).parent / "plans" / "sources" / "heldout4" / "cls.pdf"


def test_call_set_five_sixths_of_the_body_size_stays_in_its_sentence() -> None:
    """A browser's <sup> call is set at 5/6 of the text's size (Chromium, sources/heldout4/cls.pdf): it is
    still a superscript, read at the end of its word, not a line « 1 » of its own; its note, printed under
    the paragraph, is then found by its call and left out of the body."""
    loaded = load(CLS)
    assert any(line.endswith("élus et associations¹.") for line in loaded.lines)
    assert "1" not in [line.strip() for line in loaded.lines]
    assert not any(line.startswith("1 Évaluation finale") for line in loaded.lines)
    assert "1 footnote line(s) left out of the body text" in loaded.warnings
