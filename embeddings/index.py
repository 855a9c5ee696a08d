"""The dense index: faiss inner product on normalised vectors — exact (flat) below a size threshold, HNSW above
it — with filters applied inside the search (an id selector), persisted next to the store, written atomically."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import faiss
import numpy as np

log = logging.getLogger(__name__)


class DenseIndex:
    def __init__(self, chunk_ids: list[str], vectors: np.ndarray, *, hnsw_threshold: int = 50_000):
        self.chunk_ids = chunk_ids
        self.position = {c: i for i, c in enumerate(chunk_ids)}
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = self.vectors.shape[1] if self.vectors.size else 1
        self.hnsw = len(chunk_ids) >= hnsw_threshold
        base = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT) if self.hnsw else faiss.IndexFlatIP(dim)
        self.index = faiss.IndexIDMap2(base)
        if len(chunk_ids):
            self.index.add_with_ids(self.vectors, np.arange(len(chunk_ids), dtype=np.int64))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k nearest chunks; `allowed` (positions) restricts the search itself, not its result."""
        if not self.chunk_ids or (allowed is not None and not len(allowed)):
            return []
        params = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(64, k)) if self.hnsw \
                else faiss.SearchParameters(sel=selector)
            k = min(k, len(allowed))
        scores, ids = self.index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k, params=params)
        return [(self.chunk_ids[i], float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def vector(self, chunk_id: str) -> np.ndarray:
        return self.vectors[self.position[chunk_id]]

    def save(self, path: Path, meta: dict) -> None:
        """Write index and metadata under temporary names, then rename: a crash never leaves half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        faiss.write_index(self.index, str(tmp))
        meta_tmp = path.with_suffix(".json.tmp")
        meta_tmp.write_text(json.dumps({**meta, "chunk_ids": self.chunk_ids}), encoding="utf-8")
        os.replace(tmp, path)
        os.replace(meta_tmp, path.with_suffix(".json"))
        log.debug("dense index written to %s (%d vectors)", path, len(self.chunk_ids))
