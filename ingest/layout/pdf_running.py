"""Running headers, footers and page numbers: lines of the top and bottom bands that recur across pages.

A slot is a place in a band (same height within 1.5 pt, same font size). A slot is running when it is
filled on at least three pages and on 40 % of the pages with text, and one text (digits ignored) fills it
on two pages or more; its lines are then removed where they are the outermost line of their page
(above everything for a header, below everything for a footer). A line of a band that only says a page
number ("- 3 -", "Page 3/12", "3 / 12", "p. 3") is removed wherever it is.

Footnotes (at the foot of the page or printed after their paragraph): lines set smaller than the body
text, the first one starting with a number whose call stands as a superscript in the page's text ("… en
trois ans¹." above, "1 Enquête régionale …" below); the lines of its size right under it, in its column,
continue the note.
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
        texts = Counter(text for _, _, text in {(p, 0, t) for p, _, t in entries})
        # a document of two pages: a line at the same place on both, the very same text on both
        raw = {pages[p][0][i].text.strip() for p, i, _ in entries}
        pair = len(pages) == 2 and len(filled) == 2 and len(entries) == 2 and len(raw) == 1
        if len(filled) < max(3, 0.4 * with_text) and not pair:
            continue
        if texts.most_common(1)[0][1] < 2:
            continue
        for p, i, _ in entries:
            if _outermost(pages[p][0][i], pages[p][0], slot[0]):
                marks[p][i] = slot[0]
    return marks


_NOTE_START = re.compile(r"^\s*(\d{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,2})[.)]?\s+[^\W\d_]")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _continuation(line: Line, last: Line, first: Line) -> bool:
    """A line of a footnote below its first line: same size, same column, right under the previous one."""
    return (
        abs(line.size - first.size) < 0.5
        and abs(line.x0 - first.x0) < 2 * first.size
        and 0 <= line.top - last.bottom < first.size
        and not _NOTE_START.match(line.text)
    )


def footnote_lines(lines: list[Line], body_size: float, skip: dict[int, str]) -> list[int]:
    """The indexes of the page's footnote lines (none when the page has none); ``skip``: its running lines.
    A note is set smaller than the body, starts with its number, and that number stands as a superscript
    call in the rest of the page's text; the lines under it in its column, of its size, continue it."""
    kept = sorted((i for i in range(len(lines)) if i not in skip), key=lambda k: (lines[k].top, lines[k].x0))
    text = "\n".join(lines[i].text for i in kept)
    out: set[int] = set()
    for n, i in enumerate(kept):
        first = lines[i]
        m = _NOTE_START.match(first.text)
        if i in out or not m or first.size > body_size - 0.75:
            continue
        if m.group(1).translate(_SUPERSCRIPTS) not in text.replace(first.text, ""):
            continue
        out.add(i)
        last = first
        for j in kept[n + 1 :]:
            line = lines[j]
            if line.top - last.bottom >= first.size:
                break
            if _continuation(line, last, first):
                out.add(j)
                last = line
    return sorted(out)
