"""Runs -> lines (fragments of one baseline), and the grids of ruled tables.

Runs on one baseline join into a line when the gap between them is below the font size and no vertical
rule lies between them; wider gaps (a column gutter, a tab stop) leave separate fragments, which the
page layout orders. A table is a set of horizontal and vertical rules that meet; its rows and columns are
the positions of the rules.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ingest.layout.pdf_extract import Run, Shape
from ingest.layout.pdf_order import by_position

_GAP = 1.0  # runs closer than this many font sizes are one line
_TOUCH = 2.5  # rules this close meet


@dataclass
class Line:
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    text: str
    chars: int = 0

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.5)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Table:
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def holds_box(self, shape: Shape) -> bool:
        x, y = (shape.x0 + shape.x1) / 2, (shape.top + shape.bottom) / 2
        return self.xs[0] - 1 <= x <= self.xs[-1] + 1 and self.ys[0] - 1 <= y <= self.ys[-1] + 1

    def holds(self, line: Line) -> bool:
        x = (line.x0 + line.x1) / 2
        return self.xs[0] - 1 <= x <= self.xs[-1] + 1 and self.ys[0] - 1 <= line.middle <= self.ys[-1] + 1


@dataclass
class _Open:
    line: Line
    runs: list[Run] = field(default_factory=list)


def _blocked(x0: float, x1: float, top: float, bottom: float, vrules: list[Shape]) -> bool:
    return any(
        x0 - 0.5 <= (r.x0 + r.x1) / 2 <= x1 + 0.5 and r.top < bottom and r.bottom > top for r in vrules
    )


def _joins(line: Line, run: Run, vrules: list[Shape]) -> bool:
    overlap = min(line.bottom, run.bottom) - max(line.top, run.top)
    if overlap < 0.5 * min(line.height, max(run.bottom - run.top, 0.5)):
        return False
    gap = run.x0 - line.x1
    if gap < -0.5 * run.size or gap > _GAP * max(run.size, line.size):
        return False
    return not _blocked(line.x1, run.x0, max(line.top, run.top), min(line.bottom, run.bottom), vrules)


_SAME_BASELINE = 0.3  # font sizes: runs whose middles are this close are read left to right


def _by_baseline(runs: list[Run]) -> list[Run]:
    """Runs top to bottom, and left to right among runs of one baseline: a glyph drawn apart (an accented
    capital from a fallback font, a ligature) whose middle sits a hair above its neighbours' comes in its
    place in the line, not before the line."""
    ordered = sorted(runs, key=lambda r: ((r.top + r.bottom) / 2, r.x0))
    out: list[Run] = []
    start = 0
    for k in range(1, len(ordered) + 1):
        first = ordered[start]
        if k == len(ordered) or (
            (ordered[k].top + ordered[k].bottom) / 2 - (first.top + first.bottom) / 2
            > _SAME_BASELINE * max(first.size, 0.5)
        ):
            out += sorted(ordered[start:k], key=lambda r: r.x0)
            start = k
    return out


def build_lines(runs: list[Run], vrules: list[Shape]) -> list[Line]:
    """Group runs into lines; lines come out sorted by top then left."""
    lines: list[Line] = []
    for run in _by_baseline(runs):
        for line in reversed(lines[-8:]):
            if _joins(line, run, vrules):
                space = "" if run.x0 - line.x1 < 0.12 * run.size or line.text.endswith(" ") else " "
                line.text = f"{line.text}{space}{run.text}"
                line.chars += len(run.text)
                line.x1 = max(line.x1, run.x1)
                line.top, line.bottom = min(line.top, run.top), max(line.bottom, run.bottom)
                line.bold = line.bold and run.bold
                line.size = max(line.size, run.size)
                break
        else:
            lines.append(
                Line(run.x0, run.top, run.x1, run.bottom, run.size, run.bold, run.text, len(run.text))
            )
    # twice when the first pass joined anything: a row is judged by the lines around it, and those are only
    # whole once their own stretched word spaces are joined (the first line of a justified paragraph, under
    # a heading, has no whole line above it)
    ordered = by_position(lines)
    joined = join_justified(ordered, vrules)
    return join_justified(joined, vrules) if len(joined) < len(ordered) else joined


_JUSTIFIED_GAP = 4.0  # font sizes: the widest word space of a justified line in a narrow column
_NEIGHBOURHOOD = 6.0  # font sizes above and below a row: the lines that tell a word space from a gutter
_MIN_AROUND = 2
_PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
_COVERED = 0.6  # share of those lines covering the middle of a word space


def _same_row(a: Line, b: Line) -> bool:
    return abs(a.bottom - b.bottom) < 0.3 * a.size and abs(a.size - b.size) < 0.5 and a.bold == b.bold


def _word_gap(lines: list[Line], tops: list[float], left: Line, right: Line) -> bool:
    """Whether the white between two fragments of a row is a word space: most lines above and below that
    start where the row starts cover its middle, or most rows above and below with text between the two
    fragments' outer edges have text over its middle (the white of a column gutter, or between a label
    and its value, runs down through them)."""
    middle, reach = (left.x1 + right.x0) / 2, _NEIGHBOURHOOD * right.size
    lo, hi = bisect.bisect_left(tops, right.top - reach), bisect.bisect_right(tops, right.top + reach)
    around = [x for x in lines[lo:hi] if x is not left and x is not right and not _same_row(x, right)]
    aligned = [x for x in around if abs(x.x0 - left.x0) <= right.size]  # lines starting where the row does
    if len(aligned) >= _MIN_AROUND and sum(x.x0 < middle < x.x1 for x in aligned) >= _COVERED * len(aligned):
        return True
    rows: dict[int, bool] = {}  # row (by rounded baseline) -> whether it has text over the middle
    for x in around:
        if x.x0 < right.x1 and x.x1 > left.x0:
            key = round(x.bottom / max(0.3 * x.size, 0.5))
            rows[key] = rows.get(key, False) or x.x0 < middle < x.x1
    return len(rows) >= _MIN_AROUND and sum(rows.values()) >= _COVERED * len(rows)


def join_justified(lines: list[Line], vrules: list[Shape]) -> list[Line]:
    """Fragments of one baseline apart by stretched word spaces (justified text in a narrow column) are one
    line, unless the white between them runs down through the lines around (a column gutter) or a
    vertical rule lies between. ``lines`` come sorted by position."""
    tops = [x.top for x in lines]
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        gap = line.x0 - prev.x1 if prev else -1.0
        if (
            prev is None
            or not _same_row(prev, line)
            or not 0 < gap <= _JUSTIFIED_GAP * line.size
            or _PAGE_NUMBER.match(line.text)  # a table of contents' page number stays apart
            or _blocked(prev.x1, line.x0, max(prev.top, line.top), min(prev.bottom, line.bottom), vrules)
            or not _word_gap(lines, tops, prev, line)
        ):
            out.append(line)
            continue
        prev.text = f"{prev.text} {line.text}"
        prev.chars += line.chars + 1
        prev.x1, prev.top, prev.bottom = line.x1, min(prev.top, line.top), max(prev.bottom, line.bottom)
    return out


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > _TOUCH:
            out.append(value)
    return out


def _meets(a: Shape, b: Shape) -> bool:
    return (
        a.x0 - _TOUCH <= b.x1
        and b.x0 - _TOUCH <= a.x1
        and a.top - _TOUCH <= b.bottom
        and b.top - _TOUCH <= a.bottom
    )


def find_tables(shapes: list[Shape]) -> list[Table]:
    """Ruled tables: connected horizontal and vertical rules making at least two cells."""
    rules = [s for s in shapes if s.kind in ("hrule", "vrule") and max(s.x1 - s.x0, s.bottom - s.top) > 4]
    groups: list[list[Shape]] = []
    for rule in rules:
        joined = [g for g in groups if any(_meets(rule, other) for other in g)]
        merged = [rule] + [r for g in joined for r in g]
        groups = [g for g in groups if g not in joined] + [merged]
    tables = []
    for group in groups:
        xs = _cluster([(r.x0 + r.x1) / 2 for r in group if r.kind == "vrule"])
        ys = _cluster([(r.top + r.bottom) / 2 for r in group if r.kind == "hrule"])
        if len(xs) >= 2 and len(ys) >= 2 and (len(xs) - 1) * (len(ys) - 1) >= 2:
            tables.append(Table(xs, ys))
    return tables


def table_cells(table: Table, lines: list[Line]) -> list[list[list[Line]]]:
    """The lines of every cell: rows top to bottom, cells left to right."""
    rows = [[[] for _ in table.xs[1:]] for _ in table.ys[1:]]
    for line in lines:
        row = _index(table.ys, line.middle)
        col = _index(table.xs, line.x0 + min(2.0, (line.x1 - line.x0) / 2))
        rows[row][col].append(line)
    return rows


def _index(bounds: list[float], value: float) -> int:
    for i, bound in enumerate(bounds[1:-1]):
        if value < bound:
            return i
    return len(bounds) - 2
