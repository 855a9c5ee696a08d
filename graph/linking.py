"""From names as written to linked ids: territories to official codes (with a best known parent when there is
no code), organisations to provisional actor ids. The actor de-duplication proper is the knowledge-graph work;
until it lands, one spelling folded = one actor id."""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.territories import Referential, Territory
from ingest.mentions import FrenchNLP, Gazetteer
from ingest.names import NEIGHBOURHOOD_NAME
from ingest.orgs import spelled_in
from ingest.records import DocumentRecord, GlossaryEntry
from ingest.text import fold, slug

if TYPE_CHECKING:
    from graph.reference import ReferenceData

_QUALIFIERS = re.compile(
    r"^(?:nord|sud|est|ouest|centre|bocage|pays|agglomération|bassin(?:\s+d'emploi)?\s+d[eu']|territoire\s+d[eu']|"
    r"zone\s+d'activité\s+d[eu']?|axe)\s+",
    re.I,
)
FAR_COMMUNE_MAX = 10_000  # inhabitants: a smaller commune outside the document's territory is no bare match
_DEP_HINT = re.compile(r".*\S\s*\((?:\d{2}|2[AB]|9[78]\d)\)", re.I)
_CODE = re.compile(r"\d[\dAB]\d{3}", re.I)
_DEPARTMENT_WIDE = re.compile(r"^(?:territoire|ensemble\s+du\s+territoire)\s+départemental$", re.I)


_LEVELS_SAID = (
    ("region", re.compile(r"\bregion(?:al|ale|aux)?\b")),
    ("departement", re.compile(r"\bdepartement(?:al|ale|aux)?\b")),
)


def _level_said(doc: DocumentRecord) -> str | None:
    """The level a plan's issuer, else its title, else its kind says ("Le Département de l'Eure", "Plan
    départemental …"), as graph.build reads a plan's level (which imports this module)."""
    for text in (doc.issuer, doc.title, doc.kind):
        folded = fold(text or "")
        level = next((lv for lv, pattern in _LEVELS_SAID if pattern.search(folded)), None)
        if level:
            return level
    return None


def actor_id(name: str) -> str:
    return "actor:" + slug(name, 60)


@dataclass(frozen=True)
class LinkedTerritory:
    name: str  # as written
    level: str | None  # region, departement, epci, commune; None when unmatched
    code: str | None
    id: str | None
    official_name: str | None = None
    parent: str | None = None  # id of the best known parent of an unmatched place
    excluded: bool = False
    note: str | None = None  # e.g. "ancienne région, dans Normandie depuis le 2016-01-01"

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "level": self.level,
            "code": self.code,
            "id": self.id,
            "official_name": self.official_name,
            "parent": self.parent,
            "excluded": self.excluded,
            "note": self.note,
        }


class TerritoryLinker:
    """Resolve territory mentions of one document, using its region/department and glossary."""

    def __init__(
        self,
        referential: Referential,
        *,
        region: str | None = None,
        department: str | None = None,
        glossary: dict[str, str] | None = None,
        plan_level: str | None = None,
    ):
        self.ref = referential
        self.plan_level = (
            plan_level  # "departement" for a departmental plan: its département bounds far names
        )
        self.regional = bool(region) and region != "France"  # the document names its région
        self.region = self._one(region, ("region",)) if region and region != "France" else None
        self.department = self._one(department, ("departement",)) if department else None
        if self.department and not self.region:
            self.region = next(
                (p for p in referential.parents(self.department.id) if p.level == "region"), None
            )
        if self.region and not self.department:  # a région of one département (a DROM) is that one too
            deps = referential.descendants(self.region.id, "departement")
            self.department = referential.get(deps[0]) if len(deps) == 1 else None
        self.glossary = {fold(k): v for k, v in (glossary or {}).items()}

    @classmethod
    def for_document(
        cls, referential: Referential, doc: DocumentRecord, glossary: list[GlossaryEntry]
    ) -> TerritoryLinker:
        """The linker of one document: its région and département first for homonyms, its glossary's
        acronyms."""
        return cls(
            referential,
            region=doc.region,
            department=doc.department,
            glossary={g.acronym: g.expansion for g in glossary},
            plan_level=_level_said(doc),
        )

    def _one(self, name: str, levels: tuple[str, ...]) -> Territory | None:
        hits = self.ref.lookup(name, levels=levels)
        return hits[0] if hits else None

    def _lookup(self, name: str) -> Territory | None:
        hits = self.ref.lookup(
            name,
            prefer_region=self.region.code if self.region else None,
            prefer_departement=self.department.code if self.department else None,
        )
        return hits[0] if hits else None

    def is_place(self, name: str) -> bool:
        """The gazetteer the ingest uses to split 'Vire Argentan' and to keep place names found in text."""
        return self.ref.names_a_place(fold(name))

    def link(self, name: str, excluded: bool = False, context: str = "") -> LinkedTerritory:
        """Link one mention; `context` (the action's text) can spell out an acronym such as 'CAC'."""
        if _DEPARTMENT_WIDE.match(name.strip()) and self.department:
            return self._linked(name, self.department, excluded)
        if NEIGHBOURHOOD_NAME.match(name.strip()):  # « quartier Sainte-Croix »: a part of a commune, no code
            parent = self.department or self.region
            return LinkedTerritory(
                name, None, None, None, parent=parent.id if parent else None, excluded=excluded
            )
        key = re.sub(r"^(?:r[ée]gion|ex-?)\s+", "", fold(name).replace("-", " ")).replace(" ", "-")
        former = self.ref.former_regions.get(key) or self.ref.former_regions.get(fold(name))
        if former:
            region = self.ref.get(f"region:{former[0]}")
            linked = self._linked(name, region, excluded)
            return LinkedTerritory(
                **{**linked.__dict__, "note": f"ancienne région, dans {region.name} depuis le {former[1]}"}
            )
        found = self._lookup(name)
        if found is None and fold(name) in self.glossary:
            found = self._lookup(self.glossary[fold(name)])
        if found is None and name.isupper() and len(name) <= 6 and context:
            found = self._from_context(name, context)
        if found is not None and self._far_small_commune(name, found):
            found = None
        if found is not None:
            return self._linked(name, found, excluded)
        stripped = _QUALIFIERS.sub("", name).strip()
        parent = self._lookup(stripped) if stripped and stripped != name else None
        parent = parent or self.department or self.region
        return LinkedTerritory(
            name, None, None, None, parent=parent.id if parent else None, excluded=excluded
        )

    def _far_small_commune(self, name: str, found: Territory) -> bool:
        """A small commune (fewer than FAR_COMMUNE_MAX inhabitants) outside the document's territory, named
        bare: a resort, a valley or a hamlet of the document that shares a far village's name (« La Plagne »,
        « Tarentaise »), not that village. The territory is the département of a departmental plan or of a
        document that names no région, else the région (a regional plan's département is a guess from one
        of its measures). A name that says its département (« X (01) ») or its code is kept, and so is any
        commune when the document has no territory."""
        if found.level != "commune" or self.ref.population(found.id) >= FAR_COMMUNE_MAX:
            return False
        departmental = self.plan_level == "departement" or not self.regional
        home = (self.department if departmental else None) or self.region
        if home is None or _DEP_HINT.fullmatch(name.strip()) or _CODE.fullmatch(name.strip()):
            return False
        return not any(p.id == home.id for p in self.ref.parents(found.id))

    def _from_context(self, acronym: str, context: str) -> Territory | None:
        """'CAC' in a text naming 'la Communauté d'Agglomération du Cotentin': the phrase whose words spell
        it."""
        for phrase in spelled_in(acronym, context):
            found = self._lookup(phrase)
            if found is not None:
                return found
        return None

    def linked_to(self, t: Territory) -> LinkedTerritory:
        """A territory known by its referential entry (an inferred perimeter), under its official name."""
        return self._linked(t.name, t, False)

    @staticmethod
    def _linked(name: str, t: Territory, excluded: bool) -> LinkedTerritory:
        return LinkedTerritory(name, t.level, t.code, t.id, official_name=t.name, excluded=excluded)


# -- the gazetteer of the mentions pass --------------------------------------------------------------------

COMMUNE_MIN_POPULATION = 2000  # smaller communes come through the NER and `Referential.lookup`
_gazetteers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_gazetteers_lock = threading.Lock()


_EPCI_FORM = re.compile(r"^(?:CA|CU)\s+(?!(?:de|du|des|d'|la|le|les)\b)")
_EPCI_ARTICLE_FORM = re.compile(r"^(?:CA|CU)\s+(?:du|de\s+la|de\s+l'|des)\s+(?=[A-ZÉÈÎ])")
_EPCI_KINDS = {"CC": "Communauté de communes", "CA": "Communauté d'agglomération", "CU": "Communauté urbaine"}
# first words of an EPCI's name after its article that name an area more often than the EPCI ("le pays de X")
_AREA_WORDS = frozenset({"pays", "bassin", "territoire", "region", "canton", "secteur", "val", "vallee"})


def epci_forms(name: str, communes_named: set[str]) -> list[str]:
    """Other names of an EPCI the prose writes: its kind spelled out ("Communauté de communes de X" for "CC
    de X"), its name without the kind ("Troyes Champagne Métropole"; "Grand Verdun" for "CA du Grand
    Verdun") when that is several words, not a commune's name and not an area word's phrase."""
    kind, _, rest = name.partition(" ")
    out = [f"{_EPCI_KINDS[kind]} {rest}"] if kind in _EPCI_KINDS and rest else []
    short = _EPCI_FORM.sub("", name)
    if short == name:
        short = _EPCI_ARTICLE_FORM.sub("", name)
        if short != name and fold(short.split()[0]) in _AREA_WORDS:
            short = name
    if short != name and len(short.split()) > 1 and fold(short) not in communes_named:
        out.append(short)
    return out


def gazetteer_rows(reference: ReferenceData) -> list[tuple[str, str, str]]:
    """(surface, kind, key) rows from the reference data: territories (régions, départements, EPCI, communes
    of at least COMMUNE_MIN_POPULATION inhabitants and their other names), the actor lexicon (names,
    acronyms, aliases, expansions) and the dispositif thesaurus (labels)."""
    ref = reference.territories
    rows: list[tuple[str, str, str]] = []
    for t in [*ref.regions(), *ref.departements(), *ref.epcis()]:
        rows.append((t.name, "place", t.id))
    # « dans le 93 », « les habitants du 13 »: a département by its number (ingest keeps it after an article)
    rows += [(t.code, "place", t.id) for t in ref.departements()]
    communes_named = {fold(t.name) for t in ref.communes()}
    for t in ref.epcis():  # "Troyes Champagne Métropole" for "CA Troyes Champagne Métropole"
        rows += [(form, "place", t.id) for form in epci_forms(t.name, communes_named)]
    communes = ref.communes()
    big = {t.id for t in communes if ref.population(t.id) >= COMMUNE_MIN_POPULATION}
    rows += [(t.name, "place", t.id) for t in communes if t.id in big]
    rows += [
        (name, "place", tid)
        for name, tid, _ in ref.other_names()
        if tid in big or tid.startswith(("region:", "departement:"))  # short forms, abbreviations ("BFC")
    ]
    for entry in reference.lexicon:
        if entry.generic:
            continue
        for name in {entry.name, entry.acronym, entry.expansion, *entry.aliases} - {None, ""}:
            rows.append((name, "org", entry.key))
    for d in reference.dispositifs:
        for label in d.labels:
            rows.append((label, "dispositif", d.id))
    return [r for r in rows if r[0] and r[0].strip()]


def mention_gazetteer(reference: ReferenceData, nlp: FrenchNLP) -> Gazetteer:
    """The gazetteer of one reference data set for one pipeline, built once."""
    with _gazetteers_lock:
        per_ref = _gazetteers.setdefault(reference, weakref.WeakKeyDictionary())
        gazetteer = per_ref.get(nlp)
        if gazetteer is None:
            gazetteer = per_ref[nlp] = Gazetteer(gazetteer_rows(reference), nlp).warm()
        return gazetteer
