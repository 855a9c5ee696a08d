"""Split pilot / partner fields into organisations as written.

Fields arrive as lists of paragraphs (table-cell paragraphs, list items). Organisations are separated by
commas, dashes, slashes, "et", "puis", relation phrases ("en lien avec"), and — where a PDF joined two cells —
by nothing but a space ("ARML CAP EMPLOI"). Acronyms known from the document's own glossary, plus a short
list of common ones, tell where such glued names split.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.acronyms import is_expansion, spelled_in  # noqa: F401 - re-exported (shapes, graph)
from ingest.org_names import (  # noqa: F401 - re-exported
    COMMON_ACRONYMS,
    COMPOUND_SET,
    COMPOUNDS,
    QUALIFIABLE,
    _depth0_split,
    _depth0_split_seps,
    _is_acronym,
    _rejoin_continuations,
    _split_et,
    _split_glued,
    organisation_heads,
    person_words,
    split_run,
)
from ingest.records import OrgMention, Person
from ingest.text import collapse, fold, strip_markup

_RELATIONS = re.compile(
    r"\s*(?:\(|\b)(?:en\s+liaison\s+(?:étroite\s+)?avec|en\s+lien\s+(?:étroit\s+)?avec|avec\s+l'appui\s+de|"
    r"à\s+travers|associant|dont|puis|ou)\b\s*",
    re.I,
)
_SUB_ACTION = re.compile(r"(?<!\()((?:sous[- ]?actions?|étape|etape)\s*\d+)\s*:?\s*(?!\))", re.I)
_SEPARATORS = re.compile(r"\s*(?:[,;+•▪]|\s[-–—]\s|\s[-–—](?=[A-ZÉ])|(?<=\w)\s*[-–—]\s*$)\s*")
_PAREN = re.compile(r"\s*\(([^()]*)\)")
_PERSON = re.compile(
    r"\b(?!(?:Le|La|Les|Du|De|Des|Club|Union|Pôle|Pole|Conseil|Région|Réseau)\b)([A-ZÉÈ][a-zéèëïô]+(?:-[A-ZÉ][a-zéèëô]+)?)\s+([A-ZÉÈÀ][A-ZÉÈÀ'\-]{2,}(?:\s+[A-ZÉÈ][A-ZÉÈ'\-]{2,})?)\b"
)
_ROLE_WORDS = frozenset(
    ["directrice", "directeur", "président", "présidente", "préfet", "préfète", "chef", "responsable"]
)
_ARTICLE = re.compile(r"^(?:l'|l’|L'|L’|la\s+|le\s+|les\s+|un\s+|une\s+|des\s+)")
_GENERIC_LEAD = re.compile(
    r"^(?:\d+\s+pilotes?\s+(?:par|désignés?\s+dans)\s+(?:chaque\s+)?|les\s+\d+\s+|entreprises\s+(?=(?-i:[A-Z])))",
    re.I,
)
_TRAILING_CLAUSE = re.compile(
    r"\s+(?:s'inscrivant|s’inscrivant|désignée?s?|volontaires?|pour\s+la\s+phase|«\s*hébergeur\s*»|hébergeur)\b.*$",
    re.I,
)
# A lower-case group then « volontaires »: the volunteers are the actor, no organisation to cut it from
# (« CFA volontaires » is the CFA, noted « volontaires »).
_GROUP_OF_VOLUNTEERS = re.compile(
    r"^(?:(?:les|des)\s+)?[a-zéèêàâîïôûç]+(?:\s+[a-zéèêàâîïôûç]+)?\s+volontaires$"
)
_NOISE = re.compile(r"^(?:etc\.?|\.{2,}|…|divers|/|-|néant|autres?|ou\s+autres?|tout\s+autre|op)$", re.I)


def _clean(name: str) -> tuple[str, str | None]:
    """Trim articles, filler and notes; return (name, note)."""
    note = None
    name = collapse(name.strip(" .:;,-–—«»\"'"))
    name = _GENERIC_LEAD.sub("", name)
    m = _TRAILING_CLAUSE.search(name)
    if m and _GROUP_OF_VOLUNTEERS.match(name):
        m = None  # « étudiants volontaires », « communes volontaires »: a group, named whole
    if m:
        note = m.group(0).strip()
        name = name[: m.start()]
    name = _ARTICLE.sub("", name).strip(" .:;,-–—«»")
    if name.count("(") != name.count(")"):
        name = name.strip("()")
    name = re.sub(
        r"^(?:notamment|dont|appui\s+d[eu]s?|lien\s+avec)\s+(?:le\s+|la\s+|les\s+|l')?", "", name, flags=re.I
    )
    if ":" in name:  # "Acteurs territoriaux : consulaires" -> the named part
        category, _, rest = name.partition(":")
        if rest.strip():
            note, name = note or collapse(category), collapse(rest)
    if name.startswith("association ") and len(name.split()) >= 2:
        name = name[len("association ") :]
    return collapse(name), note


def _paren_parts(segment: str) -> tuple[str, list[str], list[str]]:
    """Pull parentheticals out: list members '(CAPEB, FFB et UNICEM)' become orgs, others notes."""
    members: list[str] = []
    notes: list[str] = []

    def repl(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        parts = [p.strip(" .…") for p in re.split(r"\s*[,/;]+\s*|\s+et\s+", inner) if p.strip(" .…")]
        if (
            len(parts) >= 2
            and sum(p.isupper() or p[:1].isupper() for p in parts) >= len(parts) - 1
            and all(len(p.split()) <= 4 for p in parts)
        ):
            members.extend(parts)
            return ""
        letters = [c for c in inner if c.isalpha()]
        if inner.isupper() and 2 <= len(letters) <= 10 and " " not in inner:
            return f" ({inner})"  # an acronym: keep it in the name
        notes.append(inner)
        return ""

    rest = _PAREN.sub(repl, segment)
    return rest, members, notes


_GOVERNANCE = re.compile(
    r"^dans\s+le\s+cadre\s+.*?\b(?:pilotée?|portée?)\s+par\s+(?:le\s+|la\s+|l')?(.+)$", re.I
)
_PURPOSE = re.compile(r"\s+pour\s+la\s+phase\s+.*?(?=\d+\s+pilotes?\b|$)", re.I)
_BRANCH_PILOTS = re.compile(r"^\d+\s+pilotes?\s+(?:par|désignés?\s+dans)\s+(?:chaque\s+)?branche", re.I)


class _Collector:
    def __init__(self, line: int, known: frozenset[str]):
        self.line = line
        self.known = known
        self.orgs: list[OrgMention] = []
        self.people: list[Person] = []
        self.pending: list[Person] = []

    def add_org(self, name: str, note: str | None) -> None:
        if self.orgs and is_expansion(self.orgs[-1].name, name):
            self.orgs[-1].note = self.orgs[-1].note or name
            return
        self.orgs.append(OrgMention(name, self.line, note))
        for p in self.pending:
            p.org = name
        self.pending = []

    def add_person(self, name: str, role: str | None = None) -> None:
        person = Person(name=name, role=role, line=self.line)
        self.people.append(person)
        self.pending.append(person)


def split_orgs(
    paragraphs: Iterable[str], line: int, known: frozenset[str] = frozenset()
) -> tuple[list[OrgMention], list[Person]]:
    """Organisations (and people) named in a pilot or partner field, as written."""
    col = _Collector(line, COMMON_ACRONYMS | known)
    for para in paragraphs:
        text = strip_markup(para)
        pieces = _SUB_ACTION.split(text)  # "Sous action 1 : A, B Sous action 2 : C"
        chunks: list[tuple[str | None, str]] = [(None, pieces[0])]
        for i in range(1, len(pieces) - 1, 2):
            chunks.append((collapse(pieces[i]), pieces[i + 1]))
        for sub_note, chunk in chunks:
            _split_chunk(chunk, sub_note, col)
    seen: set[str] = set()
    unique = []
    for o in col.orgs:
        key = fold(o.name) + "|" + (o.note or "")
        if key not in seen:
            seen.add(key)
            unique.append(o)
    return unique, col.people


ASSOCIATED = "en lien avec"  # the note of organisations associated to a pilot, not piloting themselves


def _relation_note(sep: str) -> str:
    word = fold(sep).strip(" (")
    if word.startswith(("en liaison", "en lien", "avec l'appui", "associant")):
        return ASSOCIATED
    return {"a travers": "via", "dont": "dont", "puis": "puis", "ou": "ou"}.get(word, word)


def _split_chunk(chunk: str, sub_note: str | None, col: _Collector) -> None:
    gov = _GOVERNANCE.match(collapse(chunk))
    if gov:
        chunk, sub_note = gov.group(1), sub_note or "gouvernance"
    chunk = _PURPOSE.sub(", ", chunk)
    parts, seps = _depth0_split_seps(chunk, _RELATIONS)
    for idx, rel in enumerate(parts):
        rel = rel.strip().strip("()") if idx > 0 and rel.strip().endswith(")") and "(" not in rel else rel
        note = sub_note or (_relation_note(seps[idx - 1]) if idx > 0 else None)
        segs = _rejoin_continuations(_depth0_split(rel, _SEPARATORS))
        for k, seg in enumerate(segs):
            if k + 1 < len(segs) and _looks_like_person(seg) and _function_of(segs[k + 1].strip()):
                col.add_person(collapse(seg))  # "Julie Morel, chargée de mission au …"
                continue
            for seg2 in _split_et(seg):
                _add_segment(seg2, note, col)


_NAME_WORD = re.compile(r"^[A-ZÉÈ][a-zéèëïôç]+(?:-[A-ZÉÈ][a-zéèëïôç]+)?$")


def _looks_like_person(seg: str) -> bool:
    """Two or three capitalised words with no organisation head word: a person's name before a function."""
    words = seg.split()
    return 2 <= len(words) <= 3 and all(
        _NAME_WORD.match(w) and fold(w) not in organisation_heads() for w in words
    )


def _add_segment(seg: str, note: str | None, col: _Collector) -> None:
    seg = collapse(seg)
    if not seg or _NOISE.match(seg) or _add_run(seg, note, col):
        return
    if _BRANCH_PILOTS.match(seg):
        col.add_org("branches professionnelles", seg)
        return
    if _add_function(seg, note, col):
        return
    person = _PERSON.search(seg)
    if person:
        _add_with_person(seg, person, note, col)
        return
    if fold(seg) in _ROLE_WORDS:
        col.add_person("", role=seg)
        return
    for part in _split_glued(seg, col.known):
        _add_part(part, note, col)


_ORG_AFTER = re.compile(
    r"\s(?:à\s+la|à\s+l['’]|au|aux|auprès\s+(?:de\s+la|de\s+l['’]|du|des|de)|de\s+la|de\s+l['’]|du|des|de)"
    r"\s*(?=[A-ZÉÈÀ])"
)


def _function_of(seg: str) -> str | None:
    """The function word a segment starts with ("chargée de mission", "M."), or None."""
    folded = fold(seg)
    titles, civilities = person_words()
    first = folded.split()[0] if folded.split() else ""
    if first in civilities and len(seg.split()) >= 2 and seg.split()[1][:1].isupper():
        return first
    return next((t for t in titles if folded == t or folded.startswith(t + " ")), None)


def _add_function(seg: str, note: str | None, col: _Collector) -> bool:
    """A person in a field: « M. Thomas Girard » (a civility), « chargée de mission au Département de la
    Sarthe » (a function, then the organisation it is held in: that organisation). False when the segment
    starts with neither."""
    title = _function_of(seg)
    if title is None:
        return False
    _, civilities = person_words()
    if title in civilities:
        col.add_person(seg)
        return True
    org = next((m for m in _ORG_AFTER.finditer(seg) if m.start() >= len(title) - 1), None)
    col.add_person("", role=collapse(seg[: org.start()]) if org else seg)
    if org:
        _add_segment(seg[org.end() :], note, col)
    return True


def _add_run(seg: str, note: str | None, col: _Collector) -> bool:
    """Add a long segment of three names or more glued without separators; False when it is not one."""
    if len(seg.split()) < 5 or "(" in seg:
        return False
    parts = split_run(re.sub(r"^(?:institutionnels|acteurs\s+territoriaux)\s+(?=[A-ZÉ])", "", seg), col.known)
    if len(parts) < 3:
        return False
    for part in parts:
        _add_segment(part, note, col)
    return True


def _add_with_person(seg: str, person: re.Match[str], note: str | None, col: _Collector) -> None:
    """A segment naming a person: the person, and the organisations written before and after."""
    before, after = collapse(seg[: person.start()]), collapse(seg[person.end() :])
    if before:
        _add_segment(before, note, col)
    col.add_person(f"{person.group(1)} {person.group(2)}")
    if after:
        _add_segment(after, note, col)


def _add_part(part: str, note: str | None, col: _Collector) -> None:
    """One organisation name (with its parenthesised members and notes); "ÉTAT/X" is X noted État,
    "A/B" (not a known compound) two organisations."""
    part_note = note
    if re.match(r"^(?:ÉTAT|ETAT|État|Etat)\s*/\s*", part):
        part = re.sub(r"^(?:ÉTAT|ETAT|État|Etat)\s*/\s*", "", part)
        part_note = "État"
    elif "/" in part and fold(part) not in COMPOUNDS and "(" not in part:
        for p in part.split("/"):
            _add_segment(p, note, col)
        return
    rest, members, notes = _paren_parts(part)
    name, clause = _clean(rest)
    if name and not _NOISE.match(name) and len(name) >= 2:
        col.add_org(name, part_note or (notes[0] if notes else None) or clause)
    for member in members:
        col.add_org(member, name or part_note)
