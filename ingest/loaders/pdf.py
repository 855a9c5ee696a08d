"""PDF: the layout-aware reader (`ingest.layout.pdf`, PDFium) rendered as lines, with the page of each.

Columns are read in order, side panels follow the body of their page, table rows are tab-separated
cells, running headers, footers and page numbers are left out (see `LayoutDocument.to_lines`). The
file is first opened with pypdf, whose errors say precisely why a damaged or encrypted file cannot be
read (PDFium repairs what it can and would read half of a truncated file without a word).
"""

from __future__ import annotations

import io
import logging

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from ingest.errors import EmptyDocument, UnreadableDocument
from ingest.layout.pdf import read_pdf
from ingest.records import LoadedText

logger = logging.getLogger(__name__)


def check_pdf(data: bytes, where: str) -> int:
    """The page count; `UnreadableDocument` when the file is damaged, truncated or encrypted.

    An encrypted file that opens with the empty password (owner restrictions only) is accepted.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                result = reader.decrypt("")
            except DependencyError as exc:
                raise UnreadableDocument(
                    f"PDF chiffré : il faut le paquet « cryptography » pour l'ouvrir ({exc})",
                    where=where,
                    valid="installez pypdf[crypto], ou donnez le fichier non chiffré",
                ) from exc
            if result == PasswordType.NOT_DECRYPTED:
                raise UnreadableDocument("PDF chiffré ; donnez le fichier non chiffré", where=where)
        return len(reader.pages)  # reads the page tree: fails here on a damaged file
    except UnreadableDocument:
        raise
    except Exception as exc:  # pypdf raises many types on damaged input
        raise UnreadableDocument(f"PDF abîmé ou tronqué ({type(exc).__name__} : {exc})", where=where) from exc


def load_pdf(data: bytes, where: str) -> LoadedText:
    """Lines of the PDF's blocks in reading order, one empty line between blocks."""
    if check_pdf(data, where) == 0:
        raise EmptyDocument("le PDF n'a aucune page", where=where)
    loaded = read_pdf(data, where).to_lines()
    logger.debug("%s: %d lines", where, len(loaded.lines))
    return loaded
