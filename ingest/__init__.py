"""Documents -> structured records.

`ingest` records what a document *says*: names as written, line spans, verbatim quotes.
It imports neither `graph` nor `embeddings`.
"""

from ingest.errors import QfqError
from ingest.pipeline import parse_document, parse_text
from ingest.records import ActionRecord, ParsedDocument

__all__ = ["ActionRecord", "ParsedDocument", "QfqError", "parse_document", "parse_text"]
