"""The actor model and its data: the lexicon's entries (`data/actors.toml`), the curator's aliases
(`data/aliases.toml`), an actor node, a logged decision, a document's context, and the name helpers the
resolver (graph/actors.py) applies."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from graph.territories import Territory
from ingest.text import fold

DATA = Path(__file__).parent / "data"

GENERIC = re.compile(
    r"^(?:acteurs|entreprises|associations|collectivit[ée]s|partenaires|organisations|branches|consulaires|"
    r"services\s+de\s+l'[ée]tat|ensemble\s+des|tout\s+(?:autre\s+)?acteur|autres?|structures|f[ée]d[ée]rations\s+de|"
    r"chambres\s+consulaires|conseils\s+d[ée]partementaux|spe|acteurs\s+du\s+spe|op[ée]rateurs|porteurs|binômes|"
    r"clubs|groupe\s+de\s+travail|institutionnels|professionnels|bailleurs|syndicats|collectivit[ée]|"
    r"organisations\s+syndicales|plateformes|lauréats|\d+\s+lauréats|territoires?|contrats|epci|conseils\s+\w+|missions\s+locales\s+et)\b",
    re.I,
)
_KIND_RULES = (
    (
        r"\b(?:préfecture|sous-préfecture|direction\s+régionale|direction\s+départementale|rectorat|ministère|état)\b",
        "État",
    ),
    (
        r"\b(?:région|département|communauté\s+(?:de\s+communes|d'agglomération|urbaine)|agglomération|métropole|"
        r"ville\s+de|mairie|commune|petr|syndicat\s+mixte|sitcom|conseil\s+(?:régional|départemental))\b",
        "collectivité",
    ),
    (r"\b(?:chambre\s+(?:de|des|d'|régionale)|cci|cma)\b", "chambre consulaire"),
    (r"\b(?:opco|opca|branche)\b", "OPCO/branche"),
    (
        r"\b(?:syndicat|medef|cpme|cfdt|cgt|fédération\s+(?:française|nationale|régionale)\s+(?:du|des))\b",
        "syndicat",
    ),
    (r"\b(?:cfa|école|lycée|greta|université|formation|campus)\b", "organisme de formation"),
    (r"\b(?:santé|hôpital|médic|cpam|ars)\b", "santé"),
    (r"\b(?:association|fédération|réseau|union|collectif|comité|club|crèche|foyer|relais)\b", "association"),
    (r"\b(?:sa|sas|sarl|groupe|entreprise|société|port|cemex|france)\b", "entreprise"),
)
_ACRONYM_IN_PARENS = re.compile(r"^(.*?)\s*\(([A-Z][A-Za-z0-9\-]{1,11})\)\s*$")


@dataclass
class LexiconEntry:
    key: str
    name: str
    kind: str
    scope: str
    acronym: str | None = None
    expansion: str | None = None
    aliases: tuple[str, ...] = ()
    level: str | None = None
    successor: str | None = None
    since: str | None = None
    template: str | None = None
    generic: bool = False
    functions: tuple[str, ...] = ()  # a person's functions that stand for it ("préfet de région")
    department_functions: tuple[str, ...] = ()  # the same, for its branch of the département ("préfet de
    # département")


@dataclass
class Actor:
    id: str
    name: str
    kind: str
    key: str
    acronym: str | None = None
    expansion: str | None = None
    aliases: set[str] = field(default_factory=set)
    territory: str | None = None  # territory id (home territory of a territorial actor)
    branches: set[str] = field(default_factory=set)  # territorial branches named for a national actor
    successor: str | None = None  # actor id
    successor_since: str | None = None
    generic: bool = False
    lexicon: bool = False


@dataclass(frozen=True)
class Decision:
    mention: str
    doc: str
    actor: str
    rule: str
    detail: str = ""


@dataclass
class DocContext:
    doc_id: str
    region: Territory | None = None
    department: Territory | None = None
    glossary: dict[str, str] = field(default_factory=dict)  # folded acronym -> expansion

    @property
    def reverse(self) -> dict[str, str]:
        """Folded expansion -> folded acronym: 'Association Régionale des Missions Locales' -> 'arml'."""
        if not hasattr(self, "_reverse"):
            self._reverse = {fold(v): k for k, v in self.glossary.items()}
        return self._reverse


# forced merges (folded name -> canonical), names kept apart, and optionally the collectivity prefixes
# (folded prefix -> territory level: "ville de" -> "commune")
Aliases = tuple[dict[str, str], list[set[str]]] | tuple[dict[str, str], list[set[str]], dict[str, str]]


def load_lexicon(path: Path = DATA / "actors.toml") -> tuple[LexiconEntry, ...]:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)["actor"]
    lists = ("aliases", "functions", "department_functions")
    return tuple(LexiconEntry(**{k: tuple(v) if k in lists else v for k, v in e.items()}) for e in raw)


def load_aliases(path: Path = DATA / "aliases.toml") -> Aliases:
    """The curator's file: folded name -> canonical name for forced merges, and sets of names kept apart."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    merges = {fold(n): m["canonical"] for m in raw.get("merge", []) for n in m["names"]}
    separate = [{fold(n) for n in s["names"]} for s in raw.get("separate", [])]
    collectivity = {fold(p): c["level"] for c in raw.get("collectivity", []) for p in c["prefixes"]}
    return merges, separate, collectivity


def _key(name: str) -> str:
    return re.sub(r"[\s\-/]+", " ", fold(name)).strip(" .")


def _looks_like_acronym(token: str) -> bool:
    return token.isupper() and 2 <= len(token.replace(" ", "")) <= 6


def _split_acronym(name: str) -> tuple[str, str | None]:
    m = _ACRONYM_IN_PARENS.match(name)
    return (m.group(1).strip(), m.group(2)) if m and m.group(1).strip() else (name, None)


def _is_separate(groups: list[set[str]], a: str, b: str) -> bool:
    return any(a in g and b in g for g in groups)


def _kind_of(name: str, acronym: str | None) -> str:
    text = fold(f"{name} {acronym or ''}")
    for pattern, kind in _KIND_RULES:
        if re.search(pattern, text):
            return kind
    return "organisation"
