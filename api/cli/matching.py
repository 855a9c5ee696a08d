"""`qfq match`: which dispositifs and local actions apply to a person."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import DataDir, Local, RouteJson, answer_of, app, out, print_body, service, settings_for
from api.models import MatchResponse
from graph.conditions_facts import fact_pairs
from ingest.errors import QfqError


def _option(question: dict) -> str:
    """The option that answers a question: --age N, --status S or --fait NOM=VALEUR."""
    if question["fact"] == "age":
        return "--age N"
    if question["type"] == "status":
        return f"--status {question['status']}"
    if question["type"] == "place":
        return "--where LIEU"
    return f"--fait {question['fact']}=…"


# the CLI option of each /match parameter an error names ("statuses" -> "--status")
_OPTIONS = {"where": "--where", "age": "--age", "statuses": "--status", "needs": "--need", "facts": "--fait"}


def _as_option(where: str | None) -> str | None:
    """An error's parameter as the option the user typed: "facts.enfants" -> "--fait enfants"."""
    if where is None:
        return None
    head, _, rest = where.partition(".")
    option = _OPTIONS.get(head)
    return where if option is None else f"{option} {rest}".strip()


@app.command()
def match(
    where: Annotated[str, typer.Option(help="Commune de la personne : nom, code postal ou code INSEE.")],
    age: Annotated[int | None, typer.Option(help="Âge en années.")] = None,
    status: Annotated[
        list[str] | None, typer.Option(help="Statut (répétable), ex. demandeur_emploi, beneficiaire_rsa.")
    ] = None,
    need: Annotated[
        list[str] | None, typer.Option(help="Besoin (répétable), ex. mobilite, logement.")
    ] = None,
    fait: Annotated[
        list[str] | None,
        typer.Option(
            "--fait",
            help="Fait facultatif NOM=VALEUR (répétable), ex. promesse_embauche=oui, enfants=2,5, "
            "mois_inscription=14 ; la réponse dit lesquels manquent.",
        ),
    ] = None,
    json_out: RouteJson = False,
    local: Local = False,
    data: DataDir = None,
) -> None:
    """Quels dispositifs et actions locales s'appliquent à cette personne, pourquoi, et qui appeler."""
    facts = fact_pairs(fait or [], where="--fait")
    settings = settings_for(data)
    params = {"where": where, "age": age, "status": status, "need": need, "fact": fait}
    try:
        body = answer_of(
            settings,
            local,
            "/match",
            params,
            lambda: service(settings).match(age=age, statuses=status, where=where, needs=need, facts=facts),
        )
    except QfqError as exc:
        exc.where = _as_option(exc.where)
        raise
    if json_out:
        print_body(MatchResponse, body)
        return
    out.print(f"[bold]Dispositifs applicables[/bold] ({body['profile']['where']['name']})")
    for e in body["eligible"]:
        out.print(f"  ✓ {e['dispositif']['name']} — {'; '.join(e['reasons'])}")
        for c in e["to_check"]:
            out.print(f"      à vérifier : {c}", style="dim")
    if body["undecided"]:
        out.print("[bold]À préciser[/bold]")
    for e in body["undecided"]:
        out.print(
            f"  ? {e['dispositif']['name']}" + (f" — {'; '.join(e['reasons'])}" if e["reasons"] else "")
        )
        for q in e["missing"]:
            out.print(f"      question : {q}")
    if body["questions"]:
        out.print(f"  pour décider : {' '.join(_option(q) for q in body['questions'])}", style="dim")
    out.print("[bold]Non applicables[/bold]")
    for e in body["excluded"]:
        out.print(f"  ✗ {e['dispositif']['name']} — {'; '.join(e['failed'])}", style="dim")
    out.print("[bold]Actions locales[/bold]")
    for a in body["actions"]:
        who_ = ", ".join(p.get("display") or p["name"] for p in a["pilots"]) or "—"
        out.print(f"  {a['title']} ({', '.join(a['territories'])}) — pilote : {who_}")
        for c in a["contacts"]:
            out.print(f"     contact : {c['actor']} {c['value']}")
