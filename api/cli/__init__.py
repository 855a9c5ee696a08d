"""`qfq` — the command line. It parses, calls the service facade, and prints.

One module per group of commands; each registers its commands on the shared Typer app when imported.
The help is French: Typer's own words (panel titles, "Usage:", the --help option) are set here, once, on the
Click command built from the app (:func:`command`)."""

from __future__ import annotations

import sys

import typer
import typer.main
import typer.rich_utils as rich_help

from api.cli import (  # noqa: F401
    coverage,
    exporting,
    ingesting,
    matching,
    searching,
    serving,
    vocabulary,
    who,
)
from api.cli.common import app, atomic_write, err
from ingest.errors import QfqError

__all__ = ["app", "atomic_write", "command", "main"]

HELP_OPTION = "Afficher cette aide et quitter."
USAGE = "Utilisation : "
# Typer's rich help reads these module settings when it renders
rich_help.ARGUMENTS_PANEL_TITLE = "Arguments"
rich_help.OPTIONS_PANEL_TITLE = "Paramètres"
rich_help.COMMANDS_PANEL_TITLE = "Commandes"
rich_help.ERRORS_PANEL_TITLE = "Erreur"
rich_help.ABORTED_TEXT = "Interrompu."
rich_help.DEFAULT_STRING = "[par défaut : {}]"
rich_help.ENVVAR_STRING = "[variable d'environnement : {}]"
rich_help.REQUIRED_LONG_STRING = "[obligatoire]"
rich_help.DEPRECATED_STRING = "(obsolète) "


class _FrenchFormatter(typer.Context.formatter_class):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE if prefix is None else prefix)


class _FrenchContext(typer.Context):
    formatter_class = _FrenchFormatter


def _frenchify(cmd, parent: typer.Context | None = None) -> None:
    cmd.context_class = _FrenchContext
    cmd.options_metavar = "[PARAMÈTRES]"
    if hasattr(cmd, "subcommand_metavar"):
        cmd.subcommand_metavar = "COMMANDE [ARGUMENTS]..."
    ctx = _FrenchContext(cmd, info_name=cmd.name, parent=parent)
    option = cmd.get_help_option(ctx)  # built once and cached by the command
    if option is not None:
        option.help = HELP_OPTION
    for sub in getattr(cmd, "commands", {}).values():
        _frenchify(sub, ctx)


def french(exc: QfqError) -> str:
    """The error as the user reads it: where, what was wrong, what is valid."""
    text = f"{exc.where} : {exc.message}" if exc.where else exc.message
    return text + (f" (valeurs possibles : {exc.valid})" if exc.valid else "")


def command():
    """The Click command of the app with its help in French (what `qfq` runs)."""
    cmd = typer.main.get_command(app)
    _frenchify(cmd)
    return cmd


def main() -> None:
    try:
        command()(prog_name="qfq")
    except QfqError as exc:
        err.print(f"[red]erreur :[/red] {french(exc)}", soft_wrap=True, markup=True, highlight=False)
        sys.exit(2)
