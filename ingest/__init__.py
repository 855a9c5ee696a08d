"""Documents -> structured records.

`ingest` records what a document *says*: names as written, line spans, verbatim quotes.
It imports neither `graph` nor `embeddings`.

The names below are loaded on first use: importing `ingest.errors` (as every command of the CLI does) must not
import the whole pipeline and every loader's library.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["ActionRecord", "ParsedDocument", "QfqError", "parse_document", "parse_text"]
_HOME = {
    "ActionRecord": "ingest.records",
    "ParsedDocument": "ingest.records",
    "QfqError": "ingest.errors",
    "parse_document": "ingest.pipeline",
    "parse_text": "ingest.pipeline",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'ingest' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
