"""Similar actions across plans: what the graph says two actions share weighs by how much each is about it
and by how many plans have it, and an action's keyword ranking asks for its own words before its plan's
(embeddings/similar.py). Real encoders on two corpus documents (a plan of Pays de la Loire, the national
booklet)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from api.service import Service
from embeddings.french import tokens
from embeddings.similar import FEATURE_FULL_SCORE, KIND_WEIGHT, SHARED

PLAN, BOOKLET = "001_7091df44cd1e8194", "002_60c96a901df60f3b"


@pytest.fixture(scope="module")
def engine_service(tmp_path_factory: pytest.TempPathFactory, two_docs: Path, copied_two_docs) -> Service:
    svc = copied_two_docs(tmp_path_factory.mktemp("similar-features"), two_docs)
    yield svc
    svc.close()


def test_a_feature_weighs_by_the_actions_score_and_the_plans_that_have_it(engine_service: Service) -> None:
    finder = engine_service.search_engine.similar_finder
    g = finder.g
    plans = {f.doc for f in finder.facts.values()}
    facts = finder.facts
    held = {x: {facts[n].doc for n in finder.actions if x in facts[n].features} for x in finder.idf}
    checked = Counter()
    for i, node in enumerate(finder.actions):
        for _, feature, e in g.out_edges(node, data=True):
            if feature not in finder.column:
                continue
            score = e.get("score")
            share = 1.0 if score is None else min(score, FEATURE_FULL_SCORE) / FEATURE_FULL_SCORE
            weight = finder.weights[i, finder.column[feature]]
            # the rarer among the actions, the more the action is about it, the more plans have it (and
            # its kind: tests/test_similar_kinds.py)
            kind = KIND_WEIGHT[SHARED[e["kind"]]]
            expected = finder.idf[feature] * share * kind * len(held[feature]) / len(plans)
            assert weight == pytest.approx(expected, abs=1e-3), (node, feature)
            checked["one plan" if len(held[feature]) == 1 else "both"] += 1
            checked["in passing" if share < 1 else "in full"] += 1
    assert min(checked.values()) >= 3, checked  # each case met


def test_an_actions_words_come_before_the_words_every_fiche_of_its_plan_repeats(
    engine_service: Service,
) -> None:
    finder = engine_service.search_engine.similar_finder
    retriever = finder.r
    stems_of = {
        n: Counter(t for i in finder.items.get(n, []) for t in tokens(retriever.chunks[i].text))
        for n in finder.actions
    }
    booklet = [n for n in finder.actions if finder.facts[n].doc == BOOKLET and stems_of[n]]
    everywhere = set.intersection(*(set(stems_of[n]) for n in booklet))  # its headings, « contacts »…
    assert everywhere
    moved = 0
    for node in booklet:
        counts, own = stems_of[node], finder.items[node]
        words = finder._words(own, finder.index[node])
        assert len(words) == len(set(words)) <= 64 and set(words) <= set(counts)
        only = [w for w in counts if not any(w in stems_of[n] for n in booklet if n != node)]
        for common in everywhere & set(words):
            for mine in only:  # a word of this fiche alone, used a quarter as often, still comes first
                if mine in words and 4 * counts[mine] >= counts[common]:
                    assert words.index(mine) < words.index(common), (node, mine, common)
        by_count = [w for w, _ in counts.most_common(64)]
        moved += by_count != words
    assert moved >= len(booklet) // 2


def test_the_labelled_pairs_of_the_two_plans_are_found(engine_service: Service) -> None:
    """The labelled pairs between these two documents in the tuning set (bench/search_eval_set.json): each
    action finds the other in its first 10, scope all and scope other-documents (a retelling counts)."""
    labelled = json.loads((Path(__file__).parents[1] / "bench" / "search_eval_set.json").read_text())
    pairs = [p for p in labelled["pairs"] if {p["a"].split("/")[0], p["b"].split("/")[0]} == {PLAN, BOOKLET}]
    assert len(pairs) >= 5
    for p in pairs:
        for a, b in ((p["a"], p["b"]), (p["b"], p["a"])):
            for scope in ("all", "other-documents"):
                body = engine_service.similar(a, k=10, scope=scope)
                found = [r["id"] for r in body["results"] + body["same_action"]]
                assert b in found, (a, b, scope)
    weights = engine_service.search_engine.similar_finder.weights
    assert np.isfinite(weights).all() and (weights >= 0).all()
