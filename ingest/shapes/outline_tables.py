"""Units of action written as the rows of a table under a heading (a web page's or a report's "N° | Action
| Porteur | Partenaires | Échéance" table per orientation): each row one unit, the headings above it its
grouping levels. Read only when no heading names a unit, so that a summary table beside fiches never
doubles them, and never inside a typed passage (a "Tableau de synthèse"). A grouping column ("Axe",
"Orientation") gives the row's levels, an empty grouping cell (a vertically merged cell) repeating the value
above it; a title cell of several paragraphs holds the title first, then the unit's description."""

from __future__ import annotations

import re

from ingest.labels import Lexicon
from ingest.shapes.context import Context
from ingest.shapes.outline_fields import Body
from ingest.shapes.outline_headings import in_passage
from ingest.shapes.outline_words import Heading, classify

MIN_KNOWN_COLUMNS = 3  # a header row: a title column and at least two other known fields
_NO_VALUE = frozenset({"-", "–", "—", "/", "n/a", "nc", "néant"})  # a cell that says "nothing here"
_PARAGRAPHS = re.compile(r"\s*</?p>\s*")


def _records(cells: list[str], lexicon: Lexicon) -> list[str | None]:
    out = []
    for cell in cells:
        spec = lexicon.spec(cell.strip()) if cell.strip() else None
        out.append(spec.record if spec else None)
    return out


def _header(cells: list[str], lexicon: Lexicon) -> list[str | None] | None:
    records = _records(cells, lexicon)
    if records.count("title") != 1 or sum(r is not None for r in records) < MIN_KNOWN_COLUMNS:
        return None
    return records


def _owner(found: list[Heading], line: int) -> Heading | None:
    """The deepest heading whose text holds ``line``."""
    owner = None
    for h in found:
        if h.line < line <= h.end and (owner is None or h.depth >= owner.depth):
            owner = h
    return owner


def table_units(ctx: Context, found: list[Heading], lexicon: Lexicon) -> list[tuple[Heading, Body]]:
    """(unit, its fields) for every row under a header row that names a title column and other fields."""
    units: list[tuple[Heading, Body]] = []
    lines = ctx.lines
    n = 0
    while n < len(lines):
        cells = lines[n].split("\t")
        records = _header(cells, lexicon) if len(cells) >= MIN_KNOWN_COLUMNS else None
        n += 1
        if records is None:
            continue
        owner = _owner(found, n)
        inside = owner is not None and (owner.role == "passage" or in_passage(owner))
        groups = _Groups(records, owner)
        while n < len(lines) and ("\t" in lines[n] or _spanning(lines, n)):
            row = lines[n].split("\t")
            n += 1
            if inside or _header(row, lexicon) is not None:
                continue
            if len(row) == 1:  # a row across the table ("Orientation 2 – …"): the level of the rows below
                groups.span(row[0].strip(), n)
                continue
            parent = groups.parent(row, n)
            if unit := _unit(row, cells, records, n, parent):
                units.append(unit)
    return units


class _Groups:
    """The grouping columns of a table: each row's innermost level heading, an empty cell repeating the
    value above it unless a higher level changed on that row; one Heading per distinct run of values."""

    def __init__(self, records: list[str | None], owner: Heading | None) -> None:
        self.columns = [k for k, r in enumerate(records) if r == "level"]
        self.owner = owner
        self.spanned: Heading | None = None
        self.values: list[str] = ["" for _ in self.columns]
        self.heads: list[Heading | None] = [None for _ in self.columns]

    def span(self, text: str, line: int) -> None:
        self.spanned = self._heading(_first_paragraph(text), self.owner, line)
        self.values = ["" for _ in self.columns]
        self.heads = [None for _ in self.columns]

    def parent(self, row: list[str], line: int) -> Heading | None:
        parent, changed = self.spanned or self.owner, False
        for i, k in enumerate(self.columns):
            value = _first_paragraph(row[k]) if k < len(row) else ""
            if value and value != self.values[i] or (changed and value):
                self.values[i], self.heads[i], changed = value, self._heading(value, parent, line), True
            elif changed:
                self.values[i], self.heads[i] = "", None
            parent = self.heads[i] or parent
        return parent

    @staticmethod
    def _heading(value: str, parent: Heading | None, line: int) -> Heading:
        found = classify(value)
        depth = (parent.depth + 1) if parent else 1
        head = Heading(line, depth, value, role="level", title=value, end=line)
        if found.role == "level":
            head.kind, head.word, head.number, head.title = found.kind, found.word, found.number, found.title
        head.parent = parent
        return head


SPAN_MAX = 160  # a longer line between two rows is prose, not a row across the table


def _spanning(lines: list[str], n: int) -> bool:
    """A line of one cell between two rows of a table (a group's row spanning all the columns)."""
    text = lines[n].strip()
    return (
        bool(text)
        and len(text) <= SPAN_MAX
        and not text.startswith(("#", "- "))
        and not text.endswith((".", ":", ";"))
        and n + 1 < len(lines)
        and "\t" in lines[n + 1]
    )


def _first_paragraph(cell: str) -> str:
    """A cell's text, its first paragraph when it has several (<p>a</p> <p>b</p>)."""
    parts = [p for p in _PARAGRAPHS.split(cell.strip()) if p.strip()]
    return parts[0].strip() if parts else ""


def _unit(
    row: list[str], header: list[str], records: list[str | None], line: int, owner: Heading | None
) -> tuple[Heading, Body] | None:
    values = dict(zip(records, (c.strip() for c in row), strict=False))
    cell = values.get("title") or ""
    paragraphs = [p.strip() for p in _PARAGRAPHS.split(cell) if p.strip()]
    if not paragraphs:
        return None
    title = paragraphs[0]  # a cell "<p>title</p> <p>description</p>": the title, then the prose
    ref = values.get("ref") or None
    unit = Heading(line, (owner.depth + 1) if owner else 1, title, role="unit", title=title, end=line)
    unit.number, unit.parent = ref, owner
    body = Body()
    body.prose.extend(paragraphs[1:])
    for label, record, value in zip(header, records, row, strict=False):
        if record not in ("title", "ref", "level") and value.strip().lower() not in _NO_VALUE | {""}:
            body.add(label, value.strip(), line)
    return unit, body
