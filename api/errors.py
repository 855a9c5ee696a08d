"""The errors of the ways in, and the one place where qfq errors become HTTP status codes."""

from __future__ import annotations

from graph.errors import ConfigError, NotFound, StoreError
from ingest.errors import (
    EmptyDocument,
    InputError,
    NoActionFound,
    QfqError,
    TooLarge,
    UnreadableDocument,
    UnsupportedFormat,
)


class AccessDenied(QfqError):
    """The request lacks the right token, or the feature is disabled by the settings."""


STATUS: dict[type[QfqError], int] = {
    NotFound: 404,
    AccessDenied: 403,
    TooLarge: 413,
    UnsupportedFormat: 415,
    EmptyDocument: 422,
    UnreadableDocument: 422,
    NoActionFound: 422,
    InputError: 422,
    ConfigError: 500,
    StoreError: 503,
    QfqError: 500,
}


def status_of(error: QfqError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500
