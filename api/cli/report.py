"""The ingest report as a table on the terminal, in French; at its natural width when stdout is a file or a
pipe (no cell squeezed to 80 columns)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from api.cli.common import out
from api.report import STATUSES, IngestReport

COLUMNS = ("document", "statut", "actions", "hiérarchie", "formes", "champs manquants", "erreur ou remarques")
PIPE_WIDTH = 10_000  # what "no limit" means when stdout is not a terminal


def _notes(error: str | None, warnings: list[str]) -> str:
    if error:
        return error
    more = f" (+{len(warnings) - 3})" if len(warnings) > 3 else ""
    return "; ".join(warnings[:3]) + more


def report_table(report: IngestReport) -> Table:
    table = Table(title="Rapport de lecture", show_lines=False)
    for col in COLUMNS:
        table.add_column(col, overflow="fold")
    for d in report.documents:
        missing = ", ".join(f"{k}×{v}" for k, v in sorted(d.fields_missing.items()))
        shapes = ", ".join(f"{k}×{v}" for k, v in sorted(d.shapes.items()))
        levels = " › ".join(f"{k} {v}" for k, v in d.hierarchy.items() if k != "actions")
        style = {"error": "red", "unchanged": "dim", "skipped": "yellow"}.get(d.status, "")
        status = STATUSES.get(d.status, d.status)
        row = (
            Path(d.file).name,
            status,
            str(d.actions),
            levels,
            shapes,
            missing,
            _notes(d.error, d.warnings),
        )
        table.add_row(*row, style=style)
    return table


def totals_line(report: IngestReport) -> str:
    t = report.to_dict()["totals"]
    return (
        f"documents : {t['documents']}  actions : {t['actions']}  organisations : {t['entities']}  "
        f"territoires : {t['territories']} (sans code officiel : {t['unmatched_territories']})  "
        f"erreurs : {t['errors']}  ignorés : {t['skipped']}"
    )


def print_report(report: IngestReport, console: Console = out) -> None:
    if not console.is_terminal:  # a file or a pipe: every cell whole, one line per row
        console = Console(file=console.file, width=PIPE_WIDTH, no_color=True, highlight=False)
    console.print(report_table(report))
    console.print(totals_line(report), soft_wrap=True)
    if report.unmatched_territories:
        line = "territoires sans code officiel : " + "; ".join(report.unmatched_territories)
        console.print(line, style="dim", soft_wrap=True)
