"""DOCX: body paragraphs and tables in document order (python-docx)."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ingest.errors import EmptyDocument, UnreadableDocument
from ingest.loaders.docx_numbering import Numbering
from ingest.loaders.runin import run_in_line
from ingest.loaders.text import join_blocks
from ingest.records import LoadedText
from ingest.shapes.outline_words import classify
from ingest.text import collapse_ascii_spaces

logger = logging.getLogger(__name__)

# "Heading 2", "heading 2" (Word's built-in name), "Titre 2" / "Titre2" (French Word style ids).
_HEADING = re.compile(r"^(?:heading|titre)\s*(\d)$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^(?:list\s*(?:bullet|number)|liste\s*(?:à\s*)?puces|liste\s*num)", re.IGNORECASE)


def _style_names(paragraph: Paragraph) -> list[str]:
    """The paragraph's style id and style name (either may be what identifies it)."""
    names = [paragraph._p.style or ""]
    try:
        if paragraph.style is not None:
            names.append(paragraph.style.name or "")
    except (KeyError, ValueError):  # dangling style reference
        pass
    return [name.strip() for name in names]


def _named_level(names: list[str]) -> int | None:
    for name in names:
        match = _HEADING.match(name.strip())
        if match and int(match.group(1)) > 0:
            return int(match.group(1))
    return None


def _outline_level(p_pr: Any) -> int | None:
    """The 1-based outline level a paragraph property set gives (w:outlineLvl 0-8; 9 is body text)."""
    if p_pr is None:
        return None
    element = p_pr.find(qn("w:outlineLvl"))
    value = element.get(qn("w:val")) if element is not None else None
    return int(value) + 1 if value is not None and value.isdigit() and int(value) < 9 else None


_STRUCTURE_ROLES = ("level", "unit", "sub")
_CHAIN_MAX = 10  # basedOn chains are short; a loop in a broken file must end


def _style_chain(style: Any) -> Iterator[Any]:
    """A style, then the styles it is based on, nearest first (at most ``_CHAIN_MAX``)."""
    for _ in range(_CHAIN_MAX):
        if style is None:
            return
        yield style
        style = style.base_style


def _style_level(style: Any) -> int | None:
    """A custom style's heading level: its own outline level or a "Heading N" / "Titre N" style it is
    based on ("Titre Priorité" based on "Heading 1"), nearest first."""
    for link in _style_chain(style):
        level = _named_level([link.style_id or "", link.name or ""]) or _outline_level(link.element.pPr)
        if level:
            return level
    return None


def _heading_level(paragraph: Paragraph) -> int | None:
    """The N of a "Heading N" / "Titre N" style (by name or style id), else the outline level of the
    paragraph or of its style chain (a house template's "Titre chapitre" style), else None."""
    level = _named_level(_style_names(paragraph))
    if level:
        return level
    level = _outline_level(paragraph._p.pPr)
    if level:
        return level
    try:
        return _style_level(paragraph.style)
    except (KeyError, ValueError, AttributeError):  # dangling style reference
        return None


def _is_list_item(paragraph: Paragraph) -> bool:
    """A numbered/bulleted paragraph (w:numPr) or one in a "List ..." style."""
    p_pr = paragraph._p.pPr
    if p_pr is not None and p_pr.numPr is not None:
        return True
    return any(_LIST_STYLE.match(name) for name in _style_names(paragraph))


_BOLD_TITLE_MAX = 180  # characters: a longer bold paragraph is emphasised prose, not a title


def _style_bold(style: Any) -> bool | None:
    """Whether a paragraph style (or the nearest style it is based on that says) sets bold."""
    return next((bool(link.font.bold) for link in _style_chain(style) if link.font.bold is not None), None)


def _bold_title(paragraph: Paragraph, text: str) -> bool:
    """A short paragraph all in bold (by its runs or its style) that is no sentence and no "Label :": a
    title set in bold without a heading style (a house template's "Intitulé action")."""
    text = text.strip()
    if len(text) > _BOLD_TITLE_MAX or "\n" in text or text.endswith((":", ".", ";", ",")):
        return False
    if not any(c.isalpha() for c in text):
        return False
    try:
        default = _style_bold(paragraph.style)
    except (KeyError, ValueError, AttributeError):  # dangling style reference
        default = None
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold if run.bold is not None else default for run in runs)


def _run_in(paragraph: Paragraph) -> str | None:
    """A paragraph whose first runs are bold and the rest not (a label set in bold, then its value), as a
    labelled line (``runin.run_in_line``), else None."""
    runs = [run for run in paragraph.runs if run.text]
    k = 0
    while k < len(runs) and (runs[k].bold or not runs[k].text.strip()):
        k += 1
    if k == 0 or k == len(runs) or any(run.bold for run in runs[k:]):
        return None
    label = collapse_ascii_spaces("".join(run.text for run in runs[:k]))
    return run_in_line(label, collapse_ascii_spaces("".join(run.text for run in runs[k:])))


def _font_size(paragraph: Paragraph) -> float:
    """The largest font size of a paragraph's runs, else its style's (or the style it is based on), in
    points; 0 when none says (the document default)."""
    sizes = [run.font.size.pt for run in paragraph.runs if run.text.strip() and run.font.size is not None]
    if sizes:
        return max(sizes)
    try:
        styled = next((link.font.size.pt for link in _style_chain(paragraph.style) if link.font.size), None)
    except (KeyError, ValueError, AttributeError):  # dangling style reference
        styled = None
    return styled or 0.0


def _rank_bold_titles(out: _Blocks) -> None:
    """A document with no heading style whose titles are set only in bold (direct formatting): the larger a
    title's font, the higher its level. The first title alone in the largest size is the document's title
    (level 1, like the sizes below it ranked from 1); nothing changes when all titles share one size."""
    if any(kind in ("heading", "numbered") for kind in out.kinds) or not out.sizes:
        return
    order = sorted(out.sizes)
    largest = max(out.sizes.values())
    first = order[0]
    alone = out.sizes[first] == largest and sum(1 for v in out.sizes.values() if v == largest) == 1
    ranked = sorted({v for i, v in out.sizes.items() if not (alone and i == first)}, reverse=True)
    if len(ranked) < 2:
        return
    for index, size in out.sizes.items():
        depth = 1 if alone and index == first else ranked.index(size) + 1
        text = out.blocks[index][0].lstrip("#").lstrip()
        out.blocks[index] = ["#" * min(depth, 6) + " " + text]


class _Blocks:
    """The blocks being read, their kinds, and the level of the last heading given by a style."""

    def __init__(self, numbering: Numbering) -> None:
        self.blocks: list[list[str]] = []
        self.kinds: list[str] = []
        self.numbering = numbering
        self.level = 0
        self.passage = False  # whether that heading heads a typed passage
        self.sizes: dict[int, float] = {}  # block index of a bold title -> its font size in points

    def add(self, lines: list[str], kind: str) -> None:
        self.blocks.append(lines)
        self.kinds.append(kind)


def _paragraph(paragraph: Paragraph, out: _Blocks) -> None:
    """Append a paragraph as a block: heading, list item (merged with the previous item) or text. A
    heading numbered by automatic list numbering gets its number as a reader sees it, and so does a list
    paragraph whose drawn number names a level or a unit (then a heading); a title set in bold without a
    heading style is a heading one level below the last styled one."""
    text = paragraph.text
    if not text.strip():
        return
    number = out.numbering.label(paragraph)
    level = _heading_level(paragraph)
    if level is not None:
        out.level, out.passage = level, classify(text).role == "passage"
        text = f"{number} {text}" if number else text
        out.add(["#" * level + " " + collapse_ascii_spaces(text)], "heading")
    elif number and classify(f"{number} {text}").role in _STRUCTURE_ROLES:
        # a list level whose drawn number names a level or a unit ("Mission 1 –", "Action 1.2 –"): a plan
        # whose levels are only a multilevel list, a heading one level per list level below the last one
        # (a sibling of a typed passage's heading: "Diagnostic" does not hold the plan's levels)
        base = out.level - 1 if out.passage else out.level
        depth = base + 1 + out.numbering.depth(paragraph)
        out.add(["#" * min(depth, 6) + " " + collapse_ascii_spaces(f"{number} {text}")], "numbered")
    elif _is_list_item(paragraph):
        item = "- " + collapse_ascii_spaces(text)
        if out.kinds and out.kinds[-1] == "list":
            out.blocks[-1].append(item)
        else:
            out.add([item], "list")
    elif _bold_title(paragraph, text):
        out.sizes[len(out.blocks)] = _font_size(paragraph)
        out.add(["#" * min(out.level + 1, 6) + " " + collapse_ascii_spaces(text)], "bold")
    elif labelled := _run_in(paragraph):
        out.add([labelled], "text")
    else:
        out.add([line for line in text.split("\n") if line.strip()], "text")


def _cell_text(tc: Any, parent: Any) -> str:
    """A cell's paragraphs (nested tables included) and the lines of each (w:br); several ones are wrapped
    in <p>...</p>."""
    lines: list[str] = []
    for child in tc.iterchildren():
        if child.tag == qn("w:tbl"):
            lines += _nested_rows(child, parent)
        else:
            lines += [line for p in child.iter(qn("w:p")) for line in Paragraph(p, parent).text.split("\n")]
    texts = [text for text in map(collapse_ascii_spaces, lines) if text]  # a line break parts values
    if len(texts) == 1:
        return texts[0]
    return " ".join(f"<p>{text}</p>" for text in texts)


def _nested_rows(tbl: Any, parent: Any) -> list[str]:
    """A table nested in a cell (« Structure | Rôle », a row per partner), one line per row: its first
    cell, the others in parentheses (« France Active (expertise financière) »); a first row of short
    words above other rows is the nested table's header, not a value."""
    rows = [[_cell_text(tc, parent) for tc in tr.tc_lst] for tr in tbl.tr_lst]
    rows = [[c for c in row if c] for row in rows]
    rows = [row for row in rows if row]
    head = rows[0] if rows else []
    if (
        len(rows) >= 2
        and len(head) >= 2
        and all(len(c.split()) <= 3 and not any(ch.isdigit() for ch in c) for c in head)
    ):
        rows = rows[1:]
    return [row[0] + (f" ({', '.join(row[1:])})" if len(row) > 1 else "") for row in rows]


def _table(tbl: Any, parent: Any) -> list[str]:
    """One line per row, cells joined by a tab.

    Cells are read from the XML: a horizontally merged cell is one w:tc (python-docx's
    `row.cells` would repeat it); the continuation of a vertical merge is rendered empty.
    """
    rows: list[str] = []
    for tr in tbl.tr_lst:
        cells = ["" if tc.vMerge == "continue" else _cell_text(tc, parent) for tc in tr.tc_lst]
        if any(cells):
            rows.append("\t".join(cells))
    return rows


_MARKS = {qn("w:rPr"), qn("w:pPr"), qn("w:trPr"), qn("w:tcPr")}  # where w:del / w:ins only mark something
_WRAPPERS = ("w:ins", "w:moveTo", "w:smartTag", "w:customXml")  # runs inside them are ordinary runs
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _unwrap(element: Any) -> None:
    """Put ``element``'s children in its place (a content control: the children of its w:sdtContent)."""
    parent = element.getparent()
    if element.tag == qn("w:sdt"):
        content = element.find(qn("w:sdtContent"))
        children = list(content) if content is not None else []
    else:
        children = [c for c in element if c.tag not in _MARKS]
    index = parent.index(element)
    for child in reversed(children):
        parent.insert(index, child)
    parent.remove(element)


def accept_revisions(body: Any) -> None:
    """The body as a reader sees it once its tracked changes are accepted: deleted runs (w:del, w:moveFrom)
    and deleted table rows left out, inserted and moved runs kept as ordinary runs; content controls
    (w:sdt around a run, a row, a cell or blocks), smart tags and custom XML opened; the VML fallback Word
    writes beside a DrawingML text box dropped (the same text twice)."""
    for tag in ("w:del", "w:moveFrom"):
        for element in list(body.iter(qn(tag))):
            parent = element.getparent()
            if parent is None:
                continue
            if parent.tag == qn("w:trPr"):  # a deleted table row
                row = parent.getparent()
                if row.getparent() is not None:
                    row.getparent().remove(row)
            elif parent.tag not in _MARKS:
                parent.remove(element)
    for element in list(body.iter(_FALLBACK)):
        element.getparent().remove(element)
    for tag in ("w:sdt", *_WRAPPERS):
        for element in list(body.iter(qn(tag))):
            if element.getparent() is not None and element.getparent().tag not in _MARKS:
                _unwrap(element)


def _text_boxes(p: Any, parent: Any) -> list[str]:
    """The lines of the text boxes anchored in a body paragraph (a side panel beside the text)."""
    lines = []
    for box in p.iter(qn("w:txbxContent")):
        for inner in box.iter(qn("w:p")):
            lines += [t for t in map(collapse_ascii_spaces, Paragraph(inner, parent).text.split("\n")) if t]
    return lines


def _walk(element: Any, parent: Any, out: _Blocks) -> None:
    """Body children in document order; content controls (w:sdt) are opened; the text boxes anchored in a
    paragraph follow it as a block of their own."""
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            _paragraph(Paragraph(child, parent), out)
            boxes = _text_boxes(child, parent)
            if boxes:
                out.add(boxes, "text")
        elif child.tag == qn("w:tbl"):
            out.add(_table(child, parent), "table")
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _walk(content, parent, out)


def load_docx(data: bytes, where: str) -> LoadedText:
    """Headings as Markdown '#', paragraphs and table rows, one blank line between blocks."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, KeyError, PackageNotFoundError, ValueError...
        raise UnreadableDocument(
            f"DOCX illisible ({type(exc).__name__} : {exc})", where=where, valid="un fichier Word .docx"
        ) from exc
    accept_revisions(document.element.body)
    out = _Blocks(Numbering(document))
    _walk(document.element.body, document, out)
    _rank_bold_titles(out)
    blocks = out.blocks
    lines = join_blocks(blocks)
    if not lines:
        raise EmptyDocument("le corps du DOCX ne contient aucun texte", where=where)
    logger.debug("%s: %d blocks, %d lines", where, len(blocks), len(lines))
    return LoadedText(lines=lines, format="docx", pages=None, warnings=[])
