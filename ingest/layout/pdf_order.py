"""Reading order of a page from positions: column gutters first, then bands between spanning items.

Items are lines and tables (a table is one item: its rows stay together). A gutter is a vertical strip
that (almost) no item crosses over the height of the region, with text on both sides. Gutters that no
item crosses split the region into columns read left to right; gutters crossed by a few items (a heading
over two columns) cut the region into horizontal bands at those items, each band read on its own. A
narrow strip whose lines mostly share their baselines with lines beside it is a tab stop or a row
layout (a table of contents, labels and values), not a column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeVar

_MIN_GUTTER = 5.0  # points
_LOW = 0.08  # a gutter bin is covered by at most this share of the items' height
_SIDE = 0.08  # each side of a gutter holds at least this share of the items' height...
_SIDE_LINES = 3  # ... or at least this many items (a short first column: an issuer beside two full ones)
_NARROW = 0.3  # a side narrower than this share of the region may be a row layout
_PAIRED = 0.6  # ... when this share of its items sit on the baseline of an item beside it


class Item(Protocol):
    x0: float
    top: float
    x1: float
    bottom: float


T = TypeVar("T", bound=Item)


@dataclass(frozen=True)
class Gutter:
    a: float
    b: float

    def crossed_by(self, item: Item) -> bool:
        return item.x0 < self.a and item.x1 > self.b


def _height(item: Item) -> float:
    return max(item.bottom - item.top, 0.5)


def _low_intervals(items: list[Item], x_min: float, width: int, total: float) -> list[tuple[float, float]]:
    cover = [0.0] * (width + 2)
    for item in items:
        start = max(0, int(item.x0 - x_min))
        end = min(width + 1, int(item.x1 - x_min) + 1)
        cover[start] += _height(item)
        cover[end] -= _height(item)
    intervals, run_start, level = [], None, 0.0
    for x in range(width + 1):
        level += cover[x]
        if level <= _LOW * total:
            run_start = x if run_start is None else run_start
        elif run_start is not None:
            if x - run_start >= _MIN_GUTTER:
                intervals.append((x_min + run_start, x_min + x))
            run_start = None
    return intervals


_ADJACENT = 30.0  # points: the items of the other side that start this close to its nearest edge


def _adjacent(side: list[Item], other: list[Item]) -> list[Item]:
    """The items of ``other`` that start nearest to ``side`` when ``other`` lies on its right (the values
    beside labels, the column next to a column; not a third column further away, whose baselines may meet
    the side's by chance). Items on the left end raggedly: all of them."""
    if not side or not other or min(o.x0 for o in other) < max(i.x0 for i in side):
        return other
    edge = min(o.x0 for o in other)
    return [o for o in other if o.x0 <= edge + _ADJACENT]


def _paired(side: list[Item], other: list[Item]) -> bool:
    """Most items of a side sit on the baseline of an item beside it (a row layout)."""
    tops = sorted(o.bottom for o in _adjacent(side, other))
    hits = 0
    for item in side:
        hits += any(abs(item.bottom - t) < 2.0 for t in tops)
    return hits >= _PAIRED * len(side)


def _white_runs(items: list[Item], a: float, b: float) -> list[tuple[float, float]]:
    """The strips of (a, b) that no item covers at all, between or beside the items that reach into it."""
    covered = sorted((max(i.x0, a), min(i.x1, b)) for i in items if i.x0 < b and i.x1 > a)
    runs, edge = [], a
    for x0, x1 in covered:
        if x0 - edge >= _MIN_GUTTER and edge > a:
            runs.append((edge, x0))
        edge = max(edge, x1)
    if covered and b - edge >= _MIN_GUTTER and edge > a:
        runs.append((edge, b))
    if covered and covered[0][0] - a >= _MIN_GUTTER:
        runs.append((a, covered[0][0]))
    return runs


def _candidates(items: list[Item], low: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The low strips, and the white strips inside them: a column so short that its own lines are few
    enough to count as white (an issuer beside two full columns) leaves its gutter inside a low strip."""
    out: list[tuple[float, float]] = []
    for a, b in low:
        out.append((a, b))
        out += [run for run in _white_runs(items, a, b) if run != (a, b)]
    return out


def _thin(side: list[Item], total: float, reaching: list[Item]) -> bool:
    """Too little on one side of a strip for it to be a column gutter: less than _SIDE of the height, and
    fewer than _SIDE_LINES items reaching the strip from that side."""
    return sum(map(_height, side)) < _SIDE * total and len(reaching) < _SIDE_LINES


def gutters(items: list[Item]) -> list[Gutter]:
    if len(items) < 2:
        return []
    x_min, x_max = min(i.x0 for i in items), max(i.x1 for i in items)
    width = int(x_max - x_min)
    total = sum(_height(i) for i in items)
    if width < 40:
        return []
    found = []
    for a, b in _candidates(items, _low_intervals(items, x_min, width, total)):
        left = [i for i in items if i.x1 <= a + 1]
        right = [i for i in items if i.x0 >= b - 1]
        reaching_left = [i for i in items if i.x0 < a and i.x1 < b]  # a line may end inside the strip
        reaching_right = [i for i in items if i.x1 > b and i.x0 > a]
        if _thin(left, total, reaching_left) or _thin(right, total, reaching_right):
            continue
        narrow_left = (a - x_min) < _NARROW * (x_max - x_min)
        narrow_right = (x_max - b) < _NARROW * (x_max - x_min)
        if (narrow_left and _paired(left, right)) or (narrow_right and _paired(right, left)):
            continue
        found.append(Gutter(a, b))
    return found


def split_columns(items: list[Item], cuts: list[Gutter]) -> list[list[Item]]:
    parts: list[list[Item]] = [[] for _ in range(len(cuts) + 1)]
    for item in items:
        middle = (item.x0 + item.x1) / 2
        parts[sum(1 for g in cuts if middle > (g.a + g.b) / 2)].append(item)
    return [p for p in parts if p]


def _bands(items: list[Item], spanning: list[Item]) -> list[list[Item]]:
    """Items cut into bands by the spanning items; each spanning item is a band of its own."""
    spanning = sorted(spanning, key=lambda s: s.top)
    rest = [i for i in items if not any(i is s for s in spanning)]
    bands: list[list[Item]] = [[] for _ in range(2 * len(spanning) + 1)]
    for k, span in enumerate(spanning):
        bands[2 * k + 1].append(span)
    for item in rest:
        middle = (item.top + item.bottom) / 2
        k = sum(1 for s in spanning if middle > (s.top + s.bottom) / 2)
        bands[2 * k].append(item)
    out: list[list[Item]] = []
    for k, band in enumerate(bands):
        # spanning items one under the other, nothing between (a heading wrapped over two lines): one band
        if k % 2 and out and k >= 2 and not bands[k - 1] and len(out[-1]) and out[-1] is bands[k - 2]:
            out[-1].extend(band)
        elif band:
            out.append(band)
    return out


def by_position(items: list[T]) -> list[T]:
    """Top to bottom; items within 2 pt of the same top read left to right."""
    ordered = sorted(items, key=lambda i: i.top)
    out: list[Item] = []
    group: list[Item] = []
    for item in ordered:
        if group and item.top - group[0].top > 2.0:
            out += sorted(group, key=lambda g: g.x0)
            group = []
        group.append(item)
    return out + sorted(group, key=lambda g: g.x0)


_WIDE = 0.45  # of a region's width: an item this wide spans its columns (a heading over them)


def _gutters_under_headings(items: list[Item]) -> list[Gutter]:
    """Gutters found once the items spanning the columns are left out: headings over two columns of a
    short column stretch can hide the white between the columns."""
    x_min, x_max = min(i.x0 for i in items), max(i.x1 for i in items)
    narrow = [i for i in items if i.x1 - i.x0 < _WIDE * (x_max - x_min)]
    found = gutters(narrow) if 1 < len(narrow) < len(items) else []
    return [g for g in found if _both_sides(narrow, g) and not _row_layout(items, g, x_min, x_max)]


_UNDER_HEADINGS_SIDE = 2  # items: a column under spanning headings has at least this many on each side


def _both_sides(items: list[Item], g: Gutter) -> bool:
    """Lines on both sides of a gutter (one stray glyph drawn apart is no column)."""
    left = sum(1 for i in items if i.x1 <= g.a + 1)
    right = sum(1 for i in items if i.x0 >= g.b - 1)
    return left >= _UNDER_HEADINGS_SIDE and right >= _UNDER_HEADINGS_SIDE


def _row_layout(items: list[Item], g: Gutter, x_min: float, x_max: float) -> bool:
    """A narrow side whose items sit on the baselines of the other side's (page numbers of a table of
    contents beside titles, values beside labels): rows, not columns."""
    right = [i for i in items if i.x0 >= g.b - 1]
    left = [i for i in items if i.x0 < g.a and i.x1 < min((r.x0 for r in right), default=g.b) + 1]
    narrow_left = (g.a - x_min) < _NARROW * (x_max - x_min)
    narrow_right = (x_max - g.b) < _NARROW * (x_max - x_min)
    return (narrow_left and _paired(left, right)) or (narrow_right and _paired(right, left))


def order(items: list[Item], depth: int = 0) -> list[list[Item]]:
    """Segments (the items of one column stretch, top to bottom) in reading order."""
    if len(items) <= 1 or depth > 24:
        return [by_position(items)] if items else []
    found = gutters(items) or _gutters_under_headings(items)
    if not found:
        return [by_position(items)]
    clean = [g for g in found if not any(g.crossed_by(i) for i in items)]
    if clean:
        parts = split_columns(items, clean)
        if len(parts) > 1:
            return [segment for part in parts for segment in order(part, depth + 1)]
    spanning = [i for i in items if any(g.crossed_by(i) for g in found)]
    bands = _bands(items, spanning)
    if len(bands) == 1:
        return [by_position(items)]
    return [segment for band in bands for segment in order(band, depth + 1)]
