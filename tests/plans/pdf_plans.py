"""Plans rendered as PDF with reportlab, in three page styles.

- ``panel``: one action per page, two body columns and a framed side panel at the right (national pacts,
  PCAET programmes); the running header can follow the current top group ("Engagement n°2 - ...").
- ``fiche``: one fiche per page as a label/value table in one column (PDI), one table continuing over a
  page break with an empty-label continuation row; the typed passages in two columns.
- ``booklet``: numbered examples flowing continuously in two columns (recueils).

Every style has a title page, a table of contents with page numbers (two passes), running header,
footer page numbers and hyphenated body text. ``render_pdf`` returns the page count and the reading order
of the paragraphs placed (the ground truth of ``bench/pdf_libraries.py``).
"""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from .model import Action, Group, Plan, Section
from .pdf_layout import PAGE_W, FooterCanvas, Layout, NewPage, hyphenate


@dataclass
class PdfOptions:
    style: str = "panel"  # panel | fiche | booklet
    footer: str = "dash"  # dash: "- 3 -"; page_of: "Page 3/12"
    header_from_group: bool = False
    split_table_ref: str = ""  # fiche style: this fiche's table continues over a page break
    panel_labels: tuple[str, ...] = ()  # fields shown in the panel when an action has no explicit panel
    continuous: bool = False  # panel style: actions flow on; each panel sits beside where its action starts
    panel_every_page: bool = False  # panel style: the action's panel repeated on each page it runs over
    euro_as: str = ""  # e.g. "\u00a4": the text layer maps the drawn euro glyph to this character


@dataclass
class PdfResult:
    path: Path
    pages: int
    truth: list[dict]


def _fonts(options: PdfOptions) -> tuple[str, str, str]:
    if not options.euro_as:
        return "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"
    base = Path(reportlab.__file__).parent / "fonts"
    for name, file in (("Vera", "Vera.ttf"), ("Vera-Bold", "VeraBd.ttf"), ("Vera-Italic", "VeraIt.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(base / file)))
    return "Vera", "Vera-Bold", "Vera-Italic"


class Styles:
    def __init__(self, options: PdfOptions) -> None:
        regular, bold, italic = _fonts(options)
        self.regular, self.bold = regular, bold
        base = {"fontName": regular, "fontSize": 9.5, "leading": 12, "embeddedHyphenation": 1}
        self.body = ParagraphStyle("body", spaceAfter=5, **base)
        self.italic = ParagraphStyle("italic", parent=self.body, fontName=italic)
        self.cover = ParagraphStyle("cover", fontName=bold, fontSize=22, leading=27, spaceAfter=18)
        self.cover_sub = ParagraphStyle("cover_sub", fontName=regular, fontSize=13, leading=17, spaceAfter=10)
        self.h1 = ParagraphStyle("h1", fontName=bold, fontSize=14, leading=17, spaceBefore=6, spaceAfter=8)
        self.h2 = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=4, spaceAfter=6)
        self.h3 = ParagraphStyle("h3", fontName=bold, fontSize=10, leading=13, spaceBefore=4, spaceAfter=4)
        self.label = ParagraphStyle("label", fontName=bold, fontSize=8, leading=10)
        self.value = ParagraphStyle("value", fontName=regular, fontSize=8, leading=10, spaceAfter=6)
        self.cell = ParagraphStyle("cell", fontName=regular, fontSize=9, leading=11.5)
        self.toc = ParagraphStyle("toc", fontName=regular, fontSize=10, leading=13)


def para(text: str, style: ParagraphStyle, *, hyphens: bool = False, anchor: str = "") -> Paragraph:
    """A paragraph that records its text (the reading-order probe) and, optionally, a TOC anchor."""
    shown = hyphenate(text) if hyphens else text
    flowable = Paragraph(escape(shown), style)
    flowable.probe = text
    flowable.anchor = anchor
    return flowable


# -- building blocks ---------------------------------------------------------------------------------
def _heading(ref: str, title: str) -> str:
    return f"{ref} : {title}" if ref else title


def _section_flowables(section: Section, st: Styles) -> list:
    out: list = [para(section.heading, st.h1, anchor=section.heading)]
    out += [para(p, st.body, hyphens=True) for p in section.paragraphs]
    out += [para(f"{acronym} : {meaning}", st.body) for acronym, meaning in section.entries]
    return out


def _panel_rows(action: Action, options: PdfOptions) -> list[tuple[str, str]]:
    if action.panel:
        return action.panel
    return [(k, v) for k, v in action.fields if k in options.panel_labels]


def _panel(rows: list[tuple[str, str]], st: Styles) -> list:
    out: list = []
    for label, value in rows:
        out += [para(label, st.label), para(value or "-", st.value)]
    return out


def _action_body(action: Action, st: Styles, skip: set[str]) -> list:
    out: list = [para(p, st.body, hyphens=True) for p in action.body]
    for step in action.steps:
        out.append(para(_heading(step.ref, step.title), st.h3))
        out += [para(p, st.body, hyphens=True) for p in step.body]
    for label, value in action.fields:
        if label not in skip and value:
            out.append(para(f"{label} : {value}", st.body, hyphens=True))
    return out


def _fiche_table(rows: list[tuple[str, str]], st: Styles, width: float) -> Table:
    data = [[Paragraph(escape(k), st.label), Paragraph(escape(hyphenate(v)), st.cell)] for k, v in rows]
    table = Table(data, colWidths=[110, width - 110], splitByRow=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e6eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    table.probe = " ".join(f"{k} {v}" for k, v in rows[:1])
    return table


def _split_half(text: str) -> tuple[str, str]:
    sentences = re.split(r"(?<=[.;])\s+", text)
    half = max(1, len(sentences) // 2)
    return " ".join(sentences[:half]), " ".join(sentences[half:])


# -- page styles ----------------------------------------------------------------------------------------
def _walk(groups: list[Group], depth: int = 0):
    """(group path, action) in document order: the groups a page has to announce before the action."""
    for group in groups:
        first = True
        for action in group.actions:
            yield ([(depth, group)] if first else []), action
            first = False
        for child in group.groups:
            for path, action in _walk([child], depth + 1):
                if first:
                    path = [(depth, group)] + path
                    first = False
                yield path, action


def _group_heads(path: list[tuple[int, Group]], st: Styles) -> list:
    styles = [st.h1, st.h2, st.h3]
    out: list = []
    for depth, group in path:
        out.append(para(_heading(group.ref, group.title), styles[min(depth, 2)], anchor=group.ref))
        out += [para(p, st.body, hyphens=True) for p in group.intro]
    return out


def _top_ref(path: list[tuple[int, Group]], current: str) -> str:
    for depth, group in path:
        if depth == 0:
            return _heading(group.ref, group.title)
    return current


def _render_panel_style(plan: Plan, layout: Layout, st: Styles, options: PdfOptions) -> None:
    layout.panel = True
    top = ""
    if options.continuous:
        layout.new_page(columns=2)
    for path, action in _walk(plan.groups) if plan.groups else (([], a) for a in plan.actions):
        top = _top_ref(path, top)
        if options.header_from_group:
            layout.header = top
        rows = _panel_rows(action, options)
        head = para(_heading(action.ref, action.title), st.h2, anchor=action.ref)
        if options.continuous:
            head.notes = [para(action.ref, st.h3)] + _panel(rows, st)
        elif options.panel_every_page:
            layout.repeat_panel = None
            layout.new_page(columns=2, panel=[para(action.ref, st.h3)] + _panel(rows, st))
            layout.repeat_panel = lambda rows=rows, ref=action.ref: [para(ref, st.h3)] + _panel(rows, st)
        else:
            layout.new_page(columns=2, panel=_panel(rows, st))
        skip = {k for k, _ in rows}
        layout.flow(_group_heads(path, st) + [head] + _action_body(action, st, skip))
    layout.panel = False
    layout.repeat_panel = None


def _render_fiche_style(plan: Plan, layout: Layout, st: Styles, options: PdfOptions) -> None:
    width = PAGE_W - 2 * 42.0
    for path, action in _walk(plan.groups) if plan.groups else (([], a) for a in plan.actions):
        layout.new_page(columns=1)
        flow = _group_heads(path, st) + [para(_heading(action.ref, action.title), st.h2, anchor=action.ref)]
        flow += [para(p, st.body, hyphens=True) for p in action.body]
        rows = list(action.fields)
        if action.ref == options.split_table_ref and rows:
            first, rest = _split_half(rows[0][1])
            flow += [_fiche_table([(rows[0][0], first)], st, width), NewPage()]
            flow.append(_fiche_table([("", rest)] + rows[1:], st, width))
        elif rows:
            flow.append(_fiche_table(rows, st, width))
        layout.flow(flow)


def _render_booklet_style(plan: Plan, layout: Layout, st: Styles, options: PdfOptions) -> None:
    layout.new_page(columns=2)
    flow: list = []
    for path, action in _walk(plan.groups):
        flow += [para(f"{g.ref}. {g.title}", st.h1, anchor=g.ref) for _, g in path]
        flow.append(para(f"{action.ref} {action.title}", st.h2, anchor=action.ref))
        fields = dict(action.fields)
        if "Région" in fields:
            flow.append(para(fields["Région"], st.italic))
        flow += [para(p, st.body, hyphens=True) for p in action.body]
        for label in ("CONTACTS", "CLÉS DE RÉUSSITE"):
            if label in fields:
                flow += [para(label, st.label), para(fields[label], st.body, hyphens=True)]
    layout.flow(flow)


STYLES = {"panel": _render_panel_style, "fiche": _render_fiche_style, "booklet": _render_booklet_style}


def _toc_entries(plan: Plan) -> list[tuple[str, str, int]]:
    """(anchor, text, indent) for the table of contents."""
    entries = [(s.heading, s.heading, 0) for s in plan.before]
    for path, action in _walk(plan.groups) if plan.groups else (([], a) for a in plan.actions):
        entries += [(g.ref, _heading(g.ref, g.title), d) for d, g in path]
        entries.append((action.ref, _heading(action.ref, action.title), len(path) and path[-1][0] + 1))
    entries += [(s.heading, s.heading, 0) for s in plan.after]
    return entries


def _toc(plan: Plan, st: Styles, pages: dict[str, int]) -> list:
    rows = []
    for anchor, text, indent in _toc_entries(plan):
        style = ParagraphStyle("toc_i", parent=st.toc, leftIndent=12 * indent)
        rows.append([Paragraph(escape(text), style), str(pages.get(anchor, 0))])
    table = Table(rows, colWidths=[PAGE_W - 2 * 42.0 - 40, 40], splitByRow=1)
    table.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [para("Sommaire", st.h1), table]


def _render(plan: Plan, target, options: PdfOptions, pages: dict[str, int]) -> Layout:
    st = Styles(options)
    canvas = FooterCanvas(
        target,
        footer=options.footer,
        font=st.regular,
        pageCompression=0 if options.euro_as else 1,
        invariant=1,
    )
    canvas.setTitle(plan.title)
    canvas.setAuthor(plan.issuer)
    header = plan.running_header or plan.title
    layout = Layout(canvas, header=header, font=st.regular)
    layout.new_page(columns=1)
    cover = (
        [para(plan.title, st.cover), para(plan.subtitle, st.cover_sub)]
        if plan.subtitle
        else [para(plan.title, st.cover)]
    )
    layout.flow([Spacer(1, 120)] + cover + [para(plan.issuer, st.cover_sub)])
    layout.new_page(columns=1)
    layout.flow(_toc(plan, st, pages))
    if plan.before:
        layout.new_page(columns=2)
        layout.flow([f for s in plan.before for f in _section_flowables(s, st)])
    STYLES[options.style](plan, layout, st, options)
    if plan.after:
        layout.header = header
        layout.new_page(columns=2)
        layout.flow([f for s in plan.after for f in _section_flowables(s, st)])
    layout.finish_page()
    canvas.save()
    return layout


def _map_euro(path: Path, replacement: str) -> None:
    """Rewrite the ToUnicode entries of the euro glyph: the page still draws €, the text layer says
    ``replacement`` (same byte length, so the cross-reference table stays valid)."""
    data = path.read_bytes()
    code = f"<{ord(replacement):04X}>".encode()
    patched, count = re.subn(rb"(<[0-9A-F]{2}> )<20AC>", lambda m: m.group(1) + code, data)
    if not count:
        raise ValueError(f"{path}: no euro glyph in the ToUnicode maps (is there a € in the text?)")
    path.write_bytes(patched)


def render_pdf(plan: Plan, path: Path, options: PdfOptions | None = None) -> PdfResult:
    """Write ``plan`` to ``path``; a sidecar ``<name>.layout.json`` keeps the reading order placed."""
    options = options or PdfOptions()
    first = _render(plan, io.BytesIO(), options, {})
    layout = _render(plan, str(path), options, first.anchors)
    if options.euro_as:
        _map_euro(path, options.euro_as)
    truth = [{"page": p.page, "region": p.region, "text": p.text} for p in layout.truth]
    sidecar = path.with_suffix(".layout.json")
    sidecar.write_text(json.dumps(truth, ensure_ascii=False, indent=0), encoding="utf-8")
    os.utime(path)
    return PdfResult(path, layout.page, truth)
