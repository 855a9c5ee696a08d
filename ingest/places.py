"""Territories as written: place names pulled from a perimeter field or from running text.

`ingest` does not decide what a place *is* (that is `graph`'s referential); it finds the spans that name
places and splits juxtaposed names ("Vire Argentan" is two places). A gazetteer callable, when given,
confirms splits; without one, capitalised single words standing side by side are taken as separate places.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ingest.names import NAMES, NEIGHBOURHOOD_BEFORE, NEIGHBOURHOOD_NAME
from ingest.records import TerritoryMention
from ingest.text import collapse, fold, html_paragraphs, strip_markup

Gazetteer = Callable[[str], bool]

REGIONS = NAMES["regions"]
_REGION_KEYS = {re.sub(r"[-\s]+", " ", fold(r)): r for r in REGIONS}

_CONNECTORS = r"(?:de|du|des|d'|d’|la|le|les|l'|l’|en|sur|sous|lès)"
_CAP = r"(?:[A-ZÉÈÊÀÂÎÔÛÇ][\w'’\-]*)"
_PLACE = re.compile(
    rf"(?:(?:nord|sud|est|ouest|pays|bocage|agglomération|communauté\s+(?:urbaine|d'agglomération|de\s+communes)|"
    rf"métropole|bassin(?:\s+d'emploi)?\s+d[eu']|département\s+d[eu']|territoire\s+d[eu'])\s*(?:l'|la\s+|le\s+)?)?"
    rf"{_CAP}(?:[\s\-]+(?:{_CONNECTORS}[\s\-]*)*{_CAP})*(?:\s+(?:métropole|agglomération))?"
    rf"|(?:bocage|agglomération|pays)\s+[a-zéè]+(?:ais|aise|ois|oise|in|ine|ien|ienne)\b",
)
_ORG_PREFIX = re.compile(r"^(?:PLIE|Axe|CC|CA)\s+(?=[A-ZÉ])")
_WHOLE_PIECE = re.compile(r"^(?:communauté|métropole|agglomération)\b", re.I)
# Capitalised words that start a sentence or name a programme, not a place.
_NOT_PLACES = {fold(w) for w in NAMES["not_places"]}
_EXCLUSION = re.compile(r"\b(?:hors|sauf|à l'exception de)\s+", re.I)
_PREP_PLACE = re.compile(
    rf"\b(?i:à|sur|en|dans\s+(?:le|la|les|l')|de\s+la\s+communauté\s+de\s+communes\s+de|autour\s+de)\s*"
    rf"(?i:toute\s+)?(?i:la\s+|le\s+|l')?(?i:r[ée]gion\s+)?({_CAP}"
    rf"(?:[\s\-]+(?:{_CONNECTORS}[\s\-]*)?{_CAP})*)"
)
_SPLITTABLE = re.compile(r"^[A-ZÉÈ][a-zéèêëîïôûç]+(?:\s+[A-ZÉÈ][a-zéèêëîïôûç]+)+$")
_NO_SPLIT_HEADS = {
    "saint",
    "sainte",
    "st",
    "ste",
    "val",
    "mont",
    "pont",
    "port",
    "bois",
    "grand",
    "petit",
    "haute",
    "haut",
    "basse",
    "bas",
    "seine",
    "loire",
    "nord",
    "sud",
    "pays",
    "côte",
    "cote",
    "la",
    "le",
}


def region_of(name: str) -> str | None:
    """Canonical region name when `name` is a region as written
    ("Auvergne Rhône Alpes" -> "Auvergne-Rhône-Alpes")."""
    key = re.sub(r"[-\s]+", " ", fold(name)).strip()
    key = re.sub(r"^(?:region|la region)\s+", "", key)
    return _REGION_KEYS.get(key)


def _split_known(name: str, gazetteer: Gazetteer) -> list[str]:
    """Split a name in two at a space or hyphen when both halves are known places and the whole is not."""
    if gazetteer(name):
        return [name]
    for m in re.finditer(r"[\s\-]+", name):
        left, right = name[: m.start()], name[m.end() :]
        if left[:1].isupper() and right[:1].isupper() and gazetteer(left) and gazetteer(right):
            return [left, right]
    return [name]


def _split_juxtaposed(name: str, gazetteer: Gazetteer | None) -> list[str]:
    """'Vire Argentan' -> ['Vire', 'Argentan']; 'Saint Etienne du Rouvray' stays whole."""
    if gazetteer is None and (not _SPLITTABLE.match(name) or region_of(name)):
        return [name]
    words = name.split()
    if gazetteer is not None:
        return _split_known(name, gazetteer)
    if any(fold(w) in _NO_SPLIT_HEADS for w in words):
        return [name]
    return words


def _keep(name: str) -> bool:
    key = fold(name)
    if key in _NOT_PLACES or len(key) < 3:
        return False
    first = key.split()[0]
    return first not in {"dont", "autres", "exemple", "deploiement", "experimentation", "ensemble", "chaque"}


_NEXT_WORD = re.compile(r"\s+([a-zà-ÿœ][\w'’\-]*)")
_DEMONYM = re.compile(r"(?:ais|aise|ois|oise|in|ine|ien|ienne)$")


def _common_noun_first(name: str, after: str, gazetteer: Gazetteer | None) -> bool:
    """A single capitalised word no gazetteer knows, followed by a lower-case word that is neither a
    connector nor a demonym ("Zone portuaire de …", "Quartiers prioritaires de …"): a common noun written
    with the capital of a phrase's start, not a place (a two-word name such as « Pays fort » stays)."""
    if gazetteer is None or re.search(r"[\s\-]", name) or gazetteer(name):
        return False
    nxt = _NEXT_WORD.match(after)
    if nxt is None:
        return False
    word = fold(nxt.group(1))
    return not re.fullmatch(_CONNECTORS, word) and not _DEMONYM.search(word)


def _neighbourhood(before: str, name: str) -> str | None:
    """A neighbourhood's name with its words (« quartier Sainte-Croix », names.toml `neighbourhood_words`),
    or None when the place is no neighbourhood."""
    quarter = NEIGHBOURHOOD_BEFORE.search(before)
    if quarter:
        return collapse(before[quarter.start() :] + name)
    return name if NEIGHBOURHOOD_NAME.match(name) else None


def places_in_field(text: str, line: int, gazetteer: Gazetteer | None = None) -> list[TerritoryMention]:
    """Territories named in a perimeter field ("Normandie", "Vire Argentan, Dieppe, Bernay et Lisieux")."""
    out: list[TerritoryMention] = []
    if re.search(r"\bterritoire\s+départemental\b|\bensemble\s+du\s+département\b", strip_markup(text), re.I):
        out.append(TerritoryMention("territoire départemental", line))
    # within a list item "PERMAC : Communauté Urbaine X", the place is after the colon
    text = re.sub(r"«[^»]*»", " ", text)  # quoted names are programmes, not places
    pieces = [p for para in html_paragraphs(text) for p in re.split(r"[,;/()]|\s+et\s+|\s[-–]\s|:\s", para)]
    for piece in pieces:
        piece = collapse(piece).strip(" .")
        if not piece:
            continue
        excluded = bool(_EXCLUSION.search(piece))
        for m in _PLACE.finditer(piece):
            name = collapse(m.group(0).strip(" .-'’"))
            whole = bool(_WHOLE_PIECE.match(name))
            if whole:
                name = piece[m.start() :].strip(" .,")
            before = piece[: m.start()]
            # "proposés par Pôle Emploi": an agent, not a place; "Zone portuaire de Saint-Aubin": the capital
            # of a phrase's first word
            if re.search(r"\bpar\s+$", before) or _common_noun_first(name, piece[m.end() :], gazetteer):
                continue
            quarter = _neighbourhood(before, name)
            if quarter:  # « Bayonne (quartier Sainte-Croix) »
                out.append(TerritoryMention(quarter, line))
                continue
            name = re.sub(r"^(?:Dont|Autres?|Exemple|Expérimentation|Déploiement)\s+", "", name)
            name = re.sub(r"\s+(?:Dont|Autres?|Exemple|Chaque)$", "", name)
            name = _ORG_PREFIX.sub("", name)
            for i, part in enumerate(_split_juxtaposed(name, gazetteer)):
                if i == 0 and re.search(r"\bdu\s+$", before) and " " not in part:
                    part = f"Le {part}"
                if _keep(part):
                    out.append(
                        TerritoryMention(part, line, excluded=excluded or _excluded_before(text, part))
                    )
            if whole:
                break
    return _dedupe(out)


_TITLE_CLAUSE = re.compile(r"[:;|«»()\[\]/]|\s[-–—]\s|^")
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:à|au|aux|en|sur|sous|dans|de|du|des|pour|autour\s+de|sur\s+le\s+territoire\s+d[eu]|"
    r"bassin\s+d[eu']|pays\s+d[eu'])\s*(?:la\s+|le\s+|les\s+|l['’])?|\bd['’]|\bl['’])\s*$",
    re.I,
)


def places_in_title(title: str, line: int, gazetteer: Gazetteer | None) -> list[TerritoryMention]:
    """Places a title names, known to the gazetteer, and written as a place: a title's first word is
    capitalised by the writing, and common words are also communes' names ("Vers un emploi durable", "Job
    dating à Vire", "Pas de jeune sans solution"). A name is kept when a preposition of place or an article
    comes before it ("à Vire", "en Normandie", "de Souffrignac"), when it does not start its clause (a
    capital inside a title written in lower case), when it is its clause on its own ("Vire : garage
    solidaire"), or when it is a région or a name of several words ("Saint-Omer")."""
    if gazetteer is None:
        return []
    out = []
    for t in places_in_field(title, line, gazetteer):
        if (gazetteer(t.name) or region_of(t.name)) and _placed_in_title(title, t.name):
            out.append(TerritoryMention(t.name, line, source="text"))
    return out


def _placed_in_title(title: str, name: str) -> bool:
    if region_of(name) or re.search(r"[\s\-]", name.strip()):
        return True
    found = re.search(re.escape(name), title, re.I)
    if found is None:
        return True  # rewritten by the field reader ("Le Havre" for "du Havre"): it was after a preposition
    at = found.start()
    clause_start = max(m.end() for m in _TITLE_CLAUSE.finditer(title[:at]))
    before, after = title[clause_start:at], title[at + len(name) :]
    if _PLACE_BEFORE.search(before):
        return True
    if not before.strip():  # first word of its clause: a place only if it is the whole clause
        return not re.match(r"\s*[\w'’]", after) or bool(re.match(r"\s*[-–—:]", after))
    letters = [c for c in title if c.isalpha()]
    return sum(c.isupper() for c in letters) < 0.8 * len(letters)  # inside a title written in capitals: no


def _excluded_before(text: str, name: str) -> bool:
    idx = text.find(name)
    return idx > 0 and bool(re.search(r"\b(?:hors|sauf)\s+(?:\w+\s+){0,2}$", text[:idx], re.I))


def places_in_text(text: str, line: int, gazetteer: Gazetteer | None = None) -> list[TerritoryMention]:
    """Places introduced by a preposition in running text: 'expérimentée sur la Roche-sur-Yon',
    'à Limoges'."""
    out = []
    for m in _PREP_PLACE.finditer(strip_markup(text)):
        name = collapse(m.group(1))
        if gazetteer is not None and not gazetteer(name) and not region_of(name):
            continue
        if gazetteer is None and not (region_of(name) or "-" in name or len(name.split()) == 1):
            continue
        if gazetteer is None and name.isupper() and len(name) <= 4:
            continue
        if _keep(name) and fold(name) != "france":
            out.append(TerritoryMention(name, line, source="text"))
    return _dedupe(out)


def _dedupe(items: list[TerritoryMention]) -> list[TerritoryMention]:
    seen: set[str] = set()
    out = []
    for t in items:
        key = fold(t.name)
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out
