"""The seventh held-out set (tests/plans/heldout7.toml, written by hand before the parser first ran on its
documents): units, titles, hierarchy, typed passages and fields of each document, and the real-world quirks
it was made of (tracked changes, text boxes and content controls in a DOCX; a Word "save as web page"; a
desktop-published PDF; a transposed workbook; a TSV; pandoc grid tables; ODT frames; form feeds and CRLF).
Each document is built and parsed once for the module."""

from __future__ import annotations

import pytest

from ingest.loaders import load
from tests.plans import heldout7
from tests.plans.heldout_checks import check_document, check_expectations, check_set_fields, parse_all

EXPECTED = heldout7.expected()
NAMES = sorted(heldout7.SPECS)
# the set's fields over its eight documents (no gazetteer), reached after its fixes (« Centre de ressources
# handicap et formation » one pilot since session 11: ingest/org_names.py)
SET_FIELDS = {
    "pilots": (1.0, 1.0),  # 34 right of 34 found
    "partners": (1.0, 1.0),
    "ref": (1.0, 1.0),
    "budget": (1.0, 1.0),
    "status": (1.0, 1.0),
    "priority": (1.0, 1.0),
    "calendar": (1.0, 1.0),
    "indicators": (1.0, 1.0),
}


@pytest.fixture(scope="module")
def parsed(tmp_path_factory) -> dict[str, object]:
    return parse_all(heldout7, tmp_path_factory.mktemp("heldout7"))


def _action(parsed, name: str, ref: str):
    return next(a for a in parsed[name].actions if a.ref == ref)


def test_every_document_has_expectations() -> None:
    check_expectations(EXPECTED, NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_units_hierarchy_and_passages(parsed, name: str) -> None:
    check_document(EXPECTED, name, parsed[name])


def test_set_fields(parsed) -> None:
    check_set_fields(EXPECTED, parsed, SET_FIELDS)


def test_tracked_changes_are_read_as_accepted(parsed) -> None:
    """Deleted text (w:delText, a deleted fiche, deleted rows) is not read, inserted text is; a text box is
    read once (not its VML fallback too); values inside content controls are read."""
    doc = parsed["pdi.docx"]
    fiche = _action(parsed, "pdi.docx", "Fiche-action n° 1-2")
    assert fiche.title.startswith("Étendre") and "Développer" not in fiche.title
    assert fiche.budget == "180 000 €"
    assert not any("covoiturage" in a.title for a in doc.actions)  # the fiche deleted as a whole
    boxed = _action(parsed, "pdi.docx", "Fiche-action n° 2-1")
    assert (boxed.status, boxed.priority) == ("en cours", "élevée")
    assert [o.name for o in _action(parsed, "pdi.docx", "Fiche-action n° 2-2").pilots] == [
        "Direction de la commande publique"
    ]  # a row inside a content control
    assert _action(parsed, "pdi.docx", "Fiche-action n° 3-1").calendar == "2027-2028"  # a cell inside one


def test_docx_text_box_is_read_once(tmp_path) -> None:
    path = heldout7.build(tmp_path, {"pdi.docx"})["pdi.docx"]
    lines = load(path).lines
    assert sum(line.startswith("Statut : ") for line in lines) == 1
    assert not any("150 000" in line or "covoiturage" in line for line in lines)


def test_brochure_pdf_margin_tab_and_footnote_calls(tmp_path) -> None:
    """The rotated tab label is left out (with a warning), a footnote call stays in its line as a
    superscript while the footnote itself is left out of the body text (a footnote block of the model, with
    a warning), a contents entry ending with its page number is a line of its own."""
    path = heldout7.build(tmp_path, {"praps.pdf"})["praps.pdf"]
    loaded = load(path)
    assert not any("Enquête régionale" in line or "Tournées de rue" in line for line in loaded.lines)
    assert "2 footnote line(s) left out of the body text" in loaded.warnings
    assert not any("OBJECTIF" in line or "F I T C E J B O" in line for line in loaded.lines)
    assert any("rotated text left out" in w for w in loaded.warnings)
    assert any(line.endswith("maraudes².") for line in loaded.lines)
    assert not any(line.strip() in ("1", "2") for line in loaded.lines)
    entries = [line for line in loaded.lines if line.startswith("Action ") and line[-1].isdigit()]
    assert len(entries) == 6 and all(line.count("Action ") == 1 for line in entries)


def test_word_web_page_and_transposed_sheet(parsed) -> None:
    """Word's "save as web page": headings set by hand (bold, larger), no Word markup left in a value; a
    sheet with its labels in column A is read by columns (and says so)."""
    first = _action(parsed, "velo.htm", "1.1")
    assert first.budget == "7,6 M€" and [o.name for o in first.partners] == [
        "Communautés de communes riveraines",
        "Voies navigables de France",
    ]
    assert all("<" not in (a.budget or "") for a in parsed["velo.htm"].actions)
    assert any("feuille lue par colonnes" in w for w in parsed["cprdfop.xlsx"].warnings)


def test_pandoc_markdown_and_paged_text(parsed, tmp_path) -> None:
    """Pandoc: heading attributes out of the titles, grid-table rules out of the text, a cell over two lines
    one value, the header row « Rubrique | Contenu » no field; a text with form feeds: running header and
    page numbers blanked line for line, each line with its page."""
    for action in parsed["ptrte.md"].actions:
        assert "{#" not in action.title and not action.extra
        assert "+--" not in (action.description or "") and "---" not in (action.description or "")
    guichet = _action(parsed, "ptrte.md", "Action 1.1")
    assert guichet.description.endswith("accompagne du devis à la fin des travaux.")
    written = heldout7.build(tmp_path, {"prad.txt"})
    loaded = load(written["prad.txt"])
    raw = written["prad.txt"].read_bytes().decode("utf-8").replace("\r\n", "\n").split("\n")
    assert len(loaded.lines) == len(raw) - 1  # line for line (the file ends with a line end)
    assert not any(
        "PRAD 2026-2032" in line or line.strip().isdigit() or "\f" in line for line in loaded.lines
    )
    assert loaded.pages is not None and loaded.pages[0] == 1 and loaded.pages[-1] == 3
    split = _action(parsed, "prad.txt", "Mesure 1.2")  # cut by the page break in its fields
    assert (split.budget, split.indicators) == ("600 000 €", "Nombre de porteurs de projet testés")
    assert not (split.description or "").strip() and split.provenance.page == 1
