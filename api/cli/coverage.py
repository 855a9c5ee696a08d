"""`qfq coverage`: for a theme or a dispositif, the territories with and without actions."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.common import DataDir, Local, RouteJson, answer_of, app, out, print_body, service, settings_for
from api.models import CoverageResponse
from graph.coverage_queries import LEVELS as LEVEL_SLUGS
from graph.coverage_queries import CoverageQuery

LEVELS = {"region": "région", "departement": "département"}


@app.command()
def coverage(
    theme: Annotated[
        str | None, typer.Argument(help="Thème : slug ou libellé (voir qfq themes).", show_default=False)
    ] = None,
    dispositif: Annotated[
        str | None, typer.Option(help="Un dispositif (identifiant ou nom) au lieu d'un thème.")
    ] = None,
    level: Annotated[str, typer.Option(help=f"Niveau : {' ou '.join(LEVEL_SLUGS)}.")] = "departement",
    within: Annotated[
        str | None, typer.Option(help="Seulement les territoires compris dans celui-ci.")
    ] = None,
    json: RouteJson = False,
    local: Local = False,
    data: DataDir = None,
) -> None:
    """Pour un thème ou un dispositif, les territoires qui ont des actions et ceux qui n'en ont pas."""
    settings = settings_for(data)
    query = CoverageQuery(theme=theme, dispositif=dispositif, level=level, within=within).checked()
    params = {"theme": theme, "dispositif": dispositif, "level": level, "within": within}
    body = answer_of(settings, local, "/coverage", params, lambda: service(settings).coverage(query))
    if json:
        print_body(CoverageResponse, body)
    else:
        out.print(coverage_table(body))
        without = ", ".join(t["name"] for t in body["without"]) or "aucun"
        out.print(f"Sans action ({len(body['without'])}) : {without}", soft_wrap=True)


def coverage_table(body: dict[str, Any]) -> Table:
    """Territories with actions, most local actions first: counts and the first titles."""
    unit = LEVELS.get(body["level"], body["level"])
    table = Table(
        title=f"Couverture — {body['label']} ({len(body['with'])} {unit}s avec des actions)",
        title_justify="left",
    )
    table.add_column(unit.capitalize())
    table.add_column("Code")
    table.add_column("Actions locales", justify="right")
    table.add_column("Actions plus larges", justify="right")
    table.add_column("Exemples")
    rows = sorted(body["with"], key=lambda r: (-len(r["local"]), -len(r["wider"]), r["territory"]["name"]))
    for r in rows:
        examples = "; ".join(body["titles"].get(i, i) for i in (r["local"] or r["wider"])[:2])
        t = r["territory"]
        table.add_row(t["name"], t.get("code") or "", str(len(r["local"])), str(len(r["wider"])), examples)
    return table
