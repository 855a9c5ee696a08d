"""Search and similar actions: encoders, vector cache, indexes, warm-up."""

from __future__ import annotations

import logging
import time
from functools import cached_property
from typing import Any

from api.memory import settle_memory
from graph.filters import Filters

log = logging.getLogger(__name__)


class SearchFacade:
    """Mixed into :class:`api.service.Service`, whose state (settings, store, knowledge, answers) it uses."""

    @cached_property
    def encoders(self) -> dict[str, Any]:
        from embeddings.encoder import build_encoder

        s = self.settings
        from embeddings.threads import QueryThreads

        # one set of query threads for both encoders: one team-starting thread for the process
        teams = QueryThreads(nice=self.query_nice)  # niced by a server (api/app.py), not by a CLI command
        counts = {"threads": s.threads, "query_threads": s.query_threads, "teams": teams}
        counts |= {"query_engine": s.query_engine}
        main = build_encoder(s.encoder, **counts)
        other = main if s.similar_encoder == s.encoder else build_encoder(s.similar_encoder, **counts)
        return {"search": main, "similar": other}

    @cached_property
    def vector_cache(self):
        from embeddings.vectors import VectorCache

        return VectorCache(self.settings.vector_cache or self.settings.data / "vectors.sqlite")

    @property
    def search_engine(self):
        """The search engine of the current knowledge base (rebuilt after an ingest; vectors are cached)."""
        return self.engine_for(self.knowledge)

    def engine_for(self, kb, progress=None):
        """The search engine of `kb`: the current one if it was built on `kb`, else a new one (kept).
        `progress(encoder, done, total)` is called as chunks are encoded."""
        from embeddings.engine import SearchEngine
        from embeddings.search import SearchConfig

        engine = self.__dict__.get("_engine")
        if engine is not None and engine.kb is kb:
            return engine
        with self._search_lock:
            engine = self.__dict__.get("_engine")
            if engine is None or engine.kb is not kb:
                s = self.settings
                config = SearchConfig(
                    bm25_weight=s.bm25_weight,
                    dense_weight=s.dense_weight,
                    second_dense_weight=s.second_dense_weight,
                    rrf_k=s.rrf_k,
                    hnsw_threshold=s.hnsw_threshold,
                    passage_weight=s.passage_weight,
                    expansion_weight=s.expansion_weight,
                )
                engine = SearchEngine(
                    kb,
                    self.store.lines,
                    self.encoders["search"],
                    self.encoders["similar"],
                    self.vector_cache,
                    config,
                    index_dir=s.data,
                    passages_of=lambda doc: [p for _, p in self.store.passages(doc)],
                    pages_of=self.store.pages,
                    progress=progress,
                )
                if (
                    self.__dict__.get("_engine") is None
                    or self.__dict__["_engine"].kb.generation <= kb.generation
                ):
                    self.__dict__["_engine"] = engine
                settle_memory()
            return engine

    def warm_up(self) -> None:
        """Build now what the first requests would build — knowledge graph, search indexes, encoders — then
        move all of it out of the garbage collector's reach: loaded later, the encoders' objects (~375k) would
        make every full collection pause all requests for ~200 ms (bench/load.py)."""
        started = time.perf_counter()
        self.search_engine  # noqa: B018 - builds the knowledge base too
        for encoder in self.encoders.values():
            encoder.warm_up()
        settle_memory()
        log.info(
            "warmed up in %.1f s: knowledge graph, search indexes, encoders %s",
            time.perf_counter() - started,
            ", ".join(sorted({e.name for e in self.encoders.values()})),
        )

    def index(self, progress=None) -> dict[str, Any] | None:
        """Build the graph and the search indexes now (encoding only chunks not yet in the vector cache);
        None when the store holds no action. `progress(encoder, done, total)` is called as chunks are
        encoded."""
        if not self.store.count_actions():
            return None
        engine = self.engine_for(self.knowledge, progress)
        return {
            "chunks": len(engine.index.chunks),
            "passages": len(engine.index.passages),
            "encoder": self.encoders["search"].name,
            "similar_encoder": self.encoders["similar"].name,
        }

    def search(self, text: str, *, k: int = 10, **filters: Any) -> dict[str, Any]:
        """Hybrid search; ``filters`` are the fields of :class:`graph.filters.Filters`."""
        return self._answer(
            "search",
            lambda: self.search_engine.search(text, k=k, filters=Filters(**filters)),
            text,
            k,
            sorted(filters.items()),
        )

    def similar(self, action_id: str, *, k: int = 5, scope: str = "other-regions") -> dict[str, Any]:
        return self._answer(
            "similar", lambda: self.search_engine.similar(action_id, k=k, scope=scope), action_id, k, scope
        )
