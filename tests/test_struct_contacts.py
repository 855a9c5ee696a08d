"""A contact line is a contact, not a pilot: in a plan whose fiches name their pilots, a fiche that gives
only a « Contact : » line has no pilot; in a booklet that names no pilot anywhere, the organisation of an
example's contacts is the one that carries it (tests/plans/expected.toml, recueil)."""

from __future__ import annotations

from ingest.pipeline import parse_document

FICHES = """# Plan d'actions pour l'emploi local 2027-2029

## Axe 1 : Lever les freins à l'emploi

### Action 1.1 : Ouvrir un garage solidaire

Pilote : Association Mobilité pour tous
Budget : 60 000 €

### Action 1.2 : Créer une plateforme de garde d'enfants

Pilote : Centre communal d'action sociale
Calendrier : 2027

### Action 1.3 : Proposer des ateliers de remise à niveau

Contact : Service emploi de la communauté de communes - emploi@cc-exemple.example.org
Calendrier : 2028
"""

BOOKLET = """# Recueil d'initiatives

## Question 1 : Comment se déplacer ?

### Exemple 1.1 : Un minibus partagé entre deux communes

Un minibus conduit par des bénévoles relie les hameaux au bourg deux fois par semaine.

Contact : Association Les Roues libres - contact@roues.example.org

### Exemple 1.2 : Des vélos prêtés aux apprentis

Les apprentis empruntent un vélo électrique pour la durée de leur contrat.

Contact : Mission locale du Val - velo@ml-val.example.org
"""


def _parsed(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_document(path, doc_id=path.stem)


def test_contact_line_is_no_pilot_where_fiches_name_pilots(tmp_path) -> None:
    doc = _parsed(tmp_path, "fiches.md", FICHES)
    by_ref = {a.ref: a for a in doc.actions}
    assert [o.name for o in by_ref["Action 1.1"].pilots] == ["Association Mobilité pour tous"]
    ateliers = by_ref["Action 1.3"]
    assert ateliers.pilots == []
    assert any("emploi@cc-exemple.example.org" in c.value for c in ateliers.contacts)


def test_contacts_organisation_carries_the_example_in_a_booklet_without_pilots(tmp_path) -> None:
    doc = _parsed(tmp_path, "recueil.md", BOOKLET)
    assert [[o.name for o in a.pilots] for a in doc.actions] == [
        ["Association Les Roues libres"],
        ["Mission locale du Val"],
    ]
