"""Document loaders: a file of any supported format -> `LoadedText` (lines, format, pages).

`load` picks the loader from the suffix (case-insensitive) and checks it against the
content: bytes starting with `%PDF` are read as PDF and a ZIP holding
`word/document.xml` as DOCX, whatever the suffix says; a `.pdf` or `.docx` whose
bytes are not that format is refused.
"""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

from ingest.errors import EmptyDocument, UnreadableDocument, UnsupportedFormat
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_text
from ingest.records import LoadedText

__all__ = ["SUPPORTED_SUFFIXES", "load", "sniff"]

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm")
_FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls


def _zip_members(data: bytes) -> list[str] | None:
    """Member names of a ZIP archive, or None when the bytes are not a readable ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def sniff(data: bytes) -> str | None:
    """'pdf' or 'docx' when the content says so, else None."""
    if data.lstrip()[:4] == b"%PDF":
        return "pdf"
    if data.startswith(_ZIP_MAGIC) and "word/document.xml" in (_zip_members(data) or []):
        return "docx"
    return None


def _not_a_docx(data: bytes) -> str:
    """Why bytes given as .docx are not a DOCX."""
    if data.startswith(_OLE_MAGIC):
        return "not a DOCX but a legacy Word .doc; save it as .docx"
    if not data.startswith(_ZIP_MAGIC) or _zip_members(data) is None:
        return "not a DOCX: the file is not a ZIP archive (damaged or truncated?)"
    return "not a DOCX: the ZIP archive has no word/document.xml"


def _format_from_suffix(data: bytes, path: Path, where: str) -> str:
    """The format the suffix claims, for content no magic bytes identify; raise when it cannot be read."""
    suffix = path.suffix.lower()
    claimed = _FORMATS.get(suffix)
    if claimed is None:
        raise UnsupportedFormat(
            f"unsupported file type {suffix or '(no suffix)'!r} for {path.name}",
            where=where,
            valid=", ".join(SUPPORTED_SUFFIXES),
        )
    if not data.strip():
        raise EmptyDocument("empty file", where=where)
    if claimed == "pdf":
        raise UnreadableDocument(
            "not a PDF: the content does not start with %PDF", where=where, valid="a real PDF file"
        )
    if claimed == "docx":
        raise UnreadableDocument(_not_a_docx(data), where=where, valid="a Word .docx file")
    return claimed


def _load_as(fmt: str, data: bytes, where: str) -> LoadedText:
    """Run the loader of one format."""
    if fmt == "pdf":
        return load_pdf(data, where)
    if fmt == "docx":
        return load_docx(data, where)
    if fmt == "html":
        return load_html(data, where)
    return load_text(data, where, fmt)


def load(path: Path) -> LoadedText:
    """Read a document into lines; raise an `InputError` subclass saying what is wrong."""
    path = Path(path)
    where = str(path)
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"cannot read the file ({exc.strerror or exc})", where=where) from exc
    fmt = sniff(data)
    warnings: list[str] = []
    if fmt is None:
        fmt = _format_from_suffix(data, path, where)
    elif fmt != _FORMATS.get(suffix):
        warnings.append(f"content is {fmt.upper()} although the suffix is {suffix or '(none)'!r}")
    logger.debug("loading %s as %s", where, fmt)
    loaded = _load_as(fmt, data, where)
    if warnings:
        loaded = LoadedText(loaded.lines, loaded.format, loaded.pages, warnings + loaded.warnings)
    for warning in loaded.warnings:
        logger.info("%s: %s", where, warning)
    return loaded
