"""Similar actions across plans: the dense ranking compares passages once what every chunk of their document
shares is taken away (each vector minus its document's mean, over its actions and its passages), while the raw
cosines still tell a retelling and explain a result (embeddings/similar.py). Real encoders on two corpus
documents (a plan of Pays de la Loire, the national booklet)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from api.service import Service


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, two_docs: Path, copied_two_docs) -> Service:
    svc = copied_two_docs(tmp_path_factory.mktemp("similar-centred"), two_docs)
    yield svc
    svc.close()


def _best_pair_ranking(finder, vectors: np.ndarray, me: int) -> tuple[list[int], np.ndarray]:
    """The other actions with chunks by their best pair of chunks with action `me` under `vectors` (rows of
    every chunk), and those best cosines (by action number, -inf: none)."""
    own = finder.items[finder.actions[me]]
    best = np.full(len(finder.actions), -np.inf)
    for j, node in enumerate(finder.actions):
        theirs = finder.items.get(node)
        if j != me and theirs:
            best[j] = float((vectors[own] @ vectors[theirs].T).max())
    order = [int(j) for j in np.argsort(-best, kind="stable") if np.isfinite(best[j])]
    return order, best


def test_the_dense_ranking_compares_vectors_centred_on_their_document(service: Service) -> None:
    finder = service.search_engine.similar_finder
    raw = np.asarray(finder.r.dense.vectors, np.float64)
    docs = np.array([c.doc or "" for c in finder.r.chunks])
    centred = raw.copy()
    for doc in set(docs):
        mine = docs == doc
        centred[mine] -= raw[mine].mean(axis=0)  # every chunk of the document: actions and passages
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    assert any(c.kind == "passage" for c in finder.r.chunks)
    changed = 0
    for me, node in enumerate(finder.actions):
        if not finder.items.get(node):
            continue
        got = [int(j) for j in finder._dense_ranking(finder.items[node], me)]
        expected, best = _best_pair_ranking(finder, centred, me)
        assert set(got) == set(expected), node
        assert np.allclose(best[got], best[expected], atol=1e-4), node  # equal cosines in either order
        changed += got[:10] != _best_pair_ranking(finder, raw, me)[0][:10]
    assert changed >= 3, changed  # on these two plans, centring changes some actions' first ten


def test_a_result_is_still_explained_by_the_raw_cosine_of_its_best_pair(service: Service) -> None:
    finder = service.search_engine.similar_finder
    raw = np.asarray(finder.r.dense.vectors, np.float64)
    node = next(
        n for n in finder.actions if finder.facts[n].doc == "001_7091df44cd1e8194" and finder.items.get(n)
    )
    body = service.similar(node.removeprefix("action:"), k=5, scope="all")
    assert body["results"]
    _, best = _best_pair_ranking(finder, raw, finder.index[node])
    for r in body["results"]:
        assert r["explanation"]["cosine"] == pytest.approx(best[finder.index["action:" + r["id"]]], abs=1e-3)
