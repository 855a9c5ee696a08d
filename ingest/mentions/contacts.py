"""CONTACTS blocks read by their layout: 'ORGANISATION : phone', 'PERSON, FUNCTION, ORGANISATION : phone'.

A booklet names the organisation behind an action in its CONTACTS block: each organisation found there is a
pilot (confidence lower when the block names several), each named person a contact with the organisation
of the same entry as affiliation. A piece of an entry that no matcher recognised is still an organisation,
taken as written (source "layout"), with any place inside it as its territory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.mentions.candidates import Candidate
from ingest.mentions.cues import Lexicon
from ingest.mentions.normalize import fold

_DETAIL = re.compile(
    r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
    r"|(?:https?://|www\.)\S+"
    r"|(?:\+33\s?|0)\s?\d(?:[\s.]?\d){8}"
    r"|\b0\s?800(?:[\s.]?\d){6}",
    re.I,
)
_PIECE_SEP = re.compile(r"\s*(?:[,;:/]|\s[-–]\s)\s*")
_STRIP = " \t\n\r-–:;,./()•"


@dataclass(frozen=True)
class Entry:
    pieces: list[tuple[int, int]]  # character spans in the block text


def entries(text: str) -> list[Entry]:
    """The entries of a CONTACTS block: the text between contact details, split into pieces."""
    out = []
    pos = 0
    for m in [*_DETAIL.finditer(text), None]:
        end = m.start() if m else len(text)
        pieces = []
        for piece in _split(text, pos, end):
            pieces.append(piece)
        if pieces:
            out.append(Entry(pieces))
        if m:
            pos = m.end()
    return out


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    cur = start
    for m in _PIECE_SEP.finditer(text, start, end):
        pieces.append((cur, m.start()))
        cur = m.end()
    pieces.append((cur, end))
    out = []
    for s, e in pieces:
        while s < e and text[s] in _STRIP:
            s += 1
        while e > s and text[e - 1] in _STRIP:
            e -= 1
        if e - s >= 2 and any(c.isalpha() for c in text[s:e]):
            out.append((s, e))
    return out


def contact_candidates(
    doc, text: str, candidates: list[Candidate], lexicon: Lexicon
) -> list[tuple[Candidate, str]]:
    """(candidate, role) for a CONTACTS block: organisations as 'pilot', named persons as 'contact'.

    `text` is the text `doc` was made from (character offsets are the doc's).
    """
    function_starts = {c.function[0] for c in candidates if c.function}
    out: list[tuple[Candidate, str]] = []
    for entry in entries(text):
        orgs: list[Candidate] = []
        persons: list[Candidate] = []
        pending: tuple[int, int] | None = None  # a function written before its person's name
        for s, e in entry.pieces:
            s = _skip_label(text, s, e, lexicon)
            if s >= e:
                continue
            inside = [c for c in candidates if s <= doc[c.start].idx and _char_end(doc, c.end) <= e]
            # a named person: by the NER, or a civility and a name ("Mme Julie Roux"), not a bare function
            named = [c for c in inside if c.kind == "person" and (c.source == "ner" or c.function is None)]
            if named:
                if pending is not None and named[0].function is None:
                    named[0] = replace(named[0], function=pending)
                pending = None
                persons.extend(named)
                orgs.extend(  # "Julie Roux / Coordinatrice de la CPTS": the organisation of the function
                    c
                    for c in inside
                    if c.kind == "org"
                    and any(p.function and p.function[0] <= c.start < p.function[1] for p in named)
                )
            elif (
                any(doc[c.start].idx == s for c in inside if c.kind == "person")
                or _starts_at(doc, s, function_starts)
                or (persons and _is_title(text[s:e], lexicon))
            ):
                # « Coordinatrice de la CPTS »: the organisation of a function is the entry's organisation
                held = [c for c in inside if c.kind == "org"]
                orgs.extend(held[-1:])
                if persons and persons[-1].function is None:
                    _give_function(persons, doc, s, e)
                else:
                    span = doc.char_span(s, e, alignment_mode="expand")
                    pending = (span.start, span.end) if span is not None else None
            else:
                orgs.append(_piece_org(doc, s, e, inside))
        affiliation = (orgs[-1].start, orgs[-1].end) if orgs else None
        out.extend((replace(p, affiliation=p.affiliation or affiliation), "contact") for p in persons)
        out.extend((o, "pilot") for o in orgs)
    return out


def _skip_label(text: str, s: int, e: int, lexicon: Lexicon) -> int:
    """'CONTACTS PRÉFECTURE …' -> 'PRÉFECTURE …': a leading label word is not part of the name."""
    while s < e:
        m = re.match(r"[^\W\d_][\w\-]*", text[s:e])
        if not m or fold(m.group(0)) not in lexicon.contact_labels:
            return s
        s += m.end()
        while s < e and text[s] in _STRIP:
            s += 1
    return s


def _is_title(piece: str, lexicon: Lexicon) -> bool:
    """A piece after a person's name that starts with a function word ("référent apprentissage")."""
    folded = fold(piece)
    return any(folded == t or folded.startswith(t + " ") for t in map(fold, lexicon.person_titles))


def _starts_at(doc, s: int, token_starts: set[int]) -> bool:
    return any(doc[i].idx == s for i in token_starts)


def _give_function(persons: list[Candidate], doc, s: int, e: int) -> None:
    """A function written after the person's name ('OLIVIER THIL, DIRECTEUR DU PROGRAMME')."""
    span = doc.char_span(s, e, alignment_mode="expand")
    if persons and span is not None and persons[-1].function is None:
        persons[-1] = replace(persons[-1], function=(span.start, span.end))


def _piece_org(doc, s: int, e: int, inside: list[Candidate]) -> Candidate:
    """The organisation a piece names: the one candidate covering it, else the whole piece as written."""
    orgs = [c for c in inside if c.kind in ("org", "dispositif")]
    if len(orgs) == 1 and doc[orgs[0].start].idx == s and _char_end(doc, orgs[0].end) == e:
        return orgs[0]
    head = next((c for c in orgs if doc[c.start].idx == s and c.source == "gazetteer"), None)
    place = next((c for c in inside if c.kind == "place"), None)
    territory = (place.start, place.end) if place else None
    territory_key = place.key if place else None
    for c in orgs:
        if c.territory and territory is None:
            territory, territory_key = c.territory, c.territory_key
    org = _layout_org(doc, s, e, territory, territory_key)
    return replace(org, key=head.key, other_keys=head.other_keys) if head else org


def _layout_org(doc, s: int, e: int, territory, territory_key) -> Candidate:
    span = doc.char_span(s, e, alignment_mode="expand")
    start, end = (span.start, span.end) if span is not None else (0, len(doc))
    return Candidate(start, end, "org", "layout", territory=territory, territory_key=territory_key)


def _char_end(doc, end: int) -> int:
    t = doc[end - 1]
    return t.idx + len(t)
