"""Units of action written as the rows of a table under a heading (a web page's or a report's "N° | Action
| Porteur | Partenaires | Échéance" table per orientation): each row one unit, the headings above it its
grouping levels. Read only when no heading names a unit, so that a summary table beside fiches never
doubles them, and never inside a typed passage (a "Tableau de synthèse")."""

from __future__ import annotations

from ingest.labels import Lexicon
from ingest.shapes.context import Context
from ingest.shapes.outline_fields import Body
from ingest.shapes.outline_headings import in_passage
from ingest.shapes.outline_words import Heading

MIN_KNOWN_COLUMNS = 3  # a header row: a title column and at least two other known fields
_NO_VALUE = frozenset({"-", "–", "—", "/", "n/a", "nc", "néant"})  # a cell that says "nothing here"


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
        while n < len(lines) and "\t" in lines[n]:
            row = lines[n].split("\t")
            n += 1
            if inside or _header(row, lexicon) is not None:
                continue
            if unit := _unit(row, cells, records, n, owner):
                units.append(unit)
    return units


def _unit(
    row: list[str], header: list[str], records: list[str | None], line: int, owner: Heading | None
) -> tuple[Heading, Body] | None:
    values = dict(zip(records, (c.strip() for c in row), strict=False))
    title = values.get("title") or ""
    if not title:
        return None
    ref = values.get("ref") or None
    unit = Heading(line, (owner.depth + 1) if owner else 1, title, role="unit", title=title, end=line)
    unit.number, unit.parent = ref, owner
    body = Body()
    for label, record, value in zip(header, records, row, strict=False):
        if record not in ("title", "ref") and value.strip().lower() not in _NO_VALUE | {""}:
            body.add(label, value.strip(), line)
    return unit, body
