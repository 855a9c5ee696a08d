"""The twelfth held-out set (tests/plans/heldout12.toml, written by hand before the parser first ran on its
documents): units, titles, hierarchy, typed passages and fields of each document, and the layouts it was
made of (a landscape PDF whose fiche tables repeat their spanning title row at the top of the next page, a
DOCX whose engagements are the merged first rows of their tables with a nested table of partners and a
caption merged down over two label rows, a web page numbered by letters « A. / A.1 / A.1.a », a
Windows-1252 CSV with a title row above its header and a total row). Each document is built and parsed
once for the module.

First run (before the fixes): units precision 0.55, recall 0.52, hierarchy 1/4, passages 9/10;
cprdfop.html had no title (« A.1 » no numbering), ess.docx gave its two chantiers as actions, plie.pdf
read fiche 3 twice (its title row repeated after the page break), emploi.csv took its total row for an
action. jeunes.txt, added after those fixes (and written before its own first run): units, hierarchy and
passages right at once, its « Structures associées » partners an unknown label (partners recall 0.84)."""

from __future__ import annotations

from ingest.loaders import load
from tests.plans import heldout12
from tests.plans.heldout_checks import action_titled
from tests.plans.heldout_suite import suite

# the set's fields over its five documents (no gazetteer) after its fixes; the one miss ingest/orgs.py made
# (« Chambre de commerce et d’industrie », curly apostrophe, split at « et ») fixed by who14b
SET_FIELDS = {
    "pilots": (1.0, 1.0),
    "partners": (1.0, 1.0),
    **dict.fromkeys(("ref", "budget", "calendar"), (1.0, 1.0)),
}


parsed, test_units_hierarchy_and_passages, test_expectations_and_set_fields = suite(heldout12, SET_FIELDS)


def test_lettered_numbering_and_lettered_steps(parsed) -> None:
    """« A. » / « A.1 » / « A.1.a » headings: A.1 is a unit with its fiche table, A.1.a and A.1.b its steps
    (the deepest headings lettered under their parent while other headings of the parent's depth have
    text and nothing below)."""
    passerelles = action_titled(parsed, "cprdfop.html", "Créer des passerelles")
    assert passerelles.ref == "A.1" and [lv.ref for lv in passerelles.levels] == ["A"]
    assert passerelles.steps == [
        "Recenser les places vacantes en apprentissage",
        "Désigner un référent passerelle dans chaque lycée professionnel",
    ]
    assert passerelles.budget == "300 000 €" and passerelles.calendar == "Rentrée 2026"
    assert [a.ref for a in parsed["cprdfop.html"].actions] == ["A.1", "A.2", "A.3", "B.1", "B.2"]


def test_title_row_repeated_over_a_page_break(parsed, tmp_path) -> None:
    """The spanning title row a table draws again at the top of the next page is not a row of its own:
    fiche 3 is read once, its rows before and after the break together."""
    fiches = [a for a in parsed["plie.pdf"].actions if a.title.startswith("Lever les freins")]
    assert len(fiches) == 1
    assert [o.name for o in fiches[0].pilots] == ["Plateforme mobilité du Sorvièrois"]
    assert fiches[0].budget == "120 000 € par an" and fiches[0].calendar == "2026-2030"
    lines = load(heldout12.build(tmp_path, {"plie.pdf"})["plie.pdf"]).lines
    assert sum(1 for line in lines if line.startswith("Fiche action n° 3")) == 1


def test_engagement_title_rows_nested_table_and_merged_caption(parsed) -> None:
    """The merged first row « Engagement n.m – … » of a fiche table is the unit whatever word names it; a
    nested table's rows are the partners (its header row and roles not); a caption merged down over
    « Budget » and « Calendrier » rows is no field."""
    guichet = action_titled(parsed, "ess.docx", "Ouvrir un guichet unique")
    assert guichet.ref == "Engagement 1.1" and [lv.ref for lv in guichet.levels] == ["Chantier 1"]
    assert [o.name for o in guichet.partners] == [
        "Chambre régionale de l'ESS",
        "France Active",
        "Réseau des couveuses",
    ]
    assert guichet.budget == "75 000 € par an" and guichet.calendar == "2026-2031"
    assert not guichet.extra and guichet.description.startswith("Un lieu et un numéro uniques")


def test_windows_1252_csv_with_a_title_row_and_a_total_row(parsed) -> None:
    """’ œ € of a Windows-1252 file come out as such; the « Total du programme » row (no ref, no pilot,
    no partner) is no action, and is reported."""
    doc = parsed["emploi.csv"]
    assert [a.ref for a in doc.actions] == ["A.1.a", "A.1.b", "A.2.a", "B.1.a", "B.1.b", "B.2.a"]
    logistique = action_titled(parsed, "emploi.csv", "Réunir les employeurs")
    assert logistique.title.endswith("main-d’œuvre") and logistique.budget == "3 500 €"
    assert any("Total du programme" in w for w in doc.warnings)


def test_lettered_grouping_cells_give_their_letters_as_refs(parsed) -> None:
    """Grouping cells « A – Titre » and « A.1 – Titre »: the letter and the number are the levels' refs,
    the rest their titles."""
    barometre = action_titled(parsed, "emploi.csv", "Publier un baromètre")
    assert [(lv.ref, lv.title) for lv in barometre.levels] == [
        ("A", "Anticiper les mutations économiques"),
        ("A.1", "Observer les besoins en compétences"),
    ]


def test_three_level_words_the_deepest_the_units(parsed) -> None:
    """« CHANTIER n — » / « Engagement n.m — » / « Levier n.m.p — », every word a grouping level's: the
    deepest, numbered three deep, are the units; « Structures associées » names the partners."""
    salon = action_titled(parsed, "jeunes.txt", "Organiser un salon")
    assert salon.ref == "Levier 2.1.1"
    assert [lv.ref for lv in salon.levels] == ["CHANTIER 2", "Engagement 2.1"]
    assert [o.name for o in salon.partners] == [
        "Chambre de commerce et d'industrie",
        "Centres de formation d'apprentis",
    ]
    assert not salon.extra
