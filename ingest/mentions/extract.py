"""Mentions of organisations, places, persons and dispositifs in the blocks of an action or a document.

`extract_mentions(blocks, gazetteer, nlp)` runs the NLP pipeline once over all the blocks (`nlp.pipe`), then
for each block: candidates (gazetteer, NER, parse), cues, and the role of each mention with its sentence.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from ingest.mentions.candidates import Candidate, find_candidates
from ingest.mentions.contacts import contact_candidates
from ingest.mentions.cues import CueMatcher, Lexicon, load_lexicon
from ingest.mentions.gazetteer import Gazetteer
from ingest.mentions.nlp import FrenchNLP
from ingest.mentions.normalize import fold, prepare, recase
from ingest.mentions.roles import RoleDecision, assign_role, sentence_of
from ingest.mentions.select import Selector

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
    governed: str | None = None  # the noun its cue's verb governs (« le comité, animé par X »: "comite"),
    # None when it governs a pronoun or the clause itself (the action)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=4)
def default_lexicon() -> Lexicon:
    return load_lexicon()


MEMO_SIZE = 8192  # pieces whose candidates and roles are kept per reader


class Reader:
    """What one (pipeline, gazetteer, lexicon) needs to read pieces of text, built once: the cue matcher, the
    sentence selector, and a memo of the candidates and roles of each piece read (a piece's mentions depend
    only on its text, its case as written and its block's kind)."""

    def __init__(self, nlp: FrenchNLP, gazetteer: Gazetteer | None, lexicon: Lexicon) -> None:
        self.nlp, self.gazetteer, self.lexicon = nlp, gazetteer, lexicon
        self.matcher = cue_matcher(nlp, lexicon)
        self.selector = Selector(lexicon, nlp, gazetteer)
        self._memo: OrderedDict[tuple[str, str, str], _Read] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, doc, original: str, kind: str) -> _Read:
        key = (doc.text, original, kind)
        with self._lock:
            found = self._memo.get(key)
            if found is not None:
                self._memo.move_to_end(key)
                return found
        found = self._read(doc, original, kind)
        with self._lock:
            self._memo[key] = found
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return found

    def _read(self, doc, original: str, kind: str) -> _Read:
        lexicon = self.lexicon
        cues = self.matcher.find(doc)
        # a name never runs over a cue ("la Communauté d'agglomération de X | en lien avec Y")
        cue_starts = frozenset(c.start for c in cues if c.direction == "after" and c.target == "org")
        cue_ends = frozenset(c.end for c in cues if c.direction == "after" and c.target == "org")
        candidates = find_candidates(doc, self.gazetteer, lexicon, original, cue_starts, cue_ends)
        if kind in CONTACT_KINDS:
            pairs = contact_candidates(doc, original, candidates, lexicon)
            n_orgs = sum(1 for c, _ in pairs if c.kind == "org")
            decided = [
                (c, RoleDecision(role, "layout" if n_orgs <= 1 or c.kind == "person" else "layout_many"))
                for c, role in pairs
            ]
            return _Read(candidates, decided)
        decided = [(c, assign_role(doc, c, cues, candidates, lexicon, kind)) for c in candidates]
        return _Read(candidates, decided)


@dataclass(frozen=True)
class _Read:
    candidates: list[Candidate]
    decided: list[tuple[Candidate, RoleDecision]]


READERS = 8  # readers kept (a document with names of its own has a reader of its own)
_readers: OrderedDict[tuple[int, int, int], Reader] = OrderedDict()
_readers_lock = threading.Lock()
_matchers: weakref.WeakKeyDictionary[FrenchNLP, dict[int, CueMatcher]] = weakref.WeakKeyDictionary()


def reader(nlp: FrenchNLP, gazetteer: Gazetteer | None, lexicon: Lexicon) -> Reader:
    """The reader of a (pipeline owner, gazetteer, lexicon), built on first use; the last READERS kept."""
    key = (id(nlp), id(gazetteer), id(lexicon))
    with _readers_lock:
        found = _readers.get(key)
        if (
            found is not None
            and found.nlp is nlp
            and found.gazetteer is gazetteer
            and found.lexicon is lexicon
        ):
            _readers.move_to_end(key)
            return found
    found = Reader(nlp, gazetteer, lexicon)
    with _readers_lock:
        _readers[key] = found
        while len(_readers) > READERS:
            _readers.popitem(last=False)
    return found


def cue_matcher(nlp: FrenchNLP, lexicon: Lexicon) -> CueMatcher:
    """One cue matcher per (pipeline owner, lexicon), built on first use."""
    with _readers_lock:
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
    *,
    select: bool = True,
) -> list[Mention]:
    """Every mention of every block, in block order then text order.

    With `select` (the default), only the sentences that can hold a mention are parsed
    (`ingest.mentions.select`), each on its own; CONTACTS blocks are parsed whole. Parsed texts are cached
    per pipeline (`FrenchNLP.pipe_cached`).
    """
    lexicon = lexicon or default_lexicon()
    blocks = [as_block(b) for b in blocks]
    read = reader(nlp, gazetteer, lexicon)
    keep_upper = gazetteer.acronyms if gazetteer is not None else frozenset()
    jobs: list[tuple[int, str, list[int], int, int]] = []  # block, original, offsets, piece start, end
    texts: list[str] = []
    for index, block in enumerate(blocks):
        text = join_lists(block.text)
        original, offsets = prepare(text)
        recased = recase(text, lexicon.lower_words, keep_upper)
        for_nlp = original if recased == text else prepare(recased)[0]
        if block.kind in CONTACT_KINDS:
            pieces = [(0, len(for_nlp))]
        elif not select:
            cuts = [k for k in segment_starts(block, text, offsets) if 0 < k < len(for_nlp)]
            pieces = list(zip([0, *cuts], [*cuts, len(for_nlp)], strict=True))
        else:
            pieces = _pieces(read.selector, block, text, for_nlp, original, offsets)
        for s, e in pieces:
            jobs.append((index, original, offsets, s, e))
            texts.append(for_nlp[s:e])
    out: list[Mention] = []
    for (index, original, offsets, s, e), doc in zip(jobs, nlp.pipe_cached(texts), strict=True):
        block = blocks[index]
        found = read.read(doc, original[s:e], block.kind)
        where = _Where(block, doc, offsets[s : e + 1])
        for cand, decision in found.decided:
            m = _mention(where, cand, decision, found.candidates)
            m.block_index = index
            out.append(m)
    return out


def _pieces(selector: Selector, block: Block, text: str, for_nlp: str, original: str, offsets: list[int]):
    """The pieces to parse, never across a segment boundary (`segment_starts`)."""
    cuts = [k for k in segment_starts(block, text, offsets) if 0 < k < len(for_nlp)]
    out: list[tuple[int, int]] = []
    for a, b in zip([0, *cuts], [*cuts, len(for_nlp)], strict=True):
        out += [(s + a, e + a) for s, e in selector.pieces(for_nlp[a:b], original[a:b])]
    return out


# a line that starts with a label and its colon ("Territoire : …", "- Public visé :"): a field of its own
_LABEL_LINE = re.compile(
    r"\n[ \t]*(?:[-–•*·▪][ \t]+)?(?=[^\W\d_][^\W_]*(?:['’ -][^\W_]+){0,4}[ \t]*:(?:[ \t]|$))", re.M
)
_LABEL_START = re.compile(r"[ \t]*(?:[-–•*·▪][ \t]+)?[^\W\d_][^\W_]*(?:['’ -][^\W_]+){0,4}[ \t]*:(?:[ \t]|$)")
# a line that ends where a name or a sentence goes on: a comma, a hyphen, a connective or an article
_GOES_ON = re.compile(
    r"(?:[,\-–(/]|\b(?:de|du|des|d'|la|le|les|l'|et|ou|à|au|aux|en|par|avec|pour|sur))\s*$", re.I
)


def segment_starts(block: Block, text: str, offsets: list[int]) -> list[int]:
    """Where a new segment starts, in the prepared text whose `offsets` map to `text`: each line that
    starts with a label ("Pilote : X" then "Territoire : Y": X's name stops at its line), the capitalised
    line after a label's line ("Pilote : X" then "Le Département réserve …": no list of pilots runs on),
    and after a title line with no final punctuation ("Mesure 6 : Des parcours …" then "En lien avec …")."""
    starts = [m.end() for m in _LABEL_LINE.finditer(text)]
    pos = 0
    for line in text.split("\n"):  # after a label's line, a line that starts anew is prose, not its value
        nxt = pos + len(line) + 1
        if nxt < len(text) and _LABEL_START.match(line) and not _GOES_ON.search(line):
            rest = text[nxt:].lstrip(" \t")
            if rest[:1].isupper():
                starts.append(nxt)
        pos = nxt
    first = text.find("\n")
    if (
        block.kind == "title"
        and first >= 0
        and text[:first].rstrip()[-1:] not in ".!?:;"
        and text[first:].strip()
    ):
        starts.append(first)
    return sorted({bisect.bisect_left(offsets, k) for k in starts})


_LIST_HEAD = re.compile(r":[ \t]*\n")
_BULLET = re.compile(r"^([ \t]*)[-–•*·▪][ \t]+", re.M)


def join_lists(text: str) -> str:
    """A list after a colon, one item per bulleted line ("Il mobilise notamment :\n- la CAF ;\n- l'UDAF."),
    as one sentence for the parse: the first bullet blanked, the next ones turned into commas, the items'
    ending ";" blanked. Same length as `text` (offsets stay valid)."""
    if "\n" not in text or not _LIST_HEAD.search(text):
        return text
    chars = list(text)
    lines = text.split("\n")
    pos, in_list, first = 0, False, True
    for k, line in enumerate(lines):
        bullet = _BULLET.match(line)
        if not line.strip() and in_list:
            pos += len(line) + 1
            continue  # a blank line inside the list (Markdown writes one after its label)
        if bullet and (in_list or _after_colon(lines, k)):
            at = pos + bullet.end(1)
            chars[at] = " " if first else ","
            in_list, first = True, False
            end = pos + len(line.rstrip())
            nxt = lines[k + 1] if k + 1 < len(lines) else ""
            if end > pos and text[end - 1] in ";," and _BULLET.match(nxt):
                chars[end - 1] = " "
        else:
            in_list, first = False, True
        pos += len(line) + 1
    return "".join(chars)


def _after_colon(lines: list[str], k: int) -> bool:
    """Whether the last non-blank line before line k ends with a colon."""
    before = next((lines[j] for j in range(k - 1, -1, -1) if lines[j].strip()), "")
    return before.rstrip().endswith(":")


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
        orgs = [c for c in candidates if c.kind == "org" and fs <= c.start and c.end <= fe]
        # a known name first, else the last one: "chargée de mission petite enfance à la Caisse …"
        org = next((c for c in orgs if c.source == "gazetteer"), orgs[-1] if orgs else None)
        affiliation = (org.start, org.end) if org else None
    return Mention(
        surface=_surface(block.text[start:end]),
        kind=decision.kind or cand.kind,
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
        governed=_governed(doc, decision.cue) if decision.cue else None,
    )


_SUBJECT_DEPS = frozenset({"nsubj", "nsubj:pass"})


def _governed(doc, cue) -> str | None:
    """The noun a verb cue is about: the noun its participle completes (« le comité de suivi, animé par X »),
    else its subject; None for a pronoun, no subject, or a cue with no verb."""
    verb = next((doc[i] for i in range(cue.start, cue.end) if doc[i].pos_ == "VERB"), None)
    if verb is None:
        return None
    if verb.dep_.startswith("acl"):
        noun = verb.head
    else:
        noun = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)
    if noun is None or noun.pos_ != "NOUN" or noun.i == verb.i:
        return None
    return fold(noun.lemma_ or noun.text)
