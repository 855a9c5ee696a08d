"""Plans rendered as ODT with odfpy: headings with outline levels, fiche tables, bullet lists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from odf import teletype
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, List, ListItem, P

from .model import DASH, Action, Group, Plan, Section


def heading_styles(odt: OpenDocumentText, levels: int, margin: str | None = None) -> dict[int, Style]:
    """The "Heading n" paragraph styles (bold, 16 pt down to 10 pt) added to ``odt``: level -> style."""
    styles = {}
    for level in range(1, levels + 1):
        style = Style(name=f"Heading_20_{level}", displayname=f"Heading {level}", family="paragraph")
        style.addElement(TextProperties(fontsize=f"{18 - 2 * level}pt", fontweight="bold"))
        if margin:
            style.addElement(ParagraphProperties(margintop=margin))
        odt.styles.addElement(style)
        styles[level] = style
    return styles


class OdtWriter:
    """An ODT being written: `headings` (level -> style) for `heading`, plain paragraphs for `para`."""

    def __init__(self) -> None:
        self.odt = OpenDocumentText()
        self.headings: dict[int, Style] = {}

    def heading(self, text: str, level: int) -> None:
        level = min(level, max(self.headings))
        h = H(outlinelevel=level, stylename=self.headings[level])
        teletype.addTextToElement(h, text)
        self.odt.text.addElement(h)

    def para(self, text: str) -> None:
        p = P()
        teletype.addTextToElement(p, text)
        self.odt.text.addElement(p)

    def bullets(self, items: list[str]) -> None:
        if not items:
            return
        lst = List()
        for item in items:
            li = ListItem()
            p = P()
            teletype.addTextToElement(p, item)
            li.addElement(p)
            lst.addElement(li)
        self.odt.text.addElement(lst)


class _Doc(OdtWriter):
    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.odt.meta.addElement(_meta_title(plan.title))
        bold = Style(name="Bold", family="text")
        bold.addElement(TextProperties(fontweight="bold"))
        self.odt.automaticstyles.addElement(bold)
        self.headings = heading_styles(self.odt, 4)
        self.label_col = Style(name="LabelCol", family="table-column")
        self.label_col.addElement(TableColumnProperties(columnwidth="4.5cm"))
        self.odt.automaticstyles.addElement(self.label_col)
        self.tables = 0

    def table(self, rows: list[tuple[str, str]]) -> None:
        self.tables += 1
        table = Table(name=f"Fiche{self.tables}")
        table.addElement(TableColumn(stylename=self.label_col))
        table.addElement(TableColumn())
        for label, value in rows:
            tr = TableRow()
            for text in (label, value):
                cell = TableCell(valuetype="string")
                p = P()
                teletype.addTextToElement(p, text)
                cell.addElement(p)
                tr.addElement(cell)
            table.addElement(tr)
        self.odt.text.addElement(table)


def _meta_title(title: str):
    from odf.dc import Title

    return Title(text=title)


def _section(doc: _Doc, section: Section) -> None:
    doc.heading(section.heading, 1)
    for text in section.paragraphs:
        doc.para(text)
    doc.bullets([f"{a} : {m}" for a, m in section.entries])


def _action(doc: _Doc, action: Action, level: int) -> None:
    doc.heading(f"{action.ref} : {action.title}", level)
    for text in action.body:
        doc.para(text)
    doc.table(action.fields + action.panel)
    doc.bullets([f"{s.ref} : {s.title}" for s in action.steps])


def _group(doc: _Doc, group: Group, level: int) -> None:
    doc.heading(f"{group.ref} : {group.title}", level)
    for text in group.intro:
        doc.para(text)
    for action in group.actions:
        _action(doc, action, level + 1)
    for child in group.groups:
        _group(doc, child, level + 1)


def render_odt(plan: Plan, path: Path) -> Path:
    doc = _Doc(plan)
    doc.para(plan.title)
    doc.para(plan.issuer)
    for section in plan.before:
        _section(doc, section)
    for group in plan.groups:
        _group(doc, group, 1)
    for action in plan.actions:
        _action(doc, action, 1)
    for section in plan.after:
        _section(doc, section)
    doc.odt.save(str(path))
    return path


DrawAction = Callable[[OdtWriter, Action, int], None]


def emit_plan(doc: OdtWriter, p: Plan, action: DrawAction) -> None:
    """The plan walk the held-out ODTs share: title and issuer as paragraphs, each passage a level-1
    heading with its paragraphs (and "acronym : meaning" paragraphs), each group an outline heading
    "ref DASH title" at its depth, each of its actions drawn by ``action(doc, action, level)`` one level
    below."""
    doc.para(p.title)
    doc.para(p.issuer)
    for section in p.before:
        _plain_part(doc, section)
    for group in p.groups:
        _emit_group(doc, group, 1, action)
    for section in p.after:
        _plain_part(doc, section)


def _plain_part(doc: OdtWriter, section: Section) -> None:
    doc.heading(section.heading, 1)
    for text in section.paragraphs:
        doc.para(text)
    for acronym, meaning in section.entries:
        doc.para(f"{acronym} : {meaning}")


def _emit_group(
    doc: OdtWriter, group: Group, level: int, action: Callable[[OdtWriter, Action, int], None]
) -> None:
    doc.heading(f"{group.ref} {DASH} {group.title}", level)
    for unit in group.actions:
        action(doc, unit, level + 1)
    for child in group.groups:
        _emit_group(doc, child, level + 1, action)
