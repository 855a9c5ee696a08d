"""The ninth held-out set (tests/plans/heldout9.toml, written by hand before the parser first ran on its
documents): units, titles, hierarchy, typed passages and fields of each document, and the layouts it was
made of (DOCX levels only by direct formatting, an ISO-8859-1 CSV tree numbered by depth, a PDF band title
above a label | value table cut by a page break, an XLSX of one sheet per axe with merged objectif cells,
an HTML page of <details> actions after a summary table). Each document is built and parsed once for the
module."""

from __future__ import annotations

from ingest.loaders import load
from ingest.loaders.text import decode_text
from ingest.pipeline import parse_document
from ingest.shapes.context import numbered_heading
from ingest.shapes.outline import full_ref
from ingest.shapes.outline_words import classify
from tests.plans import heldout9
from tests.plans.heldout_checks import (
    action_titled,
)
from tests.plans.heldout_suite import suite

# the set's fields over its five documents (no gazetteer), reached after its fixes
SET_FIELDS = dict.fromkeys(("ref", "pilots", "partners", "budget", "calendar", "indicators"), (1.0, 1.0))


parsed, test_units_hierarchy_and_passages, test_expectations_and_set_fields = suite(heldout9, SET_FIELDS)


def test_numbers_with_letters_and_bis() -> None:
    """« 1.a », « 2 bis », « A1 » are numbers of their own: the letter or the « bis » is not the title's."""
    assert numbered_heading("### Mesure 1.a – Préserver les prairies") == (
        "Mesure",
        "1.a",
        "Préserver les prairies",
    )
    assert numbered_heading("Action 12 bis : Ouvrir une ligne") == ("Action", "12 bis", "Ouvrir une ligne")
    assert numbered_heading("Action 1 avec les communes") == ("Action", "1", "avec les communes")
    h = classify("Action 2 bis – Ouvrir une ligne")
    assert (h.role, h.ref, h.title) == ("unit", "Action 2 bis", "Ouvrir une ligne")
    assert classify("Action 2 bisou").number == "2"
    h = classify("B2 – Aller au-devant des ménages")
    assert (h.role, h.number, h.title) == ("numbered", "B2", "Aller au-devant des ménages")
    assert classify("A1 Créer un réseau").role == "other"  # a capital and a digit with no dash: a word
    assert classify("Vocation 1 – Un territoire").kind == "axe"


def test_direct_formatting_sizes_give_levels(parsed, tmp_path) -> None:
    """With no heading style, bold titles rank by their font size; the lone largest first one is the
    document's title; a mid-size « Orientation » is above the smaller « A1 » actions."""
    lines = load(heldout9.build(tmp_path, {"ccas.docx"})["ccas.docx"]).lines
    assert "# Orientation B – Faciliter l'accès aux droits" in lines
    assert "## B1 – Installer un point d'accueil numérique dans chaque quartier" in lines
    assert "# Glossaire" in lines
    assert "Pilote : Direction de l'action sociale" in lines  # a run-in label line stays text
    b1 = action_titled(parsed, "ccas.docx", "Installer un point")
    assert b1.ref == "B1" and [lv.ref for lv in b1.levels] == ["Orientation B"]


def test_latin1_csv_tree_by_number_depth(parsed) -> None:
    """An ISO-8859-1 file is read as Western (not as cp1250: « intérêt », not « intéręt »); rows whose
    number others extend and that hold nothing else are the levels of the rows they number."""
    text, warnings = decode_text((heldout9.SET.sources / "stspd.csv").read_bytes(), "stspd.csv")
    assert "intérêt" in text and warnings == ["decoded as cp1252 (not UTF-8)"]
    tig = action_titled(parsed, "stspd.csv", "Développer les travaux")
    assert tig.title == "Développer les travaux d'intérêt général dans les services municipaux"
    assert [(lv.ref, lv.title) for lv in tig.levels] == [
        ("1", "Prévenir le basculement des jeunes dans la délinquance"),
        ("1.2", "Prévenir la récidive"),
    ]


def test_sheet_per_axe_and_merged_objectif(parsed) -> None:
    """A sheet's level stands above its merged « Objectif n – » column, which reads as a level (word and
    number as its ref) though « objectif » also names a field; « 4 bis » is a ref of its own."""
    gites = action_titled(parsed, "tourisme.xlsx", "Accompagner l'ouverture")
    assert gites.ref == "4 bis"
    assert [(lv.ref, lv.title) for lv in gites.levels] == [
        ("Axe 2", "Adapter l'hébergement et l'accueil"),
        ("Objectif 3", "Monter en gamme les hébergements"),
    ]


def test_band_title_and_table_over_a_page_break(parsed) -> None:
    """The description rows continued on the next page stay with their measure, not the next one."""
    cours = action_titled(parsed, "pnr.pdf", "Restaurer la continuité")
    assert cours.ref == "Mesure 1.b" and [lv.ref for lv in cours.levels] == ["Vocation 1"]
    assert "concertation" in (cours.description or "")
    falaises = action_titled(parsed, "pnr.pdf", "Protéger les espèces")
    assert "concertation" not in (falaises.description or "")


def test_numbers_restarting_per_level_give_full_refs() -> None:
    """« I. » > « A. » > « 1. » numbered again under each parent: the unit's ref is « I.A.1 »; a ref with a
    word or several parts, or a parent numbered in the same style, keeps the unit's own."""

    def chain(*texts: str):
        parent = None
        for text in texts:
            h = classify(text)
            h.parent = parent
            parent = h
        return parent

    assert full_ref(chain("II. HABITER", "A. Rénover", "2. Ouvrir une boutique")) == "II.A.2"
    assert full_ref(chain("A. Rénover", "3. Ouvrir une boutique")) == "A.3"
    assert full_ref(chain("1. Habiter", "2. Ouvrir une boutique")) == "2"  # same style: a list, not a level
    assert full_ref(chain("Axe 1 – Habiter", "2. Ouvrir une boutique")) == "2"  # a worded parent
    assert full_ref(chain("II. HABITER", "Action 2 – Ouvrir une boutique")) == "Action 2"
    assert full_ref(chain("I. HABITER", "1.2 Ouvrir une boutique")) == "1.2"


def test_numbered_tree_beside_a_grouping_column(tmp_path) -> None:
    """Numbers with a trailing dot, a grouping column filled on every row: a node row with nothing else is
    a level below the column's, a row with a pilot stays an action."""
    path = tmp_path / "arbre.csv"
    path.write_text(
        "Axe;N°;Intitulé;Pilote;Échéance\n"
        "Axe 1 - Jeunesse;1.;Prévenir le décrochage scolaire;;\n"
        "Axe 1 - Jeunesse;1.1.;Réunir une cellule de veille éducative chaque mois;Ville;2026\n"
        "Axe 1 - Jeunesse;1.2.;Ouvrir un accueil de jour pour les élèves exclus;Collège;2027\n"
        "Axe 2 - Victimes;2.;Ouvrir une permanence au commissariat;Association;2026\n",
        encoding="utf-8",
    )
    doc = parse_document(path, doc_id="arbre")
    assert [a.title for a in doc.actions][-1] == "Ouvrir une permanence au commissariat"
    assert len(doc.actions) == 3
    first = doc.actions[0]
    assert [(lv.ref, lv.title) for lv in first.levels] == [
        ("Axe 1", "Jeunesse"),
        ("1", "Prévenir le décrochage scolaire"),
    ]
