"""Markdown as a reader sees it, line for line (the line map stays the file's): YAML front matter and
HTML comments blanked, pipe-table rows as tab-separated cells, their separator rows blanked."""

from __future__ import annotations

import re

_FRONT_END = ("---", "...")
_FRONT_MAX = 80  # a front matter longer than this is no front matter
_SEPARATOR_ROW = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _front_matter_end(lines: list[str]) -> int:
    """The index of the line closing a YAML front matter that opens the file, else -1."""
    if not lines or lines[0].strip() != "---":
        return -1
    for k in range(1, min(len(lines), _FRONT_MAX)):
        if lines[k].strip() in _FRONT_END:
            return k
    return -1


def _without_comments(lines: list[str]) -> list[str]:
    out: list[str] = []
    inside = False
    for line in lines:
        kept, rest = "", line
        while rest:
            if inside:
                end = rest.find("-->")
                if end < 0:
                    rest = ""
                else:
                    inside, rest = False, rest[end + 3 :]
            else:
                start = rest.find("<!--")
                if start < 0:
                    kept, rest = kept + rest, ""
                else:
                    kept, rest, inside = kept + rest[:start], rest[start + 4 :], True
        out.append(kept if kept.strip() or not line.strip() else "")
    return out


def _table_row(line: str) -> str:
    stripped = line.strip()
    if not stripped.startswith("|") or stripped.count("|") < 2:
        return line
    if _SEPARATOR_ROW.match(stripped):
        return ""
    cells = _CELL_SPLIT.split(stripped.strip("|"))
    return "\t".join(c.strip().replace("\\|", "|") for c in cells)


def markdown_lines(lines: list[str]) -> list[str]:
    """The same number of lines, with what a Markdown reader does not show as text removed."""
    end = _front_matter_end(lines)
    out = [""] * (end + 1) + lines[end + 1 :]
    return [_table_row(line) for line in _without_comments(out)]
