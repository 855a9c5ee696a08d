"""The format-neutral document model with layout: blocks in reading order, and their lines.

A loader gives a `LayoutDocument`: its `blocks` in reading order (headings, paragraphs, list items, table
rows with their cells, side panels, running headers and footers, footnotes), each with its page, box, font
size and weight. `LayoutDocument.to_lines()` renders it as the `LoadedText` the shape detectors read, with the
conventions of the DOCX and HTML loaders: a heading is one '#'-prefixed line (level from the rank of its
font size), a table row one line of tab-separated cells, a list item a '- ' line, a paragraph or a side
panel block one line; blocks are separated by one blank line (consecutive list items and consecutive
table rows stay together); headers, footers and footnotes are dropped (footnotes stay blocks of the
model: their text is not the body's). The page of every line is kept, so provenance
can name it; a blank line between blocks counts as part of the earlier block's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.records import LoadedText

HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
TABLE_ROW = "table_row"
TABLE_CELL = "table_cell"
SIDE_PANEL = "side_panel"
HEADER = "header"
FOOTER = "footer"
FOOTNOTE = "footnote"
KINDS = (HEADING, PARAGRAPH, LIST_ITEM, TABLE_ROW, TABLE_CELL, SIDE_PANEL, HEADER, FOOTER, FOOTNOTE)
_DROPPED = (HEADER, FOOTER, FOOTNOTE)
_GROUPED = (LIST_ITEM, TABLE_ROW)  # consecutive blocks of these kinds are not separated by blank lines

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in points, origin at the top left


@dataclass
class Block:
    """One block of a document.

    `order` is the reading-order index in the document (`LayoutDocument.blocks` is sorted by it);
    `level` the heading level (1 = top) once the document ranked its heading styles; `flanks` the
    `order` of the body block a side panel stands beside; `cells` the cells of a table row (its
    `text` is then the cells joined by tabs); `page` is 1-based, None for formats without pages.
    """

    kind: str
    text: str
    page: int | None = None
    bbox: BBox = (0.0, 0.0, 0.0, 0.0)
    font_size: float = 0.0
    bold: bool = False
    order: int = -1
    level: int | None = None
    flanks: int | None = None
    cells: list[str] = field(default_factory=list)
    depth: int = 0  # list items: nesting depth

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"type de bloc inconnu {self.kind!r} (valides : {', '.join(KINDS)})")

    def line(self) -> str:
        """The block as the one line the shape detectors read."""
        if self.kind == HEADING:
            return "#" * max(1, min(self.level or 1, 6)) + " " + self.text
        if self.kind == TABLE_ROW:
            return "\t".join(self.cells) if self.cells else self.text
        if self.kind == LIST_ITEM:
            text = self.text
            if text[:1] in BULLETS:
                text = text[1:].lstrip()
            return "  " * self.depth + "- " + text
        return self.text


BULLETS = "•‣◦▪▫■□●○–—-*·\uf0b7\uf0a7"


@dataclass
class LayoutDocument:
    """Blocks in reading order, the number of pages (None for formats without pages) and warnings."""

    blocks: list[Block]
    format: str
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)

    def body(self) -> list[Block]:
        """The blocks that are read (running headers, footers and footnotes left out)."""
        return [block for block in self.blocks if block.kind not in _DROPPED]

    def to_lines(self) -> LoadedText:
        """The document as `LoadedText`: one line per block, blank lines between blocks, pages kept."""
        lines: list[str] = []
        pages: list[int] = []
        previous: str | None = None
        for block in self.body():
            line = block.line()
            if not line.strip():
                continue
            if lines and not (block.kind in _GROUPED and block.kind == previous):
                lines.append("")
                pages.append(pages[-1])
            lines.append(line)
            pages.append(block.page or 0)
            previous = block.kind
        has_pages = self.pages is not None
        return LoadedText(
            lines=lines, format=self.format, pages=pages if has_pages else None, warnings=list(self.warnings)
        )

    def line_blocks(self) -> list[Block | None]:
        """The block of every line of `to_lines()` (None for the blank lines between blocks)."""
        out: list[Block | None] = []
        previous: str | None = None
        for block in self.body():
            if not block.line().strip():
                continue
            if out and not (block.kind in _GROUPED and block.kind == previous):
                out.append(None)
            out.append(block)
            previous = block.kind
        return out


def rank_heading_levels(blocks: list[Block]) -> None:
    """Give every heading a level from the rank of its style: larger font first, bold before regular
    at the same size (sizes within 0.5 pt are one style)."""
    styles = sorted({(round(b.font_size * 2) / 2, b.bold) for b in blocks if b.kind == HEADING}, reverse=True)
    rank = {style: i + 1 for i, style in enumerate(styles)}
    for block in blocks:
        if block.kind == HEADING:
            block.level = min(rank[(round(block.font_size * 2) / 2, block.bold)], 6)
