"""A plain text dumped from a paged document (pdftotext and the like): form feeds part its pages.

The page furniture is blanked, line for line (the line map stays the file's): a page-number line ("12",
"- 3 -", "Page 3/12") that is the first or last text of its page, and a running header or footer — a line
that is the first (or last) text of at least two pages and of 40 % of them, written alike. The form feeds
themselves are dropped from the lines, and each line gets its page.
"""

from __future__ import annotations

from collections import Counter

from ingest.layout.pdf_running import is_page_number

_RUNNING_SHARE = 0.4  # of the pages: a recurring first or last line is running from this share on
_EDGE = 2  # lines with text looked at at the top and the bottom of each page


def _edges(page: list[int], lines: list[str]) -> tuple[list[int], list[int]]:
    filled = [i for i in page if lines[i].strip()]
    return filled[:_EDGE], filled[::-1][:_EDGE]


def _running(pages: list[list[int]], lines: list[str], side: int) -> set[str]:
    """Texts that are the outermost line (top: side 0, bottom: side 1) of enough pages."""
    outer = Counter()
    for page in pages:
        edge = [i for i in _edges(page, lines)[side] if not is_page_number(lines[i])]
        if edge:
            outer[lines[edge[0]].strip()] += 1
    least = max(2, _RUNNING_SHARE * len(pages))
    return {text for text, n in outer.items() if n >= least}


def paged_lines(lines: list[str]) -> tuple[list[str], list[int] | None, int]:
    """(lines with the page furniture blanked, the page of each line, lines blanked); a text with no form
    feed is returned as it is, with no pages."""
    if not any("\f" in line for line in lines):
        return lines, None, 0
    out, numbers, page = [], [], 1
    for line in lines:
        page += line.count("\f")
        out.append(line.replace("\f", ""))
        numbers.append(page)
    pages: list[list[int]] = [[] for _ in range(page)]
    for i, n in enumerate(numbers):
        pages[n - 1].append(i)
    pages = [p for p in pages if p]
    heads, foots = _running(pages, out, 0), _running(pages, out, 1)
    blanked = 0
    for p in pages:
        top, bottom = _edges(p, out)
        for edge, running in ((top, heads), (bottom, foots)):
            for i in edge:
                text = out[i].strip()
                if is_page_number(text) or text in running:
                    out[i], blanked = "", blanked + 1
                else:
                    break  # only the outermost lines of a page are its furniture
    return out, numbers, blanked
