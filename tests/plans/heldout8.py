"""The eighth held-out set of test plans (issue 9): an honest measure after the seventh was used for fixes.

Sources are ``sources/heldout8/`` (invented, written for the tests); what a parser should find is
``heldout8.toml``, written by hand before the parser was first run on these documents. Families and
layouts none of the earlier sets has:

- ``pvif.pdf``: a plan départemental de lutte contre les violences intrafamiliales as a portrait PDF, each
  action on its page with its fields in a shaded side panel on the LEFT (``heldout8_pdf.py``);
- ``cpts.docx``: a CPTS projet de santé whose levels are only a multilevel automatic list (``w:numPr``,
  the list definition drawing "Mission 1 –" and "Action 1.1 –"), no heading style, no number in the text;
- ``papi.ods``: a programme d'actions de prévention des inondations as an OpenDocument spreadsheet, a
  title and subtitle above a header on row 4, the axe on every row, costs as numbers;
- ``pvd.txt``: a programme de revitalisation de centre-bourg as plain text numbered "I. / A. / 1." (roman
  parts in capitals, letter orientations, actions numbered again under each orientation, no level word);
- ``contrat.html``: a contrat territorial eau et milieux aquatiques as a web page whose programme is one
  nested list: ``<ol>`` of "Enjeu n :" items, each holding an ``<ol>`` of "Opération n.m –" items, each
  holding a ``<ul>`` of "Label : value" fields.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from odf import teletype
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from . import heldout
from .heldout8_pdf import render_left_panel_pdf
from .model import HeldOutSet, Plan
from .render_docx import emit_plan

SET = HeldOutSet("heldout8")
expected, plan = SET.expected, SET.plan


def _copy(name: str) -> Callable[[Path], object]:
    """A document committed as is (written by hand)."""
    return lambda path: shutil.copyfile(SET.sources / name, path)


# -- DOCX: levels only as a multilevel automatic list, no heading style ------------------------------------
NUM_ID, ABSTRACT_ID = 41, 40
LEVELS = (("Mission %1 \u2013", "decimal"), ("Action %1.%2 \u2013", "decimal"))


def _numbering(document) -> None:
    levels = "".join(
        f'<w:lvl w:ilvl="{k}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{360 * (k + 1)}" w:hanging="360"/></w:pPr>'
        f"<w:rPr><w:b/></w:rPr></w:lvl>"
        for k, (text, fmt) in enumerate(LEVELS)
    )
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{ABSTRACT_ID}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )
    num = parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{NUM_ID}"><w:abstractNumId w:val="{ABSTRACT_ID}"/></w:num>'
    )
    first_num = numbering.find(abstract.tag.replace("abstractNum", "num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(num)


def _listed(document, text: str, level: int) -> None:
    paragraph = document.add_paragraph(style="List Paragraph")
    paragraph.add_run(text).bold = True
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{NUM_ID}"/></w:numPr>')
    )


def render_list_levels_docx(p: Plan, path: Path) -> Path:
    document = docx.Document()
    _numbering(document)

    def fiche(document, action) -> None:
        _listed(document, action.title, 1)
        for label, value in action.fields:
            document.add_paragraph(f"{label} : {value}")
        for text in action.body:
            document.add_paragraph(text)

    emit_plan(document, p, fiche, group=lambda document, g: _listed(document, g.title, 0))
    document.save(str(path))
    return path


# -- ODS: title and subtitle above a header on row 4, the axe on every row ----------------------------------
def _cell(value: str) -> TableCell:
    number = value.isdigit()
    cell = TableCell(valuetype="float", value=value) if number else TableCell(valuetype="string")
    if value:
        text = P()
        teletype.addTextToElement(text, value)
        cell.addElement(text)
    return cell


def _ods_row(values: list[str]) -> TableRow:
    row = TableRow()
    for value in values:
        row.addElement(_cell(value))
    return row


def render_ods(p: Plan, path: Path) -> Path:
    book = OpenDocumentSpreadsheet()
    sheet = Table(name="Programme d'actions")
    first = p.groups[0].actions[0]
    header = ["Axe", "N°", "Intitulé de l'action"] + [label for label, _ in first.fields]
    sheet.addElement(_ods_row([p.title]))
    sheet.addElement(_ods_row([p.issuer]))
    sheet.addElement(_ods_row([]))
    sheet.addElement(_ods_row(header))
    for group in p.groups:
        for action in group.actions:
            values = [f"{group.ref} - {group.title}", action.ref, action.title]
            sheet.addElement(_ods_row(values + [value for _, value in action.fields]))
    book.spreadsheet.addElement(sheet)
    book.save(str(path))
    return path


def _rendered(render: Callable[[Plan, Path], Path], key: str) -> Callable[[Path], object]:
    """A document drawn from the plan ``sources/heldout8/<key>.toml``."""
    return lambda path: render(plan(key), path)


RENDERERS = {"pvif.pdf": render_left_panel_pdf, "cpts.docx": render_list_levels_docx, "papi.ods": render_ods}
SPECS: dict[str, Callable[[Path], object]] = {
    **{name: _rendered(render, Path(name).stem) for name, render in RENDERERS.items()},
    **{name: _copy(name) for name in ("pvd.txt", "contrat.html")},
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the eighth held-out documents into ``directory``; returns name -> path."""
    return heldout.write(SPECS, directory, names)
