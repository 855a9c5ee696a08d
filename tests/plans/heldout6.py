"""The sixth held-out set of test plans (issue 9): an honest measure after the fifth set was used for fixes.

Sources are ``sources/heldout6/`` (invented, written for the tests); what a parser should find is
``heldout6.toml``, written by hand before the parser was first run on these documents. Families, level
words and layouts none of the earlier sets has:

- ``sdsf.docx``: a schéma départemental des services aux familles: "Orientation n" (Heading 1), "Fiche
  action n° n.m" (Heading 2), each fiche a horizontal table: a caption row merged across the columns,
  then rows of labels each above a row of values;
- ``ppbe.pdf``: a plan de prévention du bruit as a landscape PDF, a divider page per "Thème", then two
  fiches per page side by side, the theme as a running header of its fiche pages (``heldout6_pdf.py``);
- ``climat.odt``: a département's plan climat: "Ambition n" > "Engagement n.m" > "Action n.m.p" outline
  headings, fields as a bulleted list of "Label : value" items, sub-actions "n.m.p a) …" as paragraphs;
- ``mesures.html``: a national plan "Priorité n :" (h2 in ``<section>``) > "Mesure phare n –" (h3 in
  ``<article>``), each fiche a ``<table>`` of ``<th scope=row>`` labels, a sommaire ``<nav>``, "Chiffre
  clé" asides, a glossary table;
- ``sobriete.xlsx``: a commune's energy-saving plan: a "Lisez-moi" sheet first, then a two-row header
  (group captions merged above the column names), the theme only on the first row of its actions;
- ``pedt.csv``: a projet éducatif de territoire exported as a tree: one row per node, a "Type" column
  ("Axe" / "Action"), axis rows with empty fields, semicolons, a title line above the header;
- ``ctg.md``: a convention territoriale globale in Markdown: axes and actions as nested numbered lists
  (no level word, no heading per action), fields as bullets nested under each action;
- ``pdalhpd.pdf``: a PDALHPD as a portrait PDF: "AXE n" headings in capitals, each fiche one grid table
  whose first rows hold "FICHE ACTION N° n.m" and the title, then two label / value pairs per row
  (``heldout6_pdf.py``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
from odf import teletype
from odf.style import ParagraphProperties, Style, TextProperties
from odf.text import P
from openpyxl.styles import Alignment, Font

from . import heldout
from .heldout6_pdf import render_side_by_side_pdf, render_titled_grid_pdf
from .model import DASH, Action, HeldOutSet, Plan
from .render_docx import _header_footer
from .render_docx import emit_plan as emit_plan_docx
from .render_odt import OdtWriter, emit_plan, heading_styles

SET = HeldOutSet("heldout6")
expected, plan = SET.expected, SET.plan


def _copy(name: str) -> Callable[[Path], object]:
    """A document committed as is (written by hand)."""
    return lambda path: shutil.copyfile(SET.sources / name, path)


# -- DOCX: horizontal fiche tables (labels above values) ----------------------------------------------------
def _horizontal_table(document, action: Action, columns: int = 3) -> None:
    pairs = action.fields
    bands = [pairs[k : k + columns] for k in range(0, len(pairs), columns)]
    table = document.add_table(rows=1 + 2 * len(bands), cols=columns)
    table.style = "Table Grid"
    caption = table.cell(0, 0).merge(table.cell(0, columns - 1))
    caption.text = "Mise en œuvre"
    caption.paragraphs[0].runs[0].bold = True
    for b, band in enumerate(bands):
        for c, (label, value) in enumerate(band):
            table.cell(1 + 2 * b, c).text = label
            table.cell(1 + 2 * b, c).paragraphs[0].runs[0].bold = True
            table.cell(2 + 2 * b, c).text = value


def render_horizontal_tables_docx(p: Plan, path: Path) -> Path:
    document = docx.Document()
    _header_footer(document, p)

    def fiche(document, action: Action) -> None:
        document.add_heading(f"{action.ref} {DASH} {action.title}", level=2)
        _horizontal_table(document, action)
        document.add_paragraph("")

    emit_plan_docx(document, p, fiche)
    document.save(str(path))
    return path


# -- ODT: three outline levels, fields as a bulleted list, sub-action paragraphs -------------------------
class _ListFields(OdtWriter):
    def __init__(self) -> None:
        super().__init__()
        self.headings = heading_styles(self.odt, 3)
        self.step = Style(name="Sous-action", family="paragraph")
        self.step.addElement(ParagraphProperties(marginleft="1cm"))
        self.step.addElement(TextProperties(fontstyle="italic"))
        self.odt.styles.addElement(self.step)

    def step_para(self, text: str) -> None:
        p = P(stylename=self.step)
        teletype.addTextToElement(p, text)
        self.odt.text.addElement(p)


def render_list_fields_odt(p: Plan, path: Path) -> Path:
    doc = _ListFields()

    def action(doc: _ListFields, action: Action, level: int) -> None:
        doc.heading(f"{action.ref} {DASH} {action.title}", level)
        doc.bullets([f"{label} : {value}" for label, value in action.fields])
        for step in action.steps:
            doc.step_para(f"{step.ref} {step.title}")

    emit_plan(doc, p, action)
    doc.odt.save(str(path))
    return path


# -- XLSX: a notice sheet first, a two-row header, the theme on the first row of its actions ---------------
CAPTIONS = (("Action", 3), ("Pilotage", 2), ("Moyens", 1), ("Suivi", 3))
NOTICE = (
    "Ce classeur présente le plan de sobriété énergétique adopté par le conseil municipal.",
    "L'onglet « Plan d'actions » liste une action par ligne ; la colonne « État d'avancement » est mise à "
    "jour chaque trimestre par le service des bâtiments.",
    "Contact : service des bâtiments, poste 4120.",
)


def render_two_row_header_xlsx(p: Plan, path: Path) -> Path:
    book = openpyxl.Workbook()
    notice = book.active
    notice.title = "Lisez-moi"
    notice.append([p.title])
    notice["A1"].font = Font(bold=True, size=14)
    for line in NOTICE:
        notice.append([line])
    sheet = book.create_sheet("Plan d'actions")
    column = 1
    for caption, span in CAPTIONS:
        sheet.cell(row=1, column=column, value=caption).font = Font(bold=True)
        if span > 1:
            sheet.merge_cells(start_row=1, start_column=column, end_row=1, end_column=column + span - 1)
        column += span
    labels = [k for k, _ in p.groups[0].actions[0].fields]
    sheet.append(["Thème", "N°", "Intitulé de l'action"] + labels)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for group in p.groups:
        for k, action in enumerate(group.actions):
            values = dict(action.fields)
            cost = values["Coût (€ TTC)"]
            row = [group.title if k == 0 else None, action.ref, action.title]
            row += [int(cost) if label == "Coût (€ TTC)" else values[label] for label in labels]
            sheet.append(row)
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(str(path))
    return path


SPECS: dict[str, Callable[[Path], object]] = {
    "sdsf.docx": lambda path: render_horizontal_tables_docx(plan("sdsf"), path),
    "ppbe.pdf": lambda path: render_side_by_side_pdf(plan("ppbe"), path),
    "climat.odt": lambda path: render_list_fields_odt(plan("climat"), path),
    "mesures.html": _copy("mesures.html"),
    "sobriete.xlsx": lambda path: render_two_row_header_xlsx(plan("sobriete"), path),
    "pedt.csv": _copy("pedt.csv"),
    "ctg.md": _copy("ctg.md"),
    "pdalhpd.pdf": lambda path: render_titled_grid_pdf(plan("pdalhpd"), path),
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the sixth held-out documents into ``directory``; returns name -> path."""
    return heldout.write(SPECS, directory, names)
