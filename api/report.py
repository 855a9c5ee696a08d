"""The ingest report: what happened to each document, and the totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

# the statuses of a report line (stable slugs of the JSON report) and how the CLI says them
STATUSES = {
    "ingested": "intégré",
    "unchanged": "inchangé",
    "error": "erreur",
    "skipped": "ignoré",
}


@dataclass
class DocumentReport:
    file: str
    doc_id: str | None
    status: str  # one of STATUSES: "ingested", "unchanged", "error", "skipped" (a file qfq does not read)
    actions: int = 0
    fields_missing: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # why the file failed or was skipped
    shapes: dict[str, int] = field(default_factory=dict)
    # the hierarchy found: each grouping level's kind -> how many distinct ones, then the units of action
    hierarchy: dict[str, int] = field(default_factory=dict)
    passages: dict[str, int] = field(default_factory=dict)  # typed sections kept apart (édito, diagnostic…)
    # the table of contents or summary table against the body: source, line, entries, matched,
    # in_toc_not_found, found_not_in_toc (ingest.records.TocAgreement); None without contents
    toc: dict[str, Any] | None = None


@dataclass
class IngestReport:
    documents: list[DocumentReport] = field(default_factory=list)
    entities: int = 0  # distinct organisations named as pilots or partners
    territories: int = 0
    unmatched_territories: list[str] = field(default_factory=list)

    @property
    def actions(self) -> int:
        return sum(d.actions for d in self.documents)

    @property
    def errors(self) -> int:
        return sum(d.status == "error" for d in self.documents)

    @property
    def skipped(self) -> int:
        return sum(d.status == "skipped" for d in self.documents)

    def without_paths(self) -> IngestReport:
        """The report for a remote client: each file by its name only, never a path of the server machine
        (in the file field and in the error and warning texts)."""
        documents = []
        for d in self.documents:
            name = Path(d.file).name
            folder = str(Path(d.file).parent)

            def strip(text: str, file: str = d.file, name: str = name, folder: str = folder) -> str:
                text = text.replace(file, name)
                return text.replace(folder + "/", "") if folder not in ("", ".") else text

            error = strip(d.error) if d.error else None
            documents.append(replace(d, file=name, error=error, warnings=[strip(w) for w in d.warnings]))
        return replace(self, documents=documents)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": [asdict(d) for d in self.documents],
            "totals": {
                "documents": len(self.documents),
                "actions": self.actions,
                "entities": self.entities,
                "territories": self.territories,
                "unmatched_territories": len(self.unmatched_territories),
                "errors": self.errors,
                "skipped": self.skipped,
            },
            "unmatched_territories": self.unmatched_territories,
        }


def summarise_hierarchy(actions: list[Any]) -> dict[str, int]:
    """Levels above the actions, top first, each with its count of distinct (ref, title); then the actions."""
    seen: dict[str, set[tuple[str | None, str]]] = {}
    for a in actions:
        for level in a.levels:
            seen.setdefault(level.kind, set()).add((level.ref, level.title))
    return {**{kind: len(values) for kind, values in seen.items()}, "actions": len(actions)}


def summarise_missing(actions: list[Any]) -> dict[str, int]:
    """Per field, the actions with no value for it, neither from a row nor from a sentence."""
    return dict(Counter(f for a in actions for f in a.missing))
