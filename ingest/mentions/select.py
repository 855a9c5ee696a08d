"""Which pieces of a block the parser must read: the sentences that can carry a mention.

The parse (tagger, dependency parser, NER) is most of the cost of the mentions pass, and most sentences of a
plan's prose name no organisation, place, person or dispositif. A sentence is parsed only when something in
it can start a mention: a name the gazetteer knows, a capitalised word after the first one (what the NER
reads), an all-capitals word anywhere, or a word of the lexicon that heads an organisation or a person's
function ("la chambre d'agriculture", "le préfet"). The others cannot yield a mention and are skipped.

Sentences are cut cheaply (a terminal punctuation, then a space and a capital, a digit or a quote), which is
also where `roles.sentence_of` joins the parser's sentences, so that a role and its quote stay inside one
piece. CONTACTS blocks are read whole (their layout spans lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ingest.mentions.cues import Lexicon
from ingest.mentions.gazetteer import Gazetteer
from ingest.mentions.nlp import FrenchNLP
from ingest.mentions.normalize import fold

# a sentence ends at . ! ? ; … (not after an initial such as "M." or "J.") before a capital, digit or quote
_SENTENCE_END = re.compile(r"(?<![\s.][A-Z])(?<!\bM)[.!?;…]+[»\")]*\s+(?=[A-ZÀ-ÖØ-Ý0-9«\"(•\-–])")
_WORD = re.compile(r"[^\W_][\w'\-]*", re.UNICODE)
SEEN_MAX = 50_000  # sentences whose answer is kept
PIECE_MIN = 200  # characters: shorter neighbouring sentences are parsed together (fewer, longer docs)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of a text, spaces around them left out."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


@dataclass(frozen=True)
class Selector:
    """Decides, for a sentence, whether the parser must read it."""

    lexicon: Lexicon
    nlp: FrenchNLP = field(compare=False)
    gazetteer: Gazetteer | None = field(default=None, compare=False)
    _seen: dict[tuple[str, str | None], bool] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def trigger_words(self) -> frozenset[str]:
        lex = self.lexicon
        titles = {fold(t.split()[0]) for t in lex.person_titles if t.strip()}
        return frozenset(lex.org_heads | lex.org_alone | lex.loc_is_org_words | lex.civilities | titles)

    def can_mention(self, sentence: str, original: str | None = None) -> bool:
        """Whether a sentence can hold a mention (`original`: the same text as written, same length);
        answers kept (bounded)."""
        key = (sentence, original)
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) >= SEEN_MAX:
                self._seen.clear()
            found = self._seen[key] = self._can_mention(sentence, original)
        return found

    def _can_mention(self, sentence: str, original: str | None) -> bool:
        words = _WORD.findall(original if original is not None else sentence)
        triggers = self.trigger_words
        for i, w in enumerate(words):
            if w[:1].isupper() and (i > 0 or w.isupper() or len(words) == 1):
                return True
            folded = fold(w)
            if folded in triggers or folded.rstrip("sx") in triggers:  # plurals: "réseaux", "écoles"
                return True
        if self.gazetteer is None or not len(self.gazetteer):
            return False
        return bool(self.gazetteer.match(self.nlp.tokenize(sentence), original))

    def pieces(self, text: str, original: str | None = None) -> list[tuple[int, int]]:
        """Spans of `text` to parse: runs of neighbouring sentences that can hold a mention, joined up to
        PIECE_MIN characters (a skipped sentence always ends a piece)."""
        out: list[tuple[int, int]] = []
        joinable = False
        for s, e in sentence_spans(text):
            if not self.can_mention(text[s:e], original[s:e] if original is not None else None):
                joinable = False
                continue
            if joinable and out and out[-1][1] - out[-1][0] < PIECE_MIN:
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
            joinable = True
        return out
