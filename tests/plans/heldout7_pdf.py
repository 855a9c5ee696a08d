"""The seventh held-out set's PDF, laid out like a desktop-published brochure (reportlab, no browser).

``render_brochure_pdf``: portrait A4, a cover, a contents page (titles, dot leaders and the page numbers
of a first pass), the prose justified with words hyphenated at line ends (soft hyphens, drawn as "-"
where a line breaks), DejaVu glyphs for the ligatures the text holds (U+FB01, U+FB02), bullets drawn
from the ZapfDingbats symbol font, footnote calls set as superscripts with the notes at the foot of their
page, each action's fields in a coloured box (a table with a background and no rules), the current
objective as a rotated tab label in the right margin, a running header and a "page n" footer.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .model import DASH, Plan

PAGE_W, PAGE_H = A4
FONTS = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = "DejaVuSans7", "DejaVuSans7-Bold"
NOTES = {
    "1": "Enquête régionale sur le renoncement aux soins, observatoire régional de la santé, 2025.",
    "2": "Tournées de rue des associations et du Samu social, de jour comme de nuit.",
}
BLUE = colors.HexColor("#1F5F8B")


def _fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body7",
        fontName=REGULAR,
        fontSize=9.5,
        leading=12.5,
        alignment=TA_JUSTIFY,
        spaceAfter=6,
        embeddedHyphenation=1,
        uriWasteReduce=0.3,
    )
    return {
        "body": body,
        "bullet": ParagraphStyle("bullet7", parent=body, leftIndent=14, bulletIndent=2),
        "cover": ParagraphStyle("cover7", fontName=BOLD, fontSize=22, leading=28, textColor=BLUE),
        "sub": ParagraphStyle("sub7", fontName=REGULAR, fontSize=12, leading=16, spaceBefore=14),
        "h1": ParagraphStyle("h1_7", fontName=BOLD, fontSize=16, leading=20, spaceAfter=10, textColor=BLUE),
        "h2": ParagraphStyle("h2_7", fontName=BOLD, fontSize=11.5, leading=14, spaceBefore=10, spaceAfter=6),
        "toc": ParagraphStyle("toc7", fontName=REGULAR, fontSize=10, leading=16),
        "toc1": ParagraphStyle("toc1_7", fontName=BOLD, fontSize=10.5, leading=18, spaceBefore=4),
        "label": ParagraphStyle("label7", fontName=BOLD, fontSize=8.5, leading=11, textColor=BLUE),
        "cell": ParagraphStyle("cell7", fontName=REGULAR, fontSize=8.5, leading=11),
    }


def _hyphenable(text: str) -> str:
    """Soft hyphens in the middle of long words, where a desktop publisher would hyphenate them."""

    def cut(match: re.Match) -> str:
        word = match.group(0)
        k = len(word) // 2
        while k < len(word) - 3 and word[k] not in "aeiouyéèàâêîôû":
            k += 1
        return word[: k + 1] + "\u00ad" + word[k + 1 :] if k < len(word) - 3 else word

    return re.sub(r"[^\W\d_]{10,}", cut, text)


def _prose(text: str) -> str:
    """Escaped, hyphenable, footnote calls "[n]" as superscripts."""
    out = escape(_hyphenable(text))
    return re.sub(r"\s*\[(\d)\]", r"<super>\1</super>", out)


class _Mark(Flowable):
    """Zero-size flowable: records a heading for the contents, and the objective the tab label shows."""

    def __init__(self, key: str, tab: str = "") -> None:
        super().__init__()
        self.key, self.tab = key, tab
        self.width = self.height = 0

    def draw(self) -> None:
        pass


class _Brochure(BaseDocTemplate):
    def __init__(self, target, plan: Plan) -> None:
        super().__init__(target, pagesize=A4, title=plan.title, author=plan.issuer)
        self.plan = plan
        self.pages: dict[str, int] = {}
        self.notes: dict[int, list[str]] = {}
        self.tab = ""
        frame = Frame(56, 92, PAGE_W - 56 - 80, PAGE_H - 92 - 70, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=self._decorate)])

    def afterFlowable(self, flowable) -> None:  # noqa: N802 (reportlab's name)
        if isinstance(flowable, _Mark):
            self.pages.setdefault(flowable.key, self.page)
            if flowable.tab:
                self.tab = flowable.tab
        text = getattr(flowable, "text", "")
        for number in re.findall(r"<super>(\d)</super>", text):
            self.notes.setdefault(self.page, []).append(number)

    def _decorate(self, canvas, doc) -> None:
        canvas.saveState()
        if doc.page > 1:
            canvas.setFont(REGULAR, 8)
            canvas.setFillColor(colors.grey)
            canvas.drawString(56, PAGE_H - 40, self.plan.running_header)
            canvas.drawRightString(PAGE_W - 80, 40, f"page {doc.page}")
        notes = self.notes.get(doc.page, [])
        if notes:
            canvas.setStrokeColor(colors.black)
            canvas.line(56, 82, 156, 82)
            canvas.setFillColor(colors.black)
            for k, number in enumerate(notes):
                canvas.setFont(REGULAR, 7)
                canvas.drawString(56, 72 - 9 * k, f"{number} {NOTES[number]}")
        if self.tab and doc.page > 2:
            canvas.setFillColor(BLUE)
            canvas.rect(PAGE_W - 34, PAGE_H / 2 - 90, 22, 180, stroke=0, fill=1)
            canvas.setFillColor(colors.white)
            canvas.setFont(BOLD, 10)
            canvas.translate(PAGE_W - 19, PAGE_H / 2)
            canvas.rotate(90)
            canvas.drawCentredString(0, 0, self.tab.upper())
        canvas.restoreState()


def _leader(title: str, page: int | str, style: ParagraphStyle, width: float) -> Paragraph:
    used = pdfmetrics.stringWidth(f"{title}  {page}", style.fontName, style.fontSize)
    dots = max(3, int((width - used) / pdfmetrics.stringWidth(".", style.fontName, style.fontSize)) - 2)
    return Paragraph(f"{escape(title)} {'.' * dots} {page}", style)


def _box(fields: list[tuple[str, str]], s: dict[str, ParagraphStyle]) -> Table:
    rows = [[Paragraph(escape(k), s["label"]), Paragraph(escape(v), s["cell"])] for k, v in fields]
    table = Table(rows, colWidths=[110, PAGE_W - 56 - 80 - 110 - 8])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#E3EEF6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _bullet(text: str, s: dict[str, ParagraphStyle]) -> Paragraph:
    mark = '<bullet><font name="ZapfDingbats" size="7">l</font></bullet>'
    return Paragraph(mark + _prose(text), s["bullet"])


def _story(p: Plan, pages: dict[str, int], s: dict[str, ParagraphStyle]) -> list:
    width = PAGE_W - 56 - 80
    story: list = [
        Spacer(1, 160),
        Paragraph(escape(p.title), s["cover"]),
        Paragraph(escape(p.issuer), s["sub"]),
    ]
    story += [PageBreak(), Paragraph("Sommaire", s["h1"])]
    entries = [(sec.heading, sec.heading, "toc1") for sec in p.before]
    for group in p.groups:
        entries.append((group.ref, f"{group.ref} {DASH} {group.title}", "toc1"))
        entries += [(a.ref, f"{a.ref} {a.title}", "toc") for a in group.actions]
    entries += [(sec.heading, sec.heading, "toc1") for sec in p.after]
    for key, title, style in entries:
        story.append(_leader(title, pages.get(key, "?"), s[style], width - 16))
    story.append(PageBreak())
    for section in p.before:
        story += [_Mark(section.heading), Paragraph(escape(section.heading), s["h1"])]
        bullets = section.kind == "diagnostic"
        story += [_bullet(t, s) if bullets else Paragraph(_prose(t), s["body"]) for t in section.paragraphs]
    for group in p.groups:
        story += [PageBreak(), _Mark(group.ref, tab=group.ref)]
        story.append(Paragraph(escape(f"{group.ref} {DASH} {group.title}"), s["h1"]))
        for action in group.actions:
            story += [_Mark(action.ref), Paragraph(escape(f"{action.ref} {action.title}"), s["h2"])]
            story += [Paragraph(_prose(t), s["body"]) for t in action.body]
            story += [_box(action.fields, s), Spacer(1, 8)]
    story.append(PageBreak())
    for section in p.after:
        story += [_Mark(section.heading), Paragraph(escape(section.heading), s["h1"])]
        story += [Paragraph(_prose(t), s["body"]) for t in section.paragraphs]
    return story


def render_brochure_pdf(p: Plan, path: Path) -> Path:
    _fonts()
    s = _styles()
    first = _Brochure(io.BytesIO(), p)
    first.build(_story(p, {}, s))
    final = _Brochure(str(path), p)
    final.build(_story(p, first.pages, s))
    return path
