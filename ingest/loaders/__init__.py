"""Document loaders: a file of any supported format -> `LoadedText` (lines, format, pages).

`load` picks the loader from the suffix (case-insensitive) and checks it against the
content: bytes starting with `%PDF` are read as PDF, a ZIP holding `word/document.xml`
as DOCX, one holding `xl/workbook.xml` as XLSX, one whose `mimetype` is OpenDocument
text (with `content.xml`) as ODT and one whose `mimetype` is OpenDocument spreadsheet as
ODS, whatever the suffix says; a `.pdf`, `.docx`, `.xlsx`, `.odt` or `.ods` whose bytes
are not that format is refused, and so is a binary `.csv`; a `.tsv` is read as a CSV (its
tab delimiter is sniffed).
"""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

from ingest.errors import EmptyDocument, UnreadableDocument, UnsupportedFormat
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.ods import load_ods
from ingest.loaders.odt import load_odt
from ingest.loaders.pdf import load_pdf
from ingest.loaders.sheet import load_csv, load_xlsx
from ingest.loaders.text import load_text
from ingest.records import LoadedText

__all__ = ["SUPPORTED_SUFFIXES", "load", "sniff"]

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (
    ".txt",
    ".md",
    ".markdown",
    ".pdf",
    ".docx",
    ".odt",
    ".html",
    ".htm",
    ".csv",
    ".tsv",
    ".xlsx",
    ".ods",
)
_FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".odt": "odt",
    ".csv": "csv",
    ".tsv": "csv",  # tab-separated values: read as CSV, the delimiter is sniffed
    ".xlsx": "xlsx",
    ".ods": "ods",
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ZIP_FORMATS = {
    "docx": "un fichier Word .docx",
    "xlsx": "un fichier Excel .xlsx",
    "odt": "un fichier LibreOffice .odt",
    "ods": "un fichier LibreOffice Calc .ods",
}
_LOADERS = {
    "pdf": load_pdf,
    "docx": load_docx,
    "odt": load_odt,
    "html": load_html,
    "csv": load_csv,
    "xlsx": load_xlsx,
    "ods": load_ods,
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


def _zip_mimetype(data: bytes) -> bytes:
    """The `mimetype` member of an OpenDocument archive (b"" when absent)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype").strip()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return b""


def _zip_format(data: bytes) -> str | None:
    members = _zip_members(data) or []
    if "word/document.xml" in members:
        return "docx"
    if "xl/workbook.xml" in members:
        return "xlsx"
    if "content.xml" in members and _zip_mimetype(data) == _ODT_MIMETYPE:
        return "odt"
    if "content.xml" in members and _zip_mimetype(data) == _ODS_MIMETYPE:
        return "ods"
    return None


def sniff(data: bytes) -> str | None:
    """'pdf', 'docx', 'xlsx', 'odt' or 'ods' when the content says so, else None."""
    if data.lstrip()[:4] == b"%PDF":
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        return _zip_format(data)
    return None


_WHAT_IS_MISSING = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "odt": "content.xml avec le type MIME OpenDocument texte",
    "ods": "content.xml avec le type MIME OpenDocument classeur",
}
_LEGACY = {
    "docx": "un ancien fichier Word .doc ; enregistrez-le en .docx",
    "xlsx": "un ancien fichier Excel .xls ; enregistrez-le en .xlsx",
}


def _not_a_zip_format(data: bytes, fmt: str) -> str:
    """Why bytes given as .docx / .xlsx / .odt are not that format."""
    name = fmt.upper()
    if data.startswith(_OLE_MAGIC) and fmt in _LEGACY:
        return f"pas un {name} mais {_LEGACY[fmt]}"
    if not data.startswith(_ZIP_MAGIC) or _zip_members(data) is None:
        return f"pas un {name} : le fichier n'est pas une archive ZIP (abîmé ou tronqué ?)"
    return f"pas un {name} : l'archive ZIP n'a pas de {_WHAT_IS_MISSING[fmt]}"


def _format_from_suffix(data: bytes, path: Path, where: str) -> str:
    """The format the suffix claims, for content no magic bytes identify; raise when it cannot be read."""
    suffix = path.suffix.lower()
    claimed = _FORMATS.get(suffix)
    if claimed is None:
        raise UnsupportedFormat(
            f"type de fichier non pris en charge {suffix or '(sans extension)'!r} pour {path.name}",
            where=where,
            valid=", ".join(SUPPORTED_SUFFIXES),
        )
    if not data.strip():
        raise EmptyDocument("fichier vide", where=where)
    if claimed == "pdf":
        raise UnreadableDocument(
            "pas un PDF : le contenu ne commence pas par %PDF", where=where, valid="un vrai fichier PDF"
        )
    if claimed in _ZIP_FORMATS:
        raise UnreadableDocument(_not_a_zip_format(data, claimed), where=where, valid=_ZIP_FORMATS[claimed])
    return claimed


def _mismatch(data: bytes, fmt: str, claimed: str | None, suffix: str, where: str) -> list[str]:
    """Content and suffix disagree: a warning, or an error for one ZIP format named as another."""
    if fmt == claimed:
        return []
    if claimed in _ZIP_FORMATS and fmt in _ZIP_FORMATS:
        raise UnreadableDocument(
            f"{_not_a_zip_format(data, claimed)} : c'est un fichier {fmt.upper()} (renommez-le en .{fmt})",
            where=where,
            valid=_ZIP_FORMATS[claimed],
        )
    return [f"content is {fmt.upper()} although the suffix is {suffix or '(none)'!r}"]


def _check_odt_xml(data: bytes, where: str, fmt: str = "odt") -> None:
    """Every XML member of an ODT (or ODS) well formed and of ordinary depth, before odfpy (which prints
    and then fails on a broken member) reads it."""
    from lxml import etree  # a dependency of python-docx, already loaded by the DOCX loader

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if not member.endswith(".xml"):
                continue
            try:
                etree.fromstring(archive.read(member), parser)
            except (etree.XMLSyntaxError, ValueError) as exc:
                raise UnreadableDocument(
                    f"{fmt.upper()} illisible : {member} n'est pas du XML bien formé ({exc})",
                    where=where,
                    valid=_ZIP_FORMATS[fmt],
                ) from None


def load(path: Path) -> LoadedText:
    """Read a document into lines; raise an `InputError` subclass saying what is wrong."""
    path = Path(path)
    where = str(path)
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(
            f"impossible de lire le fichier ({exc.strerror or exc})", where=where
        ) from exc
    fmt = sniff(data)
    warnings: list[str] = []
    if fmt is None:
        fmt = _format_from_suffix(data, path, where)
    else:
        warnings += _mismatch(data, fmt, _FORMATS.get(suffix), suffix, where)
    logger.debug("loading %s as %s", where, fmt)
    if fmt in ("odt", "ods"):
        _check_odt_xml(data, where, fmt)
    try:
        loaded = _LOADERS[fmt](data, where) if fmt in _LOADERS else load_text(data, where, fmt)
    except RecursionError:  # markup nested deeper than any loader's walk goes (a forged or broken file)
        raise UnreadableDocument(
            f"structure {fmt.upper()} imbriquée trop profondément pour être lue "
            "(balisage malformé ou piégé ?)",
            where=where,
            valid=f"un fichier {fmt.upper()} d'imbrication ordinaire",
        ) from None
    if warnings:
        loaded = LoadedText(
            loaded.lines, loaded.format, loaded.pages, warnings + loaded.warnings, loaded.sheets
        )
    for warning in loaded.warnings:
        logger.info("%s: %s", where, warning)
    return loaded
