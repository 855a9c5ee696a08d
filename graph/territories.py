"""French territorial referential: régions, départements, EPCI and communes, with name lookup.

Territory ids are ``"<level>:<code>"``: ``region:28``, ``departement:14``, ``epci:200065597`` (SIREN),
``commune:14762`` (INSEE COG). Reading the files and the name keys are :mod:`graph.territory_data`'s; this
module holds the lookups (containment, names and codes, prefix search). Nothing is loaded at import time:
the service's reference data loads one instance (``Referential.load``).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graph.territory_data import (  # noqa: F401 - re-exported: the names other modules import from here
    ALIASES_FILE,
    DATA_FILE,
    EPCI_TYPE_WORDS,
    INSEE_RE,
    LEVELS,
    Place,
    Territory,
    abbreviations,
    canon_epci,
    load_former_regions,
    loose_key,
    read,
    short_forms,
    strip_articles,
    tables,
    variants,
)
from ingest.text import case_key, place_key

_RANK = {level: i for i, level in enumerate(LEVELS)}
_LEVEL_WORDS = {
    "region": "region",
    "departement": "departement",
    "dept": "departement",
    "dpt": "departement",
    "dep": "departement",
}
_DEP_CODE_RE = re.compile(r"\d{2}|2[AB]|9[78]\d")
_DIRECTIONS = frozenset({"nord", "sud", "est", "ouest", "centre"})  # words of direction, no short name
_DEP_HINT_RE = re.compile(r"(.*?\S)\s*\((\d{2}|2[ABab]|9[78]\d)\)\s*")
_Hit = tuple[int, str, str]  # (quality, territory id, case-folded name with accents)


class Referential:
    """In-memory referential with containment, exact name/code lookup and prefix search."""

    def __init__(self, data: dict[str, Any]) -> None:
        t = tables(data)
        self.source: dict[str, Any] = t.source
        self._t = t.territories
        self._pop = t.population
        self._dep = t.departement
        self._members = t.members
        self._postal = t.postal
        self._old_codes = t.old_codes
        self._other_names = t.other_names
        self._is_place: dict[str, bool] = {}  # folded text -> names a territory (see names_a_place)
        # folded former name of a région -> (today's code, date of the change); see load_former_regions
        self.former_regions: dict[str, tuple[str, str]] = {}

    @classmethod
    def load(cls, path: str | Path | None = None) -> Referential:
        """Load the referential from ``path`` (default: the packaged ``data/territories.json.gz``), with the
        short forms and abbreviations of ``territory_aliases.toml`` beside it (else the packaged one)."""
        return cls(read(path))

    def communes(self) -> list[Territory]:
        """All communes, by INSEE code."""
        return self._level("commune")

    def other_names(self) -> list[tuple[str, str, str]]:
        """(name, territory id, kind) of every other name the referential knows: former, delegated and
        short names of communes, abbreviations of régions and départements."""
        return list(self._other_names)

    def homonyms(self, text: str, levels: tuple[str, ...] | None = None) -> list[Territory]:
        """The communes ``text`` names equally well when it names several (« Saint-Denis »: four communes
        of that very name), best known first; empty when the name designates one place. A code, a
        département hint (« Saint-Denis (93) ») or a different spelling is not ambiguous."""
        hits = self.lookup(text, levels=levels)
        if len(hits) < 2 or hits[0].level != "commune" or _DEP_HINT_RE.fullmatch(text.strip()):
            return []
        same = [t for t in hits if t.level == "commune" and case_key(t.name) == case_key(hits[0].name)]
        return same if len(same) > 1 and case_key(text.strip()) == case_key(hits[0].name) else []

    def departement_of(self, territory_id: str) -> Territory | None:
        """The département a commune (or EPCI) lies in."""
        return next((p for p in self.parents(territory_id) if p.level == "departement"), None)

    def __len__(self) -> int:
        return len(self._t)

    def get(self, territory_id: str) -> Territory | None:
        """The territory with this id, or None."""
        return self._t.get(territory_id)

    def population(self, territory_id: str) -> int:
        """Municipal population (summed over communes for EPCI, départements and régions); 0 if unknown."""
        return self._pop.get(territory_id, 0)

    def regions(self) -> list[Territory]:
        """All régions (including collectivités d'outre-mer listed as régions), by code."""
        return self._level("region")

    def departements(self) -> list[Territory]:
        """All départements (including COM pseudo-départements 975-989), by code."""
        return self._level("departement")

    def epcis(self) -> list[Territory]:
        """All EPCI à fiscalité propre, by SIREN."""
        return self._level("epci")

    def _level(self, level: str) -> list[Territory]:
        return sorted((t for t in self._t.values() if t.level == level), key=lambda t: t.code)

    def parents(self, territory_id: str) -> list[Territory]:
        """Containers, nearest first: commune -> EPCI (when known) -> département -> région.

        A commune's own département and région are used even when its EPCI spans several; an
        EPCI's département is the one holding most of its population.
        """
        t = self._t.get(territory_id)
        if t is None:
            return []
        chain: list[Territory] = []
        if t.level == "commune":
            if t.parent and t.parent.startswith("epci:"):
                chain.append(self._t[t.parent])
            t = self._t[f"departement:{self._dep[territory_id]}"]
            chain.append(t)
        while t.parent and t.parent in self._t:
            t = self._t[t.parent]
            chain.append(t)
        return chain

    @functools.cached_property
    def _contents(self) -> dict[str, dict[str, set[str]]]:
        """territory id -> level -> ids of contained territories (built on first use)."""
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for t in self._t.values():
            if t.level == "departement" and t.parent:
                out[t.parent]["departement"].add(t.id)
            elif t.level == "commune":
                dep = f"departement:{self._dep[t.id]}"
                out[dep]["commune"].add(t.id)
                out[self._t[dep].parent or ""]["commune"].add(t.id)
        for eid, members in self._members.items():
            out[eid]["commune"].update(members)
            for m in members:
                dep = f"departement:{self._dep[m]}"
                out[dep]["epci"].add(eid)
                out[self._t[dep].parent or ""]["epci"].add(eid)
        return out

    def descendants(self, territory_id: str, level: str | None = None) -> list[str]:
        """Ids of the territories inside ``territory_id`` (optionally of one level), sorted by level then
        code.

        An EPCI counts as inside a département or région when any of its communes lies there.
        """
        contents = self._contents.get(territory_id, {})
        return [i for lvl in LEVELS if level in (None, lvl) for i in sorted(contents.get(lvl, ()))]

    def _departements_of(self, territory_id: str) -> set[str]:
        level, code = territory_id.split(":", 1)
        if level == "region":
            return {d.split(":", 1)[1] for d in self.descendants(territory_id, "departement")}
        if level == "epci":
            return {self._dep[m] for m in self._members.get(territory_id, ())}
        return {self._dep[territory_id]} if level == "commune" else {code}

    def _regions_of(self, territory_id: str) -> set[str]:
        if territory_id.startswith("region:"):
            return {territory_id.split(":", 1)[1]}
        parents = (self._t.get(f"departement:{d}") for d in self._departements_of(territory_id))
        return {p.parent.split(":", 1)[1] for p in parents if p and p.parent}

    @functools.cached_property
    def _index(self) -> tuple[dict[str, list[_Hit]], dict[str, list[_Hit]]]:
        """(exact, article-insensitive) maps: normalised key -> hits.

        Quality: 0 official name, 1 EPCI name variant, 2 other name of a commune (commune
        déléguée/associée, arrondissement municipal).
        """
        exact: dict[str, list[_Hit]] = defaultdict(list)
        for t in self._t.values():
            literal = case_key(t.name)
            for quality, key in self._keys(t):
                exact[key].append((quality, t.id, literal))
        for name, tid, _kind in self._other_names:
            if tid in self._t:
                exact[place_key(name)].append((2, tid, case_key(name)))
        loose: dict[str, list[_Hit]] = defaultdict(list)
        for key, hits in exact.items():
            loose[loose_key(key)].extend(hits)
        return dict(exact), dict(loose)

    @staticmethod
    def _keys(t: Territory) -> Iterable[tuple[int, str]]:
        yield 0, place_key(t.name)
        if t.level != "epci":
            return
        bare = re.sub(r"\(.*?\)", " ", t.name)
        for key in {canon_epci(place_key(t.name)), canon_epci(place_key(bare))}:
            yield 0, key
            words = key.split()
            rest = words[1:]
            # "CU Angers Loire Métropole" -> "angers loire metropole"; not a bare word of direction ("CA du
            # Sud" is no "le Sud")
            if rest and words[0] in EPCI_TYPE_WORDS and strip_articles(" ".join(rest)) not in _DIRECTIONS:
                yield 1, " ".join(rest)
        for acronym in re.findall(r"\(([A-Za-z]{3,})\)", t.name):
            yield 1, place_key(acronym)

    def names_a_place(self, text: str) -> bool:
        """Whether ``text`` names a territory at any level (answers kept per referential: ingest asks
        often)."""
        known = self._is_place
        if text not in known:
            if len(known) >= 50_000:
                known.clear()
            known[text] = bool(self.lookup(text))
        return known[text]

    def lookup(
        self,
        text: str,
        *,
        prefer_region: str | None = None,
        prefer_departement: str | None = None,
        levels: tuple[str, ...] | None = None,
    ) -> list[Territory]:
        """Territories named or coded exactly ``text`` (after normalisation), best first.

        Understands INSEE codes (former codes and arrondissements municipaux map to the current
        commune), postal codes (after the INSEE match, if any), département codes (only when
        ``levels`` names "departement"), "Région X"/"Département de X" prefixes, a trailing
        "(14)" département hint, CC/CA/CU abbreviations, and names without their leading article
        (as a fallback). Homonyms: ``prefer_departement`` first, then ``prefer_region``, then the
        names spelled with the query's accents, official names before other names (former or
        delegated commune names), larger levels first, larger population first.
        """
        allowed = set(levels or LEVELS)
        text = text.strip()
        hint = _DEP_HINT_RE.fullmatch(text)
        if hint:
            text, prefer_departement = hint.group(1), prefer_departement or hint.group(2).upper()
        code = text.upper()
        if INSEE_RE.fullmatch(code):
            hits: list[_Hit] = []
            target = code if f"commune:{code}" in self._t else self._old_codes.get(code)
            if target:
                hits.append((0, f"commune:{target}", ""))
            hits += [(1, cid, "") for cid in self._postal.get(code, ())]
            return self._rank(hits, allowed, prefer_region, prefer_departement, "")
        if levels and "departement" in levels and _DEP_CODE_RE.fullmatch(code):
            dep = self._t.get(f"departement:{code}")
            return [dep] if dep else []
        exact, loose = self._index
        literal = case_key(text)
        for key in variants(text):
            words = key.split()
            level_allowed = allowed
            if len(words) > 1 and words[0] in _LEVEL_WORDS:
                level_allowed = allowed & {_LEVEL_WORDS[words[0]]}
                key = strip_articles(" ".join(words[1:]))
            key = canon_epci(key)
            for index, k in ((exact, key), (loose, loose_key(key))):
                found = self._rank(
                    index.get(k, ()), level_allowed, prefer_region, prefer_departement, literal
                )
                if found:
                    return found
        return []

    def _rank(
        self,
        hits: Iterable[_Hit],
        allowed: set[str],
        prefer_region: str | None,
        prefer_departement: str | None,
        literal: str,
    ) -> list[Territory]:
        best: dict[str, tuple[bool, int]] = {}
        for quality, tid, form in hits:
            if tid.split(":", 1)[0] in allowed:
                best[tid] = min((form != literal, quality), best.get(tid, (True, 9)))

        def key(tid: str) -> tuple[bool, bool, tuple[bool, int], int, int, str]:
            return (
                prefer_departement is not None and prefer_departement not in self._departements_of(tid),
                prefer_region is not None and prefer_region not in self._regions_of(tid),
                best[tid],
                _RANK[self._t[tid].level],
                -self._pop.get(tid, 0),
                tid,
            )

        return [self._t[tid] for tid in sorted(best, key=key)]

    @functools.cached_property
    def _sorted_keys(self) -> tuple[list[str], list[str]]:
        exact, loose = self._index
        pairs = sorted(
            {
                (k, tid)
                for index in (exact, loose)
                for k, hits in index.items()
                for quality, tid, _ in hits
                if quality < 2
            }
        )
        return [k for k, _ in pairs], [tid for _, tid in pairs]

    @functools.cached_property
    def _sorted_postal(self) -> list[str]:
        return sorted(self._postal)

    def search(self, prefix: str, limit: int = 10) -> list[Territory]:
        """Autocomplete: territories whose name (or postal code) starts with ``prefix``.

        Official names and EPCI name variants only (not former/delegated commune names); ordered
        by level importance (région, département, EPCI, commune), then population.
        """
        key = place_key(prefix)
        if not key:
            return []
        found: set[str] = set()
        if key.isdigit():
            codes = self._sorted_postal
            for postal_code in codes[bisect.bisect_left(codes, key) :]:
                if not postal_code.startswith(key):
                    break
                found.update(self._postal[postal_code])
        else:
            keys, ids = self._sorted_keys
            for k in {key, canon_epci(key)}:
                i = bisect.bisect_left(keys, k)
                while i < len(keys) and keys[i].startswith(k):
                    found.add(ids[i])
                    i += 1
        ranked = sorted(found, key=lambda tid: (_RANK[self._t[tid].level], -self._pop.get(tid, 0), tid))
        return [self._t[tid] for tid in ranked[:limit]]
