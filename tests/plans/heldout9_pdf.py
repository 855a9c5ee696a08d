"""The ninth held-out set's PDF, drawn with reportlab (no browser needed).

``render_band_table_pdf``: portrait A4, a cover page and the passages in one column; each "Vocation n"
starts a page with its heading; each measure has its ref and title in a coloured band (white bold text on
a dark fill, a one-cell table across the frame) above a two-column grid table label | value whose
"Description" runs over several rows with an empty label cell; the tables flow on, so a measure's table is
cut by a page break (no header row repeated); running header, page number bottom right.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from .model import DASH, Plan
from .render_pdf import StoryStyles, decorate, para, plan_story

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
BODY = ParagraphStyle("body9", fontName=REGULAR, fontSize=10, leading=13, spaceAfter=6)
STORY = StoryStyles(
    ParagraphStyle("cover9", fontName=BOLD, fontSize=20, leading=25, spaceAfter=14),
    ParagraphStyle("sub9", fontName=REGULAR, fontSize=12, leading=15, spaceAfter=12),
    ParagraphStyle("h1_9", fontName=BOLD, fontSize=16, leading=20, spaceBefore=6, spaceAfter=10),
    BODY,
)
BAND = ParagraphStyle("band9", fontName=BOLD, fontSize=12, leading=15, textColor=colors.white)
LABEL = ParagraphStyle("label9", fontName=BOLD, fontSize=9.5, leading=12)
VALUE = ParagraphStyle("value9", fontName=REGULAR, fontSize=9.5, leading=12)
FILL = colors.HexColor("#2f5d3a")


def _measure(action, width: float) -> list:
    band = Table([[para(f"{action.ref} {DASH} {action.title}", BAND)]], colWidths=[width])
    band.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), FILL),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    rows = [[para(label, LABEL), para(value, VALUE)] for label, value in action.fields]
    for n, text in enumerate(action.body):
        rows.append([para("Description" if n == 0 else "", LABEL), para(text, VALUE)])
    table = Table(rows, colWidths=[width * 0.27, width * 0.73])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#7a8a7d")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e4ece5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 9),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
            ]
        )
    )
    return [band, table, Spacer(1, 22)]


def render_band_table_pdf(p: Plan, path: Path) -> Path:
    width, _ = A4
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=p.title,
        author=p.issuer,
        leftMargin=48,
        rightMargin=48,
        topMargin=54,
        bottomMargin=48,
    )
    frame_width = width - 96

    def group(k: int, g) -> list:
        out: list = [PageBreak(), para(f"{g.ref} {DASH} {g.title}", STORY.h1)]
        for action in g.actions:
            out += _measure(action, frame_width)
        return out

    page = decorate(p.running_header, "{n}", centred=False)
    doc.build(plan_story(p, STORY, group), onFirstPage=page, onLaterPages=page)
    return path
