"""`qfq who` and `qfq actors`: who does what where, and how actors were recognised."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import DataDir, RouteJson, app, out, print_body, settings_for
from api.models import ActorList, WhoResponse
from api.service import Service


@app.command()
def who(
    what: Annotated[str | None, typer.Option(help="What: free text, an actor, a dispositif.")] = None,
    where: Annotated[
        str | None, typer.Option(help="Where: commune, EPCI, département, région, postal/INSEE code.")
    ] = None,
    theme: Annotated[str | None, typer.Option(help="Theme slug.")] = None,
    json_out: RouteJson = False,
    data: DataDir = None,
) -> None:
    """Who does what where: actors and their actions, with containment and evidence."""
    body = Service(settings_for(data)).who(what=what, where=where, theme=theme)
    if json_out:
        print_body(WhoResponse, body)
        return
    for r in body["results"]:
        actor = r["actor"]
        out.print(f"[bold]{actor.get('display') or actor['name']}[/bold] ({actor.get('kind')})")
        for a in r["actions"]:
            where_txt = ", ".join(t["name"] for t in a["territories"]) or "—"
            flag = "" if a["scope"] in (None, "local") else " [dim](territoire plus large)[/dim]"
            out.print(f"  {a['role']:<10} {a['title']} — {where_txt}{flag}")
            if a["evidence"].get("quote"):
                ev = a["evidence"]
                out.print(f"             [dim]« {ev['quote']} » ({ev['doc']}, l. {ev['line_start']})[/dim]")
    if not body["results"]:
        out.print("Aucun acteur trouvé.")


@app.command()
def actors(
    name: Annotated[str | None, typer.Argument(help="Part of a name, an alias or an acronym.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data: DataDir = None,
) -> None:
    """Actors, their aliases and lineage, and why each mention was merged into them."""
    body = Service(settings_for(data)).actors(name)
    if json_out:
        print_body(ActorList, body)
        return
    for a in body["results"]:
        out.print(f"[bold]{a.get('display') or a['name']}[/bold] — {a.get('kind')} ({a['id']})")
        for d in a["decisions"]:
            out.print(
                f"  « {d['written']} » ({d['doc']}) : {d['rule']}"
                + (f" — {d['detail']}" if d["detail"] else "")
            )
