"""Errors the graph layer raises (below it, `ingest.errors` holds the base class, the input errors and
`ConfigError`, which every layer may raise)."""

from __future__ import annotations

from ingest.errors import QfqError


class NotFound(QfqError):
    """An id or a name does not exist in the store."""


class StoreError(QfqError):
    """The store on disk is missing, locked, or of an unknown schema version."""
