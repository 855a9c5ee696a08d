"""Gazetteer matching: known names (places, actors, dispositifs) found in a parsed text, fast.

The caller (the graph side) passes plain data: (surface form, entity kind, key) rows — a place with its code,
an organisation name or acronym with its lexicon key, a dispositif label with its thesaurus id. `ingest` knows
no name itself.

Matching is token-based with two word tries (`ingest.mentions.trie`, over the tokens of spaCy's tokenizer),
so names are whole words by construction:
- names, on a folded copy of the tokens (case, accents, apostrophes and ligatures ignored; a hyphen and a
  space are the same), with one guard: a one-word name written with a capital ("Eu") is not found in a
  lower-case word ("eu");
- short acronyms (up to `ACRONYM_MAX` characters, no lower case: "PE", "CCI"), only as written, case included.
Overlapping matches: the longest wins, then the leftmost.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.errors import ConfigError
from ingest.mentions.nlp import FrenchNLP
from ingest.mentions.normalize import fold
from ingest.mentions.trie import PhraseTrie

KINDS = ("org", "place", "person", "dispositif")
ACRONYM_MAX = 6
_RUN = re.compile(r"[^\W_]+")
_ALWAYS = ""  # the keyword of an entry without letters or digits: every text may hold it
_ACRONYM = re.compile(r"^[A-Z0-9ÉÈÀ&][A-Z0-9ÉÈÀ&\-]*$")


@dataclass(frozen=True)
class GazetteerEntry:
    surface: str
    kind: str  # one of KINDS
    key: str


@dataclass(frozen=True)
class GazetteerMatch:
    start: int  # token index in the doc
    end: int  # exclusive
    kind: str
    key: str
    other_keys: tuple[str, ...] = ()  # homonyms of the same kind (the graph side decides)
    entry: str = ""  # the surface form of the entry that matched
    rank: int = 1  # 0: preferred over a match of the same span (an acronym as written, a contracted article)

    def __len__(self) -> int:
        return self.end - self.start


def is_acronym(surface: str) -> bool:
    return len(surface) <= ACRONYM_MAX and bool(_ACRONYM.match(surface)) and any(c.isalpha() for c in surface)


class Gazetteer:
    """Known names of places, organisations, people and dispositifs, matched in spaCy docs."""

    def __init__(self, entries: Iterable[GazetteerEntry | tuple[str, str, str]], nlp: FrenchNLP) -> None:
        self.entries: list[GazetteerEntry] = []
        for i, row in enumerate(entries):
            entry = row if isinstance(row, GazetteerEntry) else GazetteerEntry(*row)
            if entry.kind not in KINDS:
                raise ConfigError(
                    f"la ligne {i} du répertoire de noms ({entry.surface!r}) a le type {entry.kind!r}",
                    where="Gazetteer(entries)",
                    valid=", ".join(KINDS),
                )
            if not entry.surface.strip() or not entry.key:
                raise ConfigError(
                    f"la ligne {i} du répertoire de noms a une forme ou une clé vide : {entry!r}",
                    where="Gazetteer(entries)",
                    valid="(forme, type, clé), forme et clé non vides",
                )
            self.entries.append(entry)
        self._nlp = nlp
        self._tries: tuple[PhraseTrie[GazetteerEntry], PhraseTrie[GazetteerEntry]] | None = None
        self._lock = threading.Lock()
        self._acronyms: frozenset[str] | None = None
        self._keywords: dict[str, set[frozenset[str]]] | None = None  # for `may_match`

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def acronyms(self) -> frozenset[str]:
        """Folded acronyms of the gazetteer (kept upper-case when capital lines are re-cased)."""
        if self._acronyms is None:
            self._acronyms = frozenset(fold(e.surface) for e in self.entries if is_acronym(e.surface))
        return self._acronyms

    def may_match(self, text: str) -> bool:
        """Whether a name of the gazetteer can occur in `text`, without tokenising it: a name matches only
        where every run of letters and digits of its folded form is one of the text's. False only when no
        name can match; True does not promise a match (`match` decides)."""
        keywords = self._keywords
        if keywords is None:
            keywords = self._keywords = _keywords(self.entries)
        if _ALWAYS in keywords:
            return True
        runs = set(_RUN.findall(fold(text)))
        # iterate the text's few runs, never the index (set.intersection(dict) walks the whole dict)
        return any(others <= runs for run in runs if run in keywords for others in keywords[run])

    def warm(self) -> Gazetteer:
        """Build the matchers and the keyword index now (they are otherwise built on first use)."""
        self.may_match("")
        self.match(self._nlp.tokenize("."))
        return self

    def extended(self, entries: Iterable[GazetteerEntry | tuple[str, str, str]]) -> Gazetteer:
        """This gazetteer plus `entries` (a document's own names); itself when there are none."""
        entries = list(entries)
        return ExtendedGazetteer(self, entries) if entries else self

    def _build(self) -> tuple[PhraseTrie[GazetteerEntry], PhraseTrie[GazetteerEntry]]:
        """The names (folded words) and the short acronyms (as written), each a trie of token sequences."""
        folded: PhraseTrie[GazetteerEntry] = PhraseTrie()
        exact: PhraseTrie[GazetteerEntry] = PhraseTrie()
        for entry in self.entries:
            surface = entry.surface.strip()
            if is_acronym(surface):
                exact.add(tuple(t.text for t in self._nlp.tokenize(surface)), entry)
                continue
            for variant in dict.fromkeys((surface, surface.replace("-", " "))):
                words = tuple(fold(t.text) for t in self._nlp.tokenize(variant) if not t.is_space)
                folded.add(words, entry)
        return folded, exact

    def match(self, doc, original: str | None = None) -> list[GazetteerMatch]:
        """Non-overlapping matches in a parsed doc, longest first then leftmost, in text order.

        `original` is the text as written when `doc` was made from a re-cased copy of the same length:
        acronyms and the capital guard then read the original case.
        """
        if not self.entries or len(doc) == 0:
            return []
        return self._match(doc, original)

    def _match(self, doc, original: str | None) -> list[GazetteerMatch]:
        if self._tries is None:
            with self._lock:
                if self._tries is None:
                    self._tries = self._build()
        folded_t, exact_t = self._tries
        index = [t.i for t in doc if not t.is_space]
        if not index:
            return []
        written = original or doc.text
        as_written = [written[doc[i].idx : doc[i].idx + len(doc[i])] for i in index]
        folded = [fold(doc[i].text) or doc[i].text for i in index]
        found: list[GazetteerMatch] = []
        for s, e, candidates in folded_t.find(folded):
            candidates = _case_guard(candidates, as_written[s:e])
            if e - s == 1 and folded[s][:1].isdigit() and not _after_article(folded, s):
                continue  # a number names a place only after its article (« dans le 93 »)
            found.extend(_matches(index, s, e, candidates))
        for s, e, candidates in exact_t.find(as_written):
            found.extend(_matches(index, s, e, candidates, rank=0))
        for s, word in enumerate(folded[:-1]):
            article = CONTRACTED.get(word)
            if article is None:
                continue
            if not as_written[s + 1][:1].isupper():
                continue  # « du bois », « du trait »: a common noun, not Le Bois or Le Trait
            for e, candidates in folded_t.find_from(article, folded, s + 1):
                places = [
                    c for c in candidates if c.kind == "place" and fold(c.surface).startswith(article + " ")
                ]
                found.extend(_matches(index, s + 1, e, places, rank=0))
        return _longest(found)


_ARTICLE_WORDS = frozenset({"la", "le", "les", "l'", "l"})


def _case_guard(candidates: list, written: list[str]) -> list:
    """A one-word name written with a capital ("Eu") is not found in a lower-case word ("eu"); a place whose
    name ends with a capital is not found in words with no capital past the article (« la réunion », « le
    port » are no La Réunion, Le Port)."""
    if len(written) == 1 and not any(c.isupper() for c in written[0]):
        return [c for c in candidates if c.surface == c.surface.lower()]
    if not any(any(ch.isupper() for ch in w) for w in written if fold(w) not in _ARTICLE_WORDS):
        return [c for c in candidates if c.kind != "place" or not _capital_end(c.surface)]
    return candidates


def _capital_end(surface: str) -> bool:
    """Whether a name's last word is written with a capital ("La Réunion", not "Mission locale")."""
    words = _RUN.findall(surface)
    return bool(words) and words[-1][:1].isupper()


def _keywords(entries: Iterable[GazetteerEntry]) -> dict[str, set[frozenset[str]]]:
    """The runs of letters and digits of each entry's folded form, under its longest one (`_ALWAYS` if an
    entry has none)."""
    out: dict[str, set[frozenset[str]]] = {}
    for entry in entries:
        runs = _RUN.findall(fold(entry.surface))
        key = max(runs, key=len) if runs else _ALWAYS
        out.setdefault(key, set()).add(frozenset(runs))
    return out


NUMBER_ARTICLES = frozenset({"le", "du", "au"})
_AFTER_NUMBER = frozenset({"et", "ou", "a", "en", "sur", "dans", "pour", "avec", "de", "d'"})


def _after_article(folded: list[str], s: int) -> bool:
    """A number after « le / du / au » and not before the word it counts (« le 13 mars », « 93 jeunes »)."""
    if s == 0 or folded[s - 1] not in NUMBER_ARTICLES:
        return False
    nxt = folded[s + 1] if s + 1 < len(folded) else ""
    return not (nxt.isalpha() and nxt not in _AFTER_NUMBER)


# a contracted article before a place whose name starts with its article: « au Lamentin » is Le Lamentin
CONTRACTED = {"au": "le", "aux": "les", "du": "le", "des": "les"}


def _matches(
    index: list[int], s: int, e: int, entries: list[GazetteerEntry], rank: int = 1
) -> list[GazetteerMatch]:
    """One match per kind; the other keys of the same kind are homonyms kept for the graph side."""
    by_kind: dict[str, list[GazetteerEntry]] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(entry)
    out = []
    for kind in KINDS:  # a fixed order: an organisation before a place of the same name
        group = by_kind.get(kind)
        if not group:
            continue
        keys = list(dict.fromkeys(g.key for g in group))
        out.append(
            GazetteerMatch(index[s], index[e - 1] + 1, kind, keys[0], tuple(keys[1:]), group[0].surface, rank)
        )
    return out


def _longest(found: list[GazetteerMatch]) -> list[GazetteerMatch]:
    taken: set[int] = set()
    kept = []
    for m in sorted(found, key=lambda m: (-len(m), m.start, m.rank, KINDS.index(m.kind))):
        if taken.isdisjoint(range(m.start, m.end)):
            kept.append(m)
            taken.update(range(m.start, m.end))
    return sorted(kept, key=lambda m: m.start)


class ExtendedGazetteer(Gazetteer):
    """A gazetteer plus a few names of one document (its participant list, its glossary's organisations):
    the base's matcher is shared, the document's names get a small matcher of their own; overlapping
    matches of the two are resolved as within one gazetteer (longest, then leftmost)."""

    def __init__(self, base: Gazetteer, entries: Iterable[GazetteerEntry | tuple[str, str, str]]) -> None:
        super().__init__(entries, base._nlp)
        self.base = base

    def __len__(self) -> int:
        return len(self.base) + len(self.entries)

    @property
    def acronyms(self) -> frozenset[str]:
        own = frozenset(fold(e.surface) for e in self.entries if is_acronym(e.surface))
        return self.base.acronyms | own

    def may_match(self, text: str) -> bool:
        return self.base.may_match(text) or bool(self.entries) and super().may_match(text)

    def match(self, doc, original: str | None = None) -> list[GazetteerMatch]:
        own = self._match(doc, original) if self.entries and len(doc) else []
        return _longest([*self.base.match(doc, original), *own])
