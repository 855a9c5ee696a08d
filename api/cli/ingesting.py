"""`qfq build` and `qfq ingest`: read documents into the data directory, then index them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from api.cli.common import DataDir, Force, IndexNow, ReportJson, app, err, print_body, service, settings_for
from api.cli.report import print_report
from api.models import IngestReportBody
from api.report import IngestReport

if TYPE_CHECKING:
    from api.service import Progress as OnFile
    from api.service import Service


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


@app.command()
def build(
    corpus: Annotated[
        list[Path] | None, typer.Option("--corpus", help="Répertoire de documents (option répétable).")
    ] = None,
    data: DataDir = None,
    force: Force = False,
    index: IndexNow = True,
    json_out: ReportJson = False,
) -> None:
    """Lire tous les documents des répertoires du corpus dans le répertoire des données, puis les indexer."""
    facade = service(settings_for(data))
    with _progress() as on_file:
        report = facade.build(corpus or None, force=force, on_file=on_file)
    _finish(report, json_out, facade if index else None)


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Documents à ajouter ou remplacer.")],
    data: DataDir = None,
    force: Force = False,
    index: IndexNow = True,
    json_out: ReportJson = False,
    replace: Annotated[
        bool,
        typer.Option(
            "--remplacer",
            "--replace",
            help="Remplacer un document enregistré d'un autre fichier qui a le même identifiant.",
        ),
    ] = False,
) -> None:
    """Ajouter ou remplacer des documents (seuls les passages modifiés sont encodés de nouveau)."""
    facade = service(settings_for(data))
    with _progress() as on_file:
        report = facade.ingest(files, force=force, replace=replace, on_file=on_file)
    _finish(report, json_out, facade if index else None)


def _finish(report: IngestReport, json_out: bool, index_with: Service | None = None) -> None:
    if json_out:
        print_body(IngestReportBody, report.to_dict())
    else:
        print_report(report)
    if report.documents and report.errors == len(report.documents):
        raise typer.Exit(1)
    if index_with is None:
        return
    with _encoding_bar() as on_encoded:
        info = index_with.index(progress=on_encoded)
    if info is not None:
        err.print(
            f"index : {info['chunks']} extraits, dont {info['passages']} passages hors actions "
            f"({info['encoder']}, {info['similar_encoder']})"
        )


@contextmanager
def _encoding_bar() -> Iterator:
    """A bar per encoder on stderr (when it is a terminal): chunks encoded, of how many, time left."""
    columns = (
        TextColumn("[bold]encodage {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("extraits"),
        TimeElapsedColumn(),
        TextColumn("reste"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, disable=not err.is_terminal) as progress:
        tasks: dict[str, int] = {}

        def on_encoded(encoder: str, done: int, total: int) -> None:
            if encoder not in tasks:
                tasks[encoder] = progress.add_task(encoder, total=total)
            progress.update(tasks[encoder], completed=done, total=total)

        yield on_encoded
