"""`qfq who` and `qfq actors`: who does what where, and how actors were recognised."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import DataDir, Local, RouteJson, answer_of, app, out, print_body, service, settings_for
from api.models import ActorList, WhoResponse

TEXT_PAGE = 20  # actors the text output shows without --limit
SCOPE_FLAGS = {
    "inherited": " [dim](territoire du porteur du plan, aucun lieu écrit)[/dim]",
    "wider": " [dim](territoire plus large)[/dim]",
}


@app.command()
def who(
    what: Annotated[
        str | None, typer.Option(help="Quoi : texte libre, un acteur, une thématique, un dispositif.")
    ] = None,
    where: Annotated[
        str | None,
        typer.Option(help="Où : commune, EPCI, département, région, code postal ou INSEE."),
    ] = None,
    theme: Annotated[str | None, typer.Option(help="Thématique (identifiant, ex. mobilite).")] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=1, help=f"Nombre d'acteurs affichés ({TEXT_PAGE} par défaut ; tous avec --json)."),
    ] = None,
    offset: Annotated[int, typer.Option(min=0, help="Acteurs à passer (pagination).")] = 0,
    mentioned: Annotated[
        bool, typer.Option("--cites", help="Aussi les organisations seulement citées, sans rôle.")
    ] = False,
    json_out: RouteJson = False,
    local: Local = False,
    data: DataDir = None,
) -> None:
    """Qui fait quoi où : les acteurs, leurs rôles et leurs actions, local d'abord, avec la preuve."""
    if limit is None and not json_out:
        limit = TEXT_PAGE  # the JSON is the route's body: the route's default (every actor)
    settings = settings_for(data)
    params = {"what": what, "where": where, "theme": theme, "mentioned": mentioned, "limit": limit}

    def here() -> dict:
        from graph.who_queries import WhoQuery  # here: `import api.cli` stays light (see cli.common.service)

        return service(settings).who(WhoQuery(**params, offset=offset))

    body = answer_of(settings, local, "/who", {**params, "offset": offset}, here)
    if json_out:
        print_body(WhoResponse, body)
        return
    out.print(f"[bold]{body['summary']}[/bold]")
    if body.get("scope"):
        out.print(f"Périmètre : {body['scope']}")
    for r in body["results"]:
        actor = r["actor"]
        counts = ", ".join(f"{label} ×{n}" for label, n in r["roles"].items())
        out.print(
            f"\n[bold]{actor.get('display') or actor['name']}[/bold] ({actor.get('kind') or '—'}) — {counts}"
        )
        for a in r["actions"]:
            where_txt = ", ".join(t["name"] for t in a["territories"]) or "—"
            out.print(f"  {a['role_label']:<11} {a['title']} — {where_txt}{SCOPE_FLAGS.get(a['scope'], '')}")
            ev = a["evidence"]
            if ev.get("quote"):
                out.print(
                    f"              [dim]« {ev['quote']} » ({_doc_name(a)}, l. {ev['line_start']})[/dim]"
                )
            theme_ev = a.get("theme_evidence")
            if theme_ev and theme_ev.get("quote"):
                out.print(f"              [dim]thématique : « {theme_ev['quote']} »[/dim]")
    if not body["results"]:
        out.print("Aucun acteur trouvé.")
    elif body["total"] > offset + len(body["results"]):
        out.print(
            f"\n[dim]Suite : --offset {offset + len(body['results'])} (sur {body['total']} acteurs)[/dim]"
        )


def _doc_name(action: dict) -> str:
    doc = action.get("document") or {}
    return doc.get("title") or action.get("doc") or "?"


@app.command()
def actors(
    name: Annotated[str | None, typer.Argument(help="Une partie d'un nom, un alias ou un sigle.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Afficher le JSON.")] = False,
    data: DataDir = None,
) -> None:
    """Les acteurs, leurs alias et leur filiation, leurs rôles, et pourquoi chaque mention leur a été
    rattachée."""
    body = service(settings_for(data)).actors(name)
    if json_out:
        print_body(ActorList, body)
        return
    for a in body["results"]:
        roles = ", ".join(f"{label} ×{n}" for label, n in a.get("roles", {}).items())
        out.print(
            f"[bold]{a.get('display') or a['name']}[/bold] — {a.get('kind') or '—'} ({a['id']})"
            + (f" — {roles}" if roles else "")
        )
        for x in a.get("examples", []):
            if x.get("quote"):
                out.print(f"  {x['role']} : {x['title']} [dim]« {x['quote']} » (l. {x['line']})[/dim]")
        for d in a["decisions"]:
            out.print(
                f"  « {d['written']} » ({d['doc']}) : {d['rule']}"
                + (f" — {d['detail']}" if d["detail"] else "")
            )
