"""The tenth held-out set's PDF, drawn with reportlab's page templates (no browser needed).

``render_programme_table_pdf``: landscape A4, a running header and a "page n" footer, the passages in one
column, then the whole programme as ONE table: a header row (N°, Action, Pilote, Partenaires, Échéance,
Budget) repeated at the top of each page, each group a shaded row spanning all the columns ("Orientation n
– Titre"), each action a row whose Action cell holds the bold title then its description; the table is cut
by page breaks between rows.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Table, TableStyle

from .model import DASH, Plan
from .render_pdf import StoryStyles, decorate, para, section_story

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
BODY = ParagraphStyle("body10", fontName=REGULAR, fontSize=9.5, leading=12, spaceAfter=5)
COVER = ParagraphStyle("cover10", fontName=BOLD, fontSize=20, leading=25, spaceAfter=14)
SUB = ParagraphStyle("sub10", fontName=REGULAR, fontSize=12, leading=15, spaceAfter=12)
H1 = ParagraphStyle("h1_10", fontName=BOLD, fontSize=15, leading=18, spaceBefore=8, spaceAfter=6)
CELL = ParagraphStyle("cell10", fontName=REGULAR, fontSize=8.5, leading=10.5)
CELL_BOLD = ParagraphStyle("cellb10", fontName=BOLD, fontSize=8.5, leading=10.5)
GROUP = ParagraphStyle("group10", fontName=BOLD, fontSize=10, leading=12.5, textColor=colors.white)
STORY = StoryStyles(COVER, SUB, H1, BODY)
COLUMNS = ("N°", "Action", "Pilote", "Partenaires", "Échéance", "Budget")
WIDTHS = (40, 330, 120, 130, 60, 70)


def _programme(p: Plan) -> Table:
    data: list[list] = [[para(name, CELL_BOLD) for name in COLUMNS]]
    style: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d9d9d9")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for group in p.groups:
        row = len(data)
        data.append([para(f"{group.ref} {DASH} {group.title}", GROUP), "", "", "", "", ""])
        style += [
            ("SPAN", (0, row), (-1, row)),
            ("BACKGROUND", (0, row), (-1, row), colors.HexColor("#2f5c8a")),
        ]
        for action in group.actions:
            cell = [para(action.title, CELL_BOLD), *(para(text, CELL) for text in action.body)]
            data.append(
                [
                    para(action.ref, CELL),
                    cell,
                    *(para(action.field_value(name), CELL) for name in COLUMNS[2:]),
                ]
            )
    table = Table(data, colWidths=list(WIDTHS), repeatRows=1, splitByRow=1)
    table.setStyle(TableStyle(style))
    return table


def render_programme_table_pdf(p: Plan, path: Path) -> Path:
    size = landscape(A4)
    doc = BaseDocTemplate(
        str(path), pagesize=size, leftMargin=36, rightMargin=36, topMargin=40, bottomMargin=32
    )
    frame = Frame(36, 32, size[0] - 72, size[1] - 72, id="body")
    page = decorate(p.running_header, font=7.5, top=24, centred=False)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=page)])
    story: list = [para(p.title, COVER), para(p.issuer, SUB)]
    for section in p.before:
        story += section_story(section, STORY)
    story += [para("Programme d'actions", H1), _programme(p), PageBreak()]
    for section in p.after:
        story += section_story(section, STORY)
    doc.build(story)
    return path
