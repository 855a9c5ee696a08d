"""What PDFium (pypdfium2) gives of a page: text runs with box, font size and weight, and the rules and
boxes drawn (table grids, frames of side panels).

A run is the text of one PDF text object (one show operator: usually a line or a piece of a line in one
font). Asking per run rather than per character is what keeps a 120-page document within seconds: one
cheap call per character (which text object it belongs to), a handful per run (box, font). A run whose
characters do not sit on one baseline is cut where the baseline changes.

Coordinates are in points with the origin at the top left of the page (y grows downwards).
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

_BOLD_WORDS = ("bold", "black", "heavy", "semibold", "demibold", "extrabold")
_FORCE_BOLD = 1 << 18  # PDF font descriptor flag
# FPDFText_GetTextObject with an integer result (no ctypes pointer object per character).
_TEXT_OBJECT = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value
)
RULE_THICKNESS = 2.5  # a filled or stroked path thinner than this is a rule


@dataclass
class Run:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    font: str


@dataclass
class Shape:
    """A path's bounding box: a horizontal rule, a vertical rule or a box (frame, cell background)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def kind(self) -> str:
        if self.bottom - self.top <= RULE_THICKNESS:
            return "hrule"
        if self.x1 - self.x0 <= RULE_THICKNESS:
            return "vrule"
        return "box"


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    runs: list[Run]
    shapes: list[Shape]
    rotated: int = 0  # characters of rotated text left out (a margin tab label, a watermark)


class _Fonts:
    """Font name and boldness per (font name, weight, flags) as PDFium reports them, asked once a run."""

    def __init__(self) -> None:
        self._buffer = ctypes.create_string_buffer(256)
        self._flags = ctypes.c_int()

    def of(self, textpage: ctypes.c_void_p, index: int) -> tuple[str, bool]:
        length = pdfium_c.FPDFText_GetFontInfo(textpage, index, self._buffer, 256, ctypes.byref(self._flags))
        name = self._buffer.raw[: max(0, min(length, 256) - 1)].decode("utf-8", "replace")
        weight = pdfium_c.FPDFText_GetFontWeight(textpage, index)
        lower = name.lower()
        bold = weight >= 600 or bool(self._flags.value & _FORCE_BOLD) or any(w in lower for w in _BOLD_WORDS)
        return name, bold


def _box(textpage, index: int, height: float) -> tuple[float, float, float, float]:
    rect = pdfium_c.FS_RECTF()
    pdfium_c.FPDFText_GetLooseCharBox(textpage, index, ctypes.byref(rect))
    return rect.left, height - rect.top, rect.right, height - rect.bottom


def _cut_points(textpage, start: int, end: int, height: float) -> list[int]:
    """Indexes where a run's baseline changes (a text object drawing several lines)."""
    cuts = []
    _, prev_top, _, prev_bottom = _box(textpage, start, height)
    for index in range(start + 1, end):
        _, top, _, bottom = _box(textpage, index, height)
        if bottom - top > 0 and abs(bottom - prev_bottom) > 0.5 * (prev_bottom - prev_top):
            cuts.append(index)
        if bottom - top > 0:
            prev_top, prev_bottom = top, bottom
    return cuts


def _spans(handle: int, count: int) -> list[tuple[int, int]]:
    """Index ranges of the characters of each text object (one cheap call per character: probing
    fewer characters misses objects drawn in pieces)."""
    spans: list[tuple[int, int]] = []
    start, current = 0, None
    for index in range(count):
        obj = _TEXT_OBJECT(handle, index)
        if obj != current:
            if current is not None:
                spans.append((start, index))
            start, current = index, obj
    if current is not None:
        spans.append((start, count))
    return spans


_TILT = 0.17  # sine of the angle (about 10 degrees) beyond which a text object is rotated text
_ROTATED_SHARE = 0.25  # rotated text is left out when it is at most this share of a page's characters


def _rotated(textpage, index: int) -> bool:
    angle = pdfium_c.FPDFText_GetCharAngle(textpage, index)
    return angle > 0 and abs(math.sin(angle)) > _TILT


def _span_runs(textpage, start: int, end: int, text: str, height: float, fonts: _Fonts) -> list[Run]:
    """The runs of one text object: one, or one per baseline when it draws several lines."""
    piece = text[start:end]
    first_at = start + len(piece) - len(piece.lstrip())
    last_at = start + len(piece.rstrip()) - 1
    first, last = _box(textpage, first_at, height), _box(textpage, last_at, height)
    if abs(first[3] - last[3]) <= 0.5 * max(first[3] - first[1], 1.0):
        return [_run(textpage, first_at, text[first_at : last_at + 1], first, last, fonts)]
    runs = []
    bounds = [start, *_cut_points(textpage, start, end, height), end]
    for a, b in zip(bounds, bounds[1:], strict=False):
        part = text[a:b]
        if part.strip():
            a_at = a + len(part) - len(part.lstrip())
            b_at = a + len(part.rstrip()) - 1
            boxes = _box(textpage, a_at, height), _box(textpage, b_at, height)
            runs.append(_run(textpage, a_at, text[a_at : b_at + 1], *boxes, fonts))
    return runs


def _runs(textpage, count: int, text: str, height: float, fonts: _Fonts) -> tuple[list[Run], int]:
    """The runs of a page and the count of characters of rotated text left out (a tab label in the
    margin, a watermark: text drawn at an angle beside horizontal text is no part of the body; a page
    whose text is mostly rotated keeps it all)."""
    flagged: list[tuple[bool, Run]] = []  # (rotated, run) in content-stream order
    for start, end in _spans(ctypes.cast(textpage, ctypes.c_void_p).value, count):
        piece = text[start:end]
        if not piece.strip():
            continue
        turned = _rotated(textpage, start + len(piece) - len(piece.lstrip()))
        flagged += [(turned, run) for run in _span_runs(textpage, start, end, text, height, fonts)]
    rotated = sum(len(run.text) for turned, run in flagged if turned)
    if rotated > _ROTATED_SHARE * max(1, sum(len(run.text) for _, run in flagged)):
        rotated = 0
    runs = [run for turned, run in flagged if not (turned and rotated)]
    _snap_glyph_boxes(runs)
    _superscripts(runs)
    return runs, rotated


_SUPERSCRIPT_DIGITS = str.maketrans(
    "0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)
_SUPERSCRIPT_MAX = 3  # characters: a footnote call, "er" of "1er", "e" of "XXe"
_SUPERSCRIPT_SIZE = 0.9  # at most this share of its neighbour's size (a browser's <sup> is set 5/6 of it)


def _superscripts(runs: list[Run]) -> None:
    """A short run set smaller and raised right after the text it follows in the content stream (a
    footnote call, the "er" of "1er") is part of that text's line: it takes its neighbour's box and size,
    so it is read in its place, not as a line of its own; a number becomes superscript digits ("²")."""
    for k in range(1, len(runs)):
        run, near = runs[k], runs[k - 1]
        text = run.text.strip()
        if not text or len(text) > _SUPERSCRIPT_MAX or run.size > _SUPERSCRIPT_SIZE * near.size:
            continue
        beside = -0.5 <= run.x0 - near.x1 <= 0.5 * near.size
        raised = run.bottom < near.bottom - 0.15 * near.size and run.top > near.top - 0.6 * near.size
        if beside and raised:
            run.text = text.translate(_SUPERSCRIPT_DIGITS) if text.isdigit() else text
            run.top, run.bottom, run.size, run.bold = near.top, near.bottom, near.size, near.bold


_ODD_BOX = 0.1  # a run's box this far (share) from the usual height of its font size is a glyph's own box


def _typical_heights(runs: list[Run]) -> dict[float, float]:
    by_size: dict[float, list[float]] = {}
    for run in runs:
        by_size.setdefault(run.size, []).append(run.bottom - run.top)
    return {size: sorted(h)[len(h) // 2] for size, h in by_size.items()}


def _usual(run: Run, typical: dict[float, float]) -> bool:
    return abs((run.bottom - run.top) - typical[run.size]) <= _ODD_BOX * typical[run.size]


def _beside(a: Run, b: Run) -> bool:
    near = -0.5 * a.size <= a.x0 - b.x1 <= a.size or -0.5 * a.size <= b.x0 - a.x1 <= a.size
    return near and b.top - 1 <= (a.top + a.bottom) / 2 <= b.bottom + 1


def _snap_glyph_boxes(runs: list[Run]) -> None:
    """A glyph drawn as a text object of its own (a ligature fi, fl, ff; an accented capital) gets a box
    of its own shape from PDFium, shorter or taller than the boxes of the characters around it, and would
    be read on a line of its own or out of order: it takes the box of a neighbour in the content stream
    that sits beside it on the same baseline with the usual box of that font size."""
    typical = _typical_heights(runs)
    for k, run in enumerate(runs):
        if _usual(run, typical):
            continue
        for near in (runs[k - 1] if k else None, runs[k + 1] if k + 1 < len(runs) else None):
            if near is not None and near.size == run.size and _usual(near, typical) and _beside(run, near):
                run.top, run.bottom = near.top, near.bottom
                break


def _run(textpage, at: int, piece: str, first: tuple, last: tuple, fonts: _Fonts) -> Run:
    size = pdfium_c.FPDFText_GetFontSize(textpage, at)
    name, bold = fonts.of(textpage, at)
    top, bottom = min(first[1], last[1]), max(first[3], last[3])
    return Run(piece, first[0], top, max(last[2], first[2]), bottom, round(size, 2), bold, name)


def _shapes(page: pdfium.PdfPage, height: float) -> list[Shape]:
    shapes = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        shapes.append(Shape(left, height - top, right, height - bottom))
    return shapes


def read_page(page: pdfium.PdfPage, number: int, fonts: _Fonts | None = None) -> PageContent:
    """The runs and shapes of one page."""
    fonts = fonts or _Fonts()
    width, height = page.get_width(), page.get_height()
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        if len(text) != count:  # surrogate pairs: fall back to one character at a time
            text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
        runs, rotated = _runs(textpage.raw, count, text, height, fonts) if count else ([], 0)
    finally:
        textpage.close()
    return PageContent(number, width, height, runs, _shapes(page, height), rotated)


def new_fonts() -> _Fonts:
    return _Fonts()
