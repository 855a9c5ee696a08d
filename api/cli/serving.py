"""`qfq serve`: the HTTP API and the page."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import DataDir, app, settings_for


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (env QFQ_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (env QFQ_PORT).")] = None,
    data: DataDir = None,
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    from api.app import create_app

    settings = settings_for(data, host=host, port=port)
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level.lower()
    )
