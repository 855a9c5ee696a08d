"""Small plans of the layouts the twelfth held-out set found missing (tests/test_struct_heldout12.py), in
other formats: lettered numbering with lettered steps in a plain text, a level word naming the title row
of a fiche table in a web page (with a caption merged down over two label rows), a total row in a UTF-8
CSV. Each failed before the fixes of branch plans14b."""

from __future__ import annotations

from pathlib import Path

from ingest.pipeline import parse_document

LETTERED_TXT = """PLAN LOCAL D'ACTIONS 2026

A. Former les jeunes

A.1 Ouvrir une classe passerelle

Pilote : Lycée Jean-Moulin
Budget : 10 000 €

A.1.a Recruter deux enseignants

Les enseignants sont recrutés en juin.

A.1.b Aménager une salle

A.2 Créer un atelier d'orientation

Pilote : Mission locale
Calendrier : 2026

B. Accompagner les adultes

B.1 Tenir une permanence emploi

Pilote : France Travail
Budget : 5 000 €
"""

ENGAGEMENT_HTML = """<html><body><main>
<h1>Feuille de route</h1>
<h2>Chantier 1 – Financer les projets</h2>
<table>
<tr><td colspan="3">Engagement 1.1 – Ouvrir un fonds de garantie</td></tr>
<tr><td>Pilote</td><td colspan="2">Agglomération</td></tr>
<tr><td rowspan="2">Moyens</td><td>Budget</td><td>200 000 €</td></tr>
<tr><td>Calendrier</td><td>2027</td></tr>
</table>
<table>
<tr><td colspan="3">Engagement 1.2 – Tenir un salon des coopératives</td></tr>
<tr><td>Pilote</td><td colspan="2">Chambre régionale</td></tr>
<tr><td rowspan="2">Moyens</td><td>Budget</td><td>8 000 €</td></tr>
<tr><td>Calendrier</td><td>2026</td></tr>
</table>
</main></body></html>
"""

TOTAL_CSV = """N°;Action;Pilote;Partenaires;Coût
1;Ouvrir un point accueil;Commune;Département;10 000 €
2;Former les bénévoles;Association Relais;;2 000 €
;Total;;;12 000 €
"""


def _parse(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_document(path, doc_id=path.stem)


def test_lettered_units_and_steps_in_a_plain_text(tmp_path) -> None:
    doc = _parse(tmp_path, "plan.txt", LETTERED_TXT)
    assert [(a.ref, a.title) for a in doc.actions] == [
        ("A.1", "Ouvrir une classe passerelle"),
        ("A.2", "Créer un atelier d'orientation"),
        ("B.1", "Tenir une permanence emploi"),
    ]
    assert doc.actions[0].steps == ["Recruter deux enseignants", "Aménager une salle"]
    assert [lv.ref for lv in doc.actions[2].levels] == ["B"]


def test_level_word_title_rows_of_fiche_tables(tmp_path) -> None:
    doc = _parse(tmp_path, "feuille.html", ENGAGEMENT_HTML)
    assert [a.ref for a in doc.actions] == ["Engagement 1.1", "Engagement 1.2"]
    fonds = doc.actions[0]
    assert fonds.title == "Ouvrir un fonds de garantie"
    assert [lv.ref for lv in fonds.levels] == ["Chantier 1"]
    assert fonds.budget == "200 000 €" and fonds.calendar == "2027"
    assert not fonds.extra


def test_total_row_of_a_csv_is_no_action(tmp_path) -> None:
    doc = _parse(tmp_path, "actions.csv", TOTAL_CSV)
    assert [a.title for a in doc.actions] == ["Ouvrir un point accueil", "Former les bénévoles"]
    assert any("Total" in w for w in doc.warnings)
