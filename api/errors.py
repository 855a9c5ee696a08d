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


# pydantic's error types in French (those a query string or a JSON body meets); another is named by its type
_PYDANTIC_FR = {
    "missing": "paramètre obligatoire absent",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "float_parsing": "un nombre est attendu",
    "bool_parsing": "un booléen est attendu (true ou false)",
    "string_type": "un texte est attendu",
    "list_type": "une liste est attendue",
    "dict_type": "un objet JSON est attendu",
    "model_attributes_type": "un objet JSON est attendu",
    "json_invalid": "JSON mal formé",
    "extra_forbidden": "champ inconnu",
    "greater_than": "valeur trop petite",
    "greater_than_equal": "valeur trop petite",
    "less_than": "valeur trop grande",
    "less_than_equal": "valeur trop grande",
    "string_too_short": "texte trop court",
    "string_too_long": "texte trop long",
    "too_short": "trop peu d'éléments",
    "too_long": "trop d'éléments",
    "literal_error": "valeur non permise",
    "enum": "valeur non permise",
    "string_pattern_mismatch": "texte de forme non permise",
}
_CTX_FR = {
    "ge": "≥",
    "gt": ">",
    "le": "≤",
    "lt": "<",
    "min_length": "longueur ≥",
    "max_length": "longueur ≤",
    "expected": "valeurs permises :",
    "pattern": "de la forme",
    "multiple_of": "multiple de",
}


# what is valid for an error pydantic gives no context for (a type error, a missing parameter)
_VALID_FR = {
    "missing": "paramètre à donner (voir /docs)",
    "int_parsing": "un nombre entier, par exemple 24",
    "int_from_float": "un nombre entier, par exemple 24",
    "int_type": "un nombre entier, par exemple 24",
    "float_parsing": "un nombre, par exemple 1400 ou 12.5",
    "float_type": "un nombre, par exemple 1400 ou 12.5",
    "bool_parsing": "true ou false",
    "bool_type": "true ou false",
    "string_type": "un texte entre guillemets",
    "list_type": "une liste JSON, par exemple [\"demandeur_emploi\"]",
    "dict_type": "un objet JSON, par exemple {\"age\": 24}",
    "model_attributes_type": "un objet JSON, par exemple {\"age\": 24}",
    "json_invalid": "un corps JSON bien formé (voir /docs)",
    "extra_forbidden": "les champs listés sur /docs",
}


def _ctx(ctx: dict[str, Any]) -> str:
    return ", ".join(f"{_CTX_FR.get(k, k)} {v}" for k, v in ctx.items() if k != "error")


def _valid(error: dict[str, Any]) -> str | None:
    """What is valid for one pydantic error: its bounds or permitted values, else what its type asks."""
    if error.get("ctx"):
        return _ctx(error["ctx"])
    return _VALID_FR.get(error.get("type", ""))


def _french_type(kind: str) -> str:
    return _PYDANTIC_FR.get(kind, f"valeur invalide ({kind})")


def validation_error(errors: list[dict[str, Any]]) -> InputError:
    """FastAPI's validation errors as one `InputError`: which parameters, what was wrong, what is valid."""
    where = ", ".join(
        ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "body")) for e in errors
    )
    message = "; ".join(_french_type(e.get("type", "?")) for e in errors)
    valid = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:])} : {_valid(e)}" for e in errors if _valid(e)
    )
    return InputError(f"requête invalide : {message}", where=where or None, valid=valid or None)


def http_error(status: int, method: str, path: str) -> dict[str, Any]:
    """A request no route takes (Starlette's 404 or 405, raised before any route runs) in the one error shape
    (not ``{"detail": …}``); the path is echoed at most 200 characters long."""
    where = f"{method} {path[:200]}"
    if status == 404:
        error = NotFound("aucune route pour ce chemin", where=where, valid="les chemins listés sur /docs")
        return error.to_dict()
    if status == 405:
        error = InputError(
            "méthode non permise sur ce chemin", where=where, valid="les méthodes listées sur /docs"
        )
        return {**error.to_dict(), "error": "MethodNotAllowed"}
    return InputError(f"HTTP {status}", where=where).to_dict()
