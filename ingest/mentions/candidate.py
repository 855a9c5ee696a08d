"""A candidate mention: a token span of a parsed text with its kind and where it came from (shared by
ingest/mentions/candidates.py, persons.py, roles.py and contacts.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    start: int  # token span in the doc, end exclusive
    end: int
    kind: str  # org, place, person, dispositif
    source: str  # gazetteer, ner, parse, layout
    key: str | None = None
    other_keys: tuple[str, ...] = ()
    territory: tuple[int, int] | None = None  # token span of a place named inside an organisation
    territory_key: str | None = None
    function: tuple[int, int] | None = None  # token span of a person's function
    affiliation: tuple[int, int] | None = None  # token span of a person's organisation
    lead: tuple[int, int] | None = None  # token span of the plural noun before a list of members

    def overlaps(self, other: Candidate) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Candidate) -> bool:
        return self.start <= other.start and other.end <= self.end
