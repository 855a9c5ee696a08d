"""Pieces the reportlab-drawn held-out PDFs share: a paragraph from plain text (line breaks kept), a
passage's flowables, and the plan walk of a story (cover, passages before, groups, passages after)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph

from .model import Group, Plan, Section


@dataclass(frozen=True)
class StoryStyles:
    cover: ParagraphStyle
    sub: ParagraphStyle
    h1: ParagraphStyle
    body: ParagraphStyle


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def section_story(section: Section, st: StoryStyles) -> list:
    out: list = [para(section.heading, st.h1)]
    out += [para(text, st.body) for text in section.paragraphs]
    out += [para(f"{acronym} : {meaning}", st.body) for acronym, meaning in section.entries]
    return out


def plan_story(
    p: Plan,
    st: StoryStyles,
    group: Callable[[int, Group], list],
    *,
    opening: tuple = (PageBreak,),
    closing: tuple = (PageBreak,),
) -> list:
    """Title and issuer, then ``opening`` flowables (made by calling each), the passages before, each
    group's flowables from ``group(k, group)``, ``closing`` flowables, the passages after."""
    story: list = [para(p.title, st.cover), para(p.issuer, st.sub), *(make() for make in opening)]
    for section in p.before:
        story += section_story(section, st)
    for k, g in enumerate(p.groups):
        story += group(k, g)
    story += [make() for make in closing]
    for section in p.after:
        story += section_story(section, st)
    return story


def decorate(
    header: str, footer: str = "page {n}", *, font: float = 8, top: float = 26, centred: bool = True
):
    """A page callback drawing ``header`` (with a rule below it, ``top`` points from the top edge) and the
    ``footer`` with its page number, centred or right-aligned, in Helvetica of size ``font``."""

    def draw(canvas, doc) -> None:
        width, height = doc.pagesize
        canvas.saveState()
        canvas.setFont("Helvetica", font)
        if header:
            canvas.drawString(36, height - top, header)
            canvas.line(36, height - top - 4, width - 36, height - top - 4)
        text = footer.format(n=doc.page)
        if centred:
            canvas.drawCentredString(width / 2, 18, text)
        else:
            canvas.drawRightString(width - 36, 18, text)
        canvas.restoreState()

    return draw
