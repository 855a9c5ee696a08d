"""The seventh held-out set of test plans (issue 9): an honest measure after the sixth set was used for fixes.

Sources are ``sources/heldout7/`` (invented, written for the tests); what a parser should find is
``heldout7.toml``, written by hand before the parser was first run on these documents. Families and
real-world quirks none of the earlier sets has:

- ``pdi.docx``: a programme départemental d'insertion edited with tracked changes (deleted and inserted
  words, a whole fiche deleted), a comment, a text box beside a fiche, content controls around a run, a
  row, a cell and a whole fiche (``heldout7_docx.py``);
- ``velo.htm``: a plan vélo départemental saved from Word as a web page (windows-1252, no h tags: bold
  MsoNormal paragraphs set large, action numbers in ``mso-list`` spans, MsoTableGrid field tables);
- ``praps.pdf``: a PRAPS laid out like a desktop-published brochure: contents with dot leaders, justified
  hyphenated text, ligature glyphs, symbol-font bullets, footnotes, fields in a coloured box, a rotated
  tab label in the margin (``heldout7_pdf.py``);
- ``cprdfop.xlsx``: a CPRDFOP as a workbook of one sheet per axe (named only by the sheet), each sheet
  transposed: labels in column A, one column per action;
- ``autonomie.tsv``: a schéma de l'autonomie exported as tab-separated values, CRLF line ends;
- ``ptrte.md``: a PTRTE written in pandoc Markdown: title block, setext headings with attributes, grid
  tables with multi-line cells, footnotes, a fenced div;
- ``sdaasp.odt``: a SDAASP in LibreOffice: each action a ``text:section``, its fields in a frame
  (``draw:frame`` / ``draw:text-box``) anchored in its first paragraph;
- ``prad.txt``: a plan régional de l'agriculture durable as the text dump of a paged document: CRLF,
  form feeds, running header and page numbers, a fiche cut by a page break.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import openpyxl
from odf import teletype
from odf.draw import Frame, TextBox
from odf.style import GraphicProperties, Style
from odf.text import H, P, Section
from openpyxl.styles import Alignment, Font

from . import heldout
from .heldout7_docx import render_tracked_docx
from .heldout7_pdf import render_brochure_pdf
from .model import DASH, HeldOutSet, Plan
from .render_odt import OdtWriter, emit_plan, heading_styles

SET = HeldOutSet("heldout7")
expected, plan = SET.expected, SET.plan


def _copy(name: str) -> Callable[[Path], object]:
    """A document committed as is (written by hand)."""
    return lambda path: shutil.copyfile(SET.sources / name, path)


# -- ODT: sections per action, fields in a frame anchored in the first paragraph ---------------------------
class _Framed(OdtWriter):
    def __init__(self) -> None:
        super().__init__()
        self.headings = heading_styles(self.odt, 2)
        self.frame_style = Style(name="Encadre", family="graphic")
        self.frame_style.addElement(GraphicProperties(wrap="left", border="0.5pt solid #000000"))
        self.odt.automaticstyles.addElement(self.frame_style)
        self.sections = 0

    def action(self, ref: str, title: str, body: list[str], panel: list[tuple[str, str]]) -> None:
        self.sections += 1
        section = Section(name=f"Section{self.sections}")
        self.odt.text.addElement(section)
        h = H(outlinelevel=2, stylename=self.headings[2])
        teletype.addTextToElement(h, f"{ref} {DASH} {title}")
        section.addElement(h)
        first = P()
        frame = Frame(
            stylename=self.frame_style, anchortype="paragraph", width="6cm", height="4cm", x="11cm", y="0cm"
        )
        box = TextBox()
        for label, value in panel:
            line = P()
            teletype.addTextToElement(line, f"{label} : {value}")
            box.addElement(line)
        frame.addElement(box)
        first.addElement(frame)
        teletype.addTextToElement(first, body[0])
        section.addElement(first)
        for text in body[1:]:
            p = P()
            teletype.addTextToElement(p, text)
            section.addElement(p)


def render_framed_odt(p: Plan, path: Path) -> Path:
    doc = _Framed()
    emit_plan(doc, p, lambda doc, a, level: doc.action(a.ref, a.title, a.body, a.panel))
    doc.odt.save(str(path))
    return path


# -- XLSX: one sheet per axe (named only by the sheet), transposed: labels in column A ------------------
def render_transposed_xlsx(p: Plan, path: Path) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for group in p.groups:
        sheet = book.create_sheet(f"{group.ref} - {group.title}")
        labels = ["N°", "Intitulé de l'action"] + [k for k, _ in group.actions[0].fields]
        for r, label in enumerate(labels, start=1):
            sheet.cell(row=r, column=1, value=label).font = Font(bold=True)
        for c, action in enumerate(group.actions, start=2):
            values = [action.ref, action.title] + [v for _, v in action.fields]
            for r, value in enumerate(values, start=1):
                cell = sheet.cell(row=r, column=c, value=value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width = 40
        sheet.column_dimensions["A"].width = 24
    book.save(str(path))
    return path


# -- TSV: tab-separated, CRLF, the group on every row, empty trailing columns -----------------------------
def render_tsv(p: Plan, path: Path) -> Path:
    first = p.groups[0].actions[0]
    header = ["Orientation", "N° fiche", "Intitulé"] + [k for k, _ in first.fields] + ["", ""]
    lines = ["\t".join(header)]
    for group in p.groups:
        for action in group.actions:
            cells = [f"{group.ref}. {group.title}", action.ref, action.title]
            lines.append("\t".join(cells + [v for _, v in action.fields] + ["", ""]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


# -- TXT: the dump of a paged document: CRLF, form feeds, running header, page numbers --------------------
PAGE_LINES = 26  # lines of text per page before the break (a fiche may be cut in its fields)


def _wrapped(paragraphs: list[str]) -> list[str]:
    return [line for text in paragraphs for line in [*textwrap.wrap(text, 88), ""]]


def _txt_body(p: Plan) -> list[str]:
    lines = [p.title.upper(), "", p.issuer, ""]
    for section in p.before:
        lines += [section.heading, ""] + _wrapped(section.paragraphs)
    for group in p.groups:
        lines += [f"{group.ref} : {group.title}", ""]
        for action in group.actions:
            lines += [f"{action.ref} {DASH} {action.title}", ""]
            lines += [f"{label} : {value}" for label, value in action.fields] + [""]
    for section in p.after:
        lines += [section.heading, ""] + _wrapped(section.paragraphs)
    return lines


def render_paged_txt(p: Plan, path: Path) -> Path:
    body = _txt_body(p)
    pages = [body[k : k + PAGE_LINES] for k in range(0, len(body), PAGE_LINES)]
    out = []
    for number, page in enumerate(pages, start=1):
        head = [p.running_header, ""] if number > 1 else []
        out.append("\r\n".join(head + page + ["", f"{number:>60}"]) + "\r\n")
    path.write_bytes("\f".join(out).encode("utf-8"))
    return path


SPECS: dict[str, Callable[[Path], object]] = {
    "pdi.docx": lambda path: render_tracked_docx(plan("pdi"), path),
    "velo.htm": _copy("velo.htm"),
    "praps.pdf": lambda path: render_brochure_pdf(plan("praps"), path),
    "cprdfop.xlsx": lambda path: render_transposed_xlsx(plan("cprdfop"), path),
    "autonomie.tsv": lambda path: render_tsv(plan("autonomie"), path),
    "ptrte.md": _copy("ptrte.md"),
    "sdaasp.odt": lambda path: render_framed_odt(plan("sdaasp"), path),
    "prad.txt": lambda path: render_paged_txt(plan("prad"), path),
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the seventh held-out documents into ``directory``; returns name -> path."""
    return heldout.write(SPECS, directory, names)
