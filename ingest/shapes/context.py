"""What every shape detector gets: the document's lines and what is already known about it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.places import Gazetteer
from ingest.records import ActionRecord, LoadedText, Provenance
from ingest.text import quote_of, strip_heading

NUMBERED_HEADING = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*)?\s*(Proposition|Fiche|Action|Mesure|Projet)\s*(?:n°\s*)?"
    r"((?:[A-Z]\.)?\d{1,2}(?:\s*[-.]\s*\d{1,2}){0,2}(?:[.\-]?[a-z](?![\w'’])|\s+(?:bis|ter|quater)(?![\w]))?)"
    r"\s*(?:[:.\-–]\s*|\s+|$)(.*?)\s*(?:\*\*)?\s*$",
    re.I,
)


@dataclass
class Context:
    doc_id: str
    loaded: LoadedText
    known_acronyms: frozenset[str] = frozenset()
    gazetteer: Gazetteer | None = None
    region: str | None = None
    claimed: set[int] = field(default_factory=set)  # 1-based lines already part of an action

    @property
    def lines(self) -> list[str]:
        return self.loaded.lines

    def line(self, n: int) -> str:
        """1-based line access; '' outside the document."""
        return self.loaded.lines[n - 1] if 1 <= n <= len(self.loaded.lines) else ""

    def provenance(self, start: int, end: int) -> Provenance:
        return Provenance(
            doc=self.doc_id,
            line_start=start,
            line_end=end,
            quote=quote_of(self.loaded.lines, start, end),
            page=self.loaded.page_of(start),
        )

    def claim(self, action: ActionRecord) -> None:
        self.claimed.update(range(action.provenance.line_start, action.provenance.line_end + 1))


def numbered_heading(line: str) -> tuple[str, str, str] | None:
    """'#### Proposition 1-2 : Plate-forme' -> ('Proposition', '1-2', 'Plate-forme'); a number may end in a
    letter ("Mesure 1.a", "Action 3b") or in "bis" / "ter" ("Action 12 bis" keeps its space)."""
    m = NUMBERED_HEADING.match(strip_heading(line) if "<" in line else line.strip())
    if not m:
        return None
    num = re.sub(r"\s+(?=bis|ter|quater)", " ", re.sub(r"\s+(?!bis|ter|quater)", "", m.group(2)))
    kind, title = m.group(1), strip_heading(m.group(3))
    return kind.capitalize(), num, title.strip(" :.")
