"""The fourth held-out set of test plans (issue 9): an honest measure after the third set was used for fixes.

Sources are ``sources/heldout4/`` (invented, written for the tests); what a parser should find is
``heldout4.toml``, written by hand before the parser was first run on these documents. Families and
layouts none of the earlier sets has, as other authors and other tools would produce them:

- ``pacte.pdf``: a national pact printed by headless Chromium (``heldout4_pdf.py``, the PDF committed):
  "Engagement n°X — Mesure n°N" with "Action 1 :" paragraphs, CSS two-column prose beside a floated side
  panel (« Impacts attendus », « Vecteur juridique », « Impact budgétaire », « Mise en œuvre »), pilots and
  partners only in the prose, running header and "n / N" footer from the print templates, footnotes;
- ``cls.pdf``: a contrat local de santé printed by Chromium: "Axe stratégique n – …" then "Fiche action
  n°n.m – …", each fiche a table whose header row repeats after a page break, a sommaire that lists a fiche
  the body no longer has;
- ``crte.docx``: a CRTE whose Heading 1/2 numbers ("Orientation stratégique 1 –", "Fiche-action 1.2 –")
  come from Word's automatic list numbering (w:numPr), fields in a two-column table without borders, cells
  with several lines;
- ``pti.xlsx``: a pacte territorial d'insertion as a workbook: a summary sheet, then one sheet per
  programme with a title line above its header row;
- ``spe.txt``: an SPE local roadmap as the text dump of a paged document: form feeds, a running header and
  "Page n/N" on each page, "CHANTIER n :" headings in capitals, "Mesure n°N :" titles wrapped over two lines,
  words hyphenated at line ends, a dotted sommaire;
- ``territoire.html``: an EPCI's projet de territoire as a page of its web site (menu, breadcrumb, cookie
  banner, side links, footer): "Ambition n" (h2), "Orientation n.m" (h3), the actions as table rows;
- ``mobilite.md``: a plan de mobilité simplifié from a documentation site: YAML front matter, "Thème n",
  "Action V1 ·" codes, a pipe table "Rubrique | Contenu" per action, a summary table at the end.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from openpyxl.styles import Font

from . import heldout
from .model import DASH, Action, HeldOutSet, Plan
from .render_docx import emit_plan

SET = HeldOutSet("heldout4")
expected, plan = SET.expected, SET.plan


def _copy(name: str) -> Callable[[Path], object]:
    """A document committed as is (written by hand, or printed once by a browser: heldout4_pdf.py)."""
    return lambda path: shutil.copyfile(SET.sources / name, path)


# -- DOCX: heading numbers from automatic list numbering, fields in a table without borders ------------------
NUM_ID = 41  # an id the default template does not use
_ABSTRACT = (
    f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{NUM_ID}"><w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/>'
    f'<w:lvlText w:val="Orientation stratégique %1 {DASH}"/><w:lvlJc w:val="left"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading2"/>'
    f'<w:lvlText w:val="Fiche-action %1.%2 {DASH}"/><w:lvlJc w:val="left"/></w:lvl>'
    "</w:abstractNum>"
)


def _add_numbering(document) -> None:
    numbering = document.part.numbering_part.element
    abstract = parse_xml(_ABSTRACT)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="{NUM_ID}"><w:abstractNumId w:val="{NUM_ID}"/></w:num>')
    )


def _numbered_heading(document, text: str, level: int) -> None:
    paragraph = document.add_heading(text, level=level)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level - 1
    num_pr.get_or_add_numId().val = NUM_ID


def _plain_table(document, fields: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=len(fields), cols=2)  # no style: no borders
    for r, (label, value) in enumerate(fields):
        label_cell = table.cell(r, 0)
        label_cell.paragraphs[0].add_run(label).bold = True
        value_cell = table.cell(r, 1)
        lines = value.split("\n")
        run = value_cell.paragraphs[0].add_run(lines[0])
        for line in lines[1:]:
            run.add_break()
            run.add_text(line)


def _page_footer(document, p: Plan) -> None:
    section = document.sections[0]
    section.header.paragraphs[0].text = f"CRTE {DASH} {p.issuer}"
    footer = section.footer.paragraphs[0]
    footer.text = "Page "
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)


def _fiche(document, action: Action) -> None:
    _numbered_heading(document, action.title, 2)
    for text in action.body:
        document.add_paragraph(text)
    _plain_table(document, action.fields)
    document.add_paragraph("")


def render_numbered_docx(p: Plan, path: Path) -> Path:
    document = docx.Document()
    _add_numbering(document)
    _page_footer(document, p)
    emit_plan(document, p, _fiche, group=lambda document, g: _numbered_heading(document, g.title, 1))
    document.save(str(path))
    return path


# -- XLSX: a summary sheet, then one sheet per programme with a title line above the header row ----------
def _amount(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def render_sheet_per_group_xlsx(p: Plan, path: Path) -> Path:
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Synthèse"
    summary.append([p.title])
    summary.append([p.issuer])
    summary.append([])
    summary.append(["Programme", "Intitulé", "Nombre de mesures", "Coût total (€)"])
    total = 0
    for group in p.groups:
        cost = sum(int(dict(a.fields)["Coût total (€)"]) for a in group.actions)
        total += cost
        summary.append([group.ref, group.title, len(group.actions), cost])
    summary.append(["Total", "", sum(len(g.actions) for g in p.groups), total])
    for group in p.groups:
        sheet = book.create_sheet(group.ref)
        sheet.append([f"{group.ref} {DASH} {group.title}"])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.merge_cells(start_row=1, end_row=1, start_column=1, end_column=8)
        sheet.append([])
        labels = [k for k, _ in group.actions[0].fields]
        sheet.append(["N° mesure", "Intitulé de la mesure"] + labels)
        for action in group.actions:
            values = dict(action.fields)
            sheet.append([action.ref, action.title] + [_amount(values[x]) for x in labels])
    book.save(str(path))
    return path


SPECS: dict[str, Callable[[Path], object]] = {
    "pacte.pdf": _copy("pacte.pdf"),
    "cls.pdf": _copy("cls.pdf"),
    "crte.docx": lambda path: render_numbered_docx(plan("crte"), path),
    "pti.xlsx": lambda path: render_sheet_per_group_xlsx(plan("pti"), path),
    "spe.txt": _copy("spe.txt"),
    "territoire.html": _copy("territoire.html"),
    "mobilite.md": _copy("mobilite.md"),
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the fourth held-out documents into ``directory``; returns name -> path."""
    return heldout.write(SPECS, directory, names)
