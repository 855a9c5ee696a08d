"""The errors of the ways in, and the one place where qfq errors become HTTP status codes."""

from __future__ import annotations

from typing import Any

from graph.errors import NotFound, StoreError
from ingest.errors import (
    ConfigError,
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


class Busy(QfqError):
    """Too many requests of a costly kind are running; the client may retry after ``retry_after`` seconds."""

    def __init__(
        self, message: str, *, where: str | None = None, valid: str | None = None, retry_after: int = 1
    ):
        super().__init__(message, where=where, valid=valid)
        self.retry_after = retry_after


STATUS: dict[type[QfqError], int] = {
    NotFound: 404,
    AccessDenied: 403,
    Busy: 503,
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


def validation_error(errors: list[dict[str, Any]]) -> InputError:
    """FastAPI's validation errors as one `InputError`: which parameters, what was wrong, what is valid."""
    where = ", ".join(
        ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "body")) for e in errors
    )
    message = "; ".join(f"{e.get('msg', 'invalid')}" for e in errors)
    valid = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e['ctx']}" for e in errors if e.get("ctx")
    )
    return InputError(f"invalid request: {message}", where=where or None, valid=valid or None)


def http_error(status: int, method: str, path: str) -> dict[str, Any]:
    """A request no route takes (Starlette's 404 or 405, raised before any route runs) in the one error shape
    (not ``{"detail": …}``); the path is echoed at most 200 characters long."""
    where = f"{method} {path[:200]}"
    if status == 404:
        return NotFound("no route for this path", where=where, valid="the paths listed at /docs").to_dict()
    if status == 405:
        error = InputError(
            "method not allowed on this path", where=where, valid="the methods listed at /docs"
        )
        return {**error.to_dict(), "error": "MethodNotAllowed"}
    return InputError(f"HTTP {status}", where=where).to_dict()
