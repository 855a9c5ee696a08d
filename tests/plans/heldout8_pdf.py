"""The eighth held-out set's PDF, drawn with reportlab's page templates (no browser needed).

``render_left_panel_pdf``: portrait A4, a cover page and the passages in one column; then each action on a
page of its own whose LEFT column is a shaded side panel with the action's fields (label in bold above
its value), the right, wider column its "Axe n – Titre" heading (above the first action of an axe), its
"Action n – Titre" heading and prose; a running header and a right-aligned page number.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, NextPageTemplate, PageBreak, PageTemplate

from .model import DASH, Plan
from .render_pdf import StoryStyles, decorate, para, plan_story

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
BODY = ParagraphStyle("body8", fontName=REGULAR, fontSize=10, leading=13, spaceAfter=6)
STORY = StoryStyles(
    ParagraphStyle("cover8", fontName=BOLD, fontSize=21, leading=26, spaceAfter=14),
    ParagraphStyle("sub8", fontName=REGULAR, fontSize=12, leading=15, spaceAfter=12),
    ParagraphStyle("h1_8", fontName=BOLD, fontSize=15, leading=19, spaceBefore=6, spaceAfter=8),
    BODY,
)
H2 = ParagraphStyle("h2_8", fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=4, spaceAfter=8)
PANEL_LABEL = ParagraphStyle("plabel8", fontName=BOLD, fontSize=8.5, leading=10.5, spaceBefore=6)
PANEL_VALUE = ParagraphStyle("pvalue8", fontName=REGULAR, fontSize=8.5, leading=10.5)
PANEL_X, PANEL_W, GAP = 36, 150, 20


def _shaded(header: str):
    page = decorate(header, "{n}", centred=False)

    def draw(canvas, doc) -> None:
        width, height = doc.pagesize
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#e6ecf2"))
        canvas.rect(PANEL_X - 6, 44, PANEL_W + 12, height - 96, stroke=0, fill=1)
        canvas.restoreState()
        page(canvas, doc)

    return draw


def render_left_panel_pdf(p: Plan, path: Path) -> Path:
    width, height = A4
    doc = BaseDocTemplate(str(path), pagesize=A4, title=p.title, author=p.issuer)
    single = Frame(36, 48, width - 72, height - 100, id="single")
    panel = Frame(PANEL_X, 48, PANEL_W, height - 100, id="panel")
    body_x = PANEL_X + PANEL_W + GAP
    body = Frame(body_x, 48, width - 36 - body_x, height - 100, id="body")
    doc.addPageTemplates(
        [
            PageTemplate(
                id="single", frames=[single], onPage=decorate(p.running_header, "{n}", centred=False)
            ),
            PageTemplate(id="fiche", frames=[panel, body], onPage=_shaded(p.running_header)),
        ]
    )

    def group(k: int, g) -> list:
        out: list = [NextPageTemplate("fiche"), PageBreak()]
        for n, action in enumerate(g.actions):
            if n:
                out.append(PageBreak())
            for label, value in action.panel:
                out += [para(label, PANEL_LABEL), para(value, PANEL_VALUE)]
            out.append(FrameBreak())
            if not n:
                out.append(para(f"{g.ref} {DASH} {g.title}", STORY.h1))
            out.append(para(f"{action.ref} {DASH} {action.title}", H2))
            out += [para(text, BODY) for text in action.body]
        return out + [NextPageTemplate("single")]

    doc.build(plan_story(p, STORY, group))
    return path
