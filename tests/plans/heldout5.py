"""The fifth held-out set of test plans (issue 9): an honest measure after the fourth set was used for fixes.

Sources are ``sources/heldout5/`` (invented, written for the tests); what a parser should find is
``heldout5.toml``, written by hand before the parser was first run on these documents. Families, level
words, numbering and layouts none of the earlier sets has, as other authors and other tools would make them:

- ``prith.docx``: a plan régional d'insertion des travailleurs handicapés from a house template:
  "Priorité n –" and "Chantier n.m –" in custom styles "Titre Priorité" / "Titre Chantier" based on the
  built-in headings, "Action n°N –" in a custom style with no outline level, fields as paragraphs opening
  with a bold run-in label (one label no lexicon has: « Points de vigilance »);
- ``sraddet.pdf``: the rule book of a schéma régional as a landscape PDF (reportlab): "Chapitre I –",
  "Règle n°N –", each rule a grid table with its labels in a shaded left column; the "Mesures
  d'accompagnement" are lines "MA n.m – …" inside one cell (``heldout5_pdf.py``);
- ``gpect.pdf``: a GPECT action plan in three columns (reportlab) whose headings have no number and no
  level word: only their size and weight tell axes from actions (``heldout5_pdf.py``);
- ``leader.odt``: a LEADER strategy: "Volet A –" / "Fiche-dispositif A.1 –" outline headings, each fiche one
  table whose "Rubrique | Contenu" first row is a repeated header row (table:table-header-rows);
- ``egalite.xlsx``: a commune's equality plan as a workbook: the domain as a column filled on every row, an
  id column and an "old wording" column hidden, a follow-up notes column no lexicon names;
- ``dechets.csv``: a waste-prevention programme as CSV in UTF-8 with a byte-order mark, commas, CRLF and
  quoted cells over several lines (partners one per line);
- ``feuille.html``: a regional circular-economy roadmap: "Objectif n" (h2) > "Levier n.m" (h3) > "Action
  n.m.a" (h4), the fields of each action a ``<dl>`` definition list, a glossary as a ``<dl>`` too;
- ``plh.txt``: a programme local de l'habitat exported from an outliner: the hierarchy only by tab
  indentation, no number and no level word.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt
from odf import teletype
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import P
from openpyxl.styles import Font

from . import heldout
from .heldout5_pdf import render_grid_pdf, render_three_columns_pdf
from .model import DASH, Action, HeldOutSet, Plan
from .render_docx import _header_footer
from .render_odt import OdtWriter, emit_plan, heading_styles

SET = HeldOutSet("heldout5")
expected, plan = SET.expected, SET.plan


def _copy(name: str) -> Callable[[Path], object]:
    """A document committed as is (written by hand)."""
    return lambda path: shutil.copyfile(SET.sources / name, path)


# -- DOCX: custom "Titre …" styles, bold run-in labels ------------------------------------------------------
def _custom_styles(document) -> dict[str, object]:
    styles = {}
    for name, base in (("Titre Priorité", "Heading 1"), ("Titre Chantier", "Heading 2")):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles[base]
        styles[name] = style
    action = document.styles.add_style("Intitulé action", WD_STYLE_TYPE.PARAGRAPH)
    action.base_style = document.styles["Normal"]
    action.font.bold = True
    action.font.size = Pt(12)
    styles["Intitulé action"] = action
    return styles


def _run_in(document, label: str, value: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label} :").bold = True
    paragraph.add_run(f" {value}")


def render_house_styles_docx(p: Plan, path: Path) -> Path:
    document = docx.Document()
    styles = _custom_styles(document)
    _header_footer(document, p)
    document.add_paragraph(p.title, style="Title")
    document.add_paragraph(p.issuer)
    for section in p.before:
        document.add_paragraph(section.heading, style=styles["Titre Priorité"])
        for text in section.paragraphs:
            document.add_paragraph(text)
    for priority in p.groups:
        document.add_paragraph(f"{priority.ref} {DASH} {priority.title}", style=styles["Titre Priorité"])
        for chantier in priority.groups:
            document.add_paragraph(f"{chantier.ref} {DASH} {chantier.title}", style=styles["Titre Chantier"])
            for action in chantier.actions:
                document.add_paragraph(f"{action.ref} {DASH} {action.title}", style=styles["Intitulé action"])
                for label, value in action.fields:
                    _run_in(document, label, value)
    for section in p.after:
        document.add_paragraph(section.heading, style=styles["Titre Priorité"])
        for text in section.paragraphs:
            document.add_paragraph(text)
        for acronym, meaning in section.entries:
            _run_in(document, acronym, meaning)
    document.save(str(path))
    return path


# -- ODT: outline headings, one table per fiche with a repeated header row -------------------------------
class _LongTables(OdtWriter):
    def __init__(self) -> None:
        super().__init__()
        self.headings = heading_styles(self.odt, 2)
        self.bold = Style(name="Bold", family="text")
        self.bold.addElement(TextProperties(fontweight="bold"))
        self.odt.automaticstyles.addElement(self.bold)
        self.first = Style(name="RubriqueCol", family="table-column")
        self.first.addElement(TableColumnProperties(columnwidth="5cm"))
        self.odt.automaticstyles.addElement(self.first)
        self.count = 0

    def fiche_table(self, rows: list[tuple[str, str]]) -> None:
        self.count += 1
        table = Table(name=f"Tableau{self.count}")
        table.addElement(TableColumn(stylename=self.first))
        table.addElement(TableColumn())
        header = TableHeaderRows()
        header.addElement(self._row(("Rubrique", "Contenu")))
        table.addElement(header)
        for row in rows:
            table.addElement(self._row(row))
        self.odt.text.addElement(table)

    def _row(self, texts: tuple[str, str]) -> TableRow:
        tr = TableRow()
        for text in texts:
            cell = TableCell(valuetype="string")
            for line in text.split("\n"):
                p = P()
                teletype.addTextToElement(p, line)
                cell.addElement(p)
            tr.addElement(cell)
        return tr


def render_long_tables_odt(p: Plan, path: Path) -> Path:
    doc = _LongTables()

    def fiche(doc: _LongTables, action, level: int) -> None:
        doc.heading(f"{action.ref} {DASH} {action.title}", level)
        doc.fiche_table(action.fields)

    emit_plan(doc, p, fiche)
    doc.odt.save(str(path))
    return path


# -- XLSX: hidden columns, a notes column ---------------------------------------------------------------
def _equality_row(domain: str, action: Action, labels: list[str]) -> list[str]:
    values = dict(action.fields)
    return [action.ref, domain, action.title, action.code] + [values[x] or None for x in labels]


def render_hidden_columns_xlsx(p: Plan, path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan d'action"
    labels = [k for k, _ in p.groups[0].actions[0].fields]
    sheet.append(["Réf.", "Domaine d'action", "Action", "Libellé court (ancien)"] + labels)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for group in p.groups:
        for action in group.actions:
            sheet.append(_equality_row(group.title, action, labels))
    for column in ("A", "D"):
        sheet.column_dimensions[column].hidden = True
    book.save(str(path))
    return path


SPECS: dict[str, Callable[[Path], object]] = {
    "prith.docx": lambda path: render_house_styles_docx(plan("prith"), path),
    "sraddet.pdf": lambda path: render_grid_pdf(plan("sraddet"), path),
    "gpect.pdf": lambda path: render_three_columns_pdf(plan("gpect"), path),
    "leader.odt": lambda path: render_long_tables_odt(plan("leader"), path),
    "egalite.xlsx": lambda path: render_hidden_columns_xlsx(plan("egalite"), path),
    "dechets.csv": _copy("dechets.csv"),
    "feuille.html": _copy("feuille.html"),
    "plh.txt": _copy("plh.txt"),
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the fifth held-out documents into ``directory``; returns name -> path."""
    return heldout.write(SPECS, directory, names)
