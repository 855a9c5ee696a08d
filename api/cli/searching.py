"""`qfq search` and `qfq similar`: answered by a running `qfq serve` of the same store when there is one (over
127.0.0.1, the route's JSON), else computed here; printed the same way."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import typer

from api.cli.common import DataDir, Local, RouteJson, answer_of, app, out, print_body, service, settings_for
from api.models import SearchResponse, SimilarResponse


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Ce que vous cherchez, en français.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=100, help="Nombre de résultats.")] = 10,
    where: Annotated[str | None, typer.Option(help="Territoire (ceux qu'il contient aussi).")] = None,
    theme: Annotated[str | None, typer.Option(help="Thème (slug).")] = None,
    public: Annotated[str | None, typer.Option(help="Public (slug).")] = None,
    dispositif: Annotated[str | None, typer.Option(help="Dispositif (id ou libellé).")] = None,
    actor: Annotated[str | None, typer.Option(help="Acteur (anciens noms compris).")] = None,
    doc: Annotated[str | None, typer.Option(help="Identifiant de document.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="action, passage, dispositif ou actor.")] = None,
    json_out: RouteJson = False,
    local: Local = False,
    data: DataDir = None,
) -> None:
    """Chercher actions, passages, dispositifs et acteurs (mots et sens, avec filtres)."""
    settings = settings_for(data, one_query=True)
    filters = {
        "where": where,
        "theme": theme,
        "public": public,
        "dispositif": dispositif,
        "actor": actor,
        "doc": doc,
        "type": type_,
    }
    body = answer_of(
        settings,
        local,
        "/search",
        {"q": text, "k": k, **filters},
        lambda: service(settings).search(text, k=k, **filters),
    )
    if json_out:
        print_body(SearchResponse, body)
        return
    for r in body["results"]:
        p = r["passage"]
        where_txt = f" — {', '.join(r.get('territories') or [])}" if r.get("territories") else ""
        kind = r["type"] if r["type"] != "passage" else f"passage : {r.get('passage_type')}"
        out.print(f"[bold]{r['title']}[/bold] [dim]({kind}, {r['id']}){where_txt}[/dim]")
        if p.get("line_start"):
            out.print(f"   [dim]{p['doc']}, l. {p['line_start']}-{p['line_end']} :[/dim] {p['text'][:240]}")
        if r.get("why"):
            out.print(f"   [dim]pourquoi : {r['why']['summary']}[/dim]")
    if not body["results"]:
        out.print("Aucun résultat.")


@app.command()
def similar(
    action_id: Annotated[str, typer.Argument(help="Identifiant d'action (voir `qfq export actions`).")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=50, help="Nombre de résultats.")] = 5,
    scope: Annotated[
        str,
        typer.Option(
            help="other-regions (autres régions), all (toutes), same-region (même région) ou other-documents "
            "(tous les autres plans)."
        ),
    ] = "other-regions",
    json_out: RouteJson = False,
    local: Local = False,
    data: DataDir = None,
) -> None:
    """Les actions d'ailleurs qui traitent le même problème, et ce qu'elles partagent."""
    settings = settings_for(data)
    body = answer_of(
        settings,
        local,
        f"/actions/{quote(action_id, safe='')}/similar",
        {"k": k, "scope": scope},
        lambda: service(settings).similar(action_id, k=k, scope=scope),
    )
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
