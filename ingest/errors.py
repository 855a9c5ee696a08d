"""The one error hierarchy of qfq.

Every error says what was wrong, where (file, line or parameter) and what is valid.
Each layer owns the errors it raises (graph/errors.py: NotFound, StoreError; api/errors.py:
AccessDenied); `api` maps every class to HTTP status codes in one place (`api/errors.py`).
"""

from __future__ import annotations


class QfqError(Exception):
    """Base class of every error qfq raises on purpose."""

    def __init__(self, message: str, *, where: str | None = None, valid: str | None = None):
        self.message = message
        self.where = where
        self.valid = valid
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.valid:
            text += f" (valeurs valides : {self.valid})"
        return text

    def to_dict(self) -> dict[str, str | None]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "where": self.where,
            "valid": self.valid,
        }


class InputError(QfqError):
    """A document or parameter given by the user cannot be used as it is."""


class UnsupportedFormat(InputError):
    """The file's format is not one qfq reads."""


class EmptyDocument(InputError):
    """The file has no text (empty, or a PDF without a text layer)."""


class UnreadableDocument(InputError):
    """The file is damaged, truncated, encrypted or not in the encoding it claims."""


class NoActionFound(InputError):
    """The document was read, but no action shape was recognised in it."""


class TooLarge(InputError):
    """A document is larger than the settings allow."""


class ConfigError(QfqError):
    """A setting, a reference file or an installed package qfq cannot use (any layer may raise it)."""
