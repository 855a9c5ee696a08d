"""The twelfth held-out set's PDF, drawn with reportlab (no browser needed).

``render_repeated_title_pdf``: landscape A4, a running header and a "page n" footer; the passages in one
column; each axe a bold heading; each fiche ONE two-column grid table (label | value) whose first row,
« Fiche action n° N – Titre », spans both columns and is REPEATED at the top of the next page when the
table runs over a page break (``repeatRows=1``); the fiches follow one another without page breaks, so the
page ends cut tables wherever they fall.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer, Table, TableStyle

from .model import DASH, Action, Plan
from .render_pdf import StoryStyles, decorate, para, section_story

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
BODY = ParagraphStyle("body12", fontName=REGULAR, fontSize=10, leading=13, spaceAfter=6)
COVER = ParagraphStyle("cover12", fontName=BOLD, fontSize=20, leading=25, spaceAfter=12)
SUB = ParagraphStyle("sub12", fontName=REGULAR, fontSize=12, leading=15, spaceAfter=12)
H1 = ParagraphStyle("h1_12", fontName=BOLD, fontSize=15, leading=19, spaceBefore=10, spaceAfter=8)
TITLE_ROW = ParagraphStyle("trow12", fontName=BOLD, fontSize=11, leading=14, textColor=colors.white)
LABEL = ParagraphStyle("lab12", fontName=BOLD, fontSize=9.5, leading=12)
VALUE = ParagraphStyle("val12", fontName=REGULAR, fontSize=9.5, leading=12)
STORY = StoryStyles(COVER, SUB, H1, BODY)
PAGE_W, PAGE_H = landscape(A4)
# a taller gap after these fiches, so that the next fiche's table starts low and runs over the page break
PUSH = {"Fiche action n° 2": 120, "Fiche action n° 4": 90}


def _fiche(action: Action) -> Table:
    data = [[para(f"{action.ref} {DASH} {action.title}", TITLE_ROW), ""]]
    data += [[para(label, LABEL), para(value, VALUE)] for label, value in action.fields]
    table = Table(data, colWidths=[150, PAGE_W - 72 - 150], repeatRows=1, splitByRow=1)
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (1, 0)),
                ("BACKGROUND", (0, 0), (1, 0), colors.HexColor("#2f4f6f")),
                ("BACKGROUND", (0, 1), (0, -1), colors.HexColor("#e8edf2")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def render_repeated_title_pdf(p: Plan, path: Path) -> Path:
    doc = BaseDocTemplate(str(path), pagesize=(PAGE_W, PAGE_H), title=p.title, author=p.issuer)
    frame = Frame(36, 36, PAGE_W - 72, PAGE_H - 84, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate(p.running_header))])
    story: list = [para(p.title, COVER), para(p.issuer, SUB)]
    for section in p.before:
        story += section_story(section, STORY)
    for group in p.groups:
        story.append(para(f"{group.ref} {DASH} {group.title}", H1))
        for action in group.actions:
            story += [_fiche(action), Spacer(1, PUSH.get(action.ref, 14))]
    for section in p.after:
        story += section_story(section, STORY)
    doc.build(story)
    return path
