"""Runs -> lines (fragments of one baseline), and the grids of ruled tables.

Runs on one baseline join into a line when the gap between them is below the font size and no vertical
rule lies between them; wider gaps (a column gutter, a tab stop) leave separate fragments, which the
page layout orders. A table is a set of horizontal and vertical rules that meet; its rows and columns are
the positions of the rules.
"""

from __future__ import annotations

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


def build_lines(runs: list[Run], vrules: list[Shape]) -> list[Line]:
    """Group runs into lines; lines come out sorted by top then left."""
    lines: list[Line] = []
    for run in sorted(runs, key=lambda r: ((r.top + r.bottom) / 2, r.x0)):
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
    return by_position(lines)


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
