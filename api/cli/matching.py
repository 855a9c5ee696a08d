"""`qfq match`: which dispositifs and local actions apply to a person."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import DataDir, RouteJson, app, out, print_body, settings_for
from api.models import MatchResponse
from api.service import Service


@app.command()
def match(
    where: Annotated[str, typer.Option(help="Commune name, postal code or INSEE code.")],
    age: Annotated[int | None, typer.Option(help="Age in years.")] = None,
    status: Annotated[list[str] | None, typer.Option(help="Status slug (repeatable).")] = None,
    need: Annotated[list[str] | None, typer.Option(help="Need slug (repeatable).")] = None,
    json_out: RouteJson = False,
    data: DataDir = None,
) -> None:
    """Which dispositifs and local actions apply to this person, why, and who to call."""
    body = Service(settings_for(data)).match(age=age, statuses=status, where=where, needs=need)
    if json_out:
        print_body(MatchResponse, body)
        return
    out.print(f"[bold]Dispositifs applicables[/bold] ({body['profile']['where']['name']})")
    for e in body["eligible"]:
        out.print(f"  ✓ {e['dispositif']['name']} — {'; '.join(e['reasons'])}")
    for e in body["undecided"]:
        out.print(f"  ? {e['dispositif']['name']} — manque : {'; '.join(e['missing'])}")
    for e in body["excluded"]:
        out.print(f"  ✗ {e['dispositif']['name']} — {'; '.join(e['failed'])}", style="dim")
    out.print("[bold]Actions locales[/bold]")
    for a in body["actions"]:
        who_ = ", ".join(p.get("display") or p["name"] for p in a["pilots"]) or "—"
        out.print(f"  {a['title']} ({', '.join(a['territories'])}) — pilote : {who_}")
        for c in a["contacts"]:
            out.print(f"     contact : {c['actor']} {c['value']}")
