"""Plans rendered as DOCX with python-docx: heading styles, list paragraphs, fiche tables with a merged
title row, running header and a footer with a page field.

``heading_names="fr"`` renames the built-in heading styles "Titre 1/2/3" (style ids "Titre1"...), as
documents made with a French word processor carry them; ``"en"`` keeps "Heading n".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from .model import DASH, Action, Group, Plan, Section

FRENCH = {1: "Titre 1", 2: "Titre 2", 3: "Titre 3", 4: "Titre 4"}


def _rename_headings(document) -> None:
    for level, name in FRENCH.items():
        style = document.styles[f"Heading {level}"]
        style.name = name
        style.style_id = name.replace(" ", "")


def _heading(document, text: str, level: int, names: str) -> None:
    if names == "fr":
        document.add_paragraph(text, style=FRENCH[min(level, 4)])
    else:
        document.add_heading(text, level=min(level, 4))


def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _header_footer(document, plan: Plan) -> None:
    section = document.sections[0]
    section.header.paragraphs[0].text = plan.running_header or plan.title
    footer = section.footer.paragraphs[0]
    footer.text = "Page "
    _page_field(footer)


def _section(document, section: Section, names: str) -> None:
    _heading(document, section.heading, 1, names)
    for text in section.paragraphs:
        document.add_paragraph(text)
    for acronym, meaning in section.entries:
        document.add_paragraph(f"{acronym} : {meaning}", style="List Bullet")


def _fiche_table(document, action: Action) -> None:
    rows = action.fields + action.panel
    table = document.add_table(rows=len(rows) + 1, cols=2)
    table.style = "Table Grid"
    title = table.cell(0, 0).merge(table.cell(0, 1))
    title.text = f"{action.ref} : {action.title}"
    title.paragraphs[0].runs[0].bold = True
    for i, (label, value) in enumerate(rows, start=1):
        table.cell(i, 0).text = label
        table.cell(i, 1).text = value
    document.add_paragraph()


def _action(document, action: Action, level: int, names: str, table: bool) -> None:
    if table:  # the fiche's title is the merged first row of its table
        for text in action.body:
            document.add_paragraph(text)
        _fiche_table(document, action)
    else:
        _heading(document, f"{action.ref} : {action.title}", level, names)
        for text in action.body:
            document.add_paragraph(text)
        for label, value in action.fields + action.panel:
            document.add_paragraph(f"{label} : {value}", style="List Bullet")
    for step in action.steps:
        document.add_paragraph(f"{step.ref} : {step.title}", style="List Number")


def _group(document, group: Group, level: int, names: str, table: bool) -> None:
    _heading(document, f"{group.ref} : {group.title}", level, names)
    for text in group.intro:
        document.add_paragraph(text)
    for action in group.actions:
        _action(document, action, level + 1, names, table)
    for child in group.groups:
        _group(document, child, level + 1, names, table)


def render_docx(plan: Plan, path: Path, *, heading_names: str = "en", table: bool = True) -> Path:
    """Write ``plan``; ``table`` renders fiches as 2-column tables, otherwise as bullet lines."""
    document = docx.Document()
    if heading_names == "fr":
        _rename_headings(document)
    document.core_properties.title = plan.title
    document.core_properties.author = plan.issuer
    _header_footer(document, plan)
    document.add_paragraph(plan.title, style="Title")
    document.add_paragraph(plan.issuer)
    for section in plan.before:
        _section(document, section, heading_names)
    for group in plan.groups:
        _group(document, group, 1, heading_names, table)
    for action in plan.actions:
        _action(document, action, 1, heading_names, table)
    for section in plan.after:
        _section(document, section, heading_names)
    document.save(path)
    return path


def render_fiche_docx(
    p: Plan,
    path: Path,
    fiche_table: Callable[[object, list[tuple[str, str]]], None],
    *,
    group_sep: str = ":",
    action_sep: str = DASH,
    footer: bool = False,
) -> Path:
    """A DOCX whose groups and actions are Heading 1 / Heading 2 (``ref <sep> title``), each action's fields
    in a table drawn by ``fiche_table(document, fields)``; the plan's running header (and, with ``footer``,
    its issuer as footer) in the section."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = p.running_header or p.title
    if footer:
        section.footer.paragraphs[0].text = p.issuer

    def fiche(document, action: Action) -> None:
        document.add_heading(f"{action.ref} {action_sep} {action.title}", level=2)
        fiche_table(document, action.fields)
        document.add_paragraph("")

    emit_plan(document, p, fiche, group_sep=group_sep)
    document.save(str(path))
    return path


def emit_plan(
    document,
    p: Plan,
    action: Callable[[object, Action], None],
    *,
    group_sep: str = DASH,
    group: Callable[[object, Group], None] | None = None,
) -> None:
    """The plan walk the fiche DOCXs share: title and issuer, the passages before, each group a Heading 1
    "ref <group_sep> title" (or drawn by ``group(document, group)``) and each of its actions drawn by
    ``action(document, action)``, the passages after."""
    document.add_paragraph(p.title, style="Title")
    document.add_paragraph(p.issuer)
    add_parts(document, p.before)
    for g in p.groups:
        if group is None:
            document.add_heading(f"{g.ref} {group_sep} {g.title}", level=1)
        else:
            group(document, g)
        for unit in g.actions:
            action(document, unit)
    add_parts(document, p.after)


def add_parts(document, parts) -> None:
    """The typed passages before or after the units: a level-1 heading and its paragraphs each."""
    for part in parts:
        document.add_heading(part.heading, level=1)
        for text in part.paragraphs:
            document.add_paragraph(text)
