"""`qfq serve`: the HTTP API and the page."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from api.cli.common import DataDir, app, settings_for
from ingest.errors import InputError


def check_port_free(host: str, port: int) -> None:
    """Fail at once, before the warm-up, when the address cannot be bound (another server on the port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise InputError(
                f"impossible d'écouter sur {host}:{port} ({exc.strerror or exc}) : "
                "un autre serveur utilise sans doute ce port",
                where="--port",
                valid="un port libre (--port ou QFQ_PORT), ou arrêtez l'autre serveur",
            ) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Adresse d'écoute (variable QFQ_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (variable QFQ_PORT).")] = None,
    data: DataDir = None,
) -> None:
    """Servir l'API HTTP et la page web."""
    import uvicorn

    from api.app import create_app

    settings = settings_for(data, host=host, port=port)
    check_port_free(settings.host, settings.port)
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level.lower()
    )
