"""The tenth held-out set of test plans (issue 9): an honest measure after the eighth was used for fixes
(named 10 because another helper wrote a ninth set in parallel, with other shapes).

Sources are ``sources/heldout10/`` (invented, written for the tests); what a parser should find is
``heldout10.toml``, written by hand before the parser was first run on these documents. Families and
layouts none of the earlier sets has:

- ``lecture.pdf``: a schéma départemental de la lecture publique as a landscape PDF whose programme is ONE
  table: a repeated header row, each orientation a shaded row spanning the table, one row per action (the
  title in bold at the top of its cell, a description below), cut by a page break (``heldout10_pdf.py``);
- ``ctair.docx``: a contrat territorial d'accueil et d'intégration des réfugiés whose programme is ONE Word
  table: Axe | N° | Action | Pilote | Partenaires | Calendrier, the axe cell vertically merged (w:vMerge)
  over its rows, the title and a description paragraph in one cell;
- ``sport.docx``: a feuille de route sport-santé laid out like a brochure: Heading 1 axes, each fiche a
  whole floating text box (title, "Label : value" lines, prose) with its VML fallback (the fiche twice in
  the XML), anchored in an empty paragraph;
- ``cdv.txt``: a contrat de ville as plain text with FOUR levels, « PILIER n – » in capitals, « Orientation
  n.m », « Objectif opérationnel n.m.p » (a grouping level here, actions below it) and « Action n »
  numbered through the document, one « Action 3 bis »;
- ``pcaet.md``: a PCAET as pandoc Markdown: « ## 1. Titre » axes and « ### 1.a Titre » actions (a number
  and a letter), the fields as definition lists (``Label`` then ``:   value``), the glossary one too.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from html import escape
from pathlib import Path

import docx
from docx.oxml import parse_xml

from . import heldout
from .heldout10_pdf import render_programme_table_pdf
from .model import DASH, HeldOutSet, Plan
from .render_docx import add_parts

SET = HeldOutSet("heldout10")
expected, plan = SET.expected, SET.plan


def _copy(name: str) -> Callable[[Path], object]:
    """A document committed as is (written by hand)."""
    return lambda path: shutil.copyfile(SET.sources / name, path)


# -- DOCX: the programme as one table, the axe cell merged down its rows -----------------------------------
TABLE_COLUMNS = ("Axe", "N°", "Action", "Pilote", "Partenaires", "Calendrier")


def render_programme_table_docx(p: Plan, path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph(p.title, style="Title")
    document.add_paragraph(p.issuer)
    add_parts(document, p.before)
    document.add_heading("Programme d'actions", level=1)
    rows = sum(len(g.actions) for g in p.groups)
    table = document.add_table(rows=rows + 1, cols=len(TABLE_COLUMNS))
    table.style = "Table Grid"
    for k, name in enumerate(TABLE_COLUMNS):
        table.cell(0, k).paragraphs[0].add_run(name).bold = True
    r = 1
    for group in p.groups:
        first = r
        for action in group.actions:
            table.cell(r, 1).text = action.ref
            title = table.cell(r, 2)
            title.paragraphs[0].add_run(action.title).bold = True
            for text in action.body:
                title.add_paragraph(text)
            for k, name in enumerate(TABLE_COLUMNS[3:], start=3):
                table.cell(r, k).text = action.field_value(name)
            r += 1
        merged = table.cell(first, 0).merge(table.cell(r - 1, 0))
        merged.text = f"{group.ref} {DASH} {group.title}"
    add_parts(document, p.after)
    document.save(str(path))
    return path


# -- DOCX: each fiche a whole floating text box ---------------------------------------------------------
NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _box_paragraph(text: str, bold: bool = False, size: int = 0) -> str:
    rpr = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size}"/>' if size else "")
    rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:p><w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _box_anchor(paras: str, number: int) -> str:
    return (
        f'<w:p {NS}><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="2" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="5760000" cy="2700000"/><wp:wrapTopAndBottom/>'
        f'<wp:docPr id="{number}" name="Zone de texte {number}"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/>'
        f"<wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape style="position:absolute;width:453.5pt;height:212.6pt">'
        f"<v:textbox><w:txbxContent>{paras}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )


def render_text_box_docx(p: Plan, path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph(p.title, style="Title")
    document.add_paragraph(p.issuer)
    add_parts(document, p.before)
    body = document.element.body
    number = 10
    for group in p.groups:
        document.add_heading(f"{group.ref} {DASH} {group.title}", level=1)
        for action in group.actions:
            number += 1
            paras = _box_paragraph(f"{action.ref} {DASH} {action.title}", bold=True, size=28)
            paras += "".join(_box_paragraph(f"{label} : {value}") for label, value in action.fields)
            paras += "".join(_box_paragraph(text) for text in action.body)
            body.insert(len(body) - 1, parse_xml(_box_anchor(paras, number)))
            document.add_paragraph("")
    add_parts(document, p.after)
    document.save(str(path))
    return path


def _rendered(render: Callable[[Plan, Path], Path], key: str) -> Callable[[Path], object]:
    """A document drawn from the plan ``sources/heldout10/<key>.toml``."""
    return lambda path: render(plan(key), path)


RENDERERS = {
    "lecture.pdf": render_programme_table_pdf,
    "ctair.docx": render_programme_table_docx,
    "sport.docx": render_text_box_docx,
}
SPECS: dict[str, Callable[[Path], object]] = {
    **{name: _rendered(render, Path(name).stem) for name, render in RENDERERS.items()},
    **{name: _copy(name) for name in ("cdv.txt", "pcaet.md")},
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the tenth held-out documents into ``directory``; returns name -> path."""
    return heldout.write(SPECS, directory, names)
