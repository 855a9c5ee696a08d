"""A plan that names its units with a grouping word only (« Chantier 1 : … » or « Engagement 2 : … », each
with its text and nothing below): those headings are its units, as a last resort (no unit word, no numbered
heading below, no table of actions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import NoActionFound
from ingest.pipeline import parse_document

PLAN = """Feuille de route pour l'emploi du bassin 2026

Engagement 1 : Un guichet unique pour les employeurs
Le guichet est porté par la maison de l'emploi, en lien avec les chambres consulaires.

Engagement 2 : Des parcours pour les jeunes sans solution
Les missions locales repèrent les jeunes et les orientent vers un contrat d'engagement jeune.

Engagement 3 : Une aide à la mobilité
Un garage solidaire prête des véhicules aux personnes qui reprennent un emploi.
"""


def test_grouping_words_with_text_and_nothing_below_are_the_units(tmp_path: Path) -> None:
    path = tmp_path / "feuille.txt"
    path.write_text(PLAN, encoding="utf-8")
    parsed = parse_document(path)
    assert [(a.ref, a.title) for a in parsed.actions] == [
        ("Engagement 1", "Un guichet unique pour les employeurs"),
        ("Engagement 2", "Des parcours pour les jeunes sans solution"),
        ("Engagement 3", "Une aide à la mobilité"),
    ]
    assert "maison de l'emploi" in parsed.actions[0].description


def test_one_such_heading_is_not_enough(tmp_path: Path) -> None:
    path = tmp_path / "seul.txt"
    path.write_text(PLAN.split("\nEngagement 2")[0], encoding="utf-8")
    with pytest.raises(NoActionFound):
        parse_document(path)
