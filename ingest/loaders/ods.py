"""OpenDocument spreadsheets (LibreOffice Calc .ods): every table of ``content.xml`` as rows of cells, then
read like any workbook (``sheet.build``: header row found by the label lexicon, rows rendered as
tab-separated lines).

Cells are read from the XML with lxml (the members were checked by the caller): a float, percentage or
currency cell gives its ``office:value`` (whole numbers without ".0"), a date its ``office:date-value``,
any other its paragraphs joined by line breaks; repeated rows and columns are expanded, but a run of
repeated empty cells or rows (LibreOffice writes the rest of the sheet that way, up to a million rows) is
not; a cell spanning rows or columns fills the covered cells with its value, as merged XLSX cells do.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from ingest.errors import UnreadableDocument
from ingest.loaders.sheet import RawRow, build, cell_text
from ingest.records import LoadedText

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_NUMERIC = ("float", "percentage", "currency")
_MAX_REPEAT = 1000  # a repeated cell or row with text is expanded at most this many times


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _paragraph_text(p) -> str:
    out = []
    for node in p.iter():
        if node.tag == _q(TEXT, "s"):
            out.append(" " * int(node.get(_q(TEXT, "c"), "1")))
        elif node.tag in (_q(TEXT, "tab"),):
            out.append("\t")
        elif node.tag == _q(TEXT, "line-break"):
            out.append("\n")
        if node is not p and node.tail:
            out.append(node.tail)
        if node.text and node.tag != _q(TEXT, "note-citation"):
            out.append(node.text)
    return "".join(out)


def _cell_value(cell) -> str:
    kind = cell.get(_q(OFFICE, "value-type"), "")
    if kind in _NUMERIC and cell.get(_q(OFFICE, "value")) is not None:
        try:
            return cell_text(float(cell.get(_q(OFFICE, "value"))))
        except ValueError:
            pass
    if kind == "date" and cell.get(_q(OFFICE, "date-value")):
        return cell.get(_q(OFFICE, "date-value")).split("T")[0]
    paragraphs = [_paragraph_text(p) for p in cell.iter(_q(TEXT, "p"))]
    return cell_text("\n".join(paragraphs))


def _rows(table) -> list[list[str]]:
    """The table as a matrix; spanned cells copied into the cells they cover."""
    matrix: list[list[str]] = []
    spans: dict[tuple[int, int], str] = {}
    for row in table.iter(_q(TABLE, "table-row")):
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (_q(TABLE, "table-cell"), _q(TABLE, "covered-table-cell")):
                continue
            value = _cell_value(cell) if cell.tag == _q(TABLE, "table-cell") else ""
            repeat = int(cell.get(_q(TABLE, "number-columns-repeated"), "1"))
            repeat = min(repeat, _MAX_REPEAT) if value else (repeat if repeat < _MAX_REPEAT else 0)
            across = int(cell.get(_q(TABLE, "number-columns-spanned"), "1"))
            down = int(cell.get(_q(TABLE, "number-rows-spanned"), "1"))
            for _ in range(repeat):
                col = len(cells)
                covered = spans.get((len(matrix), col))
                cells.append(covered if covered is not None and not value else value)
                if value and (across > 1 or down > 1):
                    for r in range(down):
                        for c in range(across):
                            if r or c:
                                spans[(len(matrix) + r, col + c)] = value
        while cells and not cells[-1]:
            cells.pop()
        repeat = int(row.get(_q(TABLE, "number-rows-repeated"), "1"))
        if not cells:
            matrix.extend(
                [[]] * min(repeat, 1)
            )  # a run of empty rows: one is enough to keep row numbers apart
            continue
        for _ in range(min(repeat, _MAX_REPEAT)):
            matrix.append(list(cells))
    return matrix


def ods_tables(data: bytes, where: str) -> list[tuple[str, list[RawRow]]]:
    """(table name, rows numbered from 1, empty rows left out) of every table of the spreadsheet."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = etree.fromstring(archive.read("content.xml"), parser)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError) as exc:
        raise UnreadableDocument(
            f"ODS illisible ({type(exc).__name__} : {exc})", where=where, valid="un fichier LibreOffice .ods"
        ) from exc
    tables = []
    for table in root.iter(_q(TABLE, "table")):
        matrix = _rows(table)
        rows = [(i, cells) for i, cells in enumerate(matrix, start=1) if any(cells)]
        tables.append((table.get(_q(TABLE, "name"), f"Feuille {len(tables) + 1}"), rows))
    return tables


def load_ods(data: bytes, where: str) -> LoadedText:
    return build(ods_tables(data, where), where, "ods")
