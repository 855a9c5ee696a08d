"""`qfq themes` and `qfq publics`: the vocabularies, with their French labels and their use."""

from __future__ import annotations

from rich.table import Table

from api.cli.common import DataDir, RouteJson, app, out, print_body, service, settings_for
from api.models import ConceptList


def _show(scheme: str, json: bool, data) -> None:
    body = service(settings_for(data)).concepts(scheme)
    if json:
        print_body(ConceptList, body)
        return
    table = Table(title=f"{len(body['items'])} {body['label']}", title_justify="left")
    table.add_column("Slug", no_wrap=True)
    table.add_column("Libellé")
    table.add_column("Actions", justify="right")
    table.add_column("Définition")
    for c in body["items"]:
        table.add_row(c["slug"], c["label"], str(c["actions"]), c["definition"] or "")
    out.print(table)


@app.command()
def themes(json: RouteJson = False, data: DataDir = None) -> None:
    """Les thèmes : slug (pour qfq coverage, --theme), libellé, nombre d'actions, définition."""
    _show("theme", json, data)


@app.command()
def publics(json: RouteJson = False, data: DataDir = None) -> None:
    """Les publics : slug, libellé, nombre d'actions, définition."""
    _show("public", json, data)
