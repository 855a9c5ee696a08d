"""What every command shares: the Typer app, the consoles, the options, settings and JSON output."""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.logging import RichHandler

from api.answers import body
from api.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="qfq — qui fait quoi, où.")
err = Console(stderr=True)
out = Console()

# options several commands share
DataDir = Annotated[Path | None, typer.Option(help="Répertoire des données (variable QFQ_DATA).")]
Force = Annotated[bool, typer.Option(help="Relire les documents même inchangés.")]
IndexNow = Annotated[bool, typer.Option(help="Calculer aussi maintenant les vecteurs de recherche.")]
ReportJson = Annotated[bool, typer.Option("--json", help="Afficher le rapport en JSON.")]
RouteJson = Annotated[bool, typer.Option("--json", help="Afficher la réponse JSON de la route HTTP.")]


def print_body(model: type[BaseModel], answer: Any) -> None:
    """The answer as the matching HTTP route serves it (same model, same serialisation); pretty on a tty."""
    text = body(model, answer).decode("utf-8")
    if out.is_terminal:
        out.print_json(text)
    else:
        sys.stdout.write(text + "\n")


def settings_for(data: Path | None = None, **overrides) -> Settings:
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
def atomic_write(path: Path, mode: str):
    """Write to a temporary name beside `path`, then rename: a failed export leaves no half-written file."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open(mode, **({} if "b" in mode else {"encoding": "utf-8"})) as fh:
            yield fh
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
