"""`qfq coverage`: for a theme, the territories with and without actions."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import DataDir, app, print_body, settings_for
from api.models import CoverageResponse
from api.service import Service


@app.command()
def coverage(
    theme: Annotated[str, typer.Argument(help="Theme slug.")],
    level: Annotated[str, typer.Option(help="region or departement.")] = "departement",
    within: Annotated[str | None, typer.Option(help="Only the territories inside this one.")] = None,
    data: DataDir = None,
) -> None:
    """For a theme, the territories with and without actions."""
    body = Service(settings_for(data)).coverage(theme, level=level, within=within)
    print_body(CoverageResponse, body)
