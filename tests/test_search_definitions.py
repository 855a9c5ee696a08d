"""Questions about what a word means, asked in everyday French (« que veut dire X », « c'est quoi X », « X, ça
veut dire quoi », « signification de X »): the glossary passage that defines the word comes first."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.service import Service
from embeddings.french import tokens
from embeddings.search import definition_asked
from tests.test_search_passages import DEFINED, plan_service


@pytest.mark.parametrize(
    ("query", "asked"),
    [
        ("que veut dire UTAS", True),
        ("PPAE, ça veut dire quoi", True),
        ("PPAE ca veut dire quoi", True),
        ("c'est quoi un PLIE", True),
        ("C’est quoi la CléA", True),
        ("qu'est-ce que c'est, le RSA", True),
        ("signification de FAPI", True),
        ("que signifie AFPR", True),
        ("ce que veulent dire les sigles du pacte", True),
        ("garde d'enfants pendant une formation", False),
        ("quoi de neuf pour les saisonniers", False),
        ("dire aux employeurs ce qui est attendu", False),
    ],
)
def test_the_phrases_that_ask_what_a_word_means(query: str, asked: bool) -> None:
    assert definition_asked(tokens(query), query) is asked


@pytest.fixture(scope="module")
def defined(tmp_path_factory: pytest.TempPathFactory, reference, vector_cache: Path) -> Service:
    svc = plan_service(tmp_path_factory.mktemp("definitions"), DEFINED, reference, vector_cache)
    yield svc
    svc.close()


def test_the_acronym_alone_shows_the_action_first(defined: Service) -> None:
    assert defined.search("PLIE", k=5)["results"][0]["type"] == "action"


@pytest.mark.parametrize(
    "query", ["que veut dire PLIE", "c'est quoi le PLIE", "PLIE, ça veut dire quoi", "signification de PLIE"]
)
def test_asked_in_everyday_words_the_glossary_comes_first(defined: Service, query: str) -> None:
    results = defined.search(query, k=5)["results"]
    top = results[0]
    assert (top["type"], top.get("passage_type")) == ("passage", "glossaire"), [r["title"] for r in results]
    lines = defined.store.lines(top["doc"])[top["passage"]["line_start"] - 1 : top["passage"]["line_end"]]
    assert any(line.startswith("PLIE : plan local") for line in lines)
