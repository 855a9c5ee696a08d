"""`qfq search` and `qfq similar`."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import DataDir, RouteJson, app, out, print_body, settings_for
from api.models import SearchResponse, SimilarResponse
from api.service import Service


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="What you are looking for, in French.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=100, help="How many results.")] = 10,
    where: Annotated[str | None, typer.Option(help="Territory (containment applies).")] = None,
    theme: Annotated[str | None, typer.Option(help="Theme slug.")] = None,
    public: Annotated[str | None, typer.Option(help="Public slug.")] = None,
    dispositif: Annotated[str | None, typer.Option(help="Dispositif id or label.")] = None,
    actor: Annotated[str | None, typer.Option(help="Actor name (former names included).")] = None,
    doc: Annotated[str | None, typer.Option(help="Document id.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="action, dispositif or actor.")] = None,
    json_out: RouteJson = False,
    data: DataDir = None,
) -> None:
    """Search actions, dispositifs and actors (keywords and meaning, with filters)."""
    body = Service(settings_for(data)).search(
        text,
        k=k,
        where=where,
        theme=theme,
        public=public,
        dispositif=dispositif,
        actor=actor,
        doc=doc,
        type=type_,
    )
    if json_out:
        print_body(SearchResponse, body)
        return
    for r in body["results"]:
        p = r["passage"]
        where_txt = f" — {', '.join(r.get('territories') or [])}" if r.get("territories") else ""
        out.print(f"[bold]{r['title']}[/bold] [dim]({r['type']}, {r['id']}){where_txt}[/dim]")
        if p.get("line_start"):
            out.print(f"   [dim]{p['doc']}, l. {p['line_start']}-{p['line_end']} :[/dim] {p['text'][:240]}")
    if not body["results"]:
        out.print("Aucun résultat.")


@app.command()
def similar(
    action_id: Annotated[str, typer.Argument(help="An action id (see `qfq export actions`).")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=50, help="How many results.")] = 5,
    scope: Annotated[str, typer.Option(help="other-regions, all or same-region.")] = "other-regions",
    json_out: RouteJson = False,
    data: DataDir = None,
) -> None:
    """Actions elsewhere that address the same problem, with what they share."""
    body = Service(settings_for(data)).similar(action_id, k=k, scope=scope)
    if json_out:
        print_body(SimilarResponse, body)
        return
    for r in body["same_action"]:
        out.print(f"[bold]même action[/bold] : {r['title']} ({r['doc']}, {r['region']})")
    for r in body["results"]:
        e = r["explanation"]
        out.print(f"[bold]{r['title']}[/bold] ({r['region']}, score {r['score']})")
        for key in ("themes", "dispositifs", "publics"):
            if e[key]:
                out.print(f"   {key} en commun : {', '.join(e[key])}")
