"""Markdown as a reader sees it, line for line (the line map stays the file's): YAML front matter and
HTML comments blanked, pipe-table rows as tab-separated cells, their separator rows blanked, and the items of
a numbered list that hold a nested list (a plan written as nested lists: axes > actions > fields) as
headings one level per nesting depth below the last ``#`` heading, pandoc's definition lists (a term line,
then ``:   definition``) as "term : definition" lines (the fields of a fiche, a glossary); pandoc's
extensions (title block, setext headings, heading attributes, grid tables, fenced divs) through
``pandoc.pandoc_lines``."""

from __future__ import annotations

import re

from ingest.loaders.pandoc import pandoc_lines

_FRONT_END = ("---", "...")
_FRONT_MAX = 80  # a front matter longer than this is no front matter
_SEPARATOR_ROW = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_HASH = re.compile(r"^(#{1,6})\s")
_ITEM = re.compile(r"^(\s*)(?:\d{1,3}[.)]|[-*+])\s+\S")
_NUMBERED_ITEM = re.compile(r"^(\s*)\d{1,3}[.)]\s+(.*\S)\s*$")
_DEFINITION = re.compile(r"^[:~][ \t]{1,4}(\S.*?)\s*$")
_TERM_MAX = 80  # a longer line is a paragraph, not a definition list's term
LABEL_ITEM = re.compile(r"^[^:]{1,60}:(?:\s|$)|:\s*$")  # "Partenaires :" above its own sub-list


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


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _next_text(lines: list[str], i: int) -> str:
    return next((x for x in lines[i + 1 :] if x.strip()), "")


def _list_headings(lines: list[str]) -> list[str]:
    """A numbered item followed by a deeper list item (its own nested list) -> a heading line, its depth
    the last ``#`` heading's plus its nesting depth among such items; a label item ("Partenaires :")
    stays an item. The automatic number is dropped (every nested list restarts at 1)."""
    out = list(lines)
    last_hash, open_ = 0, []
    for i, line in enumerate(lines):
        if m := _HASH.match(line):
            last_hash, open_ = len(m.group(1)), []
            continue
        if line.strip() and not _ITEM.match(line) and not _indent(line):
            open_ = []  # a paragraph ends the list
        m = _NUMBERED_ITEM.match(line)
        nxt = _next_text(lines, i) if m else ""
        if not m or not _ITEM.match(nxt) or _indent(nxt) <= _indent(line):
            continue
        text = m.group(2)
        if LABEL_ITEM.search(text.strip("*_ ")):
            continue
        indent = _indent(line)
        open_ = [k for k in open_ if k < indent] + [indent]
        out[i] = "#" * min(6, last_hash + len(open_)) + " " + text
    return out


def _term_index(out: list[str], i: int) -> int:
    """The line of the term a definition at ``i`` belongs to (one blank line may stand between), else -1."""
    k = i - 1
    if k >= 0 and not out[k].strip():
        k -= 1
    if k < 0:
        return -1
    term = out[k].strip()
    if not term or len(term) > _TERM_MAX or _HASH.match(term) or _ITEM.match(out[k]) or term[0] in ":|>":
        return -1
    return k


def _definitions(lines: list[str]) -> list[str]:
    """A definition list's term and its definitions on the term's line ("Porteur : Commune"), the
    definition lines blanked (the line map kept); a definition's continuation lines (indented) follow it."""
    out = list(lines)
    last = -1  # the term line the previous definition went to
    for i, line in enumerate(lines):
        m = _DEFINITION.match(line)
        if not m:
            if last >= 0 and line.startswith(("    ", "\t")) and line.strip() and lines[i - 1].strip():
                out[last] += " " + line.strip()
                out[i] = ""
                continue
            if line.strip():
                last = -1
            continue
        k = last if last >= 0 else _term_index(out, i)
        if k < 0:
            continue
        joiner = ", " if k == last else " : "
        out[k] = out[k].rstrip() + joiner + m.group(1)
        out[i], last = "", k
    return out


def markdown_lines(lines: list[str]) -> list[str]:
    """The same number of lines, with what a Markdown reader does not show as text removed."""
    end = _front_matter_end(lines)
    out = [""] * (end + 1) + lines[end + 1 :]
    out = _definitions(pandoc_lines(_without_comments(out)))
    return _list_headings([_table_row(line) for line in out])
