"""Which pieces of a block the parser must read: the sentences that can carry a mention.

The parse (tagger, dependency parser, NER) is most of the cost of the mentions pass, and most sentences of a
plan's prose name no organisation, place, person or dispositif. A sentence is parsed only when something in
it can start a mention: a name the gazetteer knows, a capitalised word that does not start a clause (what
the NER reads; the part after an elision counts: "l'Épinette"), an all-capitals word anywhere, or a word of
the lexicon that heads an organisation or a person's function ("la chambre d'agriculture", "le préfet").
The others cannot yield a mention and are skipped. A clause starts a sentence and after a colon or a bullet
("Mesure 3 : Créer…", "Objectif : Renforcer…"): a capital there is the writing's, not a name's — unless the
clause is that one word ("Pilote : Wimbrelle").

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
_CLAUSE_MARKS = frozenset(":•")  # a clause starts after these
_CLAUSE_ENDS = frozenset(':;,.!?()•/«»"')
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


def _starts_clause(text: str, words: list[re.Match[str]], i: int) -> bool:
    """Whether word i starts a clause: the first word, or the first after a colon or a bullet."""
    return i == 0 or any(c in _CLAUSE_MARKS for c in text[words[i - 1].end() : words[i].start()])


def _alone(text: str, words: list[re.Match[str]], i: int) -> bool:
    """Whether word i is its clause on its own: the sentence's one word, or after a colon or a bullet the
    last word, or one followed by a punctuation."""
    if i == 0 or i + 1 == len(words):
        return len(words) == 1 or i > 0
    return any(c in _CLAUSE_ENDS for c in text[words[i].end() : words[i + 1].start()])


def _capital(word: str, clause_start: bool, alone: bool) -> bool:
    """A capital that can be a name's: an all-capitals word; a capitalised word that does not start its
    clause, or does and is the whole clause; the part after an elision ("l'Épinette", "d'Agde")."""
    if word[:1].isupper() and (word.isupper() or not clause_start or alone):
        return True
    _, apostrophe, tail = word.rpartition("'")
    return bool(apostrophe) and tail[:1].isupper()


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
        text = original if original is not None else sentence
        words = list(_WORD.finditer(text))
        triggers = self.trigger_words
        for i, m in enumerate(words):
            w = m.group(0)
            if _capital(w, _starts_clause(text, words, i), _alone(text, words, i)):
                return True
            folded = fold(w)
            if folded in triggers or folded.rstrip("sx") in triggers:  # plurals: "réseaux", "écoles"
                return True
        if self.gazetteer is None or not len(self.gazetteer):
            return False
        if not self.gazetteer.may_match(sentence):  # most sentences: no name can be there, no tokenising
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
