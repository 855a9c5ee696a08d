"""Pandoc's Markdown extensions as a reader sees them, line for line (the line map stays the file's).

- a title block (``% Title``, ``% Author``, ``% Date`` opening the file): the lines without their ``%``;
- setext headings (a line of text underlined by ``===`` or ``---``): ``#`` / ``##`` headings, the underline
  blanked;
- heading attributes (``{#id .class key=value}`` ending a heading): dropped;
- grid tables (``+-----+-----+`` rules, ``| a | b |`` lines between them): each row as one line of
  tab-separated cells on the row's first line (a cell written over several lines is one value), the rules
  and the row's other lines blanked;
- fenced divs (``:::`` lines): blanked, their content kept.
"""

from __future__ import annotations

import re

_TITLE_BLOCK = 3  # lines of a title block
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_SETEXT_MIN = 3
_NOT_SETEXT_TEXT = re.compile(r"^(?:\s{4,}|\s*(?:[#>|+*-]|\d{1,3}[.)]\s|:::))")
_ATTRIBUTES = re.compile(r"\s*\{\s*(?:(?:[#.][\w:.-]+|[\w-]+=(?:\"[^\"]*\"|\S+))\s*)+\}\s*$")
_HEADING = re.compile(r"^#{1,6}\s")
_GRID_RULE = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")
_FENCE = re.compile(r"^\s*:{3,}")


def _title_block(lines: list[str]) -> list[str]:
    out = list(lines)
    for k in range(min(_TITLE_BLOCK, len(lines))):
        if not lines[k].startswith("% "):
            break
        out[k] = lines[k][2:].strip()
    return out


def _setext(lines: list[str]) -> list[str]:
    out = list(lines)
    for k in range(1, len(lines)):
        m = _SETEXT.match(lines[k])
        above = lines[k - 1]
        if not m or len(m.group(1)) < _SETEXT_MIN or not above.strip() or _NOT_SETEXT_TEXT.match(above):
            continue
        if k >= 2 and lines[k - 2].strip() and not _SETEXT.match(lines[k - 2]):
            continue  # the last line of a paragraph: pandoc would make the whole paragraph the heading
        out[k - 1] = ("# " if m.group(1)[0] == "=" else "## ") + above.strip()
        out[k] = ""
    return out


def _attributes(lines: list[str]) -> list[str]:
    return [_ATTRIBUTES.sub("", line) if _HEADING.match(line) else line for line in lines]


def _cells(line: str, bounds: list[int]) -> list[str]:
    if len(line) >= bounds[-1] and all(line[b] in "|+" for b in bounds):
        return [line[a + 1 : b].strip() for a, b in zip(bounds, bounds[1:], strict=False)]
    return [c.strip() for c in line.strip().strip("|").split("|")]  # misaligned: split at the bars


def _grid_tables(lines: list[str]) -> list[str]:
    out = list(lines)
    bounds: list[int] | None = None
    row: list[int] = []  # indexes of the current row's lines

    def flush() -> None:
        if bounds and row:
            parts = [_cells(lines[i], bounds) for i in row]
            width = max(len(p) for p in parts)
            merged = [" ".join(p[c] for p in parts if c < len(p) and p[c]) for c in range(width)]
            out[row[0]] = "\t".join(merged)
            for i in row[1:]:
                out[i] = ""
        row.clear()

    for i, line in enumerate(lines):
        if _GRID_RULE.match(line):
            flush()
            bounds = [k for k, ch in enumerate(line) if ch == "+"]
            out[i] = ""
        elif bounds and line.strip().startswith("|"):
            row.append(i)
        else:
            flush()
            bounds = None
    flush()
    return out


def pandoc_lines(lines: list[str]) -> list[str]:
    """The same number of lines, with pandoc's title block, setext headings, heading attributes, grid
    tables and fenced divs as a reader sees them."""
    lines = _grid_tables(_title_block(lines))
    lines = [("" if _FENCE.match(line) else line) for line in lines]
    return _attributes(_setext(lines))
