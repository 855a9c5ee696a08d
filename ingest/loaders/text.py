"""Plain text and Markdown: bytes -> decoded text -> lines.

Also holds the helpers the other loaders share: binary detection, decoding
with a fallback guess, line splitting and joining blocks with blank lines.
"""

from __future__ import annotations

import codecs
import logging
import unicodedata

import charset_normalizer

from ingest.errors import EmptyDocument, UnreadableDocument
from ingest.loaders.markdown import markdown_lines
from ingest.loaders.outliner import is_outline, outline_lines
from ingest.loaders.paged import paged_lines
from ingest.records import LoadedText

logger = logging.getLogger(__name__)

BINARY_MESSAGE = "contenu binaire, pas du texte"
# Control bytes that never occur in text files (tab, LF, VT, FF, CR and ESC are allowed).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_MAX_CONTROL_RATIO = 0.05
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Encodings that browsers and Windows tools mean as cp1252 (its 0x80-0x9F are printable).
_CP1252_ALIASES = {"latin_1", "iso8859_1", "ascii"}
_UNPRINTABLE_CATEGORIES = {"Cc", "Cn", "Co", "Cs"}


def check_not_binary(data: bytes, where: str) -> None:
    """Raise UnreadableDocument when bytes are clearly not text (NUL bytes, many control bytes)."""
    if data.startswith(_UTF16_BOMS):
        return
    if b"\x00" in data:
        raise UnreadableDocument(f"{BINARY_MESSAGE} (octets NUL)", where=where, valid="un fichier texte")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if data and controls / len(data) > _MAX_CONTROL_RATIO:
        raise UnreadableDocument(
            f"{BINARY_MESSAGE} (octets de contrôle)", where=where, valid="un fichier texte"
        )


def _check_printable(text: str, where: str) -> None:
    """Raise UnreadableDocument when a decoded text is mostly unprintable characters."""
    if not text:
        return
    bad = sum(
        1
        for char in text
        if char == "\ufffd"
        or (unicodedata.category(char) in _UNPRINTABLE_CATEGORIES and char not in "\t\n\r\f\v\x1b")
    )
    if bad / len(text) > _MAX_CONTROL_RATIO:
        raise UnreadableDocument(BINARY_MESSAGE, where=where, valid="un fichier texte")


# Letters of French words outside ASCII: a single-byte guess of another code page (cp1250, iso8859_2...) that
# gives fewer of them than cp1252 misread a Western text ("intéręt" for "intérêt").
_FRENCH_LETTERS = frozenset("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»’€")


def _western_reads_better(data: bytes, guessed: str) -> bool:
    """Whether cp1252 decodes ``data`` and gives at least as many French letters as the ``guessed``
    single-byte code page (charset-normalizer often takes a French file in ISO-8859-1 for cp1250)."""
    if guessed.startswith(("utf", "cp1252")):
        return False
    try:
        western, other = data.decode("cp1252"), data.decode(guessed)
    except (UnicodeDecodeError, LookupError):
        return False
    return _french_letters(western) >= _french_letters(other)


def _french_letters(text: str) -> int:
    return sum(1 for c in text if c in _FRENCH_LETTERS)


def decode_text(data: bytes, where: str) -> tuple[str, list[str]]:
    """Decode bytes: UTF-16 by BOM, else strict UTF-8 (BOM stripped), else charset-normalizer's guess.

    Returns the text and warnings (one when the encoding used is not UTF-8).
    """
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), ["decoded as utf-16 (not UTF-8)"]
        except UnicodeDecodeError as exc:
            raise UnreadableDocument(f"texte UTF-16 invalide ({exc})", where=where) from exc
    check_not_binary(data, where)
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    best = charset_normalizer.from_bytes(data).best()
    if best is None or not best.encoding:
        raise UnreadableDocument(
            f"encodage du texte indéterminé : pas de l'UTF-8 ({utf8_error.reason} à l'octet "
            f"{utf8_error.start}) et aucun autre encodage ne convient",
            where=where,
            valid="du texte en UTF-8 (réenregistrez le fichier en UTF-8)",
        )
    encoding = codecs.lookup(best.encoding).name.replace("-", "_")
    if encoding in _CP1252_ALIASES or _western_reads_better(data, encoding):
        encoding = "cp1252"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = best.encoding, str(best)
    _check_printable(text, where)
    logger.debug("%s: decoded as %s", where, encoding)
    return text.removeprefix("\ufeff"), [f"decoded as {encoding} (not UTF-8)"]


def split_lines(text: str) -> list[str]:
    """Split on \\n, \\r\\n and \\r only (what editors count), without the trailing empty line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def join_blocks(blocks: list[list[str]]) -> list[str]:
    """Lines of the non-empty blocks, with one empty line between blocks."""
    lines: list[str] = []
    for block in blocks:
        if not block:
            continue
        if lines:
            lines.append("")
        lines.extend(block)
    return lines


def load_text(data: bytes, where: str, fmt: str = "txt") -> LoadedText:
    """Load a plain text or Markdown file, kept verbatim except for line endings (Markdown: front matter,
    comments and table syntax as a reader sees them, ``markdown_lines``; a text with form feeds: its
    pages, running headers and page numbers blanked, ``paged_lines``; a text outline's indentation as
    headings, ``outline_lines``)."""
    text, warnings = decode_text(data, where)
    if not text.strip():
        raise EmptyDocument("le fichier ne contient aucun texte", where=where)
    lines = split_lines(text)
    pages = None
    if fmt == "md":
        lines = markdown_lines(lines)
    else:
        lines, pages, blanked = paged_lines(lines)
        if blanked:
            warnings.append(f"{blanked} lines of page furniture blanked (running headers, page numbers)")
        if is_outline(lines):
            lines = outline_lines(lines)
    return LoadedText(lines=lines, format=fmt, pages=pages, warnings=warnings)
