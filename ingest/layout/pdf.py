"""PDF -> `LayoutDocument` with PDFium (pypdfium2): blocks in reading order from positions.

Per page: text runs and drawn shapes (`pdf_extract`), lines and ruled tables (`pdf_lines`), running
headers and footers (`pdf_running`, across pages), then reading order and blocks (`pdf_page`,
`pdf_order`). Across pages: a table row continued after a page break (first cell empty) is merged into
the row it continues, side panels are attached to the body block they flank, '¤' standing for '€' is
repaired, heading levels are ranked by font size. The content-stream order is never trusted: producers
draw in any order.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium

from ingest.errors import EmptyDocument, UnreadableDocument
from ingest.layout import pdf_running
from ingest.layout.model import (
    FOOTER,
    FOOTNOTE,
    HEADER,
    HEADING,
    PARAGRAPH,
    SIDE_PANEL,
    TABLE_ROW,
    Block,
    LayoutDocument,
    rank_heading_levels,
)
from ingest.layout.pdf_extract import PageContent, new_fonts, read_page
from ingest.layout.pdf_lines import Line, Table, build_lines, find_tables
from ingest.layout.pdf_page import PageStyle, layout_page
from ingest.layout.textfix import compounds, join_lines, repair_currency, repair_glyphs

logger = logging.getLogger(__name__)

_FINAL = ".!?:;…»)]"
MIN_PAGE_CHARS = 4  # letters and digits a page needs (besides headers and footers) to count as text
SCANNED = (
    "aucune couche de texte : le PDF est sans doute numérisé (pages en images) ; qfq lit la couche de "
    "texte et ne fait pas d'OCR ; passez-le d'abord dans un OCR (par exemple ocrmypdf) et donnez le résultat"
)


@dataclass
class _Page:
    content: PageContent
    lines: list[Line]
    tables: list[Table]
    running: dict[int, str]


def _open(data: bytes, where: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableDocument("PDF chiffré ; donnez le fichier non chiffré", where=where) from exc
        raise UnreadableDocument(f"PDF abîmé ou tronqué ({exc})", where=where) from exc


def _read_pages(pdf: pdfium.PdfDocument, warnings: list[str]) -> tuple[list[PageContent | None], int]:
    fonts, pages, failed = new_fonts(), [], 0
    for index in range(len(pdf)):
        try:
            page = pdf[index]
            try:
                pages.append(read_page(page, index + 1, fonts))
            finally:
                page.close()
        except Exception as exc:  # one bad page must not hide the others
            failed += 1
            pages.append(None)
            warnings.append(f"page {index + 1}: text extraction failed ({type(exc).__name__}: {exc})")
    return pages, failed


def _usual_steps(pages: list[_Page]) -> dict[float, float]:
    """The most frequent top-to-top step between consecutive lines of one size in one column."""
    steps: dict[float, Counter] = {}
    for page in pages:
        by_column: dict[tuple[int, float], list[Line]] = {}
        for line in page.lines:
            by_column.setdefault((round(line.x0 / 3), round(line.size * 2) / 2), []).append(line)
        for (_, size), lines in by_column.items():
            for prev, line in zip(lines, lines[1:], strict=False):
                step = line.top - prev.top
                if 0.9 * size <= step <= 2.5 * size:
                    steps.setdefault(size, Counter())[round(step * 2) / 2] += 1
    # the smallest step seen often: a list of one-line paragraphs must not pass its gaps for line spacing
    usual = {}
    for size, counter in steps.items():
        frequent = [step for step, n in counter.items() if n >= 3]
        if frequent:
            usual[size] = min(frequent)
    return usual


def _style(pages: list[_Page]) -> PageStyle:
    sizes: Counter = Counter()
    texts = []
    for page in pages:
        for i, line in enumerate(page.lines):
            if i not in page.running:
                sizes[round(line.size * 2) / 2] += line.chars
                texts.append(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    return PageStyle(body_size=body, compounds=compounds(texts), steps=_usual_steps(pages))


def _running_blocks(page: _Page, style: PageStyle) -> tuple[list[Block], list[Block]]:
    heads, feet = [], []
    for i, kind in sorted(page.running.items()):
        line = page.lines[i]
        block = Block(
            kind={"header": HEADER, "footnote": FOOTNOTE}.get(kind, FOOTER),
            text=join_lines([line.text], style.compounds),
            page=page.content.number,
            bbox=(line.x0, line.top, line.x1, line.bottom),
            font_size=line.size,
            bold=line.bold,
        )
        (heads if kind == "header" else feet).append(block)
    return heads, feet


def _continues(prev: Block | None, row: Block) -> bool:
    """A row cut by the page break: the next page's first row, its first cell empty."""
    return (
        _same_table(prev, row)
        and not row.cells[0].strip()
        and prev.page is not None
        and row.page == prev.page + 1
    )


def _merge_row(prev: Block, row: Block, style: PageStyle) -> None:
    prev.cells = [join_lines([a, b], style.compounds) for a, b in zip(prev.cells, row.cells, strict=True)]
    prev.text = "\t".join(prev.cells)


def _continued(prev: Block | None, block: Block) -> bool:
    """A paragraph or a heading cut at the bottom of a column or a page: no final punctuation, the next
    column or page goes on in lower case (or with a parenthesis) in the same font."""
    if prev is None or prev.kind not in (PARAGRAPH, HEADING) or block.kind != prev.kind:
        return False
    if not prev.text or not block.text:
        return False
    new_column = block.page != prev.page or block.bbox[1] < prev.bbox[3] - 1
    # a heading wrapped onto a line of its own (read as a band apart below a line across the columns)
    under = (
        block.kind == HEADING
        and block.page == prev.page
        and 0 <= block.bbox[1] - prev.bbox[3] <= 0.8 * prev.font_size
    )
    same_font = abs(prev.font_size - block.font_size) <= 0.5 and prev.bold == block.bold
    goes_on = block.text[0].islower() or block.text[0] == "("
    return (new_column or under) and same_font and goes_on and prev.text[-1] not in _FINAL


def _merge_continued(blocks: list[Block], prev: Block | None, style: PageStyle) -> list[Block]:
    """The body blocks of a page with the paragraphs continued from the previous column merged."""
    out: list[Block] = []
    for block in blocks:
        last = out[-1] if out else prev
        if _continued(last, block):
            last.text = join_lines([last.text, block.text], style.compounds)
            continue
        out.append(block)
    return out


def _repeats(heading: str, key: str) -> bool:
    """The heading starts with the key as whole words ('mesure n°1' starts 'mesure n°1 : ...', not
    'mesure n°12 : ...')."""
    return heading.startswith(key) and not heading[len(key) : len(key) + 1].isalnum()


def _nearest_unit(panel: Block, body: list[Block]) -> int:
    """The body block beside the panel's top; from a heading, the last of the headings that follow it
    (a stack "Axe / Objectif / Action": the panel flanks the unit, the deepest one)."""
    at = min(range(len(body)), key=lambda k: abs(body[k].bbox[1] - panel.bbox[1]))
    while body[at].kind == HEADING and at + 1 < len(body) and body[at + 1].kind == HEADING:
        at += 1
    return body[at].order


_PANEL_GAP = 2.5  # font sizes of white between two side panels of a page (one beside each unit)


def _attach(panels: list[Block], body: list[Block]) -> None:
    """Each side panel block flanks the body heading its first words repeat, else the body unit
    nearest to it on the page (to the first block of each panel apart from the one above it)."""
    target: int | None = None
    previous: Block | None = None
    for panel in panels:
        key = panel.text.strip().lower()
        same = [b for b in body if b.kind == HEADING and len(key) >= 3 and _repeats(b.text.lower(), key)]
        apart = previous is not None and panel.bbox[1] - previous.bbox[3] > _PANEL_GAP * panel.font_size
        if same:
            target = same[0].order
        elif (target is None or apart) and body:
            target = _nearest_unit(panel, body)  # a panel of its own further down flanks another unit
        panel.flanks = target
        previous = panel


def _page_blocks(page: _Page, style: PageStyle) -> tuple[list[Block], list[Block], list[Block], list[Block]]:
    keep = [line for i, line in enumerate(page.lines) if i not in page.running]
    heads, feet = _running_blocks(page, style)
    content = page.content
    body, panels = layout_page(keep, content.shapes, page.tables, content.number, content.width, style)
    return heads, body, panels, feet


def _same_table(last: Block | None, block: Block) -> bool:
    """A row of the next page that goes on with the table the previous page ended with (as many cells)."""
    return (
        last is not None
        and last.kind == TABLE_ROW
        and block.kind == TABLE_ROW
        and len(block.cells) == len(last.cells)
    )


def _repeated_head(heads: tuple[Block, ...], last: Block | None, block: Block) -> bool:
    """The first row of a page that repeats a first row of the table the previous page ended with (its
    header row, or the title row spanning its columns, drawn again on each page the table runs over): not
    a row of its own."""
    return (
        last is not None
        and last.kind == TABLE_ROW
        and block.kind == TABLE_ROW
        and block.page != last.page
        and any(h is not last and block.text.strip() == h.text.strip() for h in heads)
    )


def _table_heads(body: list[Block], heads: tuple[Block, ...], last: Block | None) -> tuple[Block, ...]:
    """The first rows of the table the page's body ends in: the first row of its run of rows, and the last
    row spanning the columns above wider rows (one table drawn right after another reads as one run); the
    previous page's when the page's rows go on with it; () when the body ends outside a table."""
    if last is None or last.kind != TABLE_ROW or not body or body[0].kind != TABLE_ROW:
        heads = ()
    for k, block in enumerate(body):
        before = body[k - 1] if k else last
        if block.kind != TABLE_ROW:
            heads = ()
        elif not heads or before is None or before.kind != TABLE_ROW:
            heads = (block,)
        elif len(before.cells) < len(block.cells) and before is not heads[-1]:
            heads = (heads[0], before)
    return heads


def _assemble(pages: list[_Page], style: PageStyle) -> list[Block]:
    """The pages' blocks in reading order. A side panel drawn the same on every page is read once. A table
    that goes on over a page break is read in one piece: what ends the page after its rows (side panels,
    footer) is read after the rows that continue it on the next page."""
    blocks: list[Block] = []
    last_body: Block | None = None
    carry: list[Block] = []
    panel_texts: set[tuple[str, ...]] = set()
    table_heads: tuple[Block, ...] = ()  # the first rows of the table the body read last ends in
    for page in pages:
        heads, body, panels, feet = _page_blocks(page, style)
        texts = tuple(p.text for p in panels)
        if panels and texts in panel_texts:
            panels = []  # page furniture: the same panel as on an earlier page
        panel_texts.add(texts)
        if body and _repeated_head(table_heads, last_body, body[0]):
            body.pop(0)  # the table's first row drawn again at the top of the page (repeatRows)
        if body and last_body is not None and _continues(last_body, body[0]):
            _merge_row(last_body, body.pop(0), style)
        table_heads = _table_heads(body, table_heads, last_body)
        body = _merge_continued(body, last_body, style)
        for k, block in enumerate(body):
            block.order = k
        _attach(panels, body)
        placed = _place_panels(body, panels)
        lead = 0
        while carry and lead < len(placed) and _same_table(last_body, placed[lead]):
            lead += 1
        sequence = placed[:lead] + carry + heads + placed[lead:] + feet
        carry = []
        if body and body[-1].kind == TABLE_ROW and page is not pages[-1]:
            cut = max(k for k, b in enumerate(sequence) if b is body[-1]) + 1
            sequence, carry = sequence[:cut], sequence[cut:]
        for block in sequence:
            block.order = len(blocks)
            blocks.append(block)
        for panel in panels:
            panel.flanks = body[panel.flanks].order if panel.flanks is not None else None
        if body:
            last_body = body[-1]
    for block in carry:
        block.order = len(blocks)
        blocks.append(block)
    return blocks


def _unit_end(body: list[Block], k: int) -> int:
    """The index of the first heading below block ``k`` that follows some text of its own (the headings
    right under a unit's heading are its title going on or its sub-headings)."""
    text_seen = False
    for j in range(k + 1, len(body)):
        if body[j].kind == HEADING and text_seen:
            return j
        text_seen = text_seen or body[j].kind != HEADING
    return len(body)


def _place_panels(body: list[Block], panels: list[Block]) -> list[Block]:
    """The page's body then its side panels; when the panels flank several units of the page, each panel
    block is read at the end of the unit it flanks (before the next heading below it), so that two units
    on a page keep their own panels."""
    if len({p.flanks for p in panels}) < 2:
        return body + panels
    at: dict[int, list[Block]] = {}
    for panel in panels:
        k = panel.flanks if panel.flanks is not None else len(body) - 1
        end = _unit_end(body, k)
        at.setdefault(end, []).append(panel)
    out: list[Block] = []
    for k, block in enumerate(body):
        out += at.pop(k, [])
        out.append(block)
    return out + [p for k in sorted(at) for p in at[k]]


def _repair(blocks: list[Block], warnings: list[str]) -> None:
    total, glyphs = 0, 0
    for block in blocks:
        block.text, count = repair_currency(block.text)
        block.text, fixed = repair_glyphs(block.text)
        total, glyphs = total + count, glyphs + fixed
        if block.cells:
            block.cells = [repair_glyphs(repair_currency(cell)[0])[0] for cell in block.cells]
    if glyphs:
        warnings.append(
            f"{glyphs} ligature, space or invisible glyphs of the text layer normalised ('ﬁ' -> 'fi')"
        )
    if total:
        warnings.append(
            f"{total} '\u00a4' read as '€' beside amounts (the text layer of a font maps the euro glyph"
            " to '\u00a4')"
        )
    unmapped = sum(1 for b in blocks for c in b.text if c == "\ufffd" or 0xE000 <= ord(c) <= 0xF8FF)
    if unmapped:
        warnings.append(f"{unmapped} characters have no Unicode mapping in their font (shown as found)")


def _has_text(page: _Page) -> bool:
    return (
        sum(sum(c.isalnum() for c in line.text) for i, line in enumerate(page.lines) if i not in page.running)
        >= MIN_PAGE_CHARS
    )


def read_pdf(data: bytes, where: str) -> LayoutDocument:
    """The blocks of a PDF in reading order; `EmptyDocument` when it has no text layer."""
    pdf = _open(data, where)
    try:
        warnings: list[str] = []
        contents, failed = _read_pages(pdf, warnings)
        count = len(contents)
    finally:
        pdf.close()
    if count == 0:
        raise EmptyDocument("le PDF n'a aucune page", where=where)
    if failed == count:
        raise UnreadableDocument(f"PDF abîmé : aucune page n'a pu être lue ({warnings[0]})", where=where)
    pages = []
    for content in contents:
        if content is None:
            continue
        vrules = [s for s in content.shapes if s.kind == "vrule"]
        pages.append(_Page(content, build_lines(content.runs, vrules), find_tables(content.shapes), {}))
    marks = pdf_running.running_lines([(p.lines, p.content.height) for p in pages])
    for page, running in zip(pages, marks, strict=True):
        page.running = running
    text_pages = [p for p in pages if _has_text(p)]
    if not text_pages:
        raise EmptyDocument(SCANNED, where=where)
    style = _style(text_pages)
    notes = 0
    for page in text_pages:
        found = pdf_running.footnote_lines(page.lines, style.body_size, page.running)
        page.running.update(dict.fromkeys(found, "footnote"))
        notes += len(found)
    if notes:
        warnings.append(f"{notes} footnote line(s) left out of the body text")
    blocks = _assemble(text_pages, style)
    _repair(blocks, warnings)
    rotated = sum(c.rotated for c in contents if c is not None)
    if rotated:
        warnings.append(f"{rotated} characters of rotated text left out (margin labels, watermarks)")
    rank_heading_levels(blocks)
    empty = sorted({p.content.number for p in pages} - {p.content.number for p in text_pages})
    if empty:
        warnings.append(
            f"no text on {'page' if len(empty) == 1 else 'pages'} {_ranges(empty)}"
            " (scanned? run OCR to read them)"
        )
    logger.debug("%s: %d pages, %d blocks", where, count, len(blocks))
    return LayoutDocument(blocks=blocks, format="pdf", pages=count, warnings=warnings)


def _ranges(numbers: list[int]) -> str:
    """'1-3, 7' for [1, 2, 3, 7]."""
    parts: list[str] = []
    start = prev = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == prev + 1:
            prev = number
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if number is not None:
            start = prev = number
    return ", ".join(parts)


__all__ = ["SIDE_PANEL", "read_pdf"]
