"""Similar actions across plans: in the graph overlap a shared theme (what an action is about) weighs more
than a shared public (whom it serves), and a public more than a shared dispositif (one of its means)
(embeddings/similar.py, KIND_WEIGHT). Real encoders on two corpus documents (a plan of Pays de la Loire, the
national booklet)."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from api.service import Service
from embeddings.similar import FEATURE_FULL_SCORE, KIND_WEIGHT

KINDS = {"theme": "themes", "targets": "publics", "mobilises": "dispositifs"}  # edge kind -> its weight's key


@pytest.fixture(scope="module")
def finder(tmp_path_factory: pytest.TempPathFactory, two_docs: Path, copied_two_docs):
    svc: Service = copied_two_docs(tmp_path_factory.mktemp("similar-kinds"), two_docs)
    yield svc.search_engine.similar_finder
    svc.close()


def _overlaps(finder, kind_weight: dict[str, float]) -> np.ndarray:
    """Each pair of actions' weighted Jaccard, recomputed from the graph's edges: a feature weighs its rarity
    among the actions (log), its score's share (FEATURE_FULL_SCORE), the share of the plans whose actions have
    it, and its kind's weight."""
    g, actions = finder.g, finder.actions
    raw: list[dict[str, tuple[float, str]]] = []
    for node in actions:
        mine: dict[str, tuple[float, str]] = {}
        for _, feature, e in g.out_edges(node, data=True):
            if e["kind"] in KINDS:
                score = e.get("score")
                share = 1.0 if score is None else min(float(score), FEATURE_FULL_SCORE) / FEATURE_FULL_SCORE
                mine[feature] = (max(mine.get(feature, (0.0, ""))[0], share, 1e-3), KINDS[e["kind"]])
        raw.append(mine)
    holders = Counter(x for mine in raw for x in mine)
    plans = {finder.facts[n].doc for n in actions}
    plans_of = {
        x: {finder.facts[n].doc for n, mine in zip(actions, raw, strict=True) if x in mine} for x in holders
    }
    weights = [
        {
            x: math.log(len(actions) / holders[x]) * share * kind_weight[kind] * len(plans_of[x]) / len(plans)
            for x, (share, kind) in mine.items()
        }
        for mine in raw
    ]
    out = np.zeros((len(actions), len(actions)))
    for i, a in enumerate(weights):
        for j, b in enumerate(weights):
            if i != j:
                shared = sum(min(w, b[x]) for x, w in a.items() if x in b)
                union = sum(a.values()) + sum(b.values()) - shared
                out[i, j] = shared / union if union else 0.0
    return out


def _ranked(finder, overlaps: np.ndarray, me: int) -> list[int]:
    row = overlaps[me]
    order = [int(j) for j in np.argsort(-row, kind="stable") if row[j] > 0]
    return [j for j in order if finder.items.get(finder.actions[j])]


def test_a_theme_weighs_more_than_a_public_and_a_public_more_than_a_dispositif() -> None:
    assert KIND_WEIGHT["themes"] > KIND_WEIGHT["publics"] > KIND_WEIGHT["dispositifs"] > 0


def test_the_graph_ranking_weighs_each_shared_feature_by_its_kind(finder) -> None:
    """Every action's graph ranking is the weighted Jaccard of its features with their kinds' weights, and on
    these two plans the kinds change some action's ranking (a ranking without them would differ)."""
    weighted = _overlaps(finder, KIND_WEIGHT)
    flat = _overlaps(finder, dict.fromkeys(KIND_WEIGHT, 1.0))
    everywhere = np.ones(len(finder.actions), bool)
    changed = 0
    for me, node in enumerate(finder.actions):
        if not finder.items.get(node) or not finder.weights[me].any():
            continue
        got = [int(j) for j in finder._graph_ranking(me, everywhere)]
        expected = _ranked(finder, weighted, me)
        # equal overlaps may come in either order: compare the overlaps along the ranking
        assert np.allclose(weighted[me][got], weighted[me][expected], atol=1e-9), node
        assert set(got) == set(expected), node
        changed += _ranked(finder, flat, me)[:10] != expected[:10]
    assert changed >= 3, changed
