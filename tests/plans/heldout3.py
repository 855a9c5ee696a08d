"""The third held-out set of test plans (issue 9): an honest measure after the second set was used for fixes.

Sources are ``sources/heldout3/*.toml`` (invented, written for the tests); what a parser should find is
``heldout3.toml``, written by hand before the parser was first run on these documents. Families, words and
layouts that none of the earlier sets has, as another author would write them:

- ``spie.docx``: a SPIE roadmap, Heading 1 "Orientation n", Heading 2 "Fiche n.m", each fiche a two-column
  table headed "Intitulé | Contenu" with a section row across both columns and a label cell over two rows;
- ``pcaet_lettres.md``: a PCAET as Markdown, "Axe stratégique A / Objectif opérationnel A.1 / Action A.1.2",
  bold run-in labels, lettered sub-actions in a list;
- ``prse.pdf``: a plan régional santé-environnement, Roman-numbered axes, lettered sub-actions in the body,
  two columns, a side panel per action, the running header following the axe, "- n -" page numbers;
- ``sdi.odt``: a schéma départemental d'insertion whose headings are numbered by the styles' outline
  numbering (I., I.1 — no number in the text), actions with no unit word;
- ``ville.xlsx``: a contrat de ville's programme, three grouping columns shown as merged cells, column names
  of another tool, multi-line cells;
- ``ptce.csv``: a PTCE's programme as a Windows-1252, semicolon-separated CSV, projects with sub-project rows;
- ``pauvrete.txt``: an anti-poverty strategy as text, a breadcrumb line "Engagement 1 > Fiche 1.2" above
  each title, labels in capitals on their own line with the value below.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from odf.style import ListLevelProperties
from odf.text import OutlineLevelStyle, OutlineStyle
from openpyxl.styles import Alignment

from . import heldout
from .model import DASH, Action, Group, HeldOutSet, Plan, walk_actions, walk_groups
from .pdf_plans import PdfOptions, render_pdf
from .render_docx import render_fiche_docx
from .render_odt import OdtWriter, heading_styles

SET = HeldOutSet("heldout3")
expected, plan = SET.expected, SET.plan


# -- DOCX: Heading 1-2, fiche tables "Intitulé | Contenu" with merged cells ----------------------------------
SECTION_BEFORE = "Calendrier"  # a row across the table ("Mise en œuvre") opens the fiche's second part
SPLIT_LABEL = "Partenaires"  # its label cell runs over two rows, one per half of the value


def _shade(cell, colour: str = "D9E2F3") -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _fiche_rows(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(label, value) rows; ("", "") marks the merged section row; a split label gives two rows."""
    rows: list[tuple[str, str]] = [("Intitulé", "Contenu")]
    for label, value in fields:
        if label == SECTION_BEFORE:
            rows.append(("", ""))
        if label == SPLIT_LABEL and ", " in value:
            first, rest = value.split(", ", 1)
            rows += [(label, first), (label, rest)]
        else:
            rows.append((label, value))
    return rows


def _fiche_table(document, fields: list[tuple[str, str]]) -> None:
    rows = _fiche_rows(fields)
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for r, (label, value) in enumerate(rows):
        if (label, value) == ("", ""):
            merged = table.cell(r, 0).merge(table.cell(r, 1))
            merged.text = "Mise en œuvre"
            _shade(merged)
        elif r > 0 and rows[r - 1][0] == label:
            table.cell(r, 1).text = value
            table.cell(r - 1, 0).merge(table.cell(r, 0))
        else:
            table.cell(r, 0).text = label
            table.cell(r, 1).text = value
        if r == 0:
            _shade(table.cell(0, 0))
            _shade(table.cell(0, 1))


def render_fiche_table_docx(p: Plan, path: Path) -> Path:
    return render_fiche_docx(p, path, _fiche_table, group_sep=DASH, action_sep=":", footer=True)


# -- Markdown: lettered axes, bold run-in labels, lettered sub-actions ---------------------------------------
def _md_action(action: Action, out: list[str]) -> None:
    out += [f"### {action.ref} {DASH} {action.title}", ""]
    out += [x for text in action.body for x in (text, "")]
    for label, value in action.fields:
        out.append(f"**{label} :** {value}  ")
    out.append("")
    if action.steps:
        out += ["Sous-actions :", ""]
        out += [f"- {step.ref} {step.title}" for step in action.steps] + [""]


def render_lettered_markdown(p: Plan, path: Path) -> Path:
    out = [f"# {p.title}", "", f"*{p.issuer}*", ""]
    for part in p.before:
        out += [f"## {part.heading}", ""] + [x for t in part.paragraphs for x in (t, "")]
    for depth, group in walk_groups(p.groups):
        out += [f"{'#' * (depth + 1)} {group.ref} {DASH} {group.title}", ""]
        for action in group.actions:
            _md_action(action, out)
    for part in p.after:
        out += [f"## {part.heading}", ""] + [x for t in part.paragraphs for x in (t, "")]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


# -- ODT: headings numbered by the outline style, not in their text -----------------------------------------
class _OutlineOdt(OdtWriter):
    def __init__(self) -> None:
        super().__init__()
        self.headings = heading_styles(self.odt, 2, margin="0.2in")
        outline = OutlineStyle(name="Outline")
        for level, fmt in ((1, "I"), (2, "1")):
            number = OutlineLevelStyle(level=level, numformat=fmt, numsuffix=".", displaylevels=level)
            number.addElement(ListLevelProperties(minlabelwidth="0.4in"))
            outline.addElement(number)
        self.odt.styles.addElement(outline)


def render_outline_odt(p: Plan, path: Path) -> Path:
    doc = _OutlineOdt()
    doc.para(p.title)
    doc.para(p.issuer)
    for part in p.before:
        doc.heading(part.heading, 1)
        for text in part.paragraphs:
            doc.para(text)
    for group in p.groups:
        doc.heading(group.title, 1)
        for action in group.actions:
            doc.heading(action.title, 2)
            for label, value in action.fields:
                doc.para(f"{label} : {value}")
    for part in p.after:
        doc.heading(part.heading, 1)
        for a, m in part.entries:
            doc.para(f"{a} : {m}")
    doc.odt.save(str(path))
    return path


# -- XLSX: grouping columns as merged cells, multi-line cells ------------------------------------------------
GROUP_COLUMNS = ["Pilier", "Orientation stratégique", "Objectif opérationnel"]


def _group_label(group: Group) -> str:
    number = group.ref.split()[-1]
    return f"{number} - {group.title}"


def _leaf_rows(groups: list[Group], above: list[str]) -> list[tuple[list[str], Action]]:
    rows = []
    for group in groups:
        path = above + [_group_label(group)]
        rows += [(path, action) for action in group.actions]
        rows += _leaf_rows(group.groups, path)
    return rows


def _merge_runs(sheet, column: int, values: list[str], first_row: int) -> None:
    start = 0
    for k in range(1, len(values) + 1):
        if k == len(values) or values[k] != values[start]:
            if k - start > 1:
                top, bottom = first_row + start, first_row + k - 1
                sheet.merge_cells(start_row=top, end_row=bottom, start_column=column, end_column=column)
            start = k


def render_merged_groups_xlsx(p: Plan, path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Programme d'actions"
    rows = _leaf_rows(p.groups, [])
    labels = [k for k, _ in rows[0][1].fields]
    sheet.append(GROUP_COLUMNS + ["N° action", "Libellé de l'action"] + labels)
    for groups, action in rows:
        values = dict(action.fields)
        cells = [int(values[x]) if values[x].isdigit() else values[x] for x in labels]  # amounts as numbers
        sheet.append(groups + [action.ref, action.title] + cells)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column in range(1, len(GROUP_COLUMNS) + 1):
        _merge_runs(sheet, column, [g[column - 1] for g, _ in rows], 2)
    book.save(str(path))
    return path


# -- CSV: Windows-1252, semicolons, a project row then its sub-project rows ---------------------------------
def render_projects_cp1252_csv(p: Plan, path: Path) -> Path:
    first = p.all_actions()[0]
    labels = [k for k, _ in first.fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Enjeu", "Réf.", "Projet", "Sous-projet"] + labels)
    for group in p.groups:
        enjeu = f"{group.ref} : {group.title}"
        for action in walk_actions(group):
            values = dict(action.fields)
            writer.writerow([enjeu, action.ref, action.title, ""] + [values[x] for x in labels])
            for step in action.steps:
                values = dict(step.fields)
                writer.writerow([enjeu, step.ref, action.title, step.title] + [values[x] for x in labels])
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    return path


# -- text: breadcrumbs above the titles, labels in capitals above their values ------------------------------
def _text_value(value: str) -> list[str]:
    lines = value.split("\n")
    return [f"- {x}" for x in lines] if len(lines) > 1 else lines


def render_breadcrumb_text(p: Plan, path: Path) -> Path:
    out = [p.title.upper(), "", p.issuer, "", ""]
    for part in p.before:
        out += [part.heading.upper(), ""] + [x for t in part.paragraphs for x in (t, "")] + [""]
    for group in p.groups:
        out += [f"{group.ref.upper()} \u2014 {group.title.upper()}", "", ""]
        for action in group.actions:
            out += [f"{group.ref} > {action.ref}", action.title, ""]
            for label, value in action.fields:
                out += [label] + _text_value(value) + [""]
            out += [""]
    for part in p.after:
        out += [part.heading.upper(), ""] + [x for t in part.paragraphs for x in (t, "")]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


PANELS = PdfOptions(style="panel", footer="dash", header_from_group=True)
SPECS: dict[str, Callable[[Path], object]] = {
    "spie.docx": lambda path: render_fiche_table_docx(plan("spie"), path),
    "pcaet_lettres.md": lambda path: render_lettered_markdown(plan("pcaet_lettres"), path),
    "prse.pdf": lambda path: render_pdf(plan("prse"), path, PANELS),
    "sdi.odt": lambda path: render_outline_odt(plan("sdi"), path),
    "ville.xlsx": lambda path: render_merged_groups_xlsx(plan("ville"), path),
    "ptce.csv": lambda path: render_projects_cp1252_csv(plan("ptce"), path),
    "pauvrete.txt": lambda path: render_breadcrumb_text(plan("pauvrete"), path),
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the third held-out documents into ``directory``; returns name -> path."""
    return heldout.write(SPECS, directory, names)
