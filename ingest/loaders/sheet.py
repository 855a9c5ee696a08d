"""Spreadsheets (CSV, XLSX): rows of cells, the header row found by the label lexicon, rendered as text.

A CSV is decoded like a text file (``decode_text``) and its delimiter sniffed; an XLSX is read with openpyxl
in read-only mode, merged cells filled with their top-left value. Every sheet whose first rows hold a
recognisable header (a column naming the action's title and another known column) is kept; when none has
one, the error lists the headers found and the expected column names. The document's lines are the rows
rendered as tab-separated cells, header first (rows above it kept: a title line, a date); a multi-line cell
is written as ``<p>…</p>`` paragraphs, as the DOCX loader writes multi-paragraph table cells, so that one
row is one line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Iterable

from ingest.errors import EmptyDocument, NoActionFound, UnreadableDocument
from ingest.labels import Lexicon, default_lexicon
from ingest.loaders.text import decode_text, join_blocks
from ingest.records import LoadedText, Sheet, SheetRow
from ingest.text import fold

logger = logging.getLogger(__name__)

HEADER_SCAN = 20  # rows of a sheet where the header is looked for
DELIMITERS = ";,\t|"
_DELIMITER_LINES = 20  # lines the fallback delimiter count reads
TITLE_RECORDS = ("title", "sub_title")
_MIN_KNOWN = 2
_MIN_UNTITLED, _MIN_UNTITLED_KNOWN, _MAX_HEADER_CELL = 5, 4, 60  # a header with no title column
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')

RawRow = tuple[int, list[str]]  # (row number in the sheet, cells)


def cell_text(value: object) -> str:
    """A cell value as text: whole floats without '.0', dates as ISO dates, line breaks unified."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def render_cell(text: str) -> str:
    """One line for a cell: tabs as spaces; several lines as <p>…</p> paragraphs."""
    parts = [" ".join(p.replace("\t", " ").split()) for p in text.split("\n")]
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return " ".join(f"<p>{p}</p>" for p in parts)


def _render_row(cells: list[str]) -> str:
    rendered = [render_cell(c) for c in cells]
    while rendered and not rendered[-1]:
        rendered.pop()
    return "\t".join(rendered)


def find_header(rows: list[RawRow], lexicon: Lexicon) -> int | None:
    """Index in ``rows`` of the header: most known columns among the first rows, one of them a title. A
    column name repeated over several columns (a caption merged over its group of columns, above the
    real header) counts once."""
    best, best_known = None, 0
    for i, (_, cells) in enumerate(rows[:HEADER_SCAN]):
        specs = [lexicon.spec(c) for c in cells if c and "\n" not in c]
        known = [s for s in specs if s is not None]
        titled = any(s.record in TITLE_RECORDS for s in known)
        header = len(known) >= _MIN_KNOWN and (titled or _untitled_header(cells, len(known), lexicon))
        distinct = len({fold(c) for c, s in zip(cells, specs, strict=False) if s is not None})
        if header and distinct > best_known:
            best, best_known = i, distinct
    return best


def _untitled_header(cells: list[str], known: int, lexicon: Lexicon) -> bool:
    """A header without a title column (the shape finds it by its values): short text cells only, enough
    of them known, by label or by one of their words."""
    texts = [c for c in cells if c.strip()]
    if len(texts) < _MIN_UNTITLED or any(len(c) > _MAX_HEADER_CELL or not c[0].isalpha() for c in texts):
        return False
    by_word = sum(1 for c in texts if lexicon.spec(c) is None and lexicon.spec_by_word(c) is not None)
    return known + by_word >= _MIN_UNTITLED_KNOWN


def _headers_found(rows: list[RawRow]) -> list[str]:
    """The cells of the first row with text (what a reader would take for the header)."""
    for _, cells in rows[:HEADER_SCAN]:
        found = [render_cell(c) for c in cells if c.strip()]
        if found:
            return found
    return []


def no_header_error(tables: list[tuple[str, list[RawRow]]], where: str, lexicon: Lexicon) -> NoActionFound:
    """The error of a spreadsheet with no recognisable header: headers found, expected column names."""
    found = "; ".join(
        f"{name}: {', '.join(_headers_found(rows)[:12]) or '(vide)'}" for name, rows in tables if rows
    )
    titles = ", ".join(lexicon.labels_of(*TITLE_RECORDS)[:6])
    others = ", ".join(
        lexicon.fields[key].labels[0]
        for key in ("axe", "sous_axe", "pilots", "partners", "description", "budget", "status", "calendar")
        if key in lexicon.fields
    )
    return NoActionFound(
        f"aucune ligne d'en-tête reconnue dans les {HEADER_SCAN} premières lignes du tableur "
        f"(en-têtes trouvés : {found})",
        where=where,
        valid=(
            f"une ligne d'en-tête avec une colonne de titre ({titles}…) et d'autres colonnes connues "
            f"({others}…)"
        ),
    )


def transposed(rows: list[RawRow]) -> list[RawRow]:
    """A table read down its columns: one row per column (numbered from 1), the first column's cells as
    its header (a sheet with the field labels in column A and one column per action)."""
    width = max((len(cells) for _, cells in rows), default=0)
    columns = [(c + 1, [cells[c] if c < len(cells) else "" for _, cells in rows]) for c in range(width)]
    return [(number, cells) for number, cells in columns if any(cells)]


def _with_header(
    name: str, rows: list[RawRow], lexicon: Lexicon, warnings: list[str]
) -> tuple[str, list[RawRow], int | None]:
    """(name, rows, header index); a table with no header row whose first column is one is transposed."""
    header = find_header(rows, lexicon)
    if header is None:
        columns = transposed(rows)
        header = find_header(columns, lexicon)
        if header is not None:
            warnings.append(
                f"feuille lue par colonnes (une action par colonne, libellés en colonne A) : {name}"
            )
            return name, columns, header
    return name, rows, header


def build(tables: list[tuple[str, list[RawRow]]], where: str, fmt: str) -> LoadedText:
    """Lines and sheets of the tables that have a header (a header column: the table read transposed);
    the no-header error when none has one."""
    lexicon = default_lexicon()
    turned: list[str] = []
    kept = [_with_header(name, rows, lexicon, turned) for name, rows in tables if rows]
    if not kept:
        raise EmptyDocument(f"le fichier {fmt.upper()} n'a aucune cellule avec du texte", where=where)
    with_header = [(name, rows, h) for name, rows, h in kept if h is not None]
    if not with_header:
        raise no_header_error(tables, where, lexicon)
    ignored = [f"feuille ignorée (aucun en-tête reconnu) : {name}" for name, _, h in kept if h is None]
    warnings = turned + ignored
    blocks: list[list[str]] = []
    sheets: list[Sheet] = []
    for name, rows, h in with_header:
        block = [f"# {name}"] if len(with_header) > 1 else []
        start = sum(len(b) for b in blocks) + len(blocks)  # lines before this block (blank lines between)
        header_line, sheet_rows = 0, []
        for i, (number, cells) in enumerate(rows):
            block.append(_render_row(cells))
            line = start + len(block)
            if i == h:
                header_line = line
            elif i > h:
                sheet_rows.append(SheetRow(number, line, cells))
        blocks.append(block)
        sheets.append(Sheet(name, list(rows[h][1]), rows[h][0], header_line, sheet_rows))
    lines = join_blocks(blocks)
    logger.debug("%s: %d sheet(s), %d rows", where, len(sheets), sum(len(s.rows) for s in sheets))
    return LoadedText(lines=lines, format=fmt, pages=None, warnings=warnings, sheets=sheets)


# -- CSV --------------------------------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    """The delimiter of a CSV text: the stdlib sniffer's, else the most frequent one on the first line."""
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:  # e.g. a title line above the header: the delimiter found on the most lines
        lines = [line for line in sample.splitlines() if line.strip()][:_DELIMITER_LINES]
        counts = {
            d: (sum(d in line for line in lines), sum(line.count(d) for line in lines)) for d in DELIMITERS
        }
        best = max(counts, key=counts.get)
        return best if counts[best][0] else ","


def csv_rows(text: str) -> list[RawRow]:
    """Rows of a CSV text, numbered from 1, empty rows left out (quoted multi-line cells kept)."""
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for number, cells in enumerate(reader, start=1):
        cells = [cell_text(c) for c in cells]
        if any(cells):
            rows.append((number, cells))
    return rows


def load_csv(data: bytes, where: str) -> LoadedText:
    text, warnings = decode_text(data, where)
    if not text.strip():
        raise EmptyDocument("le fichier CSV ne contient aucun texte", where=where)
    try:
        rows = csv_rows(text)
    except csv.Error as exc:
        raise UnreadableDocument(f"CSV illisible ({exc})", where=where, valid="un fichier CSV") from exc
    loaded = build([("CSV", rows)], where, "csv")
    return LoadedText(loaded.lines, "csv", None, warnings + loaded.warnings, loaded.sheets)


# -- XLSX -------------------------------------------------------------------------------------------------


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _merged(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a worksheet part, as (min_row, min_col, max_row, max_col), 1-based."""
    try:
        xml = archive.read(path.lstrip("/"))
    except KeyError:
        return []
    return [
        (int(r1), _column(c1), int(r2), _column(c2))
        for c1, r1, c2, r2 in (m.groups() for m in _MERGE.finditer(xml))
    ]


def _fill_merged(matrix: list[list[str]], ranges: Iterable[tuple[int, int, int, int]]) -> None:
    for r1, c1, r2, c2 in ranges:
        if r1 > len(matrix) or c1 > len(matrix[r1 - 1]):
            continue
        value = matrix[r1 - 1][c1 - 1]
        for r in range(r1, min(r2, len(matrix)) + 1):
            row = matrix[r - 1]
            row.extend([""] * (c2 - len(row)))
            for c in range(c1, c2 + 1):
                row[c - 1] = value


def xlsx_tables(data: bytes, where: str) -> list[tuple[str, list[RawRow]]]:
    """(sheet title, rows) of every worksheet, merged cells filled."""
    import openpyxl  # heavy: imported when a workbook is read

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # InvalidFileException, BadZipFile, KeyError, ValueError...
        raise UnreadableDocument(
            f"XLSX illisible ({type(exc).__name__} : {exc})", where=where, valid="un fichier Excel .xlsx"
        ) from exc
    tables = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for ws in book.worksheets:
                if not hasattr(ws, "iter_rows"):  # chart sheets
                    continue
                ws.reset_dimensions()
                matrix = [[cell_text(v) for v in row] for row in ws.iter_rows(min_row=1, values_only=True)]
                _fill_merged(matrix, _merged(archive, getattr(ws, "_worksheet_path", "")))
                tables.append(
                    (ws.title, [(i, cells) for i, cells in enumerate(matrix, start=1) if any(cells)])
                )
    finally:
        book.close()
    return tables


def load_xlsx(data: bytes, where: str) -> LoadedText:
    return build(xlsx_tables(data, where), where, "xlsx")
