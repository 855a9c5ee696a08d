"""PDF: text layer page by page (pypdf), with the page of every line."""

from __future__ import annotations

import io
import logging

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from ingest.errors import EmptyDocument, UnreadableDocument
from ingest.loaders.text import split_lines
from ingest.records import LoadedText

logger = logging.getLogger(__name__)


def _open(data: bytes, where: str) -> PdfReader:
    """Open the PDF, decrypting it with the empty password when it is encrypted."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                result = reader.decrypt("")
            except DependencyError as exc:
                raise UnreadableDocument(
                    f"encrypted PDF that needs the 'cryptography' package to open ({exc})",
                    where=where,
                    valid="install pypdf[crypto], or give the unencrypted file",
                ) from exc
            if result == PasswordType.NOT_DECRYPTED:
                raise UnreadableDocument("encrypted PDF; give the unencrypted file", where=where)
        len(reader.pages)  # reads the page tree: fails here on a damaged file
    except UnreadableDocument:
        raise
    except Exception as exc:  # pypdf raises many types on damaged input
        raise UnreadableDocument(
            f"damaged or truncated PDF ({type(exc).__name__}: {exc})", where=where
        ) from exc
    return reader


def _page_ranges(numbers: list[int]) -> str:
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


def _trim(lines: list[str]) -> list[str]:
    """Drop blank lines at both ends."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def load_pdf(data: bytes, where: str) -> LoadedText:
    """Lines of every page's text, one empty line between pages.

    The empty line between two pages counts as part of the earlier page.
    """
    reader = _open(data, where)
    lines: list[str] = []
    pages: list[int] = []
    empty: list[int] = []
    failed: list[int] = []
    warnings: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            page_lines = _trim(split_lines(page.extract_text() or ""))
        except Exception as exc:  # one bad page must not hide the others
            failed.append(number)
            warnings.append(f"page {number}: text extraction failed ({type(exc).__name__}: {exc})")
            continue
        if not page_lines:
            empty.append(number)
            continue
        if lines:
            lines.append("")
            pages.append(pages[-1])
        lines.extend(page_lines)
        pages.extend([number] * len(page_lines))
    count = len(reader.pages)
    if not lines:
        if count == 0:
            raise EmptyDocument("the PDF has no pages", where=where)
        if len(failed) == count:
            raise UnreadableDocument(f"damaged PDF: no page could be read ({warnings[0]})", where=where)
        raise EmptyDocument("no text layer (scanned PDF?); run OCR first", where=where)
    if empty:
        label = "page" if len(empty) == 1 else "pages"
        warnings.append(f"no text on {label} {_page_ranges(empty)} (scanned? run OCR to read them)")
    logger.debug("%s: %d pages, %d lines", where, count, len(lines))
    return LoadedText(lines=lines, format="pdf", pages=pages, warnings=warnings)
