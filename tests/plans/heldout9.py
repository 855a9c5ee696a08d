"""The ninth held-out set of test plans (issue 9): an honest measure after the eighth was used for fixes.

Sources are ``sources/heldout9/`` (invented, written for the tests); what a parser should find is
``heldout9.toml``, written by hand before the parser was first run on these documents. Families and
layouts none of the earlier sets has:

- ``ccas.docx``: the action plan of a CCAS's analyse des besoins sociaux as a DOCX with NO heading style:
  every paragraph "Normal", levels told apart only by the bold and size of their runs; "Orientation A" and
  actions numbered "A1", "B2" (a letter glued to a number, no unit word); bold run-in labels;
- ``stspd.csv``: a stratégie territoriale de sécurité et de prévention de la délinquance as an ISO-8859-1,
  semicolon-separated CSV with CRLF, one row per node of the tree: the hierarchy only in the depth of the
  "N°" column ("1", "1.1", "1.1.1"), no type column, grouping rows with empty fields;
- ``pnr.pdf``: the measures of a parc naturel régional's charter as a PDF: "Vocation n" headings (a level
  word no earlier set has), each "Mesure n.a" title in a coloured band above a two-column label | value
  table, its description in continuation rows with an empty label, a table cut by a page break
  (``heldout9_pdf.py``);
- ``tourisme.xlsx``: a schéma de développement touristique as a workbook of one sheet per axe, a merged
  title row "Axe n – Titre" above the header, the "Objectif" column as vertically merged cells, an action
  numbered "4 bis";
- ``ptsm.html``: a projet territorial de santé mentale as a web page: a summary table of the actions first,
  "Priorité n –" h2 headings, each action a ``<details>`` whose ``<summary>`` is "Action n – Titre" (one
  "Action 2 bis"), bold run-in labels in paragraphs.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
from docx.shared import Pt
from openpyxl.styles import Alignment, Font

from . import heldout
from .heldout9_pdf import render_band_table_pdf
from .model import DASH, HeldOutSet, Plan

SET = HeldOutSet("heldout9")
expected, plan = SET.expected, SET.plan


def _copy(name: str) -> Callable[[Path], object]:
    """A document committed as is (written by hand)."""
    return lambda path: shutil.copyfile(SET.sources / name, path)


# -- DOCX: no heading style, levels only by direct formatting ----------------------------------------------
def _styled(document, text: str, size: float, bold: bool = True) -> None:
    run = document.add_paragraph().add_run(text)  # style "Normal"
    run.bold = bold
    run.font.size = Pt(size)


def _run_in(document, label: str, value: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label} :").bold = True
    paragraph.add_run(f" {value}")


def render_direct_format_docx(p: Plan, path: Path) -> Path:
    document = docx.Document()
    _styled(document, p.title, 22)
    _styled(document, p.issuer, 13, bold=False)
    for section in p.before:
        _styled(document, section.heading, 16)
        for text in section.paragraphs:
            document.add_paragraph(text)
    for group in p.groups:
        _styled(document, f"{group.ref} {DASH} {group.title}", 16)
        for action in group.actions:
            _styled(document, f"{action.ref} {DASH} {action.title}", 13)
            for label, value in action.fields:
                _run_in(document, label, value)
            for text in action.body:
                document.add_paragraph(text)
    for section in p.after:
        _styled(document, section.heading, 16)
        for acronym, meaning in section.entries:
            document.add_paragraph(f"{acronym} : {meaning}")
    document.save(str(path))
    return path


# -- XLSX: one sheet per axe, a merged title row, the objectif as vertically merged cells -------------------
def render_sheet_per_axe_xlsx(p: Plan, path: Path) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    labels = ["Porteur", "Partenaires", "Coût estimé (€)", "Échéance"]
    header = ["Objectif", "N°", "Action", *labels]
    for axe in p.groups:
        sheet = book.create_sheet(axe.ref)
        sheet.append([f"{axe.ref} {DASH} {axe.title}"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([])
        sheet.append(header)
        for objectif in axe.groups:
            first = sheet.max_row + 1
            for n, action in enumerate(objectif.actions):
                values = [action.field_value(label) for label in labels]
                values = [int(v) if v.isdigit() else v for v in values]
                name = f"{objectif.ref} {DASH} {objectif.title}" if n == 0 else None
                sheet.append([name, action.ref, action.title, *values])
            last = sheet.max_row
            if last > first:
                sheet.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)
            sheet.cell(first, 1).alignment = Alignment(vertical="center", wrap_text=True)
    book.save(path)
    return path


def _rendered(render: Callable[[Plan, Path], Path], key: str) -> Callable[[Path], object]:
    """A document drawn from the plan ``sources/heldout9/<key>.toml``."""
    return lambda path: render(plan(key), path)


RENDERERS = {
    "ccas.docx": render_direct_format_docx,
    "pnr.pdf": render_band_table_pdf,
    "tourisme.xlsx": render_sheet_per_axe_xlsx,
}
SPECS: dict[str, Callable[[Path], object]] = {
    **{name: _rendered(render, Path(name).stem) for name, render in RENDERERS.items()},
    **{name: _copy(name) for name in ("stspd.csv", "ptsm.html")},
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the ninth held-out documents into ``directory``; returns name -> path."""
    return heldout.write(SPECS, directory, names)
