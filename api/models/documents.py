"""Documents, passages and the ingest report."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from api.models.base import Body


class PassageLine(Body):
    n: int
    text: str
    hit: bool = Field(description="True for the lines of the evidence span.")


class PassageResponse(Body):
    doc: str
    title: str | None = None
    file: str = Field(description="The document's file name.")
    start: int
    end: int
    lines: list[PassageLine]


class DocumentResult(Body):
    file: str
    doc_id: str | None = None
    status: Literal["ingested", "unchanged", "error", "skipped"] = Field(
        description="ingested, unchanged, error (the file was not read: see error) or skipped (a file qfq "
        "does not read, such as an unsupported suffix: see error)."
    )
    actions: int
    fields_missing: dict[str, int]
    warnings: list[str]
    error: str | None = Field(None, description="Why the file failed or was skipped (in French).")
    shapes: dict[str, int]
    hierarchy: dict[str, int] = Field(
        description="Grouping levels found, top first, with their counts, then the number of actions."
    )
    passages: dict[str, int] = Field(description="Typed sections kept apart (édito, diagnostic…), by type.")
    toc: dict[str, Any] | None = Field(
        None,
        description="Table of contents or summary table against the body: source, line, entries, matched, "
        "in_toc_not_found, found_not_in_toc; null without contents.",
    )


class IngestTotals(Body):
    documents: int
    actions: int
    entities: int = Field(description="Distinct organisations named as pilots or partners.")
    territories: int
    unmatched_territories: int
    errors: int
    skipped: int = Field(0, description="Files found but not read (unsupported suffix, link to a folder).")


class IngestReportBody(Body):
    """The ingest report (`POST /documents`, `qfq build --json`, `qfq ingest --json`)."""

    documents: list[DocumentResult]
    totals: IngestTotals
    unmatched_territories: list[str] = Field(
        description="Places without an official code, with their document."
    )
