"""Persons in a parsed text: named ones (NER, or a civility and capitalised words) and persons named by
their function ("le préfet de région", "la directrice de la mission locale"), with the function beside a
name ("Marie Dupont, directrice de …")."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from ingest.mentions.candidate import Candidate
from ingest.mentions.cues import Lexicon
from ingest.mentions.normalize import fold

_NOT_IN_FUNCTION = frozenset({".", ";", ":", "(", ")", "«", "»", '"', "•"})
FUNCTION_MAX = 15
_CASE_WORDS = frozenset({"de", "du", "des", "d'", "la", "l'", "le"})


def persons(doc, lexicon: Lexicon, entities: list[Candidate]) -> list[Candidate]:
    """Named persons (NER PER, or a civility and capitalised words) and persons named by their function."""
    named = [c for c in entities if c.kind == "person"]
    for t in doc:
        if fold(t.text) in lexicon.civilities:
            end = t.i + 1
            while end < len(doc) and doc[end].text[:1].isupper() and doc[end].is_alpha:
                end += 1
            if end > t.i + 1 and not any(n.start <= t.i + 1 < n.end for n in named):
                named.append(Candidate(t.i + 1, end, "person", "parse"))
    functions = _functions(doc, lexicon)
    out = []
    used: set[tuple[int, int]] = set()
    for person in named:
        func = _adjacent_function(doc, person, functions)
        if func:
            used.add(func)
        out.append(replace(person, function=func))
    for func in functions:
        if func not in used and not any(n.start <= func[0] < n.end for n in named):
            s = func[0]
            out.append(Candidate(s, func[1], "person", "parse", function=func))
    return out


@lru_cache(maxsize=8)
def title_words(person_titles: tuple[str, ...]) -> tuple[frozenset[tuple[str, ...]], int]:
    titles = frozenset(tuple(fold(w) for w in title.split()) for title in person_titles)
    return titles, max((len(t) for t in titles), default=0)


def _functions(doc, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Spans 'title + complement' ("préfet de région"), up to a punctuation, a verb or FUNCTION_MAX tokens."""
    titles, longest = title_words(lexicon.person_titles)
    folded = [fold(t.text) for t in doc]
    spans = []
    i = 0
    while i < len(doc):
        hit = next(
            (n for n in range(longest, 0, -1) if tuple(folded[i : i + n]) in titles and i + n <= len(doc)),
            0,
        )
        if not hit or (hit == 1 and doc[i].pos_ not in ("NOUN", "PROPN") and not doc[i].text.isupper()):
            i += 1
            continue
        end = i + hit
        while end < len(doc) and end - i < FUNCTION_MAX:
            t = doc[end]
            if t.text in _NOT_IN_FUNCTION or t.pos_ in ("VERB", "AUX", "PRON", "SCONJ") or t.text == ",":
                break
            if (t.is_space and "\n" in t.text) or "@" in t.text:
                break  # a function ends with its line ("…, coordinatrice de la CPTS" / "x@y.fr")
            if fold(t.text) in ("et", "ou") and _title_at(folded, _after_det(doc, end + 1), titles, longest):
                break  # "le Président du Conseil départemental et le préfet": two persons
            end += 1
        while end > i + hit and (doc[end - 1].is_space or fold(doc[end - 1].text) in _CASE_WORDS):
            end -= 1
        spans.append((i, end))
        i = end
    return spans


def _after_det(doc, i: int) -> int:
    while i < len(doc) and (doc[i].pos_ == "DET" or fold(doc[i].text) in ("l'", "la", "le", "les")):
        i += 1
    return i


def _title_at(folded: list[str], i: int, titles: frozenset[tuple[str, ...]], longest: int) -> bool:
    return any(tuple(folded[i : i + n]) in titles for n in range(longest, 0, -1))


def _adjacent_function(doc, person: Candidate, functions: list[tuple[int, int]]) -> tuple[int, int] | None:
    """'Marie Dupont, directrice de …' or 'la directrice de …, Marie Dupont' or a signature on two lines."""
    for s, e in functions:
        between = doc[person.end : s] if s >= person.end else doc[e : person.start]
        if s < person.end and e > person.start:
            continue
        if len(between) <= 2 and all(t.is_space or t.text in (",", "-", "–") for t in between):
            return (s, e)
    return None
