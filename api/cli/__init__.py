"""`qfq` — the command line. It parses, calls the service facade, and prints.

One module per group of commands; each registers its commands on the shared Typer app when imported."""

from __future__ import annotations

import sys

from api.cli import coverage, exporting, ingesting, matching, searching, serving, who  # noqa: F401
from api.cli.common import app, atomic_write, err
from ingest.errors import QfqError

__all__ = ["app", "atomic_write", "main"]


def main() -> None:
    try:
        app()
    except QfqError as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(2)
