"""Mentions of organisations, places, persons and dispositifs in the blocks of an action or a document.

`extract_mentions(blocks, gazetteer, nlp)` runs the NLP pipeline once over all the blocks (`nlp.pipe`), then
for each block: candidates (gazetteer, NER, parse), cues, and the role of each mention with its sentence.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from ingest.mentions.candidates import Candidate, find_candidates
from ingest.mentions.contacts import contact_candidates
from ingest.mentions.cues import CueMatcher, Lexicon, load_lexicon
from ingest.mentions.gazetteer import Gazetteer
from ingest.mentions.nlp import FrenchNLP
from ingest.mentions.normalize import prepare, recase
from ingest.mentions.roles import RoleDecision, assign_role, sentence_of

log = logging.getLogger(__name__)

CONTACT_KINDS = frozenset({"contacts", "contact"})
SOURCE_CONFIDENCE = {"gazetteer": 1.0, "ner": 0.75, "parse": 0.7, "layout": 0.8}
_HYPHEN_BREAK = re.compile(r"-[ \t]*\n\s*")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Block:
    """A piece of text of an action or a document, with where it starts."""

    text: str
    line_start: int
    page: int | None = None
    kind: str = "description"  # title, description, side_panel, contacts, interview, keys, document...


@dataclass
class Mention:
    """A name as the document writes it, with the role its sentence gives it and where it says so."""

    surface: str
    kind: str  # org, place, person, dispositif
    role: str  # pilot, partner, funder, operator, public, contact, mentioned; places: perimeter, mentioned
    quote: str  # the sentence, verbatim
    line: int  # 1-based line of the mention's first character
    page: int | None
    span: tuple[int, int]  # character offsets of the surface in the block's text
    quote_span: tuple[int, int]  # character offsets of the sentence in the block's text
    confidence: float
    source: str  # gazetteer, ner, parse (noun phrase or person's function), layout (CONTACTS block)
    block_kind: str
    key: str | None = None  # the gazetteer key, when a gazetteer entry matched
    other_keys: tuple[str, ...] = ()  # homonyms of the same kind
    cue: str | None = None  # the cue as written ("présidé par")
    how: str = "none"  # how the role was decided: parse, sequence, preposition, block, layout, none
    function: str | None = None  # a person's function as written ("préfet de région")
    affiliation: str | None = None  # a person's organisation as written
    territory: str | None = None  # a place written inside an organisation's name ("CCI Bretagne")
    territory_key: str | None = None
    block_index: int = 0  # the position of its block in the blocks given to extract_mentions

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=4)
def default_lexicon() -> Lexicon:
    return load_lexicon()


_matchers: weakref.WeakKeyDictionary[FrenchNLP, dict[int, CueMatcher]] = weakref.WeakKeyDictionary()
_matchers_lock = threading.Lock()


def cue_matcher(nlp: FrenchNLP, lexicon: Lexicon) -> CueMatcher:
    """One cue matcher per (pipeline owner, lexicon), built on first use."""
    with _matchers_lock:
        per_nlp = _matchers.setdefault(nlp, {})
        matcher = per_nlp.get(id(lexicon))
        if matcher is None or matcher.lexicon is not lexicon:
            matcher = per_nlp[id(lexicon)] = CueMatcher(lexicon, nlp)
        return matcher


def as_block(block: Block | tuple) -> Block:
    return block if isinstance(block, Block) else Block(*block)


def extract_mentions(
    blocks: Iterable[Block | tuple],
    gazetteer: Gazetteer | None,
    nlp: FrenchNLP,
    lexicon: Lexicon | None = None,
) -> list[Mention]:
    """Every mention of every block, in block order then text order."""
    lexicon = lexicon or default_lexicon()
    blocks = [as_block(b) for b in blocks]
    matcher = cue_matcher(nlp, lexicon)
    keep_upper = gazetteer.acronyms if gazetteer is not None else frozenset()
    prepared = [prepare(b.text) for b in blocks]
    for_nlp = (prepare(recase(b.text, lexicon.lower_words, keep_upper))[0] for b in blocks)
    out: list[Mention] = []
    for index, (block, (original, offsets), doc) in enumerate(
        zip(blocks, prepared, nlp.pipe(for_nlp), strict=True)
    ):
        first = len(out)
        _block_mentions(out, block, original, offsets, doc, gazetteer, lexicon, matcher)
        for m in out[first:]:
            m.block_index = index
    return out


def _block_mentions(
    out: list[Mention], block: Block, original: str, offsets: list[int], doc, gazetteer, lexicon, matcher
) -> None:
    """The mentions of one parsed block, appended to `out`."""
    candidates = find_candidates(doc, gazetteer, lexicon, original)
    where = _Where(block, doc, offsets)
    if block.kind in CONTACT_KINDS:
        pairs = contact_candidates(doc, original, candidates, lexicon)
        n_orgs = sum(1 for c, _ in pairs if c.kind == "org")
        for cand, role in pairs:
            how = "layout" if n_orgs <= 1 or cand.kind == "person" else "layout_many"
            out.append(_mention(where, cand, RoleDecision(role, how), candidates))
        return
    cues = matcher.find(doc)
    for cand in candidates:
        decision = assign_role(doc, cand, cues, candidates, lexicon, block.kind)
        out.append(_mention(where, cand, decision, candidates))


@dataclass(frozen=True)
class _Where:
    """A block, its parsed copy, and the map from the copy's characters back to the block's."""

    block: Block
    doc: Any
    offsets: list[int]

    def chars(self, span: tuple[int, int]) -> tuple[int, int]:
        """Block character offsets of a token span of the doc."""
        last = self.doc[span[1] - 1]
        return self.offsets[self.doc[span[0]].idx], self.offsets[last.idx + len(last) - 1] + 1

    def text(self, span: tuple[int, int] | None) -> str | None:
        if span is None:
            return None
        s, e = self.chars(span)
        return _surface(self.block.text[s:e])


def _surface(text: str) -> str:
    return _SPACES.sub(" ", _HYPHEN_BREAK.sub("-", text)).strip(" ,;:")


def _mention(where: _Where, cand: Candidate, decision: RoleDecision, candidates: list[Candidate]) -> Mention:
    block, doc = where.block, where.doc
    start, end = where.chars((cand.start, cand.end))
    sent = sentence_of(doc, cand.start)
    q_start, q_end = where.chars((sent.start, sent.end))
    affiliation = cand.affiliation
    if affiliation is None and cand.function is not None:
        fs, fe = cand.function
        org = next((c for c in candidates if c.kind == "org" and fs <= c.start and c.end <= fe), None)
        affiliation = (org.start, org.end) if org else None
    return Mention(
        surface=_surface(block.text[start:end]),
        kind=cand.kind,
        role=decision.role,
        quote=block.text[q_start:q_end],
        line=block.line_start + block.text.count("\n", 0, start),
        page=block.page,
        span=(start, end),
        quote_span=(q_start, q_end),
        confidence=round(SOURCE_CONFIDENCE[cand.source] * decision.confidence, 3),
        source=cand.source,
        block_kind=block.kind,
        key=cand.key,
        other_keys=cand.other_keys,
        cue=_surface(block.text[slice(*where.chars((decision.cue.start, decision.cue.end)))])
        if decision.cue
        else None,
        how=decision.how,
        function=where.text(cand.function),
        affiliation=where.text(affiliation),
        territory=where.text(cand.territory),
        territory_key=cand.territory_key,
    )
