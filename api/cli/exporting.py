"""`qfq export` and `qfq sparql`: the knowledge base for analysts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import DataDir, app, atomic_write, err, print_body, settings_for
from api.models import SparqlResponse
from api.service import Service
from graph.exports import EXPORTS


@app.command(
    help="Export the knowledge base: "
    + ", ".join(f"{e.name} ({e.description})" for e in EXPORTS.values())
    + ". --territory and --theme keep what happens on a territory and/or of a theme."
)
def export(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help=f"One of: {', '.join(EXPORTS)}.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    territory: Annotated[
        str | None, typer.Option(help="Only what happens on this territory (any level).")
    ] = None,
    theme: Annotated[str | None, typer.Option(help="Only the actions of this theme (slug).")] = None,
    data: DataDir = None,
) -> None:
    service = Service(settings_for(data))
    if output is None:
        service.export(fmt, sys.stdout.buffer, territory=territory, theme=theme)
        sys.stdout.buffer.flush()
        return
    with atomic_write(output, "wb") as fh:
        service.export(fmt, fh, territory=territory, theme=theme)
    err.print(f"{fmt} written to {output}")


@app.command()
def sparql(
    query: Annotated[str, typer.Argument(help="A read-only SPARQL 1.1 query (or @file.rq).")],
    data: DataDir = None,
) -> None:
    """Run a read-only SPARQL query on the knowledge graph (time limit and row cap from the settings)."""
    text = Path(query[1:]).read_text(encoding="utf-8") if query.startswith("@") else query
    print_body(SparqlResponse, Service(settings_for(data)).sparql(text))
