"""The tenth held-out set (tests/plans/heldout10.toml, written by hand before the parser first ran on its
documents): units, titles, hierarchy, typed passages and fields of each document, and the layouts it was
made of (a PDF programme as one table with rows across it, a DOCX programme table with vertically merged
axe cells, DOCX fiches as whole text boxes, a four-level text with « Action 3 bis », pandoc Markdown with
definition lists and « 1.a » numbers). Each document is built and parsed once for the module."""

from __future__ import annotations

from ingest.loaders import load
from ingest.loaders.markdown import markdown_lines
from tests.plans import heldout10
from tests.plans.heldout_checks import (
    action_titled,
)
from tests.plans.heldout_suite import suite

# the set's fields over its five documents (no gazetteer) after its fixes; the one miss is in
# ingest/org_names.py, not this set's: « Délégation régionale académique à la jeunesse, à l'engagement et
# aux sports » cut at its comma
SET_FIELDS = {
    "pilots": (0.93, 1.0),  # 15 right of 16 found
    **dict.fromkeys(("partners", "ref", "budget", "calendar"), (1.0, 1.0)),
}


parsed, test_units_hierarchy_and_passages, test_expectations_and_set_fields = suite(heldout10, SET_FIELDS)


def test_programme_tables(parsed) -> None:
    """A table of units: a grouping column merged down its rows (DOCX) or a row across the table (PDF)
    is the level of each row; the title cell's first paragraph (its bold lines in a PDF) is the title, the
    rest the description; the header row repeated after a page break is no unit."""
    droits = action_titled(parsed, "ctair.docx", "Tenir une permanence")
    assert [(lv.kind, lv.ref) for lv in droits.levels] == [("axe", "Axe 3")]
    assert droits.title == "Tenir une permanence d'accès aux droits dans les centres d'hébergement"
    assert droits.description.startswith("Une permanence mensuelle")
    portail = action_titled(parsed, "lecture.pdf", "Installer un portail")
    assert portail.title == "Installer un portail et un catalogue communs à tout le réseau"
    assert [lv.ref for lv in portail.levels] == ["Orientation 3"]
    assert portail.description.startswith("Le portail permet") and portail.budget == "400 000 €"


def test_inserted_numbers_and_lettered_numbers(parsed) -> None:
    """« Action 3 bis » is a unit of its own, as deep as « Action 3 »; « 1.a » numbers a unit under « 1. »."""
    traduire = action_titled(parsed, "cdv.txt", "Traduire")
    assert traduire.ref == "Action 3 bis"
    assert [lv.ref for lv in traduire.levels] == [
        "PILIER 1",
        "Orientation 1.1",
        "Objectif opérationnel 1.1.2",
    ]
    velo = action_titled(parsed, "pcaet.md", "Aménager une voie")
    assert velo.ref == "2.b" and [lv.ref for lv in velo.levels] == ["2"]


def test_text_box_read_once(tmp_path) -> None:
    """A fiche drawn in a text box is read once (not again from its VML fallback), after its anchor."""
    lines = load(heldout10.build(tmp_path, {"sport.docx"})["sport.docx"]).lines
    titles = [n for n, line in enumerate(lines) if "Fiche n°4" in line]
    assert len(titles) == 1
    assert titles[0] > next(n for n, line in enumerate(lines) if "Axe 2" in line)


def test_definition_lists() -> None:
    """A term then ':   definition' (one blank line between allowed, '~' too, continuation lines
    indented) is one 'term : definition' line; the line map is kept; a colon line after a heading or a
    paragraph longer than a term stays as it is."""
    lines = [
        "Pilote",
        "",
        ":   Commune",
        "    de Saint-Avre",
        "Budget",
        "~   10 000 €",
        ":   par an",
        "",
        "# Titre",
        ":   rien",
    ]
    out = markdown_lines(lines)
    assert len(out) == len(lines)
    assert out[0] == "Pilote : Commune de Saint-Avre"
    assert out[4] == "Budget : 10 000 €, par an"
    assert out[2] == out[3] == out[5] == out[6] == ""
    assert out[9] == ":   rien"


def test_docx_group_row_across_the_table(tmp_path) -> None:
    """A Word table row merged across all its columns (one w:tc with gridSpan) is the level of the rows
    below it, up to the next such row."""
    import docx

    from ingest.pipeline import parse_document

    document = docx.Document()
    document.add_heading("Programme d'actions", level=1)
    rows = [
        ("N°", "Action", "Pilote", "Échéance"),
        ("Thème 1 – Mobilités",),
        ("1", "Créer une ligne de bus à la demande", "Communauté de communes", "2026"),
        ("2", "Ouvrir un garage solidaire", "Association Roulons", "2027"),
        ("Thème 2 – Alimentation",),
        ("3", "Approvisionner les cantines en produits locaux", "Syndicat scolaire", "2026"),
    ]
    table = document.add_table(rows=len(rows), cols=4)
    for r, values in enumerate(rows):
        if len(values) == 1:
            table.cell(r, 0).merge(table.cell(r, 3)).text = values[0]
            continue
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    path = tmp_path / "themes.docx"
    document.save(str(path))
    actions = parse_document(path, doc_id="themes").actions
    assert [(a.ref, [lv.ref for lv in a.levels]) for a in actions] == [
        ("1", ["Thème 1"]),
        ("2", ["Thème 1"]),
        ("3", ["Thème 2"]),
    ]
    assert actions[1].pilots[0].name == "Association Roulons"
