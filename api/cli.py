"""`qfq` — the command line. It parses, calls the service facade, and prints."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.answers import body
from api.models import (
    ActorList,
    CoverageResponse,
    IngestReportBody,
    MatchResponse,
    SearchResponse,
    SimilarResponse,
    SparqlResponse,
    WhoResponse,
)
from api.report import IngestReport
from api.service import Progress as OnFile
from api.service import Service
from api.settings import Settings
from graph.exports import EXPORTS
from ingest.errors import QfqError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="qfq — qui fait quoi, où.")
err = Console(stderr=True)
out = Console()

# options several commands share
DataDir = Annotated[Path | None, typer.Option(help="Data directory (env QFQ_DATA).")]
Force = Annotated[bool, typer.Option(help="Re-read documents even when unchanged.")]
IndexNow = Annotated[bool, typer.Option(help="Also compute the search vectors now.")]
ReportJson = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
RouteJson = Annotated[bool, typer.Option("--json", help="Print the JSON body of the matching HTTP route.")]


def _print_body(model: type[BaseModel], answer: Any) -> None:
    """The answer as the matching HTTP route serves it (same model, same serialisation); pretty on a tty."""
    text = body(model, answer).decode("utf-8")
    if out.is_terminal:
        out.print_json(text)
    else:
        sys.stdout.write(text + "\n")


def _settings(data: Path | None = None, **overrides) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if data is not None:
        values["data"] = data
    settings = Settings(**values)
    logging.basicConfig(
        level=settings.log_level,
        format="%(message)s",
        datefmt="[%X]",
        handlers=[RichHandler(console=err, show_path=False)],
        force=True,
    )
    for noisy in ("faiss", "faiss.loader", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(settings.log_level)))
    return settings


@contextmanager
def _progress() -> Iterator[OnFile]:
    """A progress bar of the ingest on stderr (when it is a terminal), and the callback that moves it."""
    columns = (
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("", total=None)

        def on_file(path: Path, rank: int, total: int) -> None:
            progress.update(task, completed=rank, total=total, description=path.name)

        yield on_file


def _print_report(report: IngestReport) -> None:
    table = Table(title="Ingest report", show_lines=False)
    for col in ("document", "status", "actions", "hierarchy", "shapes", "fields missing", "warnings"):
        table.add_column(col)
    for d in report.documents:
        missing = ", ".join(f"{k}×{v}" for k, v in sorted(d.fields_missing.items()))
        shapes = ", ".join(f"{k}×{v}" for k, v in sorted(d.shapes.items()))
        levels = " › ".join(f"{k} {v}" for k, v in d.hierarchy.items() if k != "actions")
        notes = d.error or "; ".join(d.warnings[:3]) + (
            f" (+{len(d.warnings) - 3})" if len(d.warnings) > 3 else ""
        )
        style = {"error": "red", "unchanged": "dim"}.get(d.status, "")
        row = (Path(d.file).name, d.status, str(d.actions), levels, shapes, missing, notes)
        table.add_row(*row, style=style)
    out.print(table)
    t = report.to_dict()["totals"]
    out.print(
        f"documents: {t['documents']}  actions: {t['actions']}  entities: {t['entities']}  "
        f"territories: {t['territories']} (unmatched: {t['unmatched_territories']})  errors: {t['errors']}"
    )
    if report.unmatched_territories:
        out.print("unmatched territories: " + "; ".join(report.unmatched_territories), style="dim")


@app.command()
def build(
    corpus: Annotated[
        list[Path] | None, typer.Option("--corpus", help="Directory of documents (repeatable).")
    ] = None,
    data: DataDir = None,
    force: Force = False,
    index: IndexNow = True,
    json_out: ReportJson = False,
) -> None:
    """Ingest every document under the corpus directories into the data directory, then index it."""
    service = Service(_settings(data))
    with _progress() as on_file:
        report = service.build(corpus or None, force=force, on_file=on_file)
    _finish(report, json_out, service if index else None)


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Documents to add or replace.")],
    data: DataDir = None,
    force: Force = False,
    index: IndexNow = True,
    json_out: ReportJson = False,
) -> None:
    """Add or replace documents incrementally (vectors are recomputed only for what changed)."""
    service = Service(_settings(data))
    with _progress() as on_file:
        report = service.ingest(files, force=force, on_file=on_file)
    _finish(report, json_out, service if index else None)


def _finish(report: IngestReport, json_out: bool, index_with: Service | None = None) -> None:
    if json_out:
        _print_body(IngestReportBody, report.to_dict())
    else:
        _print_report(report)
    if report.documents and report.errors == len(report.documents):
        raise typer.Exit(1)
    if index_with is None:
        return
    with err.status("indexation (vecteurs des passages)…"):
        info = index_with.index()
    if info is not None:
        err.print(f"index: {info['chunks']} passages ({info['encoder']}, {info['similar_encoder']})")


@app.command(
    help="Export the knowledge base: "
    + ", ".join(f"{e.name} ({e.description})" for e in EXPORTS.values())
    + ". --territory and --theme keep what happens on a territory and/or of a theme."
)
def export(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help=f"One of: {', '.join(EXPORTS)}.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    territory: Annotated[
        str | None, typer.Option(help="Only what happens on this territory (any level).")
    ] = None,
    theme: Annotated[str | None, typer.Option(help="Only the actions of this theme (slug).")] = None,
    data: DataDir = None,
) -> None:
    service = Service(_settings(data))
    if output is None:
        service.export(fmt, sys.stdout.buffer, territory=territory, theme=theme)
        sys.stdout.buffer.flush()
        return
    with atomic_write(output, "wb") as fh:
        service.export(fmt, fh, territory=territory, theme=theme)
    err.print(f"{fmt} written to {output}")


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
    body = Service(_settings(data)).who(what=what, where=where, theme=theme)
    if json_out:
        _print_body(WhoResponse, body)
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
    body = Service(_settings(data)).search(
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
        _print_body(SearchResponse, body)
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
    body = Service(_settings(data)).similar(action_id, k=k, scope=scope)
    if json_out:
        _print_body(SimilarResponse, body)
        return
    for r in body["same_action"]:
        out.print(f"[bold]même action[/bold] : {r['title']} ({r['doc']}, {r['region']})")
    for r in body["results"]:
        e = r["explanation"]
        out.print(f"[bold]{r['title']}[/bold] ({r['region']}, score {r['score']})")
        for key in ("themes", "dispositifs", "publics"):
            if e[key]:
                out.print(f"   {key} en commun : {', '.join(e[key])}")


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
    body = Service(_settings(data)).match(age=age, statuses=status, where=where, needs=need)
    if json_out:
        _print_body(MatchResponse, body)
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


@app.command()
def actors(
    name: Annotated[str | None, typer.Argument(help="Part of a name, an alias or an acronym.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data: DataDir = None,
) -> None:
    """Actors, their aliases and lineage, and why each mention was merged into them."""
    body = Service(_settings(data)).actors(name)
    if json_out:
        _print_body(ActorList, body)
        return
    for a in body["results"]:
        out.print(f"[bold]{a.get('display') or a['name']}[/bold] — {a.get('kind')} ({a['id']})")
        for d in a["decisions"]:
            out.print(
                f"  « {d['written']} » ({d['doc']}) : {d['rule']}"
                + (f" — {d['detail']}" if d["detail"] else "")
            )


@app.command()
def coverage(
    theme: Annotated[str, typer.Argument(help="Theme slug.")],
    level: Annotated[str, typer.Option(help="region or departement.")] = "departement",
    within: Annotated[str | None, typer.Option(help="Only the territories inside this one.")] = None,
    data: DataDir = None,
) -> None:
    """For a theme, the territories with and without actions."""
    body = Service(_settings(data)).coverage(theme, level=level, within=within)
    _print_body(CoverageResponse, body)


@app.command()
def sparql(
    query: Annotated[str, typer.Argument(help="A read-only SPARQL 1.1 query (or @file.rq).")],
    data: DataDir = None,
) -> None:
    """Run a read-only SPARQL query on the knowledge graph (time limit and row cap from the settings)."""
    text = Path(query[1:]).read_text(encoding="utf-8") if query.startswith("@") else query
    _print_body(SparqlResponse, Service(_settings(data)).sparql(text))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (env QFQ_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (env QFQ_PORT).")] = None,
    data: DataDir = None,
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    from api.app import create_app

    settings = _settings(data, host=host, port=port)
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_level=settings.log_level.lower()
    )


@contextmanager
def atomic_write(path: Path, mode: str):
    """Write to a temporary name beside `path`, then rename: a failed export leaves no half-written file."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open(mode, **({} if "b" in mode else {"encoding": "utf-8"})) as fh:
            yield fh
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def main() -> None:
    try:
        app()
    except QfqError as exc:
        err.print(f"[red]error:[/red] {exc}")
        sys.exit(2)


if __name__ == "__main__":
    main()
