"""The dense index on real faiss: exact and HNSW search, filters, and the index kept on disk and updated
incrementally (unchanged entries reused, removed ones gone, new ones added), with crash-safe writes."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from embeddings.index import DenseIndex

DIM = 32


def unit(rows: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((rows, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def corpus(n: int, seed: int = 0) -> tuple[list[str], list[str], np.ndarray]:
    ids = [f"action:a{i}#0" for i in range(n)]
    return ids, [f"d{i}" for i in range(n)], unit(n, seed)


def exact(ids: list[str], vectors: np.ndarray, query: np.ndarray, k: int) -> list[str]:
    order = np.argsort(-(vectors @ query))[:k]
    return [ids[i] for i in order]


def found(index: DenseIndex, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[str]:
    return [c for c, _ in index.search(query, k, allowed)]


@pytest.mark.parametrize("threshold", [1_000_000, 1])  # flat, HNSW
def test_search_is_exact_and_filters_inside(threshold: int) -> None:
    ids, _, vectors = corpus(400)
    index = DenseIndex(ids, vectors, hnsw_threshold=threshold)
    assert index.hnsw is (threshold == 1)
    allowed = np.arange(0, 400, 7)
    for q in unit(10, 1):
        assert found(index, q, 10) == exact(ids, vectors, q, 10)
        sub = [ids[i] for i in allowed]
        assert found(index, q, 5, allowed) == exact(sub, vectors[allowed], q, 5)
    assert found(index, unit(1, 2)[0], 5, np.array([], dtype=np.int64)) == []


def test_saved_index_is_reused_and_updated_incrementally(tmp_path: Path) -> None:
    path = tmp_path / "index-test.faiss"
    ids, digests, vectors = corpus(300)
    first = DenseIndex(ids, vectors, digests=digests, path=path, meta={"encoder": "test"})
    assert first.stats["built"] and (tmp_path / "index-test.json").exists()

    same = DenseIndex(ids, vectors, digests=digests, path=path, meta={"encoder": "test"})
    assert same.stats == {"reused": 300, "added": 0, "removed": 0, "dead": 0, "built": False}

    # a document changed: 20 chunks gone, one rewritten (new digest, new vector), 15 new ones
    keep = list(range(20, 300))
    new_ids = [ids[i] for i in keep] + [f"action:b{i}#0" for i in range(15)]
    new_digests = [digests[i] for i in keep] + [f"e{i}" for i in range(15)]
    new_vectors = np.vstack([vectors[keep], unit(15, 3)])
    new_digests[0], new_vectors[0] = "rewritten", unit(1, 4)[0]
    updated = DenseIndex(new_ids, new_vectors, digests=new_digests, path=path, meta={"encoder": "test"})
    assert updated.stats == {"reused": 279, "added": 16, "removed": 21, "dead": 0, "built": False}
    assert updated.index.ntotal == len(new_ids)
    for q in unit(20, 5):
        assert found(updated, q, 10) == exact(new_ids, new_vectors, q, 10)
    assert len(list(tmp_path.glob("index-test.*.faiss"))) == 1  # older generations removed

    # other parameters (encoder) or a damaged file: built again, never a wrong answer
    other = DenseIndex(new_ids, new_vectors, digests=new_digests, path=path, meta={"encoder": "other"})
    assert other.stats["built"]
    meta = json.loads((tmp_path / "index-test.json").read_text())
    (tmp_path / meta["file"]).write_bytes(b"not a faiss index")
    damaged = DenseIndex(new_ids, new_vectors, digests=new_digests, path=path, meta={"encoder": "other"})
    assert damaged.stats["built"] and found(damaged, new_vectors[3], 1) == [new_ids[3]]


def test_hnsw_removals_are_skipped_then_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "index-h.faiss"
    ids, digests, vectors = corpus(500)
    DenseIndex(ids, vectors, hnsw_threshold=1, digests=digests, path=path)
    # 40 chunks removed: HNSW cannot remove them, they are skipped at search
    fewer = DenseIndex(ids[40:], vectors[40:], hnsw_threshold=1, digests=digests[40:], path=path)
    assert fewer.stats["dead"] == 40 and not fewer.stats["built"]
    for q in vectors[:40]:  # the nearest neighbour of a removed vector is itself: it must not come back
        hits = found(fewer, q, 10)
        assert not set(hits) & set(ids[:40]) and hits == exact(ids[40:], vectors[40:], q, 10)
    # beyond a fifth of the index removed: built again, without the dead
    with caplog.at_level(logging.INFO, logger="embeddings.index"):
        rebuilt = DenseIndex(ids[150:], vectors[150:], hnsw_threshold=1, digests=digests[150:], path=path)
    assert rebuilt.stats["built"] and rebuilt.index.ntotal == 350 and "built again" in caplog.text


def test_an_interrupted_save_keeps_the_previous_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "index-c.faiss"
    ids, digests, vectors = corpus(100)
    DenseIndex(ids, vectors, digests=digests, path=path)
    before = (tmp_path / "index-c.json").read_text()

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("embeddings.index.json.dumps", crash)  # the metadata write fails after the index file
    with pytest.raises(OSError):
        DenseIndex(ids[:90], vectors[:90], digests=digests[:90], path=path)
    monkeypatch.undo()
    assert (tmp_path / "index-c.json").read_text() == before
    again = DenseIndex(ids, vectors, digests=digests, path=path)
    assert again.stats["reused"] == 100 and not again.stats["built"]
