"""The corpus fiches read at test time (never copied into the repository), as plans to re-render.

Two readers, for the two fiche shapes of the corpus text files:
- ``read_fiche_tables``: "Fiche N. title" tables of label/value rows under "AXE I - ..." headings;
- ``read_propositions``: "Proposition X-Y : title" headings under "Chantier n° X", each followed by
  label/value rows (HTML fragments in the cells, continuation rows with an empty label).
Titles, rows and groups come from the file; the readers only know the shape words.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from .model import Action, Group, Plan

_TAG = re.compile(r"<[^>]+>")
_FICHE = re.compile(r"^(?:[^\t]*\t)?Fiche (\d+)\.\s*(.+?)\s*$")
_AXE = re.compile(r"^AXE [IVX]+ - .+")
_PROPOSITION = re.compile(r"^[#*\s]*Proposition (\d+)-(\d+)\s*:\s*(.+?)[*\s]*$")
_CHANTIER = re.compile(r"^[#*\s]*Chantier n°\s*(\d+)[*\s]*$")
# Labels that go to the side panel of the PDF rendering (who, where, when, how much).
PANEL_WORDS = (
    "pilote",
    "référent",
    "partenaire",
    "parties prenantes",
    "périmètre",
    "territoire",
    "durée",
    "calendrier",
    "budget",
)


def clean(cell: str) -> str:
    """A table cell as plain text: tags dropped, entities decoded, blanks collapsed."""
    text = _TAG.sub(" ", cell.replace("</p>", "\n").replace("</li>", "\n"))
    return re.sub(r"[ \t]*\n[ \t]*", "\n", re.sub(r"[ \t]+", " ", unescape(text))).strip()


def panel_labels(plan: Plan) -> tuple[str, ...]:
    labels = {k for a in plan.all_actions() for k, _ in a.fields}
    return tuple(
        sorted(
            k
            for k in labels
            if any(w in k.lower() for w in PANEL_WORDS) and not k.lower().startswith(("etape", "étape"))
        )
    )


def _rows(lines: list[str], start: int) -> tuple[list[tuple[str, str]], int]:
    """Label/value rows from ``start`` to the first blank line; empty-label rows continue the last one."""
    rows: list[tuple[str, str]] = []
    i = start
    while i < len(lines) and (lines[i].strip() or _row_follows(lines, i)):
        line = lines[i]
        if "\t" in line:
            label, value = (clean(part) for part in line.split("\t", 1))
            if not label and rows:
                rows[-1] = (rows[-1][0], f"{rows[-1][1]} {value}".strip())
            elif label:
                rows.append((label, value))
        i += 1
    return rows, i


def _row_follows(lines: list[str], i: int) -> bool:
    """A blank line inside a table: the next non-blank line is another row."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i < len(lines) and "\t" in lines[i] and not _PROPOSITION.match(lines[i].strip())


def read_fiche_tables(path: Path) -> Plan:
    lines = path.read_text(encoding="utf-8").split("\n")
    plan = Plan(key=path.stem, title=clean(next(x for x in lines if x.strip())), issuer="")
    group: Group | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if _AXE.match(line):
            ref, title = line.split(" - ", 1)
            group = Group(ref=ref.strip(), title=title.strip())
            plan.groups.append(group)
        fiche = _FICHE.match(line)
        if fiche and "\t" in line and group is not None:
            rows, i = _rows(lines, i + 1)
            group.actions.append(Action(ref=f"Fiche {fiche.group(1)}", title=fiche.group(2), fields=rows))
            continue
        i += 1
    return plan


def read_propositions(path: Path) -> Plan:
    lines = path.read_text(encoding="utf-8").split("\n")
    plan = Plan(key=path.stem, title=clean(next(x for x in lines if x.strip())), issuer="")
    groups: dict[str, Group] = {}
    chantier, pending_title = "", False
    started = False
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        head = _CHANTIER.match(line)
        if head:
            chantier, pending_title, started = head.group(1), True, True
        elif pending_title and line and not _PROPOSITION.match(line):
            groups.setdefault(chantier, Group(ref=f"Chantier n° {chantier}", title=clean(line.strip("#* "))))
            pending_title = False
        match = _PROPOSITION.match(line)
        if started and match and "...." not in line:
            rows, end = _rows(lines, _next_row(lines, i + 1))
            group = groups.setdefault(match.group(1), Group(ref=f"Chantier n° {match.group(1)}", title=""))
            ref = f"Proposition {match.group(1)}-{match.group(2)}"
            group.actions.append(Action(ref=ref, title=clean(match.group(3)), fields=rows))
            i = end
            continue
        i += 1
    plan.groups = [groups[k] for k in sorted(groups, key=int)]
    return plan


def _next_row(lines: list[str], i: int) -> int:
    while i < len(lines) and "\t" not in lines[i]:
        i += 1
    return i
