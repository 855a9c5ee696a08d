"""Spreadsheet plans: one row per action or sub-action, columns mapped to fields by the label lexicon.

- Columns are mapped by their header (``ingest/data/labels.toml``); a column the lexicon does not know is
  kept in each action's ``extra`` under its header and reported once per document ("colonne non reconnue :
  …").
- Grouping columns (axe, sous-axe, sous-sous-axe, thématique…) are the hierarchy: the action's ``levels``
  (top first, in column order) and its ``chapter`` (their values joined). An empty grouping cell repeats the
  value above it, unless a higher level changed on that row.
- A row whose sub-action title is filled is a sub-action: it joins the action of the same levels and title
  (its title becomes one of the action's steps; organisations and places it adds are kept, noted
  "sous-action"), so the units counted are the actions, as a reader of the plan counts them. A sub-action
  row whose action title is empty is an action of its own.
- Cells keep their line breaks (description, steps); the provenance of an action is its rows' lines in the
  rendered text (one line per row, header first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.fields import contacts_in, figures_in
from ingest.labels import FieldSpec, Lexicon
from ingest.orgs import split_orgs
from ingest.places import places_in_field, places_in_title
from ingest.records import ActionRecord, Level, OrgMention, Person, Sheet, SheetRow, TerritoryMention
from ingest.shapes.context import Context
from ingest.shapes.fiche import REQUIRED
from ingest.shapes.outline_words import classify, structure
from ingest.text import collapse, fold

PLACE_RECORDS = ("perimeter", "commune", "insee", "epci", "siren")
SUB_NOTE = "sous-action"
_OPERATOR = "opérateur"  # the role labels.toml notes on operators (pilots when no pilot is named)
_LEVEL_REF = re.compile(
    r"^(\d+(?:[.\-]\d+)*|[IVXLC]+(?=[.)\-: ])|[A-Z](?:\.\d+)+(?:\.[a-z])?|[A-Za-z](?=[.)])"
    r"|[A-Z](?=\s+[\-–—:]\s))"
    r"(?:\s*[.)\-:–—])?\s+(\S.*)$"
)
_CURRENCY = re.compile(r"(k€|m€|€)\s*(ht|ttc)?", re.I)
_NUMBER = re.compile(r"^-?\d[\d  .,]*$")
TITLE_SHARE = 0.8  # share of title-like values that makes an unknown column the title column
_LIST_SPLIT = re.compile(r"\s*[;\n]\s*")


@dataclass
class _Column:
    index: int
    header: str
    spec: FieldSpec | None
    extra_key: str = ""


@dataclass
class _Row:
    """A row's values by record slot: [(column, value)], non-empty values only."""

    row: SheetRow
    by_record: dict[str, list[tuple[_Column, str]]] = field(default_factory=dict)

    def values(self, *records: str) -> list[str]:
        return [v for r in records for _, v in self.by_record.get(r, [])]

    def text(self, record: str, sep: str = "\n") -> str | None:
        return sep.join(self.values(record)) or None

    def line_of(self, *records: str) -> int:
        """The line of the first value of one of `records` (the row's line when it has none)."""
        for r in records:
            for col, _ in self.by_record.get(r, []):
                return self.row.line_of(col.index)
        return self.row.line


def map_columns(header: list[str], lexicon: Lexicon) -> list[_Column]:
    columns, seen = [], {}
    for i, raw in enumerate(header):
        name = collapse(raw) or f"colonne {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        key = name if seen[name] == 1 else f"{name} ({seen[name]})"
        columns.append(_Column(i, name, lexicon.spec(raw) if raw.strip() else None, key))
    return columns


_REF_VALUE = re.compile(r"^[A-Za-z]{0,5}\s?[-.]?\s?\d{1,3}(?:[.\-]\d{1,3})*[a-z]?$")


def _column_values(sheet: Sheet, col: _Column) -> list[str]:
    return [v for r in sheet.rows if (v := (r.cells[col.index] if col.index < len(r.cells) else "").strip())]


def _title_like(values: list[str]) -> float:
    """Share of values that read as titles: 3 to 20 words, not a sentence run on."""
    ok = [v for v in values if 3 <= len(v.split()) <= 20 and not v.rstrip().endswith(".") and "\n" not in v]
    return len(ok) / len(values) if values else 0.0


def infer_columns(columns: list[_Column], sheet: Sheet, lexicon: Lexicon) -> list[str]:
    """A header with no title column: columns named by one of their words ("Structure responsable"),
    then the title, ref and grouping columns found by their values among the columns still unknown
    (distinct title-like texts; distinct short codes; a few texts repeated over the rows, left of the
    title). Returns the headers so inferred."""
    if any(c.spec and c.spec.record == "title" for c in columns):
        return []
    for col in columns:  # a header of the kind the loader took for a title-less one: words count too
        col.spec = col.spec or lexicon.spec_by_word(col.header)
    free = [(c, _column_values(sheet, c)) for c in columns if c.spec is None]
    free = [(c, v) for c, v in free if v]
    titles = [(c, v) for c, v in free if len(set(v)) == len(v) and _title_like(v) >= TITLE_SHARE]
    if not titles:
        return []
    title = max(titles, key=lambda cv: (_title_like(cv[1]), -cv[0].index))[0]
    title.spec = lexicon.fields["title"]
    inferred = [title.header]
    for col, values in free:
        if col is title:
            continue
        if len(set(values)) == len(values) and all(_REF_VALUE.match(v) for v in values):
            col.spec = lexicon.fields["ref"]
        elif col.index < title.index and len(values) >= 2 and len(set(values)) * 2 <= len(values):
            col.spec = lexicon.fields["theme"]
        else:
            continue
        inferred.append(col.header)
    return inferred


def _level(column: _Column, value: str) -> Level:
    """A grouping cell: "1.2 Titre", "A.1 – Titre", "A – Titre" (its number or letter as the ref),
    "Objectif 2 – Titre" (its word and number as the ref), else the text as the title."""
    text = collapse(value)
    m = _LEVEL_REF.match(text)
    if m:
        return Level(column.spec.key, m.group(2), m.group(1))
    h = classify(text)
    if h.role == "level" and h.number and h.title:
        return Level(column.spec.key, h.title, h.ref)
    return Level(column.spec.key, text)


class SheetLevels:
    """Grouping values carried down the rows: an empty cell repeats the one above it."""

    def __init__(self) -> None:
        self.current: dict[int, str] = {}

    def of(self, columns: list[_Column], row: SheetRow) -> list[tuple[_Column, str]]:
        out, changed = [], False
        for col in columns:
            value = row.cells[col.index].strip() if col.index < len(row.cells) else ""
            if value:
                changed = changed or value != self.current.get(col.index)
                self.current[col.index] = value
            elif changed:
                self.current.pop(col.index, None)
            if self.current.get(col.index):
                out.append((col, self.current[col.index]))
        return out


def read_row(row: SheetRow, columns: list[_Column], levels: list[tuple[_Column, str]]) -> _Row:
    out = _Row(row)
    for col, value in levels:
        out.by_record.setdefault("level", []).append((col, value))
    for col in columns:
        value = row.cells[col.index].strip() if col.index < len(row.cells) else ""
        if not value or (col.spec and col.spec.record == "level"):
            continue
        record = col.spec.record if col.spec else "unknown"
        out.by_record.setdefault(record, []).append((col, value))
    return out


def _unit(header: str) -> str:
    m = _CURRENCY.search(header)
    return " ".join(p for p in (m.group(1), (m.group(2) or "").upper()) if p) if m else ""


# fields kept apart whose value, when it is an amount, is the budget of an action that has no budget field
# ("Moyens : 90 000 € par an", "Impact budgétaire : 4 M€ par an", "Montant : 380 000 € HT" when no funder
# column stands before it: after one, it is that funder's amount)
BUDGET_FALLBACK = ("means", "budget_impact", "amount")
_AMOUNT = re.compile(r"\d[\d  .,]*\s*(?:k€|m€|€|euros?\b)", re.I)


def _budget(row: _Row) -> str | None:
    parts = []
    for col, value in row.by_record.get("budget", []):
        unit = _unit(col.header) if _NUMBER.match(value) else ""
        parts.append(f"{value} {unit}".strip())
    if not parts:
        funders = {c.index for c, _ in row.by_record.get("partners", []) if c.spec and c.spec.role}
        fallback = [
            v
            for c, v in row.by_record.get("extra", [])
            if c.spec
            and c.spec.key in BUDGET_FALLBACK
            and not (c.spec.key == "amount" and c.index - 1 in funders)
        ]
        parts = [v for v in fallback if _AMOUNT.search(v)][:1]
    return " ; ".join(parts) or None


def _calendar(row: _Row) -> str | None:
    if text := row.text("calendar"):
        return text
    dates = [(c, v) for r in ("start_date", "end_date") for c, v in row.by_record.get(r, [])]
    if len(dates) == 1 and dates[0][0] in [c for c, _ in row.by_record.get("start_date", [])]:
        return dates[0][1]  # a start date alone is the calendar ("Démarrage : 2025" -> "2025")
    return " ; ".join(f"{c.header} : {v}" for c, v in dates) or None


def _extra(row: _Row) -> dict[str, str]:
    """Values with no field of their own and unknown columns; an amount joins the funder before it."""
    extra: dict[str, str] = {}
    funder_at = {c.index: c for c, _ in row.by_record.get("partners", []) if c.spec and c.spec.role}
    funder_value = {c.index: v for c, v in row.by_record.get("partners", []) if c.spec and c.spec.role}
    for record in ("extra", "unknown"):
        for col, value in row.by_record.get(record, []):
            before = funder_at.get(col.index - 1)
            if col.spec and col.spec.key == "amount" and before is not None:
                extra[before.extra_key] = (
                    f"{funder_value[before.index]} : {value} {_unit(col.header)}".strip()
                )
            else:
                extra[col.extra_key] = value
    for col, value in row.by_record.get("partners", []):
        if col.spec and col.spec.role and col.extra_key not in extra:
            extra[col.extra_key] = value
    return extra


_CELL_PARAGRAPH = re.compile(r"\s*</p>\s*<p>\s*")


def _cell_lines(value: str) -> list[str]:
    """A value's lines: a table cell's paragraphs ("<p>a</p> <p>b</p>", one organisation each) or lines."""
    if value.startswith("<p>") and value.endswith("</p>"):
        value = "\n".join(_CELL_PARAGRAPH.split(value[3:-4]))
    return value.split("\n")


def _orgs(row: _Row, record: str, known: frozenset[str]) -> tuple[list[OrgMention], list[Person]]:
    orgs, people = [], []
    for col, value in row.by_record.get(record, []):
        found, persons = split_orgs(_cell_lines(value), row.row.line_of(col.index), known)
        if col.spec and col.spec.role:
            for o in found:
                o.note = o.note or col.spec.role
        orgs += found
        people += persons
    return orgs, people


def _people(row: _Row) -> list[Person]:
    return [
        Person(name=name, line=row.row.line_of(col.index), role=col.spec.role if col.spec else None)
        for col, value in row.by_record.get("people", [])
        for name in _LIST_SPLIT.split(value)
        if name.strip()
    ]


def _coded(names: list[str], codes: list[str], line: int) -> list[TerritoryMention]:
    """Names beside their codes (one code per name when the counts agree); codes alone when no name."""
    names = [n for v in names for n in _LIST_SPLIT.split(v.replace(",", ";")) if n.strip()]
    codes = [c for v in codes for c in re.split(r"[\s;,/]+", v) if c.strip()]
    if not names:
        return [TerritoryMention(c, line, source="column", code=c) for c in codes]
    paired = codes if len(codes) == len(names) else [None] * len(names)
    return [TerritoryMention(n, line, source="column", code=c) for n, c in zip(names, paired, strict=True)]


def _places(row: _Row, gazetteer) -> list[TerritoryMention]:
    out = []
    if perimeter := row.text("perimeter", " / "):  # a multi-line cell: a list
        out += places_in_field(perimeter.replace("\n", " / "), row.line_of("perimeter"), gazetteer)
    out += _coded(row.values("commune"), row.values("insee"), row.line_of("commune", "insee"))
    out += _coded(row.values("epci"), row.values("siren"), row.line_of("epci", "siren"))
    return out


class RecordBuilder:
    def __init__(self, ctx: Context, lexicon: Lexicon, has_places: bool):
        self.ctx, self.lexicon, self.has_places = ctx, lexicon, has_places
        self.actions: list[ActionRecord] = []
        self.by_key: dict[tuple, ActionRecord] = {}
        self.warnings: list[str] = []
        self.titled: set[int] = set()  # the actions a title cell named (not a lone sub-action's)

    def add(self, row: _Row) -> None:
        title = collapse(" ".join(row.values("title")))
        sub = collapse(" ".join(row.values("sub_title")))
        levels = tuple(collapse(v) for v in row.values("level"))
        if not title and not sub:
            if len([c for c in row.row.cells if c.strip()]) > 1:
                self.warnings.append(f"ligne {row.row.number} : aucun titre d'action, ligne ignorée")
            return
        if _total_row(row, title or sub):
            self.warnings.append(f"ligne {row.row.number} : ligne de total « {title or sub} », ligne ignorée")
            return
        key = (levels, fold(title or sub))
        parent = self.by_key.get(key) if title else self._titled_above(levels)
        if parent is None:
            parent = self._action(row, title or sub)
            self.by_key[key] = parent
            self.actions.append(parent)
            if title:
                self.titled.add(id(parent))
            if not title or not sub:
                return
        self._sub_action(parent, row, sub)

    def _titled_above(self, levels: tuple) -> ActionRecord | None:
        """The action a row with a sub-action and an empty title cell belongs to: the last action, when a
        title cell named it and the row is in its groups (a sheet that writes each action's title once,
        on the first of its rows)."""
        if not self.actions:
            return None
        last = self.actions[-1]
        return (
            last if id(last) in self.titled and self.by_key.get((levels, fold(last.title))) is last else None
        )

    def _action(self, row: _Row, title: str) -> ActionRecord:
        ctx, line = self.ctx, row.row.line
        known = ctx.known_acronyms
        pilots, people = _orgs(row, "pilots", known)
        partners, people2 = _orgs(row, "partners", known)
        operators, people3 = _orgs(row, "operators", known)
        if pilots:  # operators beside a pilot carry the action out with it: partners
            partners += [o for o in operators if fold(o.name) not in {fold(p.name) for p in partners}]
        else:
            pilots = [OrgMention(o.name, o.line, None if o.note == _OPERATOR else o.note) for o in operators]
        people2 += people3
        territories = _places(row, ctx.gazetteer)
        if not self.has_places:
            territories = places_in_title(title, line, ctx.gazetteer)
        levels = [_level(c, v) for c, v in row.by_record.get("level", [])]
        description = self._description(row)
        action = ActionRecord(
            doc=ctx.doc_id,
            ref=collapse(row.text("ref", " ") or "") or None,
            title=title,
            shape="sheet",
            provenance=ctx.provenance(line, line),
            chapter=" — ".join(collapse(v) for v in row.values("level")) or None,
            description=description,
            pilots=pilots,
            partners=partners,
            territories=territories,
            perimeter=row.text("perimeter", " / "),
            budget=_budget(row),
            calendar=_calendar(row),
            indicators=row.text("indicators"),
            expected_results=row.text("expected_results"),
            duration=row.text("duration"),
            observations=row.text("observations"),
            steps=[s for v in row.values("steps") for s in v.split("\n") if s.strip()],
            contacts=contacts_in(" ".join(row.row.cells), line),
            people=people + people2 + _people(row),
            keys_to_success=[s for v in row.values("keys_to_success") for s in v.split("\n") if s.strip()],
            figures=figures_in(description),
            region=ctx.region,
            levels=levels,
            extra=_extra(row),
        )
        self._normalised(action, row)
        action.fields_missing = _missing(action)
        return action

    @staticmethod
    def _description(row: _Row) -> str:
        parts = []
        for col, value in row.by_record.get("description", []):
            primary = col.spec is not None and col.spec.key == "description"
            parts.append(value if primary else f"{col.header} : {value}")
        return "\n".join(parts)

    def _normalised(self, action: ActionRecord, row: _Row) -> None:
        for record, normalise in (("status", self.lexicon.status), ("priority", self.lexicon.priority)):
            for col, value in row.by_record.get(record, []):
                canon = normalise(value)
                if canon:
                    setattr(action, record, canon)
                else:
                    action.extra[col.extra_key] = value
                    action.warnings.append(
                        f"ligne {row.row.number} : valeur non reconnue pour « {col.header} » : {value}"
                    )

    def _sub_action(self, parent: ActionRecord, row: _Row, sub: str) -> None:
        line = row.row.line
        if sub not in parent.steps:
            parent.steps.append(sub)
        pilots, _ = _orgs(row, "pilots", self.ctx.known_acronyms)
        partners, _ = _orgs(row, "partners", self.ctx.known_acronyms)
        for mine, theirs in ((parent.pilots, pilots), (parent.partners, partners)):
            names = {fold(o.name) for o in mine}
            mine += [OrgMention(o.name, line, SUB_NOTE) for o in theirs if fold(o.name) not in names]
        places = _places(row, self.ctx.gazetteer) if self.has_places else []
        places += [] if self.has_places else places_in_title(sub, line, self.ctx.gazetteer)
        names = {fold(t.name) for t in parent.territories}
        parent.territories += [t for t in places if fold(t.name) not in names]
        description = self._description(row)
        if description and description not in parent.description:
            parent.description += f"\n{sub} : {description}"
        start = min(parent.provenance.line_start, line)
        end = max(parent.provenance.line_end, line)
        parent.provenance = self.ctx.provenance(start, end)
        parent.fields_missing = _missing(parent)


def _total_row(row: _Row, title: str) -> bool:
    """A row that sums up the rows above it: its title cell a total word (structure.toml ``total_rows``:
    « Total », « Total du programme », « Sous-total »), no ref, no pilot and no partner."""
    key = fold(title).strip(" :.")
    if not any(key == w or key.startswith(w + " ") for w in structure().total_rows):
        return False
    return not row.values("ref", "pilots", "partners")


def _missing(action: ActionRecord) -> list[str]:
    present = {
        "pilots": action.pilots,
        "perimeter": action.perimeter or action.territories,
        "description": action.description,
        "calendar": action.calendar,
        "partners": action.partners,
        "budget": action.budget,
        "indicators": action.indicators,
    }
    return [f for f in REQUIRED if not present[f]]
