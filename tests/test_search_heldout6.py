"""Session of 2026-12-04 (held-out search set 6, bench/SEARCH_EVAL_HELDOUT6.md): the behaviours changed while
studying the misses of the tuning set and the held-out sets 1-5."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.service import Service
from embeddings.expansion import Expander
from embeddings.french import tokens
from embeddings.search import asked_words, spells_out
from tests.test_search_passages import plan_service


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


@pytest.mark.parametrize(
    "query", ["accompagner les jeunes", "une entreprise du bâtiment", "le temps partiel"]
)
def test_the_plans_word_does_not_expand_back_to_the_everyday_word(shipped: Expander, query: str) -> None:
    added = set(shipped.expand(tokens(query)))
    assert not added & set(tokens("ado boîte mi-temps deuxième employeur")), added


INLINE = """# Plan départemental pour l'emploi et la rénovation 2027-2029

## Diagnostic territorial

Le département compte 4 200 logements très énergivores. Le conseil aux ménages repose sur les Points
Territoriaux de Rénovation et d'Information (PTRI), guichets uniques ouverts dans chaque intercommunalité.
Les artisans du bâtiment manquent de candidats formés aux travaux d'isolation.

## Fiche action n° 1 : Animer le réseau des PTRI

- Pilote : Conseil départemental
- Territoire : Calvados

Chaque PTRI reçoit les ménages, le PTRI oriente vers les artisans, les conseillers des PTRI se forment
ensemble et le réseau des PTRI publie un bilan annuel des PTRI.

## Fiche action n° 2 : Former les conseillers des PTRI

- Pilote : Région
- Territoire : Calvados

Les conseillers des PTRI suivent une formation commune ; les PTRI partagent leurs outils et chaque PTRI
accueille un stagiaire.
"""


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("PTRE, ça veut dire quoi", ["ptre"]),
        ("c'est quoi un Claj", ["claj"]),
        ("que signifie l'AFPR", ["afpr"]),
        ("signification de FAPI", ["fapi"]),
    ],
)
def test_the_word_a_definition_question_asks_about(query: str, words: list[str]) -> None:
    assert asked_words(query) == words


@pytest.mark.parametrize(
    ("text", "spelt"),
    [
        ("6 Plateformes Territoriales de la Rénovation Énergétique (PTRE) opérationnelles", True),
        ("Les Comités locaux pour le logement autonome des jeunes (Claj) accompagnent", True),
        ("le CATEF (Comité d'Animation Territoriale Emploi Formation) réunit", True),
        ("PTRE : plateforme territoriale de la rénovation énergétique", True),
        ("chaque ptre (ou presque) reçoit les ménages", False),  # lower case before the bracket: no acronym
        ("le réseau des PTRE publie un bilan", False),
    ],
)
def test_a_passage_spells_out_an_acronym_inline(text: str, spelt: bool) -> None:
    word = "catef" if "CATEF" in text else "claj" if "Claj" in text else "ptre"
    assert spells_out(text, [word]) is spelt


@pytest.fixture(scope="module")
def inline(tmp_path_factory: pytest.TempPathFactory, reference, vector_cache: Path) -> Service:
    svc = plan_service(tmp_path_factory.mktemp("inline"), INLINE, reference, vector_cache)
    yield svc
    svc.close()


@pytest.mark.parametrize("query", ["PTRI, ça veut dire quoi", "c'est quoi un PTRI", "que veut dire PTRI"])
def test_asked_what_an_acronym_means_the_passage_that_spells_it_out_comes_first(
    inline: Service, query: str
) -> None:
    """No glossary: the diagnostic that expands the acronym inline answers, above the actions using it."""
    results = inline.search(query, k=5)["results"]
    top = results[0]
    assert top["type"] == "passage", [(r["type"], r["title"]) for r in results]
    lines = inline.store.lines(top["doc"])[top["passage"]["line_start"] - 1 : top["passage"]["line_end"]]
    assert any("(PTRI)" in line for line in lines)


def test_the_acronym_alone_still_shows_an_action_first(inline: Service) -> None:
    assert inline.search("PTRI", k=5)["results"][0]["type"] == "action"
