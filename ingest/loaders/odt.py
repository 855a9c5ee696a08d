"""ODT (LibreOffice, OpenDocument text) with odfpy: the body in document order, as the DOCX loader writes it.

Headings (``text:h`` with their outline level) become Markdown ``#`` lines, after the number the styles'
outline numbering draws ("III.1."), paragraphs their lines, list
items ``- `` lines (consecutive items one block; an item of a numbered list level a paragraph "2. …"
numbered as the list style draws it), tables one tab-separated line per row (a cell of several
paragraphs as ``<p>…</p>``; a horizontally merged cell once; a cell covered by a vertical merge empty).
Headers and footers live in the styles part and are left out, as are notes. A frame (``draw:frame`` /
``draw:text-box``, a side panel) anchored in a paragraph is read as blocks of its own after that paragraph,
never glued to its text. One blank line between blocks.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from odf.namespaces import DRAWNS, FONS, STYLENS, TABLENS, TEXTNS

from ingest.errors import EmptyDocument, UnreadableDocument
from ingest.loaders.numbers import format_number
from ingest.loaders.runin import run_in_line
from ingest.loaders.text import join_blocks
from ingest.records import LoadedText
from ingest.text import collapse_ascii_spaces

logger = logging.getLogger(__name__)

_P, _H, _LIST, _ITEM, _HEADER = (
    (TEXTNS, "p"),
    (TEXTNS, "h"),
    (TEXTNS, "list"),
    (TEXTNS, "list-item"),
    (
        TEXTNS,
        "list-header",
    ),
)
_SPACE, _TAB, _BREAK, _NOTE = (TEXTNS, "s"), (TEXTNS, "tab"), (TEXTNS, "line-break"), (TEXTNS, "note")
_TABLE, _ROW, _CELL, _COVERED = (
    (TABLENS, "table"),
    (TABLENS, "table-row"),
    (TABLENS, "table-cell"),
    (TABLENS, "covered-table-cell"),
)
_ROW_GROUPS = {(TABLENS, n) for n in ("table-header-rows", "table-rows", "table-row-group")}
_CONTAINERS = {(TEXTNS, n) for n in ("section", "index-body", "table-of-content", "illustration-index")}
_FRAMES = {(DRAWNS, "frame"), (DRAWNS, "custom-shape")}  # drawn objects anchored in a paragraph
_MAX_REPEAT = 64  # a cell repeated more often is padding to the sheet's width
_SPAN = (TEXTNS, "span")


def _attr(element: Any, ns: str, name: str) -> str | None:
    return element.attributes.get((ns, name))


def text_of(element: Any) -> str:
    """The text of a paragraph: spaces (text:s), tabs and line breaks spelled out, notes left out."""
    parts: list[str] = []
    for node in element.childNodes:
        if node.nodeType == node.TEXT_NODE:
            parts.append(str(node.data))
        elif node.nodeType != node.ELEMENT_NODE or node.qname == _NOTE or node.qname in _FRAMES:
            continue
        elif node.qname == _SPACE:
            parts.append(" " * int(_attr(node, TEXTNS, "c") or 1))
        elif node.qname == _TAB:
            parts.append("\t")
        elif node.qname == _BREAK:
            parts.append("\n")
        else:
            parts.append(text_of(node))
    return "".join(parts)


def bold_styles(document: Any) -> set[str]:
    """The names of the text styles that set bold (their own weight, else their parent style's)."""
    weight: dict[str, str | None] = {}
    parent: dict[str, str | None] = {}
    for root in (document.styles, document.automaticstyles):
        for style in root.childNodes:
            if style.nodeType != style.ELEMENT_NODE or style.qname != (STYLENS, "style"):
                continue
            name = _attr(style, STYLENS, "name") or ""
            parent[name] = _attr(style, STYLENS, "parent-style-name")
            for props in style.childNodes:
                if props.nodeType == props.ELEMENT_NODE and props.qname == (STYLENS, "text-properties"):
                    weight[name] = _attr(props, FONS, "font-weight")
    return {n for n in parent if (weight.get(n) or weight.get(parent[n] or "")) == "bold"}


def run_in_label(element: Any, bold: set[str]) -> str | None:
    """A paragraph that opens with a bold span followed by plain text, as a labelled line
    (``runin.run_in_line``), else None."""
    spans = [n for n in element.childNodes if n.nodeType == n.ELEMENT_NODE or str(n.data).strip()]
    if len(spans) < 2 or spans[0].nodeType != spans[0].ELEMENT_NODE or spans[0].qname != _SPAN:
        return None
    if (_attr(spans[0], TEXTNS, "style-name") or "") not in bold:
        return None
    rest = "".join(text_of(n) if n.nodeType == n.ELEMENT_NODE else str(n.data) for n in spans[1:])
    return run_in_line(collapse_ascii_spaces(text_of(spans[0])), collapse_ascii_spaces(rest))


def _paragraphs(element: Any) -> list[Any]:
    """Paragraphs and headings under ``element``, in document order (nested tables included)."""
    found = []
    for node in element.childNodes:
        if node.nodeType != node.ELEMENT_NODE:
            continue
        if node.qname in (_P, _H):
            found.append(node)
        else:
            found.extend(_paragraphs(node))
    return found


def _cell_text(cell: Any) -> str:
    lines = [line for p in _paragraphs(cell) for line in text_of(p).split("\n")]
    texts = [t for t in map(collapse_ascii_spaces, lines) if t]  # a line break parts values, as in DOCX
    if len(texts) == 1:
        return texts[0]
    return " ".join(f"<p>{t}</p>" for t in texts)


def _row_cells(row: Any) -> list[str]:
    cells: list[str] = []
    skip = 0  # covered cells of a horizontal merge still to pass
    for node in row.childNodes:
        if node.nodeType != node.ELEMENT_NODE or node.qname not in (_CELL, _COVERED):
            continue
        repeat = min(int(_attr(node, TABLENS, "number-columns-repeated") or 1), _MAX_REPEAT)
        for _ in range(repeat):
            if node.qname == _COVERED:
                if skip:
                    skip -= 1
                else:
                    cells.append("")  # under a vertical merge: rendered empty, as DOCX's continuation
                continue
            skip = int(_attr(node, TABLENS, "number-columns-spanned") or 1) - 1
            cells.append(_cell_text(node))
    return cells  # trailing empty cells kept, as DOCX rows keep theirs ("Label\t")


def _table_rows(element: Any) -> list[str]:
    rows: list[str] = []
    for node in element.childNodes:
        if node.nodeType != node.ELEMENT_NODE:
            continue
        if node.qname == _ROW:
            cells = _row_cells(node)
            if any(cells):
                rows.append("\t".join(cells))
        elif node.qname in _ROW_GROUPS:
            rows.extend(_table_rows(node))
    return rows


_LIST_STYLE, _NUMBER_LEVEL = (TEXTNS, "list-style"), (TEXTNS, "list-level-style-number")


def numbered_levels(document: Any) -> dict[str, dict[int, str]]:
    """List style name -> {level: number suffix} of its numbered levels (``text:list-level-style-number``
    with a number format), from the document's styles and automatic styles."""
    found: dict[str, dict[int, str]] = {}
    for part in (document.styles, document.automaticstyles):
        for style in part.childNodes:
            if style.nodeType != style.ELEMENT_NODE or style.qname != _LIST_STYLE:
                continue
            levels = found.setdefault(_attr(style, STYLENS, "name") or "", {})
            for level in style.childNodes:
                numbered = level.nodeType == level.ELEMENT_NODE and level.qname == _NUMBER_LEVEL
                if numbered and _attr(level, STYLENS, "num-format"):
                    suffix = _attr(level, STYLENS, "num-suffix") or "."
                    levels[int(_attr(level, TEXTNS, "level") or 1)] = suffix
    return found


_OUTLINE_STYLE, _OUTLINE_LEVEL = (TEXTNS, "outline-style"), (TEXTNS, "outline-level-style")


def outline_numbering(document: Any) -> dict[int, tuple[str, str, str, int]]:
    """Heading level -> (number format, prefix, suffix, levels shown) of the styles' outline numbering
    (``text:outline-style``): the numbers LibreOffice draws before headings, absent from their text."""
    found: dict[int, tuple[str, str, str, int]] = {}
    for style in document.styles.childNodes:
        if style.nodeType != style.ELEMENT_NODE or style.qname != _OUTLINE_STYLE:
            continue
        for level in style.childNodes:
            if level.nodeType != level.ELEMENT_NODE or level.qname != _OUTLINE_LEVEL:
                continue
            if fmt := _attr(level, STYLENS, "num-format"):
                prefix = _attr(level, STYLENS, "num-prefix") or ""
                suffix = _attr(level, STYLENS, "num-suffix") or ""
                shown = int(_attr(level, TEXTNS, "display-levels") or 1)
                found[int(_attr(level, TEXTNS, "level") or 1)] = (fmt, prefix, suffix, shown)
    return found


class _Outline:
    """The running numbers of numbered heading levels: "III.1." before the first level-2 heading of the
    third level-1 heading."""

    def __init__(self, levels: dict[int, tuple[str, str, str, int]]) -> None:
        self.levels, self.counts = levels, [0] * 11

    def number(self, level: int) -> str:
        if level not in self.levels or level > 10:
            return ""
        self.counts[level] += 1
        self.counts[level + 1 :] = [0] * (10 - level)
        fmt, prefix, suffix, shown = self.levels[level]
        first = max(1, level - shown + 1)
        parts = [
            format_number(self.counts[k], self.levels.get(k, (fmt,))[0]) for k in range(first, level + 1)
        ]
        return f"{prefix}{'.'.join(parts)}{suffix} "


class _Blocks:
    def __init__(
        self, numbered: dict[str, dict[int, str]] | None = None, outline: _Outline | None = None
    ) -> None:
        self.blocks: list[list[str]] = []
        self.kinds: list[str] = []
        self.numbered = numbered or {}
        self.outline = outline or _Outline({})
        self.bold: set[str] = set()

    def add(self, lines: list[str], kind: str) -> None:
        if lines:
            self.blocks.append(lines)
            self.kinds.append(kind)

    def item(self, text: str) -> None:
        item = "- " + collapse_ascii_spaces(text)
        if self.kinds and self.kinds[-1] == "list":
            self.blocks[-1].append(item)
        else:
            self.add([item], "list")

    def list(self, element: Any, style: str, level: int) -> None:
        """A list: items of a numbered level as numbered paragraphs ("2. Title", the number the list
        style draws), their other paragraphs as text; bulleted items as '- ' lines; nested lists inside."""
        style = _attr(element, TEXTNS, "style-name") or style
        suffix = self.numbered.get(style, {}).get(level)
        number = 0
        for item in element.childNodes:
            if item.nodeType != item.ELEMENT_NODE or item.qname not in (_ITEM, _HEADER):
                continue
            if suffix is None:
                self._bulleted(item, style, level)
                continue
            number += 1
            first = True
            for node in item.childNodes:
                if node.nodeType != node.ELEMENT_NODE:
                    continue
                if node.qname == _LIST:
                    self.list(node, style, level + 1)
                elif (text := collapse_ascii_spaces(text_of(node)).strip()) and first:
                    self.add([f"{number}{suffix} {text}"], "text")
                    first = False
                elif text:
                    self.add([text], "text")

    def _bulleted(self, item: Any, style: str, level: int) -> None:
        for node in item.childNodes:
            if node.nodeType != node.ELEMENT_NODE:
                continue
            if node.qname == _LIST:
                self.list(node, style, level + 1)
            elif node.qname in (_P, _H) and text_of(node).strip():
                self.item(text_of(node))
            else:
                for p in _paragraphs(node):
                    if text_of(p).strip():
                        self.item(text_of(p))

    def frames(self, element: Any) -> None:
        """The text of the frames anchored in a paragraph, as blocks after it (a side panel's lines)."""
        for node in element.childNodes:
            if node.nodeType != node.ELEMENT_NODE:
                continue
            if node.qname in _FRAMES:
                self.walk(node)
                for box in node.childNodes:
                    if box.nodeType == box.ELEMENT_NODE and box.qname == (DRAWNS, "text-box"):
                        self.walk(box)
            elif node.qname not in (_P, _H, _NOTE):
                self.frames(node)  # a frame inside a span or a link

    def walk(self, element: Any) -> None:
        for node in element.childNodes:
            if node.nodeType != node.ELEMENT_NODE:
                continue
            if node.qname == _H:
                text = text_of(node)
                if text.strip():
                    level = max(1, int(_attr(node, TEXTNS, "outline-level") or 1))
                    header = _attr(node, TEXTNS, "is-list-header") == "true"
                    number = "" if header else self.outline.number(level)
                    self.add(["#" * level + " " + number + collapse_ascii_spaces(text)], "heading")
            elif node.qname == _P:
                if labelled := run_in_label(node, self.bold):
                    self.add([labelled], "text")
                else:
                    self.add([line for line in text_of(node).split("\n") if line.strip()], "text")
                self.frames(node)
            elif node.qname == _LIST:
                self.list(node, _attr(node, TEXTNS, "style-name") or "", 1)
            elif node.qname == _TABLE:
                self.add(_table_rows(node), "table")
            elif node.qname in _CONTAINERS:
                self.walk(node)


def load_odt(data: bytes, where: str) -> LoadedText:
    """Headings as Markdown '#', paragraphs, list items and table rows, one blank line between blocks."""
    from odf.opendocument import load  # imported when an ODT is read

    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, KeyError, XML errors...
        raise UnreadableDocument(
            f"ODT illisible ({type(exc).__name__} : {exc})", where=where, valid="un fichier LibreOffice .odt"
        ) from exc
    blocks = _Blocks(numbered_levels(document), _Outline(outline_numbering(document)))
    blocks.bold = bold_styles(document)
    blocks.walk(document.text)
    lines = join_blocks(blocks.blocks)
    if not lines:
        raise EmptyDocument("le corps de l'ODT ne contient aucun texte", where=where)
    logger.debug("%s: %d blocks, %d lines", where, len(blocks.blocks), len(lines))
    return LoadedText(lines=lines, format="odt", pages=None, warnings=[])
