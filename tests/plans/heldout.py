"""Held-out test plans: families and layouts the parser was not developed on (issue 9, measurement).

Sources are ``sources/heldout/*.toml`` (invented, written for the tests); what a parser should find is
``heldout.toml``, written by hand before the parser was first run on them. The renderers here draw
layouts the development set does not have: a DOCX summary table before the body, ODT actions as bold
paragraphs with bold run-in labels, a plain text plan numbered with Roman numerals, a text plan numbered
only by "1.1.1" with a dotted table of contents, a tracking sheet with a grouping column.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
from odf import teletype
from odf.opendocument import OpenDocumentText
from odf.style import Style, TextProperties
from odf.text import H, P, Span

from .model import DASH, Action, HeldOutSet, Plan, walk_actions, walk_groups
from .pdf_plans import PdfOptions, render_pdf
from .render_odt import heading_styles

SET = HeldOutSet("heldout")
expected, plan = SET.expected, SET.plan


# -- DOCX: a summary table, then Heading 1-3 and "Label : value" paragraphs ------------------------------
def render_strategy_docx(p: Plan, path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph(p.title, style="Title")
    document.add_paragraph(p.issuer)
    document.add_heading("Tableau de synthèse des actions", level=1)
    actions = p.all_actions()
    table = document.add_table(rows=len(actions) + 1, cols=3)
    for k, text in enumerate(("N°", "Action", "Pilote")):
        table.cell(0, k).text = text
    for row, action in enumerate(actions, start=1):
        table.cell(row, 0).text = action.ref.split()[-1]
        table.cell(row, 1).text = action.title
        table.cell(row, 2).text = action.field_value("Pilote")
    for section in p.before:
        document.add_heading(section.heading, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
    for depth, group in walk_groups(p.groups):
        document.add_heading(f"{group.ref} : {group.title}", level=depth + 1)
        for action in group.actions:
            document.add_heading(f"{action.ref} {DASH} {action.title}", level=depth + 2)
            for text in action.body:
                document.add_paragraph(text)
            for label, value in action.fields:
                document.add_paragraph(f"{label} : {value}")
    for section in p.after:
        document.add_heading(section.heading, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
    document.save(str(path))
    return path


# -- ODT: outline headings for the groups, bold paragraphs for the actions, bold run-in labels ------------
class _Odt:
    def __init__(self) -> None:
        self.odt = OpenDocumentText()
        self.bold = Style(name="Bold", family="text")
        self.bold.addElement(TextProperties(fontweight="bold"))
        self.odt.automaticstyles.addElement(self.bold)
        self.heads = heading_styles(self.odt, 2)

    def heading(self, text: str, level: int) -> None:
        h = H(outlinelevel=level, stylename=self.heads[level])
        teletype.addTextToElement(h, text)
        self.odt.text.addElement(h)

    def para(self, text: str, label: str = "", bold: bool = False) -> None:
        """A paragraph; ``label`` a bold run-in "Label :" before ``text``; ``bold`` all of it in bold."""
        p = P()
        if label or bold:
            span = Span(stylename=self.bold)
            teletype.addTextToElement(span, f"{label} :" if label else text)
            p.addElement(span)
        if label or not bold:
            teletype.addTextToElement(p, f" {text}" if label else text)
        self.odt.text.addElement(p)

    def sections(self, sections) -> None:
        for section in sections:
            self.heading(section.heading, 1)
            for text in section.paragraphs:
                self.para(text)


def render_runin_odt(p: Plan, path: Path) -> Path:
    doc = _Odt()
    doc.para(p.title, bold=True)
    doc.para(p.issuer)
    doc.sections(p.before)
    for depth, group in walk_groups(p.groups):
        doc.heading(f"{group.ref} {DASH} {group.title}", min(depth + 1, 2))
        for action in group.actions:
            doc.para(f"{action.ref} {DASH} {action.title}", bold=True)
            for label, value in action.fields:
                doc.para(value, label=label)
    doc.sections(p.after)
    doc.odt.save(str(path))
    return path


# -- PDF: the side-panel flow, and one fiche per page with a table split over a page break -----------------
def _as_fiches(p: Plan) -> Plan:
    """Each action's panel rows then its 'Label : value' body lines as the rows of one table."""
    out = copy.deepcopy(p)
    for group in out.groups:
        for action in walk_actions(group):
            lines = [b for b in action.body if " : " in b and len(b.split(" : ")[0].split()) <= 3]
            action.fields = action.panel + [tuple(b.split(" : ", 1)) for b in lines]
            action.body = [b for b in action.body if b not in lines]
            action.panel = []
    return out


# -- text: Roman-numbered chantiers, and a numbering-only schéma with a dotted table of contents -----------
def _text_sections(sections, out: list[str]) -> None:
    for section in sections:
        out += [section.heading.upper(), ""]
        out += [x for text in section.paragraphs for x in (text, "")]
        if section.entries:
            out += [f"{a} : {m}" for a, m in section.entries] + [""]


def _text_action(action: Action, head: str, out: list[str]) -> None:
    out += [head, ""] + [x for text in action.body for x in (text, "")]
    out += [f"{k} : {v}" for k, v in action.fields if v] + [""]


def render_chantiers_text(p: Plan, path: Path) -> Path:
    out = [p.title, p.issuer, ""]
    _text_sections(p.before, out)
    for depth, group in walk_groups(p.groups):
        if depth == 0:
            out += [f"{group.ref.upper()} {DASH} {group.title.upper()}", ""]
        else:
            out += [f"{group.ref} {DASH} {group.title}", ""]
        for action in group.actions:
            _text_action(action, f"{action.ref} {DASH} {action.title}", out)
    _text_sections(p.after, out)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def render_schema_text(p: Plan, path: Path) -> Path:
    out = [p.title.upper(), p.issuer, ""]
    _text_sections(p.before[:1], out)
    out += ["SOMMAIRE", ""]
    page = 4
    for depth, group in walk_groups(p.groups):
        out.append(f"{'  ' * depth}{group.ref}{'.' if depth == 0 else ''} {group.title} {'.' * 12} {page}")
        for action in group.actions:
            page += 1
            out.append(f"{'  ' * (depth + 1)}{action.ref} {action.title} {'.' * 8} {page}")
    out.append("")
    _text_sections(p.before[1:], out)
    for depth, group in walk_groups(p.groups):
        if depth == 0:
            out += [f"{group.ref}. {group.title.upper()}", ""]
        else:
            out += [f"{group.ref} {group.title}", ""]
        out += [x for text in group.intro for x in (text, "")]
        for action in group.actions:
            _text_action(action, f"{action.ref} {action.title}", out)
    _text_sections(p.after, out)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


# -- XLSX: a tracking sheet with a grouping column filled once per group ------------------------------------
SHEET_HEADER = ["Thématique", "N°", "Intitulé"]


def render_tracking_xlsx(p: Plan, path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Suivi"
    labels = [k for k, _ in p.groups[0].actions[0].fields]
    sheet.append(SHEET_HEADER + labels)
    for group in p.groups:
        for k, action in enumerate(group.actions):
            values = dict(action.fields)
            sheet.append(
                [group.title if k == 0 else None, action.ref, action.title] + [values[x] for x in labels]
            )
    book.save(str(path))
    return path


FICHES = PdfOptions(style="fiche", footer="page_of", split_table_ref="Action 2.1")
SPECS: dict[str, Callable[[Path], object]] = {
    "strategie.docx": lambda path: render_strategy_docx(plan("strategie"), path),
    "ville_runin.odt": lambda path: render_runin_odt(plan("ville_runin"), path),
    "defis.pdf": lambda path: render_pdf(plan("defis"), path, PdfOptions(style="panel", continuous=True)),
    "defis_fiches.pdf": lambda path: render_pdf(
        _as_fiches(plan("defis")),
        path,
        PdfOptions(style="fiche", footer="page_of", split_table_ref="Action 2.1"),
    ),
    "chantiers.txt": lambda path: render_chantiers_text(plan("chantiers"), path),
    "schema.txt": lambda path: render_schema_text(plan("schema"), path),
    "suivi.xlsx": lambda path: render_tracking_xlsx(plan("suivi"), path),
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the held-out documents into ``directory``; returns name -> path."""
    return write(SPECS, directory, names)


def write(
    specs: dict[str, Callable[[Path], object]], directory: Path, names: set[str] | None
) -> dict[str, Path]:
    """Write the documents of ``specs`` (name -> renderer) into ``directory``, only ``names`` when given."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, make in specs.items():
        if names is None or name in names:
            make(directory / name)
            written[name] = directory / name
    return written
