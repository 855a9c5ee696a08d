"""The ingest report as a table on the terminal."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from api.cli.common import out
from api.report import IngestReport


def print_report(report: IngestReport) -> None:
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
