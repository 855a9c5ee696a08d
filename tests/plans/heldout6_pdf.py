"""The sixth held-out set's PDFs, drawn with reportlab's page templates (no browser needed).

- ``render_side_by_side_pdf``: landscape A4, a divider page per group, then its fiches two per page side by
  side (one frame each), the group's ref and title as the running header of those pages, "– n –" footers;
- ``render_titled_grid_pdf``: portrait A4, a running header and a "page n" footer, group headings, each
  fiche one grid table: a shaded row "FICHE ACTION N° …" and a title row spanning the table, then two
  label / value pairs per row, then label / value rows whose value spans the three other columns.
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
    Spacer,
    Table,
    TableStyle,
)

from .model import DASH, Action, Plan
from .render_pdf import StoryStyles, decorate, para, plan_story

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
BODY = ParagraphStyle("body6", fontName=REGULAR, fontSize=9.5, leading=12, spaceAfter=5)
COVER = ParagraphStyle("cover6", fontName=BOLD, fontSize=22, leading=27, spaceAfter=14)
SUB = ParagraphStyle("sub6", fontName=REGULAR, fontSize=12, leading=15, spaceAfter=12)
H1 = ParagraphStyle("h1_6", fontName=BOLD, fontSize=16, leading=20, spaceBefore=8, spaceAfter=8)
H2 = ParagraphStyle("h2_6", fontName=BOLD, fontSize=12, leading=15, spaceBefore=2, spaceAfter=6)
LABEL = ParagraphStyle("label6", fontName=BOLD, fontSize=8.5, leading=10.5)
STORY = StoryStyles(COVER, SUB, H1, BODY)
CELL = ParagraphStyle("cell6", fontName=REGULAR, fontSize=8.5, leading=10.5)
BAR = ParagraphStyle("bar6", fontName=BOLD, fontSize=10, leading=12, textColor=colors.white)
TITLE = ParagraphStyle("title6", fontName=BOLD, fontSize=11, leading=14)


# -- landscape, two fiches per page ---------------------------------------------------------------------
def _fiche(action: Action, width: float) -> list:
    out: list = [para(f"{action.ref} {DASH} {action.title}", H2)]
    out += [para(text, BODY) for text in action.body]
    rows = [[para(label, LABEL), para(value, CELL)] for label, value in action.fields]
    table = Table(rows, colWidths=[110, width - 110])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return out + [table]


def render_side_by_side_pdf(p: Plan, path: Path) -> Path:
    size = landscape(A4)
    doc = BaseDocTemplate(str(path), pagesize=size)
    gap, inner = 28, size[0] - 72
    half = (inner - gap) / 2
    single = Frame(36, 36, inner, size[1] - 80, id="single")
    footer = "– {n} –"
    templates = [PageTemplate(id="single", frames=[single], onPage=decorate("", footer))]
    for k, group in enumerate(p.groups):
        frames = [
            Frame(36, 36, half, size[1] - 80, id=f"left{k}"),
            Frame(36 + half + gap, 36, half, size[1] - 80, id=f"right{k}"),
        ]
        header = f"{group.ref} {DASH} {group.title}"
        templates.append(PageTemplate(id=f"fiches{k}", frames=frames, onPage=decorate(header, footer)))
    doc.addPageTemplates(templates)

    def divider_and_fiches(k: int, group) -> list:
        out: list = [PageBreak(), Spacer(1, 150), para(f"{group.ref} {DASH} {group.title}", COVER)]
        out += [NextPageTemplate(f"fiches{k}"), PageBreak()]
        for n, action in enumerate(group.actions):
            if n:
                out.append(FrameBreak())
            out += _fiche(action, half)
        return out + [NextPageTemplate("single")]

    doc.build(plan_story(p, STORY, divider_and_fiches))
    return path


# -- portrait, one titled grid table per fiche ------------------------------------------------------------
def _titled_grid(action: Action, width: float) -> Table:
    fields = list(action.fields)
    pairs, long = fields[:4], fields[4:]
    data: list = [[para(action.ref, BAR), "", "", ""], [para(action.title, TITLE), "", "", ""]]
    for k in range(0, len(pairs), 2):
        (l1, v1), (l2, v2) = pairs[k], pairs[k + 1]
        data.append([para(l1, LABEL), para(v1, CELL), para(l2, LABEL), para(v2, CELL)])
    for label, value in long:
        data.append([para(label, LABEL), para(value, CELL), "", ""])
    label_w = 85
    value_w = (width - 2 * label_w) / 2
    table = Table(data, colWidths=[label_w, value_w, label_w, value_w], splitByRow=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("SPAN", (0, 0), (-1, 0)),
        ("SPAN", (0, 1), (-1, 1)),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#2f4f6f")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    style += [("SPAN", (1, r), (-1, r)) for r in range(2 + len(pairs) // 2, len(data))]
    table.setStyle(TableStyle(style))
    return table


def render_titled_grid_pdf(p: Plan, path: Path) -> Path:
    doc = BaseDocTemplate(str(path), pagesize=A4, leftMargin=48, rightMargin=48)
    frame = Frame(48, 40, A4[0] - 96, A4[1] - 88, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate(p.running_header))])

    def group(k: int, group) -> list:
        out: list = [PageBreak(), para(f"{group.ref} {DASH} {group.title}", H1)]
        for action in group.actions:
            out += [_titled_grid(action, frame._width), Spacer(1, 14)]
        return out

    doc.build(plan_story(p, STORY, group))
    return path
