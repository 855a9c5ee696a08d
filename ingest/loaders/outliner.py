"""Plain text exported from an outliner: the hierarchy is only the tab indentation of the lines.

A line followed by more indented lines is a heading of the depth its indentation gives (``#`` for no tab,
``##`` for one...); the others are text, their indentation removed. The line count stays the same (line
numbers are the provenance). A text is taken for an outline only when its tabs are all leading ones (a
tab inside a line is a table or a tab stop) and enough of its lines are indented.
"""

from __future__ import annotations

MIN_INDENTED = 3  # lines
MIN_SHARE = 0.25  # of the non-empty lines


def _depth(line: str) -> int:
    return len(line) - len(line.lstrip("\t"))


def is_outline(lines: list[str]) -> bool:
    """Tabs only at the start of lines, and at least MIN_INDENTED lines (MIN_SHARE of them) indented."""
    texts = [line for line in lines if line.strip()]
    if any("\t" in line.lstrip("\t") for line in texts):
        return False
    indented = sum(1 for line in texts if line.startswith("\t"))
    return indented >= MIN_INDENTED and indented >= MIN_SHARE * len(texts)


def outline_lines(lines: list[str]) -> list[str]:
    """The lines with the indentation turned into ``#`` headings (see the module's docstring)."""
    out = list(lines)
    following = -1  # depth of the next non-empty line, scanning upwards
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if not line.strip():
            continue
        depth = _depth(line)
        text = line.strip()
        out[i] = f"{'#' * min(depth + 1, 6)} {text}" if following > depth else text
        following = depth
    return out
