"""Query expansion from a lexicon of domain synonyms (embeddings/data/synonyms.toml).

An adviser types "chômeur", the plan writes "demandeur d'emploi"; a planner asks about "quartiers populaires",
the contrat de ville says "QPV". The dense encoder links some of these, BM25 none. A query holding a term of
a group is also scored, at a lower weight, on the stems of the group's other terms (`Expander.expand`), in
the keyword index only. A group may name the terms that trigger it (`from`): a colloquial word expands to the
plans' word, not the other way round (every plan says "emploi", few say "boulot").
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from embeddings.french import tokens

LEXICON = Path(__file__).parent / "data" / "synonyms.toml"


class LexiconError(ValueError):
    """A synonym lexicon that cannot be used: the file, the group and what is wrong."""


@dataclass(frozen=True)
class Group:
    terms: tuple[tuple[str, ...], ...]  # the stems of each term
    triggers: tuple[tuple[str, ...], ...]  # the terms whose presence in a query expands it


def _stems(term: str, where: str) -> tuple[str, ...]:
    stems = tuple(tokens(term))
    if not stems:
        raise LexiconError(f"{where} : le terme « {term} » n'a que des mots vides ; donner un terme porteur")
    return stems


def _contains(query: list[str], term: tuple[str, ...]) -> bool:
    n = len(term)
    return any(tuple(query[i : i + n]) == term for i in range(len(query) - n + 1))


class Expander:
    def __init__(self, groups: Iterable[Group]):
        self.groups = tuple(groups)
        self.vocabulary = frozenset(s for g in self.groups for term in g.terms for s in term)
        self._by_first: dict[str, list[tuple[tuple[str, ...], Group]]] = {}
        for group in self.groups:
            for trigger in group.triggers:
                self._by_first.setdefault(trigger[0], []).append((trigger, group))

    @classmethod
    def from_file(cls, path: Path = LEXICON) -> Expander:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise LexiconError(f"{path} : lexique de synonymes illisible ({exc})") from exc
        groups = []
        for n, entry in enumerate(data.get("group", []), start=1):
            where = f"{path}, groupe {n}"
            terms = entry.get("terms") or []
            if len(terms) < 2:
                raise LexiconError(f"{where} : un groupe réunit au moins deux termes (« terms »)")
            trigger_terms = entry.get("from") or terms
            unknown = [t for t in trigger_terms if t not in terms]
            if unknown:
                raise LexiconError(
                    f"{where} : « from » nomme {unknown}, absents de « terms » ; valeurs : {terms}"
                )
            groups.append(
                Group(tuple(_stems(t, where) for t in terms), tuple(_stems(t, where) for t in trigger_terms))
            )
        return cls(groups)

    def expand(self, stems: list[str]) -> list[str]:
        """The stems a query's synonyms add, in lexicon order, none already in the query."""
        hit: list[Group] = []
        for stem in dict.fromkeys(stems):
            for trigger, group in self._by_first.get(stem, ()):
                if group not in hit and _contains(stems, trigger):
                    hit.append(group)
        seen = set(stems)
        out = []
        for group in sorted(hit, key=self.groups.index):
            for term in group.terms:
                for stem in term:
                    if stem not in seen:
                        seen.add(stem)
                        out.append(stem)
        return out


@lru_cache(maxsize=1)
def default_expander() -> Expander:
    return Expander.from_file()
