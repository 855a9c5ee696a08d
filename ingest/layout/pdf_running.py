"""Running headers, footers and page numbers: lines of the top and bottom bands that recur across pages.

A slot is a place in a band (same height within 1.5 pt, same font size). A slot is running when it is
filled on at least three pages and on 40 % of the pages with text, and one text (digits ignored) fills it
on two pages or more; its lines are then removed where they are the outermost line of their page
(above everything for a header, below everything for a footer). A line of a band that only says a page
number ("- 3 -", "Page 3/12", "3 / 12", "p. 3") is removed wherever it is.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ingest.layout.pdf_lines import Line

BAND = 0.12  # share of the page height at the top and at the bottom
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|pag\.)\s*)?[-–—|\s]*\d{1,4}\s*(?:(?:/|sur|of|de)\s*\d{1,4})?[-–—|\s]*$", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def _slot(line: Line, height: float) -> tuple[str, int, int] | None:
    if line.bottom <= BAND * height:
        return ("header", round(line.top / 1.5), round(line.size))
    if line.top >= (1 - BAND) * height:
        return ("footer", round(line.top / 1.5), round(line.size))
    return None


def _outermost(line: Line, lines: list[Line], band: str) -> bool:
    others = [o for o in lines if abs(o.middle - line.middle) > 1.0]
    if band == "header":
        return all(o.middle > line.middle for o in others)
    return all(o.middle < line.middle for o in others)


def running_lines(pages: list[tuple[list[Line], float]]) -> list[dict[int, str]]:
    """For every page, the index of each running line and its kind ('header' or 'footer')."""
    slots: dict[tuple[str, int, int], list[tuple[int, int, str]]] = defaultdict(list)
    marks: list[dict[int, str]] = [{} for _ in pages]
    for p, (lines, height) in enumerate(pages):
        for i, line in enumerate(lines):
            slot = _slot(line, height)
            if slot is None:
                continue
            if is_page_number(line.text):
                if _outermost(line, lines, slot[0]):
                    marks[p][i] = slot[0]
            else:
                slots[slot].append((p, i, _DIGITS.sub("#", line.text.strip().lower())))
    with_text = sum(1 for lines, _ in pages if lines)
    for slot, entries in slots.items():
        filled = {p for p, _, _ in entries}
        if len(filled) < max(3, 0.4 * with_text):
            continue
        texts = Counter(text for _, _, text in {(p, 0, t) for p, _, t in entries})
        if texts.most_common(1)[0][1] < 2:
            continue
        for p, i, _ in entries:
            if _outermost(pages[p][0][i], pages[p][0], slot[0]):
                marks[p][i] = slot[0]
    return marks
