"""Hybrid retrieval: BM25 (French) and dense vectors (faiss) fused by weighted reciprocal rank, with
structured filters applied inside each retriever; every result carries its best passage and where it is in the
document."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from embeddings.chunks import Chunk, PassageItem, all_chunks
from embeddings.expansion import default_expander
from embeddings.french import STOPWORDS, tokens
from embeddings.index import DEFAULT_HNSW_THRESHOLD, DenseIndex
from embeddings.typos import Corrector
from embeddings.vectors import VectorCache
from ingest.text import strip_accents

log = logging.getLogger(__name__)


# the stems of the words that ask what a word means
DEFINITION_CUES = frozenset(tokens("signifie signification définition définir sigle acronyme abréviation"))
# the phrases that ask it in everyday French, matched on the query lower-cased, accents folded, apostrophes
# straightened: « que veut dire X », « X, ça veut dire quoi », « c'est quoi X », « qu'est-ce que c'est »
DEFINITION_PHRASES = re.compile(
    r"\b(?:veu(?:t|lent) dire|voulait dire|c'est quoi|c est quoi|qu'est-ce que c'est|ca veut dire)\b"
)


def definition_asked(stems: list[str], text: str = "") -> bool:
    """Whether a query asks what a word means: by its stems ("que signifie AFPR", "définition du sigle") or by
    a phrase of DEFINITION_PHRASES in its `text` ("que veut dire UTAS", "c'est quoi un PLIE")."""
    if not DEFINITION_CUES.isdisjoint(stems):
        return True
    folded = strip_accents(text.lower().replace("’", "'"))
    return bool(text) and DEFINITION_PHRASES.search(folded) is not None


# the words of a definition question that are not the word asked about
_ASKING_WORDS = frozenset(
    strip_accents(w)
    for w in (
        "c'est", "quoi", "koi", "veut", "veulent", "voulait", "dire", "ça", "ca", "signifie", "signification",
        "définition", "définir", "sigle", "acronyme", "abréviation", "que", "est-ce",
    )
)  # fmt: skip


def asked_words(text: str) -> list[str]:
    """The words a definition question asks about: « c'est quoi un Claj » -> ['claj'] (lower-case, accents
    folded; stop words and the asking words left out)."""
    folded = strip_accents(text.lower().replace("’", "'"))
    words = re.findall(r"[^\W_][\w'-]*", folded)
    out = []
    for w in words:
        w = w.split("'")[-1]
        if len(w) >= 3 and w not in STOPWORDS and w not in _ASKING_WORDS:
            out.append(w)
    return out


def spells_out(text: str, words: list[str]) -> bool:
    """Whether a chunk's text defines one of `words` where it uses it, the way plans expand an acronym inline:
    « … Territoriales de la Rénovation Énergétique (PTRE) », « le CATEF (Comité d'Animation…) », « PTRE : … »
    (the acronym in capitals before the bracket or the colon)."""
    if not words:
        return False
    folded = strip_accents(text)
    for w in words:
        if re.search(rf"\(\s*{re.escape(w)}\s*\)", folded, re.I):
            return True
        for m in re.finditer(rf"\b({re.escape(w)})\s*[(:]", folded, re.I):
            if m.group(1).isupper():
                return True
    return False


SECONDARY_KINDS = frozenset({"passage", "actor"})  # results ranked a little below an action that ranks alike


@dataclass(frozen=True)
class SearchConfig:
    bm25_weight: float = 1.0
    dense_weight: float = 1.0
    second_dense_weight: float = 1.0  # the similar-actions encoder's ranking, also used for search
    rrf_k: int = 60
    # each retriever's ranking is cut at this many chunks before the fusion: an answer one retriever ranks
    # 51st-100th still adds its share when the other ranks it well (bench/search_eval.py at 100 against 50:
    # tuning set 0.894 -> 0.900, held-out set 3 0.899 -> 0.909, sets 2 and 4 unchanged)
    candidates: int = 100
    # a passage's or an actor's fused score is multiplied by this: below 1, an action and a passage (or the
    # actor whose summary repeats the action's title) that rank alike show the action first
    # (bench/search_eval.py: hit@5 0.829 -> 0.865 at 0.85; 0.7 loses most passage answers)
    passage_weight: float = 0.85
    # a query that asks what a word means ("que signifie AFPR", "définition du sigle SIAE"): a glossary
    # passage's fused score is multiplied by this (bench/search_eval.py: outside hit@5 0.778 -> 0.889 at 1.3,
    # the same from 1.3 to 2.5; every other kind unchanged; 2.0 with the inline definitions below)
    definition_boost: float = 2.0
    # … and so does a passage that spells the word out inline (« … de la Rénovation Énergétique (PTRE) »):
    # many acronyms are expanded in a diagnostic or a preamble, not in a glossary
    # (with the boost at 2.0, bench/search_eval.py: held-out set 5 outside hit@5 0.962 -> 1.000, « PTRE,
    # ça veut dire quoi » answered by the diagnostic; the boost alone at 2.0 changes nothing; other sets
    # unchanged)
    inline_definitions: bool = True
    # each ranking's first item is shown at this rank at worst (0: off). Reciprocal-rank fusion sums ranks,
    # so an item first for one retriever and absent from the other (1/61) loses to items middling in both
    # (2/70): a keyword or a paraphrase only one retriever understands was lost. At 4 (bench/search_eval.py):
    # held-out set 2 all hit@5 0.845 -> 0.876 (outside 0.812 -> 0.938), the tuning set 0.882 -> 0.888
    solo_top_rank: int = 4
    # a query's synonyms from embeddings/data/synonyms.toml ("chômeur" -> "demandeur d'emploi") score in the
    # keyword ranking at this weight beside its own words (0: off)
    expansion_weight: float = 0.4
    hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD
    batch_size: int = 32


class Retriever:
    """BM25 and dense indexes over the same chunks (one encoder)."""

    def __init__(
        self,
        chunks: list[Chunk],
        encoder: Any,
        cache: VectorCache,
        config: SearchConfig,
        index_path: Path | None = None,
        progress: Callable[[int, int], None] | None = None,
    ):
        self.chunks = chunks
        self.encoder = encoder
        self.config = config
        self.position = {c.id: i for i, c in enumerate(chunks)}
        self._corrector: Corrector | None = None  # built on the first query
        started = time.perf_counter()
        self.bm25 = bm25s.BM25()
        corpus_tokens = [tokens(c.keywords) or ["_"] for c in chunks]
        self.bm25.index(corpus_tokens, show_progress=False)
        digests = [c.digest(encoder.name) for c in chunks]
        vectors = self._vectors(digests, cache, progress)
        self.dense = DenseIndex(
            [c.id for c in chunks],
            vectors,
            hnsw_threshold=config.hnsw_threshold,
            digests=digests,
            path=index_path,
            meta={"encoder": encoder.name},
        )
        log.info(
            "indexed %d chunks with %s in %.1f s", len(chunks), encoder.name, time.perf_counter() - started
        )

    def _vectors(
        self, digests: list[str], cache: VectorCache, progress: Callable[[int, int], None] | None
    ) -> np.ndarray:
        known = cache.get(set(digests))
        missing = [i for i, d in enumerate(digests) if d not in known]
        if missing:
            log.info(
                "encoding %d new chunks with %s (%d cached)", len(missing), self.encoder.name, len(known)
            )
            fresh: dict[str, np.ndarray] = {}
            step = self.config.batch_size
            if progress:
                progress(0, len(missing))
            for start in range(0, len(missing), step):
                batch = missing[start : start + step]
                vecs = self.encoder.encode_document([self.chunks[i].text for i in batch])
                fresh.update({digests[i]: v for i, v in zip(batch, vecs, strict=True)})
                if progress:
                    progress(min(start + step, len(missing)), len(missing))
            cache.put(self.encoder.name, fresh)
            known.update(fresh)
        if not digests:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.vstack([known[d] for d in digests])

    # -- rankings (chunk positions), restricted to `allowed` positions when given -------------------------

    def corrected(self, query_tokens: list[str]) -> list[str]:
        """Query stems the chunks never use, replaced by the closest stem they use (embeddings/typos.py)."""
        if self._corrector is None:
            indptr = self.bm25.scores["indptr"]  # column i of the score matrix: the chunks using stem i
            self._corrector = Corrector(self.bm25.vocab_dict, np.diff(indptr))
        return self._corrector.corrected(query_tokens)

    def keyword_ranking(
        self, query_tokens: list[str], allowed: np.ndarray | None, n: int, expand: bool = False
    ) -> list[tuple[int, float]]:
        """BM25 ranking of the chunks; `expand`: also score the query's synonyms (a user's query, not the
        words of an action looking for similar ones)."""
        if not query_tokens or not self.chunks:
            return []
        expander = default_expander() if expand and self.config.expansion_weight else None
        known = expander.vocabulary if expander else frozenset()  # a lexicon word is no typo ("patron")
        corrected = self.corrected(query_tokens)
        query_tokens = [t if t in known else c for t, c in zip(query_tokens, corrected, strict=True)]
        scores = self.bm25.get_scores(query_tokens)
        if expander is not None:
            vocab = self.bm25.vocab_dict
            added = [s for s in expander.expand(query_tokens) if s in vocab]
            if added:
                scores = scores + self.config.expansion_weight * self.bm25.get_scores(added)
        if allowed is not None:
            masked = np.full_like(scores, -1.0)
            masked[allowed] = scores[allowed]
            scores = masked
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def dense_ranking(
        self, query_vector: np.ndarray, allowed: np.ndarray | None, n: int
    ) -> list[tuple[int, float]]:
        return [(self.position[c], s) for c, s in self.dense.search(query_vector, n, allowed)]


def fuse(
    rankings: list[tuple[float, list[tuple[int, float]]]], chunks: list[Chunk], rrf_k: int
) -> list[dict[str, Any]]:
    """Weighted reciprocal-rank fusion at item level. An item's passage is its best-ranked chunk of document
    text (the synthetic header chunk — title, pilots, places — only when no text chunk ranked)."""
    scores: dict[str, float] = {}
    best: dict[str, tuple[bool, int, int]] = {}  # item -> (is header, rank, chunk position)
    for weight, ranking in rankings:
        seen: set[str] = set()
        rank = 0
        for pos, _ in ranking:
            item = chunks[pos].item
            candidate = (chunks[pos].line_start is None, len(seen) + 1, pos)
            if item not in best or candidate[:2] < best[item][:2]:
                best[item] = candidate
            if item in seen:
                continue
            seen.add(item)
            rank += 1
            scores[item] = scores.get(item, 0.0) + weight / (rrf_k + rank)
    ordered = sorted(scores, key=lambda i: -scores[i])
    return [{"item": i, "score": scores[i], "chunk": best[i][2]} for i in ordered]


def lift_firsts(fused: list[dict[str, Any]], firsts: list[str], rank: int) -> None:
    """Show each ranking's first item at `rank` (1-based) at worst: the items ranked below it move up, the
    last of them to `rank`, the one before just above…; the hits they pass move down. Lifted hits keep their
    scores (a score is the fusion's, not a rank)."""
    lower = {h["item"] for h in fused[rank - 1 :]}
    below = [item for item in dict.fromkeys(firsts) if item in lower]
    if not below:
        return
    moved = [h for h in fused if h["item"] in below]
    kept = [h for h in fused if h["item"] not in below]
    at = max(0, rank - len(moved))
    fused[:] = kept[:at] + moved + kept[at:]


def index_path(directory: Path, encoder_name: str) -> Path:
    """Where an encoder's dense index is kept (a model path or hub name becomes one file name)."""
    return directory / f"index-{re.sub(r'[^A-Za-z0-9._-]+', '_', encoder_name)}.faiss"


class SearchIndex:
    """The search side of the knowledge base: chunks of the documents and the graph (cut once), a retriever
    per encoder. `passages_of(doc)` gives a document's typed passages; `progress(done, total)` is called as
    chunks are encoded."""

    def __init__(
        self,
        graph,
        lines_of: Callable[[str], list[str]],
        encoder: Any,
        cache: VectorCache,
        config: SearchConfig,
        index_dir: Path | None = None,
        progress: Callable[[int, int], None] | None = None,
        passages_of: Callable[[str], list] | None = None,
    ):
        self.graph = graph
        self.config = config
        chunking = all_chunks(graph, lines_of, passages_of)
        self.chunks = chunking.chunks
        self.passages: dict[str, PassageItem] = chunking.passages
        self.items: dict[str, list[int]] = {}
        for i, c in enumerate(self.chunks):
            self.items.setdefault(c.item, []).append(i)
        path = index_path(index_dir, encoder.name) if index_dir else None
        self.retriever = Retriever(self.chunks, encoder, cache, config, path, progress)

    def text_chunks(self, ranking: list[tuple[int, float]]):
        """The chunks of document text of a ranking, in its order (no header, dispositif or actor chunk)."""
        return (c for c in (self.chunks[pos] for pos, _ in ranking) if c.line_start is not None)

    def allowed_positions(self, items: set[str] | None) -> np.ndarray | None:
        if items is None:
            return None
        return np.array(sorted(i for item in items for i in self.items.get(item, ())), dtype=np.int64)

    def search(
        self,
        text: str,
        *,
        k: int = 10,
        items: set[str] | None = None,
        extra: list[tuple[float, Retriever]] = (),
    ) -> list[dict[str, Any]]:
        """Fused ranking of the keyword ranking, this index's dense ranking and any `extra` dense rankings
        (other encoders over the same chunks), each restricted to `items` inside its own search."""
        allowed = self.allowed_positions(items)
        n = max(self.config.candidates, k)
        dense = [(w, r) for w, r in [(self.config.dense_weight, self.retriever), *extra] if w]
        teams = self.retriever.encoder.teams
        with teams.search() as alone:
            if alone:  # the only search running: the first encoder takes its thread team, the others follow
                vectors = [
                    r.encoder.encode_query([text], threads=None if i == 0 else 1)
                    for i, (_, r) in enumerate(dense)
                ]
            else:  # searches overlap: one thread per encoder, the others beside the first (a team would wait
                # for cores other requests hold: measured 2-10x slower under load)
                later = [teams.beside(r.encoder.encode_query, [text], 1) for _, r in dense[1:]]
                vectors = [r.encoder.encode_query([text], threads=1) for _, r in dense[:1]]
                vectors += [f.result() for f in later]
        stems = tokens(text)
        rankings = []
        if self.config.bm25_weight:
            rankings.append(
                (self.config.bm25_weight, self.retriever.keyword_ranking(stems, allowed, n, expand=True))
            )
        for (weight, retriever), q in zip(dense, vectors, strict=True):
            rankings.append((weight, retriever.dense_ranking(q[0], allowed, n)))
        fused = fuse(rankings, self.chunks, self.config.rrf_k)
        glossary = self.config.definition_boost if definition_asked(stems, text) else 1.0
        # a definition asked: the passages that spell the word out where they use it count as a glossary's
        asked = asked_words(text) if glossary != 1.0 and self.config.inline_definitions else []
        if self.config.passage_weight != 1.0 or glossary != 1.0:
            for hit in fused:
                if self.chunks[hit["chunk"]].kind in SECONDARY_KINDS:
                    hit["score"] *= self.config.passage_weight
                passage = self.passages.get(hit["item"])
                if passage is not None and (
                    passage.type == "glossaire"
                    or any(spells_out(self.chunks[i].text, asked) for i in self.items[hit["item"]])
                ):
                    hit["score"] *= glossary
            fused.sort(key=lambda h: -h["score"])
        if self.config.solo_top_rank:  # of document text only: a name (an actor's chunk) or an action's
            # header is no answer alone, but the text below it in the same ranking may be
            firsts = [next((c.item for c in self.text_chunks(r)), None) for _, r in rankings]
            lift_firsts(fused, [f for f in firsts if f is not None], self.config.solo_top_rank)
        return fused[:k]
