"""The fifth held-out set's PDFs, drawn with reportlab's page templates (no browser needed).

- ``render_grid_pdf``: landscape A4, a running header and a "page n" footer, "Chapitre" headings, each unit
  a heading then a grid table (labels in a shaded left column, values with line breaks), tables split by
  row over page breaks;
- ``render_three_columns_pdf``: portrait A4 in three columns, the title across the first page; headings
  carry no number: only the font size and weight tell a group (15 pt) from a unit (11 pt).
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    FrameBreak,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Table,
    TableStyle,
)

from .model import DASH, Plan
from .render_pdf import StoryStyles, decorate, para, plan_story

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
BODY = ParagraphStyle("body5", fontName=REGULAR, fontSize=9, leading=11.5, spaceAfter=4)
COVER = ParagraphStyle("cover5", fontName=BOLD, fontSize=20, leading=25, spaceAfter=14)
SUB = ParagraphStyle("sub5", fontName=REGULAR, fontSize=12, leading=15, spaceAfter=12)
H1 = ParagraphStyle("h1_5", fontName=BOLD, fontSize=15, leading=18, spaceBefore=8, spaceAfter=6)
H2 = ParagraphStyle("h2_5", fontName=BOLD, fontSize=11, leading=14, spaceBefore=6, spaceAfter=4)
LABEL = ParagraphStyle("label5", fontName=BOLD, fontSize=8.5, leading=10.5)
STORY = StoryStyles(COVER, SUB, H1, BODY)
CELL = ParagraphStyle("cell5", fontName=REGULAR, fontSize=8.5, leading=10.5)


def PAGE(header: str):  # noqa: N802 (a page decoration, named like the styles)
    return decorate(header, font=7.5, top=24, centred=False)


# -- landscape grid tables -----------------------------------------------------------------------------
def _grid(rows: list[tuple[str, str]], width: float) -> Table:
    data = [[para(label, LABEL), para(value, CELL)] for label, value in rows]
    table = Table(data, colWidths=[170, width - 170], splitByRow=1, repeatRows=0)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#dfe8d8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render_grid_pdf(p: Plan, path: Path) -> Path:
    size = landscape(A4)
    doc = BaseDocTemplate(
        str(path), pagesize=size, leftMargin=36, rightMargin=36, topMargin=40, bottomMargin=32
    )
    frame = Frame(36, 32, size[0] - 72, size[1] - 72, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=PAGE(p.running_header))])

    def group(k: int, group) -> list:
        out: list = [PageBreak(), para(f"{group.ref} {DASH} {group.title}", H1)]
        for action in group.actions:
            out += [para(f"{action.ref} {DASH} {action.title}", H2), _grid(action.fields, frame._width)]
        return out

    doc.build(plan_story(p, STORY, group))
    return path


# -- three columns, headings by size only ---------------------------------------------------------------
def _columns(x0: float, y0: float, width: float, height: float, gap: float = 14) -> list[Frame]:
    w = (width - 2 * gap) / 3
    return [Frame(x0 + k * (w + gap), y0, w, height, id=f"col{k}") for k in range(3)]


def render_three_columns_pdf(p: Plan, path: Path) -> Path:
    width, height = A4
    doc = BaseDocTemplate(str(path), pagesize=A4)
    inner = width - 72
    title = Frame(36, height - 150, inner, 110, id="title")
    first = PageTemplate(
        id="first",
        frames=[title, *_columns(36, 36, inner, height - 192)],
        onPage=PAGE(""),
    )
    rest = PageTemplate(
        id="rest",
        frames=_columns(36, 36, inner, height - 76),
        onPage=PAGE(""),
    )
    doc.addPageTemplates([first, rest])

    def group(k: int, group) -> list:
        out: list = [para(group.title, H1)]
        for action in group.actions:
            out.append(para(action.title, H2))
            out += [para(text, BODY) for text in action.body]
            out += [para(f"{label} : {value}", BODY) for label, value in action.fields]
        return out

    opening = (lambda: NextPageTemplate("rest"), FrameBreak)
    doc.build(plan_story(p, STORY, group, opening=opening, closing=()))
    return path
