"""Session of 2026-12-04 (held-out search set 6, bench/SEARCH_EVAL_HELDOUT6.md): the behaviours changed while
studying the misses of the tuning set and the held-out sets 1-5."""

from __future__ import annotations

import pytest

from embeddings.expansion import Expander
from embeddings.french import tokens


@pytest.fixture(scope="module")
def shipped() -> Expander:
    return Expander.from_file()


@pytest.mark.parametrize(
    ("query", "plans_word"),
    [
        ("des rencontres avec des ados", "jeune"),
        ("les boîtes d'intérim", "entreprise"),
        ("les rebuts d'une usine", "déchet"),
        ("il a besoin de lunettes", "soins"),
        ("la navette des ouvriers", "ramassage"),
        ("une caissière à mi-temps", "temps partiel"),
        ("brancher les bateaux", "navire"),
        ("les gestes écolos", "développement durable"),
        ("mon fils a lâché le lycée", "décrocheur"),
        ("des moules en plastique", "plasturgie"),
        ("dormir pas cher", "hébergement"),
        ("un salarié qui veut changer de secteur", "reconversion"),
    ],
)
def test_an_everyday_word_expands_to_the_plans_word(shipped: Expander, query: str, plans_word: str) -> None:
    added = shipped.expand(tokens(query))
    assert set(tokens(plans_word)) <= set(added) | set(tokens(query)), added


@pytest.mark.parametrize("query", ["accompagner les jeunes", "une entreprise du bâtiment", "le temps partiel"])
def test_the_plans_word_does_not_expand_back_to_the_everyday_word(shipped: Expander, query: str) -> None:
    added = set(shipped.expand(tokens(query)))
    assert not added & set(tokens("ado boîte mi-temps deuxième employeur")), added
