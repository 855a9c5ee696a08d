"""The eleventh held-out set's PDF, drawn with reportlab (no browser needed).

``render_side_panel_tables_pdf``: portrait A4, a running header and a "page n" footer; the body in a
column on the left, a narrow side panel « Le schéma en bref » (a shaded box of key figures) drawn at the
right of every page; each axe a bold heading above ONE table (N°, Action, Pilote, Partenaires, Échéance)
whose header row is drawn once (not repeated after a page break); a spacer puts the page break inside
the second axe's table, between its rows.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer, Table, TableStyle

from .model import DASH, Plan
from .render_pdf import StoryStyles, decorate, para, section_story

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
BODY = ParagraphStyle("body11", fontName=REGULAR, fontSize=10, leading=13, spaceAfter=6)
COVER = ParagraphStyle("cover11", fontName=BOLD, fontSize=19, leading=24, spaceAfter=12)
SUB = ParagraphStyle("sub11", fontName=REGULAR, fontSize=12, leading=15, spaceAfter=12)
H1 = ParagraphStyle("h1_11", fontName=BOLD, fontSize=14, leading=17, spaceBefore=10, spaceAfter=6)
CELL = ParagraphStyle("cell11", fontName=REGULAR, fontSize=8.5, leading=10.5)
CELL_BOLD = ParagraphStyle("cellb11", fontName=BOLD, fontSize=8.5, leading=10.5)
STORY = StoryStyles(COVER, SUB, H1, BODY)
COLUMNS = ("N°", "Action", "Pilote", "Partenaires", "Échéance")
WIDTHS = (26, 148, 86, 88, 60)
PANEL = ("Le schéma en bref", "2 axes", "8 actions", "4 ans", "118 lieux de médiation")
PANEL_X, PANEL_W = 460, 100


def _table(actions) -> Table:
    data = [[para(name, CELL_BOLD) for name in COLUMNS]]
    for a in actions:
        data.append(
            [para(a.ref, CELL), para(a.title, CELL)] + [para(a.field_value(n), CELL) for n in COLUMNS[2:]]
        )
    table = Table(data, colWidths=list(WIDTHS), repeatRows=0, splitByRow=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6ee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _page(header: str):
    running = decorate(header, font=7.5, top=24)

    def draw(canvas, doc) -> None:
        running(canvas, doc)
        width, height = doc.pagesize
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#eef2e6"))
        canvas.rect(PANEL_X, height - 330, PANEL_W, 270, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        y = height - 80
        for k, line in enumerate(PANEL):
            canvas.setFont(BOLD if k == 0 else REGULAR, 9 if k == 0 else 8.5)
            canvas.drawString(PANEL_X + 8, y, line)
            y -= 18
        canvas.restoreState()

    return draw


def render_side_panel_tables_pdf(p: Plan, path: Path) -> Path:
    doc = BaseDocTemplate(
        str(path), pagesize=A4, leftMargin=36, rightMargin=36, topMargin=44, bottomMargin=36
    )
    frame = Frame(36, 36, PANEL_X - 36 - 14, A4[1] - 80, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_page(p.running_header))])
    story: list = [para(p.title, COVER), para(p.issuer, SUB)]
    for section in p.before:
        story += section_story(section, STORY)
    for k, group in enumerate(p.groups):
        story += [para(f"{group.ref} {DASH} {group.title}", H1), _table(group.actions)]
        if k == 0:
            story.append(Spacer(1, 230))  # the next table starts low on page 1 and runs over to page 2
    for section in p.after:
        story += section_story(section, STORY)
    doc.build(story)
    return path
