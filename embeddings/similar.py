"""Similar actions across regions: for an action, the actions elsewhere whose passages say the most similar
things (dense similarity of the best pair of passages, fused with a BM25 ranking of the action's own words),
explained by what they share — themes, dispositifs, publics — and the pair of passages that match best.
A retelling of the same action in another document (the national booklet retells regional actions) is
recognised and listed apart as "same action"."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx
import numpy as np
from rapidfuzz import fuzz

from embeddings.french import tokens
from embeddings.search import Retriever, fuse
from ingest.errors import InputError, NotFound

SCOPES = ("other-regions", "all", "same-region")
SAME_ACTION_COSINE = 0.55  # best passage pair (USE); with a shared place or organisation and a mutual best match
SAME_ACTION_TITLE = 80
SPECIFIC_ACTOR_DEGREE = 5  # an organisation named by at most this many statements identifies an initiative


def _labels(g: nx.MultiDiGraph, node: str, kind: str) -> dict[str, str]:
    return {dst: g.nodes[dst]["label"] for _, dst, e in g.out_edges(node, data=True) if e["kind"] == kind}


def _places(g: nx.MultiDiGraph, node: str) -> set[str]:
    """Territories below the région level (communes, EPCI, départements, named places)."""
    return {dst for _, dst, e in g.out_edges(node, data=True)
            if e["kind"] == "in" and g.nodes[dst].get("level") not in ("region", None) and not e.get("inferred")}


def _actors(g: nx.MultiDiGraph, node: str) -> set[str]:
    return {dst for _, dst, e in g.out_edges(node, data=True)
            if e["kind"] in ("piloted_by", "partner", "contact") and not g.nodes[dst].get("generic")}


class Similar:
    def __init__(self, graph: nx.MultiDiGraph, retriever: Retriever, items: dict[str, list[int]], rrf_k: int = 60):
        self.g = graph
        self.r = retriever
        self.items = items
        self.rrf_k = rrf_k
        self.actions = [n for n, d in graph.nodes(data=True) if d.get("type") == "action"]

    def _region(self, node: str) -> str | None:
        return self.g.nodes[node].get("region")

    def _in_scope(self, a: str, b: str, scope: str) -> bool:
        if a == b:
            return False
        if scope == "all":
            return True
        same = self._region(a) is not None and self._region(a) == self._region(b)
        return same if scope == "same-region" else not same

    def similar(self, action_id: str, *, k: int = 5, scope: str = "other-regions") -> dict[str, Any]:
        node = action_id if action_id.startswith("action:") else f"action:{action_id}"
        if node not in self.g:
            raise NotFound(f"no action with id {action_id!r}", where="action_id",
                           valid="an id listed by /actions or `qfq export actions`")
        if scope not in SCOPES:
            raise InputError(f"unknown scope {scope!r}", where="scope", valid=", ".join(SCOPES))
        # every other action is scored: a retelling in another document counts whatever its region
        candidates = [b for b in self.actions if b != node]
        fused, best_for = self.ranking(node, candidates)
        if not fused:
            return {"id": action_id, "scope": scope, "results": [], "same_action": []}
        results, same = [], []
        for hit in fused:
            other = hit["item"]
            entry = self._explain(node, other, hit["score"], best_for.get(other))
            if entry["same_action"]:
                same.append(entry)
            elif self._in_scope(node, other, scope) and len(results) < k:
                results.append(entry)
        return {"id": action_id, "scope": scope, "results": results, "same_action": same}

    def ranking(self, node: str, candidates: list[str], *, retriever: Retriever | None = None,
                keywords: bool = True, graph: bool = True) -> tuple[list[dict[str, Any]], dict]:
        """Candidates fused from three rankings: the best pair of passages (dense), the action's own words
        (BM25) and what the graph says they share (themes, dispositifs, publics; Jaccard)."""
        r = retriever or self.r
        own = self.items.get(node, [])
        allowed = np.array(sorted(i for b in candidates for i in self.items.get(b, ())), dtype=np.int64)
        if not own or not len(allowed):
            return [], {}
        sims = r.dense.vectors[own] @ r.dense.vectors[allowed].T  # own chunks x candidate chunks
        best_for: dict[str, tuple[float, int, int]] = {}
        rows = np.argmax(sims, axis=0)
        for col, pos in enumerate(allowed):
            item = r.chunks[pos].item
            value = float(sims[rows[col], col])
            if item not in best_for or value > best_for[item][0]:
                best_for[item] = (value, own[int(rows[col])], int(pos))
        rankings = [(1.0, [(best_for[i][2], best_for[i][0]) for i in sorted(best_for, key=lambda i: -best_for[i][0])])]
        if keywords:
            words = [w for w, _ in Counter(t for i in own for t in tokens(r.chunks[i].text)).most_common(64)]
            rankings.append((1.0, r.keyword_ranking(words, allowed, 200)))
        if graph:
            mine = self._features(node)
            overlap = {b: len(mine & self._features(b)) / len(mine | self._features(b)) for b in candidates if mine}
            rankings.append((1.0, [(self.items[b][0], v) for b, v in sorted(overlap.items(), key=lambda x: -x[1])
                                   if v > 0 and self.items.get(b)]))
        return fuse(rankings, r.chunks, self.rrf_k), best_for

    def _features(self, node: str) -> set[str]:
        return {dst for _, dst, e in self.g.out_edges(node, data=True) if e["kind"] in ("theme", "mobilises", "targets")}

    def _best_in_doc(self, node: str, doc: str) -> str | None:
        """The action of document `doc` whose passages are closest to those of `node`."""
        own = self.items.get(node, [])
        others = [n for n in self.actions if self.g.nodes[n].get("doc") == doc and n != node]
        if not own or not others:
            return None
        vectors = self.r.dense.vectors
        best, best_value = None, -2.0
        for other in others:
            value = float((vectors[own] @ vectors[self.items[other]].T).max())
            if value > best_value:
                best, best_value = other, value
        return best

    def _anchored(self, a: str, b: str) -> bool:
        """Something specific ties the two texts to one initiative: a place below the région, an organisation
        named by few actions, or — for a collection of actions retold from regional plans — a shared
        organisation in the same région."""
        g = self.g
        if _places(g, a) & _places(g, b):
            return True
        shared = _actors(g, a) & _actors(g, b)
        if any(g.in_degree(x) <= SPECIFIC_ACTOR_DEGREE for x in shared):
            return True
        kinds = [g.nodes.get(f"document:{g.nodes[n].get('doc')}", {}).get("kind") or "" for n in (a, b)]
        retold = any(k.startswith("recueil") for k in kinds)
        return retold and bool(shared) and g.nodes[a].get("region") == g.nodes[b].get("region")

    def _mutual(self, a: str, b: str) -> bool:
        """Each is the other's closest action in the other's document: a retelling, not a neighbour."""
        return self._best_in_doc(a, self.g.nodes[b]["doc"]) == b and self._best_in_doc(b, self.g.nodes[a]["doc"]) == a

    def _explain(self, a: str, b: str, score: float, best: tuple[float, int, int] | None) -> dict[str, Any]:
        g = self.g
        d = g.nodes[b]
        shared = {}
        for kind, key in (("theme", "themes"), ("mobilises", "dispositifs"), ("targets", "publics")):
            mine, theirs = _labels(g, a, kind), _labels(g, b, kind)
            shared[key] = sorted(mine[x] for x in set(mine) & set(theirs))
        cosine, own_pos, other_pos = best if best else (0.0, None, None)
        passages = None
        if own_pos is not None:
            mine_c, theirs_c = self.r.chunks[own_pos], self.r.chunks[other_pos]
            passages = [
                {"text": c.text, "doc": c.doc, "line_start": c.line_start, "line_end": c.line_end}
                for c in (mine_c, theirs_c)
            ]
        title_match = fuzz.token_set_ratio(g.nodes[a]["label"].lower(), d["label"].lower())
        anchored = self._anchored(a, b)
        same_action = g.nodes[a].get("doc") != d.get("doc") and anchored and (
            cosine >= SAME_ACTION_COSINE or title_match >= SAME_ACTION_TITLE) and self._mutual(a, b)
        return {
            "id": b.removeprefix("action:"), "type": "action", "title": d["label"], "doc": d.get("doc"),
            "ref": d.get("ref"), "region": d.get("region"), "score": round(score, 5),
            "same_action": same_action,
            "explanation": {**shared, "cosine": round(cosine, 4), "passages": passages},
        }
