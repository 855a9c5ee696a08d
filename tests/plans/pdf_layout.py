"""A small page engine on reportlab: body columns, a framed side panel, running header and footer.

Flowables are poured into frames in reading order (column 1, column 2, then the next page); a side panel
is a separate frame at the right of the page. Every paragraph placed is recorded with its page and region
(``Layout.truth``), the reading order a good PDF reader should give back. Footers are drawn when the
document is saved, so they can say "Page 3/12".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame

PAGE_W, PAGE_H = A4
MARGIN = 42.0
GAP = 14.0
PANEL_W = 150.0
TOP = PAGE_H - 58.0  # below the running header
BOTTOM = 48.0  # above the footer


class NewPage:
    """A marker in a list of flowables: continue on a new page."""


class FooterCanvas(Canvas):
    """A canvas that draws every footer at save time, when the page count is known."""

    def __init__(self, *args: Any, footer: str = "dash", font: str = "Helvetica", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer = footer
        self._footer_font = font

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            number = self._pageNumber
            text = f"Page {number}/{total}" if self._footer == "page_of" else f"- {number} -"
            self.setFont(self._footer_font, 8)
            self.drawCentredString(PAGE_W / 2, 26, text)
            Canvas.showPage(self)
        Canvas.save(self)


@dataclass
class Placed:
    page: int
    region: str
    text: str


@dataclass
class Layout:
    """Pours flowables into the frames of successive pages and records where each paragraph went."""

    canvas: FooterCanvas
    columns: int = 2
    panel: bool = False
    header: str = ""
    font: str = "Helvetica"
    truth: list[Placed] = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)
    page: int = 0
    _notes: list[Flowable] = field(default_factory=list)
    repeat_panel: Any = None  # a callable giving the panel of every page a flow opens (None: no panel)
    _frames: list[tuple[str, Frame]] = field(default_factory=list)
    _index: int = 0

    # -- pages -------------------------------------------------------------------------------------------
    def new_page(self, columns: int | None = None, panel: list[Flowable] | None = None) -> None:
        """Finish the current page (if any) and open the next one, optionally with a side panel."""
        if self.page:
            self.finish_page()
        self.page += 1
        if columns is not None:
            self.columns = columns
        self._draw_header()
        self._frames = [(f"col{i + 1}", frame) for i, frame in enumerate(self._column_frames())]
        self._index = 0
        if panel is None and self.repeat_panel is not None:
            panel = self.repeat_panel()
        if panel:
            self._fill_panel(panel)

    def finish_page(self) -> None:
        """Draw the side notes queued by the paragraphs of this page (the overflow waits for the next
        page), then close the page."""
        if self._notes:
            self._fill_panel(self._notes, carry=True)
        self.canvas.showPage()

    def _draw_header(self) -> None:
        if not self.header:
            return
        c = self.canvas
        c.setFont(self.font, 8)
        c.drawString(MARGIN, PAGE_H - 30, self.header)
        c.setLineWidth(0.4)
        c.line(MARGIN, PAGE_H - 36, PAGE_W - MARGIN, PAGE_H - 36)

    def _body_width(self) -> float:
        width = PAGE_W - 2 * MARGIN
        return width - PANEL_W - GAP if self.panel else width

    def _column_frames(self) -> list[Frame]:
        width = (self._body_width() - GAP * (self.columns - 1)) / self.columns
        return [
            Frame(MARGIN + i * (width + GAP), BOTTOM, width, TOP - BOTTOM, 0, 0, 0, 0)
            for i in range(self.columns)
        ]

    def _fill_panel(self, flowables: list[Flowable], carry: bool = False) -> None:
        x = PAGE_W - MARGIN - PANEL_W
        frame = Frame(x, BOTTOM, PANEL_W, TOP - BOTTOM, 4, 4, 4, 4)
        pending = list(flowables)
        _fill(frame, pending, self.canvas, self._record("panel"))
        if pending and not carry:
            raise ValueError(f"page {self.page}: the side panel does not fit in one page")
        self._notes = pending
        self.canvas.setLineWidth(0.8)
        self.canvas.rect(x, frame._y - 2, PANEL_W, TOP - frame._y + 2)

    # -- flow --------------------------------------------------------------------------------------------
    def flow(self, flowables: list[Any]) -> None:
        """Place flowables in reading order, opening pages as needed; ``NewPage`` forces a page."""
        pending = list(flowables)
        if not self.page:
            self.new_page()
        while pending:
            if isinstance(pending[0], NewPage):
                pending.pop(0)
                self.new_page()
                continue
            region, frame = self._frames[self._index]
            fresh = frame._atTop
            _fill(frame, pending, self.canvas, self._record(region), until=NewPage)
            if pending and isinstance(pending[0], NewPage):
                continue
            if pending and fresh and frame._atTop:
                raise ValueError(f"page {self.page}: {type(pending[0]).__name__} is too large for a frame")
            if pending:
                self._next_frame()

    def _next_frame(self) -> None:
        if self._index + 1 < len(self._frames):
            self._index += 1
        else:
            self.new_page()

    def _record(self, region: str):
        def record(flowable: Flowable) -> None:
            anchor = getattr(flowable, "anchor", "")
            if anchor:
                self.anchors.setdefault(anchor, self.page)
            self._notes.extend(getattr(flowable, "notes", None) or [])
            text = getattr(flowable, "probe", "")
            if text:
                self.truth.append(Placed(self.page, region, text))

        return record


def _fill(frame: Frame, pending: list[Any], canvas: Canvas, record, until: type | None = None) -> None:
    """Add flowables to ``frame`` from the front of ``pending``, splitting the one that overflows."""
    while pending:
        head = pending[0]
        if until is not None and isinstance(head, until):
            return
        if frame.add(head, canvas, trySplit=0):
            record(head)
            pending.pop(0)
            continue
        parts = frame.split(head, canvas)
        if len(parts) < 2:
            return
        if frame.add(parts[0], canvas, trySplit=0):
            record(head)
            pending[0:1] = parts[1:]
        return


# -- hyphenation ---------------------------------------------------------------------------------------------
SHY = "\xad"
_VOWELS = set("aeiouyàâäéèêëîïôöùûüœæ")
_KEEP = {"ch", "ph", "th", "gn", "qu", "gu"}
_WORD = re.compile(r"[A-Za-zÀ-ÿœŒæÆ]{10,}")


def _between_consonants(low: str, i: int) -> bool:
    a, b = low[i - 1], low[i]
    vowels_around = low[i - 2] in _VOWELS and low[i + 1] in _VOWELS
    consonants = a not in _VOWELS and b not in _VOWELS
    return vowels_around and consonants and (a + b) not in _KEEP and b not in "rlh"


def _breaks(word: str) -> list[int]:
    low = word.lower()
    cuts = []
    for i in range(3, len(word) - 3):
        a, b, c = low[i - 1], low[i], low[i + 1]
        if a in _VOWELS and b not in _VOWELS and c in _VOWELS or _between_consonants(low, i):
            cuts.append(i)
    return cuts


def hyphenate(text: str) -> str:
    """Soft hyphens at French-like syllable breaks of long words: reportlab breaks lines there and
    draws a hyphen, as word processors do."""

    def cut(match: re.Match[str]) -> str:
        word = match.group(0)
        out, last = [], 0
        for i in _breaks(word):
            out.append(word[last:i])
            last = i
        out.append(word[last:])
        return SHY.join(out)

    return _WORD.sub(cut, text)
