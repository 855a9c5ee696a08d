"""The search engine of a knowledge base: chunks, retrievers for the search and the similar-actions encoders,
structured filters resolved on the graph, and results in the shape the API and the CLI share."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from embeddings.search import Retriever, SearchConfig, SearchIndex, index_path
from embeddings.similar import Similar
from embeddings.vectors import VectorCache
from graph.filters import TYPES, Filters
from ingest.errors import InputError

log = logging.getLogger(__name__)
__all__ = ["TYPES", "Filters", "SearchEngine"]


class SearchEngine:
    def __init__(
        self,
        kb,
        lines_of: Callable[[str], list[str]],
        encoder: Any,
        similar_encoder: Any,
        cache: VectorCache,
        config: SearchConfig,
        index_dir: Path | None = None,
    ):
        self.kb = kb
        self.graph: nx.MultiDiGraph = kb.graph
        self.index = SearchIndex(self.graph, lines_of, encoder, cache, config, index_dir)
        if similar_encoder is None or similar_encoder.name == encoder.name:
            retriever = self.index.retriever
        else:
            retriever = Retriever(
                self.index.chunks,
                similar_encoder,
                cache,
                config,
                index_path(index_dir, similar_encoder.name) if index_dir else None,
            )
        self.similar_finder = Similar(self.graph, retriever, self.index.items, config.rrf_k)

    # -- filters ------------------------------------------------------------------------------------------

    def items(self, f: Filters, scopes: dict[str, str | None] | None = None) -> set[str] | None:
        """Graph nodes the filters allow (None: no restriction). With a territory, `scopes` (when given) is
        filled with each action's scope, local or wider; nothing is kept on the shared engine."""
        return f.nodes(self.kb.queries, scopes)

    # -- search -------------------------------------------------------------------------------------------

    def search(self, text: str, *, k: int = 10, filters: Filters | None = None) -> dict[str, Any]:
        if not text or not text.strip():
            raise InputError("empty search text", where="q", valid="a few words in French")
        filters = filters or Filters()
        scopes: dict[str, str | None] = {}
        second = self.similar_finder.r
        extra = (
            [(self.index.config.second_dense_weight, second)] if second is not self.index.retriever else []
        )
        hits = self.index.search(
            text, k=max(k, self.index.config.candidates), items=self.items(filters, scopes), extra=extra
        )
        if filters.where:  # on a territory, what happens there comes before what covers a wider territory
            hits.sort(key=lambda h: scopes.get(h["item"]) == "wider")
        results = []
        for h in hits[:k]:
            r = self.describe(h["item"], h["score"], h["chunk"])
            if filters.where:
                r["scope"] = scopes.get(h["item"])
            results.append(r)
        return {"query": text, "results": results}

    def describe(self, item: str, score: float, chunk_pos: int) -> dict[str, Any]:
        d = self.graph.nodes[item]
        chunk = self.index.chunks[chunk_pos]
        if chunk.line_start is None and d["type"] == "action" and len(self.index.items[item]) > 1:
            chunk = self.index.chunks[self.index.items[item][1]]  # show the document's words, not the header
        kind = d["type"]
        out = {
            "id": item.removeprefix("action:") if kind == "action" else item,
            "type": kind,
            "title": d["label"],
            "doc": d.get("doc"),
            "ref": d.get("ref"),
            "region": d.get("region"),
            "score": round(score, 5),
            "passage": {
                "text": chunk.text,
                "doc": chunk.doc,
                "line_start": chunk.line_start,
                "line_end": chunk.line_end,
            },
        }
        if kind == "action":
            out["territories"] = [t["name"] for t in self.kb.queries.territories_of(item)]
            out["pilots"] = [
                self.graph.nodes[dst]["label"]
                for _, dst, e in self.graph.out_edges(item, data=True)
                if e["kind"] == "piloted_by"
            ]
        elif kind == "dispositif":
            out["definition"] = d.get("definition")
        return out

    def similar(self, action_id: str, *, k: int = 5, scope: str = "other-regions") -> dict[str, Any]:
        return self.similar_finder.similar(action_id, k=k, scope=scope)
