"""The search engine of a knowledge base: chunks, retrievers for the search and the similar-actions encoders,
structured filters resolved on the graph, and results in the shape the API and the CLI share.

Results are actions, passages (typed sections of a document — diagnostic, édito, glossaire… — or its free
text), dispositifs and actors. The action filters apply to passages as far as a passage can answer them: its
document, and the territory of its document (with containment); a theme, public, dispositif, actor or word
filter keeps actions only."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from embeddings.chunks import PassageItem
from embeddings.french import tokens
from embeddings.search import Retriever, SearchConfig, SearchIndex, index_path
from embeddings.similar import Similar
from embeddings.vectors import VectorCache
from embeddings.why import Asked, names, reasons
from graph.errors import NotFound
from graph.filters import Filters
from ingest.errors import InputError

log = logging.getLogger(__name__)
TYPES = ("action", "passage", "dispositif", "actor")
__all__ = ["TYPES", "Filters", "SearchEngine"]

# progress(encoder name, chunks encoded, chunks to encode)
EncodeProgress = Callable[[str, int, int], None]


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
        *,
        passages_of: Callable[[str], list] | None = None,
        pages_of: Callable[[str], list[int] | None] | None = None,
        progress: EncodeProgress | None = None,
    ):
        self.kb = kb
        self.graph: nx.MultiDiGraph = kb.graph
        self.pages_of = pages_of
        self._pages: dict[str, list[int] | None] = {}
        self._stems: dict[str, frozenset[str]] = {}  # chunk id -> its stems, for the results shown
        self._names: dict[str, tuple] = {}  # node -> label, folded names, stems
        self._edges: dict[str, tuple[tuple[str, str], ...]] = {}  # node -> (edge kind, target) out-edges

        def step(name: str):
            return (lambda done, total: progress(name, done, total)) if progress else None

        self.index = SearchIndex(
            self.graph,
            lines_of,
            encoder,
            cache,
            config,
            index_dir,
            step(encoder.name),
            passages_of=passages_of,
        )
        if similar_encoder is None or similar_encoder.name == encoder.name:
            retriever = self.index.retriever
        else:
            retriever = Retriever(
                self.index.chunks,
                similar_encoder,
                cache,
                config,
                index_path(index_dir, similar_encoder.name) if index_dir else None,
                step(similar_encoder.name),
            )
        self.similar_finder = Similar(self.graph, retriever, self.index.items, config.rrf_k)

    # -- filters ------------------------------------------------------------------------------------------

    def items(self, f: Filters, scopes: dict[str, str | None] | None = None) -> set[str] | None:
        """Items the filters allow (None: no restriction). With a territory, `scopes` (when given) is filled
        with each item's scope, local or wider; nothing is kept on the shared engine."""
        if f.type and f.type not in TYPES:
            raise InputError(f"type inconnu : {f.type!r}", where="type", valid=", ".join(TYPES))
        if f.type == "passage":
            return self._passages(f, scopes)
        if not f.any_action_filter():
            return f.nodes(self.kb.queries, scopes) if f.type else None
        allowed = f.nodes(self.kb.queries, scopes) or set()
        return allowed if f.type else allowed | self._passages(f, scopes)

    def _passages(self, f: Filters, scopes: dict[str, str | None] | None) -> set[str]:
        """The passages a filter allows: of its document, of a document whose territory is in or around the
        filter's territory; none with a filter a passage cannot answer (theme, public, dispositif, actor,
        words)."""
        if any((f.theme, f.public, f.dispositif, f.actor, f.words)):
            return set()
        kept = [p for p in self.index.passages.values() if not f.doc or p.doc == f.doc]
        if not f.where:
            return {p.id for p in kept}
        doc_scope = self._document_scopes(f.where)
        out = set()
        for p in kept:
            scope = doc_scope.get(p.doc)
            if scope:
                out.add(p.id)
                if scopes is not None:
                    scopes[p.id] = scope
        return out

    def _document_scopes(self, where: str) -> dict[str, str]:
        """Each document whose territory (département, else région) is in `where` (local) or contains it
        (wider)."""
        q = self.kb.queries
        place = q.place(where)  # an unknown place is the caller's error, as for actions
        down, up = set(q.below(place)), set(q.above(place))
        out = {}
        for node, d in self.graph.nodes(data=True):
            if d.get("type") != "document":
                continue
            name = d.get("department") or d.get("region")
            if not name:
                continue
            try:
                target = q.place(name).node
            except (InputError, NotFound):
                continue
            if target in down or target == place.node:
                out[node.removeprefix("document:")] = "local"
            elif target in up:
                out[node.removeprefix("document:")] = "wider"
        return out

    # -- search -------------------------------------------------------------------------------------------

    def search(self, text: str, *, k: int = 10, filters: Filters | None = None) -> dict[str, Any]:
        if not text or not text.strip():
            raise InputError("texte de recherche vide", where="q", valid="quelques mots en français")
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
        asked = Asked(text, filters)
        for h in hits[:k]:
            r = self.describe(h["item"], h["score"], h["chunk"])
            if filters.where:
                r["scope"] = scopes.get(h["item"])
            r["why"] = reasons(self, asked, h["item"], self.index.chunks[h["chunk"]], r.get("scope"))
            results.append(r)
        return {"query": text, "results": results}

    def describe(self, item: str, score: float, chunk_pos: int) -> dict[str, Any]:
        chunk = self.index.chunks[chunk_pos]
        if item in self.index.passages:
            return self._describe_passage(self.index.passages[item], score, chunk)
        d = self.graph.nodes[item]
        if chunk.line_start is None and d["type"] == "action" and len(self.index.items[item]) > 1:
            chunk = self.index.chunks[self.index.items[item][1]]  # show the document's words
        kind = d["type"]
        out = {
            "id": item.removeprefix("action:") if kind == "action" else item,
            "type": kind,
            "title": d["label"],
            "doc": d.get("doc"),
            "ref": d.get("ref"),
            "region": d.get("region"),
            "score": round(score, 5),
            "passage": self._passage_body(chunk),
        }
        if kind == "action":
            nodes = self.graph.nodes
            edges = self.edges_of(item)
            out["territories"] = [nodes[dst]["label"] for edge, dst in edges if edge == "in"]
            out["pilots"] = [nodes[dst]["label"] for edge, dst in edges if edge == "piloted_by"]
        elif kind == "dispositif":
            out["definition"] = d.get("definition")
        return out

    def stems_of(self, chunk) -> frozenset[str]:
        """The stems of a chunk's words and extra words (computed once, for the chunks results show)."""
        found = self._stems.get(chunk.id)
        if found is None:
            found = self._stems[chunk.id] = frozenset(tokens(chunk.keywords))
        return found

    def edges_of(self, node: str) -> tuple[tuple[str, str], ...]:
        """(kind, target) of a node's out-edges, in the graph's order (read once: results show the same few
        actions again and again, and walking a multigraph's edge views is a search's costliest Python)."""
        found = self._edges.get(node)
        if found is None:
            found = self._edges[node] = tuple(
                (e["kind"], dst) for _, dst, e in self.graph.out_edges(node, data=True)
            )
        return found

    def names_of(self, node: str) -> tuple[str, frozenset[str], frozenset[str]]:
        found = self._names.get(node)
        if found is None:
            found = self._names[node] = names(self.graph, node)
        return found

    def _passage_body(self, chunk) -> dict[str, Any]:
        body = {
            "text": chunk.text,
            "doc": chunk.doc,
            "line_start": chunk.line_start,
            "line_end": chunk.line_end,
        }
        pages = self._pages_of(chunk.doc) if chunk.doc and chunk.line_start else None
        if pages and chunk.line_end <= len(pages):
            body["page_start"], body["page_end"] = pages[chunk.line_start - 1], pages[chunk.line_end - 1]
        return body

    def _pages_of(self, doc: str) -> list[int] | None:
        if doc not in self._pages:
            self._pages[doc] = self.pages_of(doc) if self.pages_of else None
        return self._pages[doc]

    def _describe_passage(self, p: PassageItem, score: float, chunk) -> dict[str, Any]:
        d = self.graph.nodes.get(f"document:{p.doc}", {})
        return {
            "id": p.id.removeprefix("passage:"),
            "type": "passage",
            "title": p.heading,
            "doc": p.doc,
            "region": d.get("region"),
            "score": round(score, 5),
            "passage": self._passage_body(chunk),
            "passage_type": p.type,
            "heading_path": list(p.heading_path),
            "section": {"line_start": p.line_start, "line_end": p.line_end},
        }

    def similar(self, action_id: str, *, k: int = 5, scope: str = "other-regions") -> dict[str, Any]:
        return self.similar_finder.similar(action_id, k=k, scope=scope)
