"""The second held-out set of test plans (issue 9, an honest measure after the first set was used for fixes).

Sources are ``sources/heldout2/*.toml`` (invented, written for the tests); what a parser should find is
``heldout2.toml``, written by hand before the parser was first run on these documents. Families and
layouts that neither the development set nor the first held-out set have:

- ``srdeii.txt``: a regional scheme (orientation / objectif opérationnel / action) as the text dump of a
  paged document: form feeds, a running header and "page n / N" on every page, hard-wrapped lines;
- ``plie.docx``: a PLIE protocol, Heading 1-2 and one fiche table per action with merged cells (a section
  row across the table, two label/value pairs in one row, values spanning three columns, a label spanning
  two rows);
- ``seniors.pdf``: a national plan (priorité / mesure / action 1..n), one mesure per page run over page
  breaks by its sub-actions, two columns and the mesure's side panel repeated on each of its pages;
- ``crte.odt``: an ecological transition contract whose actions are items of an automatically numbered
  list (no number in the text), each with a bulleted list of "Label : value" items;
- ``operations.xlsx``: one row per operation, a title line above the header, French column names that are
  not in the label lexicon;
- ``pat.html``: a web page (menu, footer) with h2 axes, h3 actions, a horizontal table per action and a
  summary table.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
from odf import teletype
from odf.opendocument import OpenDocumentText
from odf.style import ListLevelProperties, Style, TextProperties
from odf.text import H, List, ListItem, ListLevelStyleBullet, ListLevelStyleNumber, ListStyle, P

from . import heldout
from .model import DASH, HeldOutSet, Plan, walk_groups
from .pdf_plans import PdfOptions, render_pdf
from .render_docx import render_fiche_docx

SET = HeldOutSet("heldout2")
expected, plan = SET.expected, SET.plan


# -- text: the dump of a paged document ---------------------------------------------------------------------
class _Pages:
    """Lines poured into pages of ``height`` lines, each with the running header and a page footer."""

    def __init__(self, header: str, height: int = 46) -> None:
        self.header, self.height = header, height
        self.pages: list[list[str]] = [[]]

    def add(self, lines: list[str]) -> None:
        for line in lines:
            if len(self.pages[-1]) >= self.height:
                self.pages.append([])
            self.pages[-1].append(line)

    def paragraph(self, text: str) -> None:
        self.add(textwrap.wrap(text, 88) + [""])

    def break_page(self) -> None:
        if self.pages[-1]:
            self.pages.append([])

    def text(self) -> str:
        n = len(self.pages)
        out = []
        for k, lines in enumerate(self.pages, start=1):
            out.append("\n".join([self.header, ""] + lines + ["", f"page {k} / {n}"]))
        return "\f".join(out) + "\n"


def render_dump_text(p: Plan, path: Path) -> Path:
    pages = _Pages(p.running_header or p.title)
    pages.add([p.title.upper(), "", p.issuer])
    for section in p.before:
        pages.break_page()
        pages.add([section.heading.upper(), ""])
        for text in section.paragraphs:
            pages.paragraph(text)
    for depth, group in walk_groups(p.groups):
        if depth == 0:
            pages.break_page()
            pages.add([f"{group.ref.upper()} {DASH} {group.title.upper()}", ""])
        else:
            pages.add([f"{group.ref} : {group.title}", ""])
        for action in group.actions:
            pages.add([f"{action.ref} {DASH} {action.title}", ""])
            for text in action.body:
                pages.paragraph(text)
            for label, value in action.fields:
                pages.add(textwrap.wrap(f"{label} : {value}", 88, subsequent_indent="  "))
            pages.add([""])
    for section in p.after:
        pages.break_page()
        pages.add([section.heading.upper(), ""])
        for text in section.paragraphs:
            pages.paragraph(text)
        pages.add([f"{a} : {m}" for a, m in section.entries])
    path.write_text(pages.text(), encoding="utf-8")
    return path


# -- DOCX: fiche tables with merged cells --------------------------------------------------------------------
PAIRED = {"Porteur": "Durée", "Budget prévisionnel": "Financeurs"}
SECOND_HALF = {v for v in PAIRED.values()}


def _fiche_rows(fields: list[tuple[str, str]]) -> list[list[str]]:
    """Rows of four cells: a pair of label/value pairs, or a label and a value spread over three cells."""
    values = dict(fields)
    rows = [["Identification"] * 4]
    for label, value in fields:
        if label in SECOND_HALF:
            continue
        if label in PAIRED:
            rows.append([label, value, PAIRED[label], values[PAIRED[label]]])
        else:
            rows.append([label, value, value, value])
    rows.append(["Indicateurs", "Suivi en comité technique chaque trimestre"] * 2)
    return rows


def _fiche_table(document, fields: list[tuple[str, str]]) -> None:
    rows = _fiche_rows(fields)
    table = document.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        if len(set(cells)) == 1:
            table.cell(r, 0).merge(table.cell(r, 3)).text = cells[0]
        elif cells[1] == cells[2] == cells[3]:
            table.cell(r, 0).text = cells[0]
            table.cell(r, 1).merge(table.cell(r, 3)).text = cells[1]
        elif cells[0] == cells[2]:  # the indicators' second row: its label cell merged with the row above
            table.cell(r, 1).merge(table.cell(r, 3)).text = cells[1]
            table.cell(r - 1, 0).merge(table.cell(r, 0))
        else:
            for k, text in enumerate(cells):
                table.cell(r, k).text = text


def render_merged_docx(p: Plan, path: Path) -> Path:
    return render_fiche_docx(p, path, _fiche_table, group_sep=":", action_sep=DASH)


# -- ODT: actions as items of an automatically numbered list -------------------------------------------------
class _ListOdt:
    def __init__(self) -> None:
        self.odt = OpenDocumentText()
        self.heading_style = Style(name="Heading_20_1", displayname="Heading 1", family="paragraph")
        self.heading_style.addElement(TextProperties(fontsize="16pt", fontweight="bold"))
        self.odt.styles.addElement(self.heading_style)
        self.strong = Style(name="Strong", family="paragraph")
        self.strong.addElement(TextProperties(fontweight="bold"))
        self.odt.automaticstyles.addElement(self.strong)
        self.numbered = ListStyle(name="Numbering_20_1", displayname="Numbering 1")
        number = ListLevelStyleNumber(level=1, numformat="1", numsuffix=".")
        number.addElement(ListLevelProperties(spacebefore="0.25in", minlabelwidth="0.25in"))
        self.numbered.addElement(number)
        self.bullets = ListStyle(name="List_20_1", displayname="List 1")
        for level in (1, 2):
            bullet = ListLevelStyleBullet(level=level, bulletchar="•")
            bullet.addElement(ListLevelProperties(spacebefore=f"{0.25 * level + 0.25}in"))
            self.bullets.addElement(bullet)
        self.odt.styles.addElement(self.numbered)
        self.odt.styles.addElement(self.bullets)

    def heading(self, text: str) -> None:
        h = H(outlinelevel=1, stylename=self.heading_style)
        teletype.addTextToElement(h, text)
        self.odt.text.addElement(h)

    def para(self, text: str, parent=None, style=None) -> None:
        p = P(stylename=style) if style is not None else P()
        teletype.addTextToElement(p, text)
        (parent if parent is not None else self.odt.text).addElement(p)


def render_numbered_list_odt(p: Plan, path: Path) -> Path:
    doc = _ListOdt()
    doc.para(p.title, style=doc.strong)
    doc.para(p.issuer)
    for part in p.before:
        doc.heading(part.heading)
        for text in part.paragraphs:
            doc.para(text)
    for group in p.groups:
        doc.heading(f"{group.ref} {DASH} {group.title}")
        actions = List(stylename=doc.numbered)
        for action in group.actions:
            item = ListItem()
            doc.para(action.title, item, doc.strong)
            for text in action.body:
                doc.para(text, item)
            labels = List(stylename=doc.bullets)
            for label, value in action.fields:
                sub = ListItem()
                doc.para(f"{label} : {value}", sub)
                labels.addElement(sub)
            item.addElement(labels)
            actions.addElement(item)
        doc.odt.text.addElement(actions)
    for part in p.after:
        doc.heading(part.heading)
        for text in part.paragraphs:
            doc.para(text)
    doc.odt.save(str(path))
    return path


# -- XLSX: a title line above the header, column names outside the lexicon ----------------------------------
def render_operations_xlsx(p: Plan, path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Opérations"
    labels = [k for k, _ in p.groups[0].actions[0].fields]
    sheet.append([f"{p.title} {DASH} état au 30 juin 2025"])
    sheet.append([])
    sheet.append([p.groups[0].ref, "Repère", "Dénomination de l'opération"] + labels)
    for group in p.groups:
        for action in group.actions:
            values = dict(action.fields)
            sheet.append([group.title, action.ref, action.title] + [values[x] for x in labels])
    book.save(str(path))
    return path


# -- HTML: a web page with h2 / h3, horizontal tables, a summary table, a menu and a footer ------------------
def _html_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["<table>", "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr></thead>"]
    out.append("<tbody>")
    out += ["<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows]
    return out + ["</tbody>", "</table>"]


def render_web_html(p: Plan, path: Path) -> Path:
    out = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>{escape(p.title)}</title></head><body>",
        "<header><nav><ul>",
        "<li><a href='/'>Accueil</a></li><li><a href='/projet'>Le projet</a></li>",
        "<li><a href='/actualites'>Actualités</a></li><li><a href='/contact'>Nous contacter</a></li>",
        "</ul></nav></header>",
        "<main>",
        f"<h1>{escape(p.title)}</h1>",
        f"<p>{escape(p.issuer)}</p>",
        "<h2>Tableau récapitulatif des actions</h2>",
    ]
    summary = [[a.ref, a.title, a.field_value("Porteur")] for a in p.all_actions()]
    out += _html_table(["N°", "Action", "Porteur"], summary)
    for part in p.before:
        out.append(f"<h2>{escape(part.heading)}</h2>")
        out += [f"<p>{escape(t)}</p>" for t in part.paragraphs]
    for group in p.groups:
        out.append(f"<h2>{escape(group.ref)} {DASH} {escape(group.title)}</h2>")
        for action in group.actions:
            out.append(f"<h3>{escape(action.ref)} {DASH} {escape(action.title)}</h3>")
            out += [f"<p>{escape(t)}</p>" for t in action.body]
            out += _html_table([k for k, _ in action.fields], [[v for _, v in action.fields]])
    for part in p.after:
        out.append(f"<h2>{escape(part.heading)}</h2>")
        out += [f"<p>{escape(t)}</p>" for t in part.paragraphs]
    out += [
        "</main>",
        "<footer><p>Mentions légales · Plan du site · Accessibilité</p>",
        f"<p>© 2025 {escape(p.issuer)}</p></footer>",
        "</body></html>",
    ]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


PANELS = PdfOptions(style="panel", footer="page_of", header_from_group=True, panel_every_page=True)
SPECS: dict[str, Callable[[Path], object]] = {
    "srdeii.txt": lambda path: render_dump_text(plan("srdeii"), path),
    "plie.docx": lambda path: render_merged_docx(plan("plie"), path),
    "seniors.pdf": lambda path: render_pdf(plan("seniors"), path, PANELS),
    "crte.odt": lambda path: render_numbered_list_odt(plan("crte"), path),
    "operations.xlsx": lambda path: render_operations_xlsx(plan("operations"), path),
    "pat.html": lambda path: render_web_html(plan("pat"), path),
}


def build(directory: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the second held-out documents into ``directory``; returns name -> path."""
    return heldout.write(SPECS, directory, names)
