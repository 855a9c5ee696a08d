"""`qfq export` and `qfq sparql`: the knowledge base for analysts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import DataDir, app, atomic_write, err, print_body, service, settings_for
from api.models import SparqlResponse
from graph.exports import EXPORTS


@app.command(
    help="Exporter la base de connaissances : "
    + ", ".join(f"{e.name} ({e.description})" for e in EXPORTS.values())
    + ". --territory et --theme ne gardent que ce qui se passe sur un territoire et/ou d'un thème. "
    "Écrivez le fichier hors du dépôt, par ex. -o /tmp/qfq.gexf."
)
def export(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help=f"Un de : {', '.join(EXPORTS)}.")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Fichier à écrire (par défaut : la sortie standard)."),
    ] = None,
    territory: Annotated[
        str | None, typer.Option(help="Seulement ce qui se passe sur ce territoire (tout niveau).")
    ] = None,
    theme: Annotated[
        str | None, typer.Option(help="Seulement les actions de ce thème (slug, voir qfq themes).")
    ] = None,
    data: DataDir = None,
) -> None:
    facade = service(settings_for(data))
    if output is None:
        facade.export(fmt, sys.stdout.buffer, territory=territory, theme=theme)
        sys.stdout.buffer.flush()
        return
    with atomic_write(output, "wb") as fh:
        facade.export(fmt, fh, territory=territory, theme=theme)
    err.print(f"{fmt} écrit dans {output}")


@app.command()
def sparql(
    query: Annotated[str, typer.Argument(help="Une requête SPARQL 1.1 en lecture seule (ou @fichier.rq).")],
    data: DataDir = None,
) -> None:
    """Interroger le graphe en SPARQL, en lecture seule (durée et lignes limitées par les réglages)."""
    text = Path(query[1:]).read_text(encoding="utf-8") if query.startswith("@") else query
    print_body(SparqlResponse, service(settings_for(data)).sparql(text))
