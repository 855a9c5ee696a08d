"""A workbook (or a CSV file) of sheets with a header row: every sheet's actions (``sheet.py`` reads one
sheet), with what only a workbook of several sheets tells: a summary sheet that sums up the others is not
a list of actions, and a sheet named by a numbered level word ("Programme 1") is the grouping level of its
rows."""

from __future__ import annotations

import re

from ingest.labels import FieldSpec, Lexicon, default_lexicon
from ingest.records import ActionRecord, Level, Sheet
from ingest.shapes.context import Context
from ingest.shapes.outline_words import classify, structure, word_role
from ingest.shapes.sheet import (
    PLACE_RECORDS,
    RecordBuilder,
    SheetLevels,
    _Column,
    _column_values,
    infer_columns,
    map_columns,
    read_row,
)
from ingest.text import collapse, fold

_DOTTED = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")


def _level_columns(columns: list[_Column], sheet: Sheet) -> list[str]:
    """Columns left of the title whose every value is a numbered level heading ("Objectif 2 – Monter en
    gamme", "Axe 1 : ...") are grouping levels of that word's kind, whatever field their header names (a
    column "Objectif" holding the objectives a workbook groups its actions under). Returns their headers."""
    title = next((c.index for c in columns if c.spec and c.spec.record == "title"), None)
    found = []
    for col in columns:
        if title is None or col.index >= title or (col.spec and col.spec.record in ("level", "ref")):
            continue
        values = _column_values(sheet, col)
        heads = [classify(collapse(v)) for v in values]
        if values and all(h.role == "level" and h.number and h.kind for h in heads):
            col.spec = FieldSpec(heads[0].kind or "theme", "level", None, (col.header,))
            found.append(col.header)
        elif values and _grouping_header(col.header, heads, sheet, col):
            col.spec = FieldSpec(
                structure().level_kind[fold(col.header).strip(" :")], "level", None, (col.header,)
            )
            found.append(col.header)
    return found


def _grouping_header(header: str, heads: list, sheet: Sheet, col: _Column) -> bool:
    """A column headed by a grouping word alone ("Objectif", "Orientation"), left of the title, whose every
    value is numbered ("1.2 Lutter contre …") and written on the first row of its group only (blank cells
    below): a grouping level, not the field the word also names."""
    if word_role(header) != "level":
        return False
    cells = [r.cells[col.index].strip() if col.index < len(r.cells) else "" for r in sheet.rows]
    return all(h.role in ("numbered", "level") and h.number for h in heads) and "" in cells[1:]


class _NumberedTree:
    """A sheet exported as a tree, one row per node, whose only sign of the level is the depth of the
    number ("1", "1.1", "1.1.1"): a row whose number others extend ("1.1" before "1.1.2") and whose only
    cells are its number, its title and grouping columns is a grouping level of the rows it numbers, not an
    action."""

    KINDS = ("axe", "sous_axe", "objectif")

    def __init__(self, sheet: Sheet, columns: list[_Column]) -> None:
        ref = next((c for c in columns if c.spec and c.spec.record == "ref"), None)
        self.index = ref.index if ref is not None else None
        numbers = [v for v in _column_values(sheet, ref) if _DOTTED.match(v)] if ref is not None else []
        stems = [n.rstrip(".") for n in numbers]
        self.parents = {n for n in stems if any(o.startswith(n + ".") for o in stems)}
        self.open: list[tuple[str, Level]] = []  # (number, level), top first

    def grouping(self, row) -> bool:
        """Whether ``row`` is a grouping node (then consumed here)."""
        if self.index is None or not self.parents:
            return False
        cells = row.row.cells
        number = (cells[self.index] if self.index < len(cells) else "").strip().rstrip(".")
        title = collapse(" ".join(row.values("title")))
        others = [r for r, values in row.by_record.items() if values and r not in ("ref", "title", "level")]
        if number not in self.parents or not title or others:
            return False
        self.open = [(n, lv) for n, lv in self.open if number.startswith(n + ".")]
        kind = self.KINDS[min(len(self.open), len(self.KINDS) - 1)]
        self.open.append((number, Level(kind, title, number)))
        return True

    def place(self, action: ActionRecord) -> None:
        number = (action.ref or "").rstrip(".")
        parents = [lv for n, lv in self.open if number.startswith(n + ".")]
        if parents:  # below the grouping columns' levels, which hold the numbered tree
            action.levels = action.levels + parents
            action.chapter = " — ".join(lv.title for lv in action.levels) or None


def _sheet_actions(
    ctx: Context, sheet: Sheet, lexicon: Lexicon
) -> tuple[list[ActionRecord], list[str], list[str]]:
    columns = map_columns(sheet.header, lexicon)
    used = {i for r in sheet.rows for i, c in enumerate(r.cells) if c.strip()}
    columns = [c for c in columns if c.index in used or c.header != f"colonne {c.index + 1}"]
    inferred = infer_columns(columns, sheet, lexicon)
    inferred += _level_columns(columns, sheet)
    level_columns = [c for c in columns if c.spec and c.spec.record == "level"]
    has_places = any(c.spec and c.spec.record in PLACE_RECORDS for c in columns)
    builder = RecordBuilder(ctx, lexicon, has_places)
    levels = SheetLevels()
    typed = _TypedRows(next((c for c in columns if c.spec and c.spec.record == "node_type"), None))
    tree = _NumberedTree(sheet, columns)
    for row in sheet.rows:
        read = read_row(row, columns, levels.of(level_columns, row))
        if typed.grouping(read, builder) or tree.grouping(read):
            continue
        before = len(builder.actions)
        builder.add(read)
        if len(builder.actions) > before:
            typed.place(builder.actions[-1])
            tree.place(builder.actions[-1])
    unknown = [c.header for c in columns if c.spec is None]
    notes = [f"colonne reconnue par ses valeurs : {h}" for h in inferred]
    return builder.actions, unknown, notes + builder.warnings


class _TypedRows:
    """A sheet exported as a tree, one row per node, its column "Type" naming each row's kind: a row typed
    by a level word ("Axe") is the grouping level of the rows below it, not an action; a row typed by a
    sub-unit word ("Sous-action") is a step of the action above it."""

    def __init__(self, column) -> None:
        self.column = column
        self.open: list[tuple[str, Level]] = []  # (level word, level), top first

    def grouping(self, row, builder: RecordBuilder) -> bool:
        """Whether ``row`` is a level or sub-unit row (then consumed here)."""
        if self.column is None:
            return False
        kind = next((v for c, v in row.by_record.get("node_type", [])), "")
        role = word_role(kind)
        title = collapse(" ".join(row.values("title")))
        if role == "level" and title:
            word = fold(kind).strip(" :.")
            words = [w for w, _ in self.open]
            self.open = self.open[: words.index(word)] if word in words else self.open
            ref = collapse(row.text("ref", " ") or "")
            self.open.append((word, Level(word, title, collapse(f"{kind} {ref}") if ref else None)))
            return True
        if role == "sub" and title and builder.actions:
            builder.actions[-1].steps.append(title)
            return True
        if role is None:  # a "Type" column of another kind ("Investissement"): an extra field
            row.by_record.setdefault("extra", []).extend(row.by_record.pop("node_type", []))
        return False

    def place(self, action: ActionRecord) -> None:
        if self.open:
            action.levels = [lv for _, lv in self.open] + action.levels
            action.chapter = " — ".join(lv.title for lv in action.levels) or None


def _is_summary(sheet: Sheet) -> bool:
    """A sheet named as a summary ("Synthèse", "Récapitulatif": structure.toml ``summary_sheets``)."""
    name = fold(sheet.name).strip()
    return any(name == w or name.startswith(w + " ") for w in structure().summary_sheets)


def _sheet_level(ctx: Context, sheet: Sheet) -> Level | None:
    """The grouping level a sheet stands for in a workbook of several: its title line above the header
    ("Programme 1 – Accompagner vers l'emploi"), else its name, when a level word names it."""
    above = ctx.line(sheet.header_line - 1).split("\t")[0] if sheet.header_line > 1 else ""
    for text in (collapse(above), collapse(sheet.name)):
        h = classify(text) if text and not text.startswith("#") else None
        if h is not None and h.role == "level" and h.number:
            return Level(fold(h.word or ""), h.title or text, collapse(f"{h.word} {h.number}"))
    return None


def detect(ctx: Context) -> tuple[list[ActionRecord], list[str]]:
    """Actions of every sheet of a spreadsheet, and the document's warnings (unknown columns once each).
    In a workbook of several sheets, a summary sheet is skipped and a sheet named by a level word ("Programme
    1") is the grouping level of its rows."""
    lexicon = default_lexicon()
    actions: list[ActionRecord] = []
    unknown: list[str] = []
    warnings: list[str] = []
    by_sheet = [(sheet, *_sheet_actions(ctx, sheet, lexicon)) for sheet in ctx.loaded.sheets]
    several = sum(1 for _, found, _, _ in by_sheet if found) > 1
    for sheet, found, headers, notes in by_sheet:
        if several and _is_summary(sheet):
            warnings.append(
                f"feuille « {sheet.name} » lue comme une synthèse : ses lignes ne sont pas des actions"
            )
            continue
        level = _sheet_level(ctx, sheet) if several else None
        for action in found:
            if level is not None and not any(lv.kind == level.kind for lv in action.levels):
                action.levels = [level, *action.levels]  # the sheet's level above its grouping columns
                action.chapter = " — ".join(lv.title for lv in action.levels)
        actions += found
        unknown += [h for h in headers if h not in unknown]
        warnings += notes
    reported = [f"colonne non reconnue : {h} (gardée comme champ supplémentaire)" for h in unknown]
    return actions, reported + warnings
