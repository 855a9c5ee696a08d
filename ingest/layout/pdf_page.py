"""One page's lines -> blocks in reading order: tables as rows, side panels apart, paragraphs, headings.

Side panels: lines inside a drawn frame at the side of the page (narrower than half the page), or, with no
frame, the outermost column when its text is smaller than the body's. Their blocks follow the body
blocks of the page. Paragraphs: consecutive lines of one column stretch in the same font size and weight,
with no more than the usual line spacing between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.layout import pdf_order
from ingest.layout.model import (
    BULLETS,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    SIDE_PANEL,
    TABLE_ROW,
    Block,
)
from ingest.layout.pdf_extract import Shape
from ingest.layout.pdf_lines import Line, Table, table_cells
from ingest.layout.textfix import join_lines

_PANEL_MAX_WIDTH = 0.45  # of the page width
_SMALLER = 0.92  # an unframed panel's text is at most this share of the body size
_HEADING_CHARS = 200


@dataclass
class _TableItem:
    table: Table
    lines: list[Line]

    def __post_init__(self) -> None:
        self.x0, self.top, self.x1, self.bottom = self.table.bbox


@dataclass
class PageStyle:
    """What the page layout needs from the whole document."""

    body_size: float
    compounds: set[str]
    steps: dict[float, float]  # usual line step (top to top) per font size


def _inside(line: Line, box: Shape) -> bool:
    x = (line.x0 + line.x1) / 2
    return box.x0 - 1 <= x <= box.x1 + 1 and box.top - 1 <= line.middle <= box.bottom + 1


def _frames(shapes: list[Shape], lines: list[Line], page_width: float) -> list[Shape]:
    """Drawn boxes at the side of the page holding at least two lines: side panel frames."""
    frames = []
    for box in shapes:
        if box.kind != "box" or box.x1 - box.x0 > _PANEL_MAX_WIDTH * page_width:
            continue
        inside = [line for line in lines if _inside(line, box)]
        if len(inside) < 2:
            continue
        others = [line for line in lines if not _inside(line, box)]
        beside = any(line.x1 <= box.x0 + 1 or line.x0 >= box.x1 - 1 for line in others)
        across = any(
            line.x0 < box.x0 - 1 < line.x1 and box.top <= line.middle <= box.bottom for line in others
        )
        if beside and not across:
            frames.append(box)
    return frames


def _median_size(lines: list[Line]) -> float:
    sizes = sorted(line.size for line in lines)
    return sizes[len(sizes) // 2] if sizes else 0.0


def _unframed_panel(lines: list[Line], page_width: float, body_size: float) -> list[Line]:
    """The outermost column when it is narrow and its text smaller than the body's and than the rest of
    the page's (two fiches side by side, alike in size, are two columns, neither a panel of the other)."""
    found = [g for g in pdf_order.gutters(lines) if not any(g.crossed_by(line) for line in lines)]
    if not found:
        return []
    parts = pdf_order.split_columns(lines, found)
    for part in (parts[-1], parts[0]):
        width = max(line.x1 for line in part) - min(line.x0 for line in part)
        size = _median_size(part)
        rest = _median_size([line for line in lines if not any(line is p for p in part)])
        if width <= _PANEL_MAX_WIDTH * page_width and size <= _SMALLER * min(body_size, rest or body_size):
            return part
    return []


CELL_ALIGN = 3.0  # points: a wrapped line of a cell starts where the cell starts


def _step(size: float, style: PageStyle) -> float:
    usual = style.steps.get(round(size * 2) / 2, 0.0)
    return max(1.3 * size, 1.12 * usual)


_GLYPH_WIDTH = 0.55  # an average glyph's width, in font sizes (for "would the next word have fit")


def _hard_break(prev: Line, line: Line) -> bool:
    """A bold line (a heading) whose next line's first word would have fitted after it: the heading ended
    there and the next bold line is another heading ("Objectif 1.2 : …" above "Action 1.2.1 : …")."""
    if not prev.bold:
        return False
    word = line.text.split(" ", 1)[0]
    return prev.x1 + (len(word) + 1) * _GLYPH_WIDTH * line.size < line.x1


_LEADER_END = re.compile(r"(?:\.\s?){3,}\s*\d{1,4}$")  # "…… 12": a contents entry's dot leader and page


def _breaks(prev: Line, line: Line, style: PageStyle) -> bool:
    if abs(prev.size - line.size) > 0.5 or prev.bold != line.bold or _hard_break(prev, line):
        return True
    if _LEADER_END.search(prev.text):  # a contents entry ends with its page number
        return True
    if line.text[:1] in BULLETS and line.text[1:2] == " ":
        return True
    if line.top - prev.top > _step(prev.size, style) or line.top < prev.top - 1:
        return True
    return line.x1 < prev.x0 or line.x0 > prev.x1  # side by side: separate fragments


_SENTENCE_WORDS = 12  # a regular-weight block of more words ending as a sentence is prose, whatever its size


def _sentence(lines: list[Line], text: str) -> bool:
    """Prose set larger than the body (a document whose body size is its tables' smaller text, a lead
    paragraph): not bold, many words, a sentence's end."""
    return (
        not all(line.bold for line in lines)
        and len(text.split()) > _SENTENCE_WORDS
        and text.rstrip().endswith((".", ";", "!"))
    )


def _kind(lines: list[Line], text: str, style: PageStyle) -> str:
    first = lines[0]
    if first.text[:1] in BULLETS and first.text[1:2] == " ":
        return LIST_ITEM
    if len(text) > _HEADING_CHARS or len(lines) > 6:
        return PARAGRAPH
    if first.size >= style.body_size + 1.0 and not _sentence(lines, text):
        return HEADING
    if (
        all(line.bold for line in lines)
        and first.size >= style.body_size - 0.5
        and any(c.isalpha() for c in text)
    ):
        return HEADING
    return PARAGRAPH


def _block(lines: list[Line], page: int, style: PageStyle, kind: str | None = None) -> Block:
    text = join_lines([line.text for line in lines], style.compounds)
    bbox = (
        min(line.x0 for line in lines),
        min(line.top for line in lines),
        max(line.x1 for line in lines),
        max(line.bottom for line in lines),
    )
    sizes = sorted(line.size for line in lines)
    return Block(
        kind=kind or _kind(lines, text, style),
        text=text,
        page=page,
        bbox=bbox,
        font_size=sizes[len(sizes) // 2],
        bold=all(line.bold for line in lines),
    )


def _side_by_side(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped with the fragments on their baseline (a row of a table without rules)."""
    groups: list[list[Line]] = []
    for line in lines:
        last = groups[-1] if groups else None
        if last and abs(line.top - last[0].top) <= 2.0 and line.x0 > last[-1].x1:
            last.append(line)
        else:
            groups.append([line])
    return groups


def _row(cells: list[list[Line]], page: int, style: PageStyle) -> Block:
    """A row of a table without rules: one cell per fragment on the row's baseline, each with the lines
    that continue it below (a value wrapping in its column)."""
    block = _block([line for cell in cells for line in cell], page, style, TABLE_ROW)
    block.cells = [join_lines([line.text for line in cell], style.compounds) for cell in cells]
    block.text = "\t".join(block.cells)
    return block


def _continues_cell(cells: list[list[Line]], line: Line, style: PageStyle) -> bool:
    """A line alone on its baseline, starting where the row's last cell starts (right of the first cell)
    and close below that cell's last line: the cell's value wraps."""
    first, cell = cells[0][0], cells[-1]
    return (
        len(cells) > 1
        and abs(line.x0 - cell[0].x0) <= CELL_ALIGN
        and line.x0 > first.x1
        and abs(line.size - cell[-1].size) <= 0.5
        and 0 < line.top - cell[-1].top <= _step(cell[-1].size, style)
    )


def _paragraphs(lines: list[Line], page: int, style: PageStyle, kind: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    current: list[Line] = []
    row: list[list[Line]] = []  # the cells of an unruled row still open to wrapped lines
    for group in _side_by_side(lines):
        if row and len(group) == 1 and _continues_cell(row, group[0], style):
            row[-1].append(group[0])
            continue
        if row:
            blocks.append(_row(row, page, style))
            row = []
        if len(group) > 1 and kind is None:
            if current:
                blocks.append(_block(current, page, style, kind))
                current = []
            row = [[fragment] for fragment in group]
            continue
        for line in group:
            if current and _breaks(current[-1], line, style):
                blocks.append(_block(current, page, style, kind))
                current = []
            current.append(line)
    if row:
        blocks.append(_row(row, page, style))
    if current:
        blocks.append(_block(current, page, style, kind))
    return blocks


def _spans(cells: list[str], lines: list[Line], table: Table) -> bool:
    """A row whose one cell spans the table (a fiche's ref or title bar): text in the first cell only,
    running over the first column's boundary (no rule stops it there)."""
    return (
        len(cells) > 1
        and bool(cells[0])
        and not any(cells[1:])
        and any(line.x1 > table.xs[1] + 1 for line in lines)
    )


def _cell_text(cell: list[Line], style: PageStyle) -> str:
    """A ruled cell's text; a cell opening with bold lines followed by regular ones (a title in bold above
    its description) as two paragraphs "<p>title</p> <p>text</p>", as the DOCX loader writes them."""
    lead = next((k for k, line in enumerate(cell) if not line.bold), len(cell))
    if 0 < lead < len(cell) and all(not line.bold for line in cell[lead:]):
        head = join_lines([line.text for line in cell[:lead]], style.compounds)
        rest = join_lines([line.text for line in cell[lead:]], style.compounds)
        return f"<p>{head}</p> <p>{rest}</p>"
    return join_lines([line.text for line in cell], style.compounds)


def _table_rows(item: _TableItem, page: int, style: PageStyle) -> list[Block]:
    rows = []
    for k, row in enumerate(table_cells(item.table, item.lines)):
        cells = [_cell_text(cell, style) for cell in row]
        if not any(cells):
            continue
        top, bottom = item.table.ys[k], item.table.ys[k + 1]
        row_lines = [line for cell in row for line in cell]
        if _spans(cells, row_lines, item.table):
            cells = cells[:1]
        rows.append(
            Block(
                kind=TABLE_ROW,
                text="\t".join(cells),
                page=page,
                bbox=(item.x0, top, item.x1, bottom),
                font_size=max(line.size for line in row_lines),
                bold=all(line.bold for line in row_lines),
                cells=cells,
            )
        )
    return rows


def _segment_blocks(segment: list, page: int, style: PageStyle) -> list[Block]:
    blocks: list[Block] = []
    pending: list[Line] = []
    for item in segment:
        if isinstance(item, _TableItem):
            blocks += _paragraphs(pending, page, style)
            pending = []
            blocks += _table_rows(item, page, style)
        else:
            pending.append(item)
    return blocks + _paragraphs(pending, page, style)


def layout_page(
    lines: list[Line], shapes: list[Shape], tables: list[Table], page: int, width: float, style: PageStyle
) -> tuple[list[Block], list[Block]]:
    """The body blocks and the side panel blocks of one page, each in reading order."""
    items: list = []
    rest = list(lines)
    for table in tables:
        inside = [line for line in rest if table.holds(line)]
        if inside:
            items.append(_TableItem(table, inside))
            rest = [line for line in rest if not table.holds(line)]
    frames = _frames([s for s in shapes if not any(t.holds_box(s) for t in tables)], rest, width)
    panel = [line for line in rest if any(_inside(line, f) for f in frames)]
    if not panel:
        panel = _unframed_panel(rest, width, style.body_size)
    body = [line for line in rest if not any(line is p for p in panel)]
    blocks = [b for segment in pdf_order.order(items + body) for b in _segment_blocks(segment, page, style)]
    panel_blocks = [
        b for segment in pdf_order.order(panel) for b in _paragraphs(segment, page, style, SIDE_PANEL)
    ]
    return blocks, panel_blocks


__all__ = ["HEADING", "PageStyle", "layout_page"]
