"""A table of contents or a summary table, cross-checked against the units found in the body.

Two forms are read: contents lines (a title, then dot leaders or a tab, then a page number), at least
``MIN_ENTRIES`` of them in a run with page numbers that never go down; and a summary table (tab-separated
rows whose first cell is a numbering or a unit ref, "1.1.1" or "Action 1.1.1", the second a title), at least
``MIN_ENTRIES`` consecutive rows. The first form found is used.

An entry names a unit when the structure words call it a unit ("Action 2.1 : …"), when a unit of the body
matches it (same ref or number, or the same title words), or when it is numbered as deep as the entries that
matched. Contents that name no unit at all (only parts and chapters) give no agreement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.records import ActionRecord, TocAgreement
from ingest.shapes.outline_words import classify, structure
from ingest.text import collapse, fold

MIN_ENTRIES = 3
MAX_GAP = 3  # lines without a page number between two contents entries
MAX_GAP_LINE = 120  # characters: a longer line between entries ends the contents
TITLE_MATCH = 0.6  # word-set Jaccard of two titles
_PAGE = re.compile(r"^(.*?)\s*(?:\.{3,}|…+|\t)\s*(\d{1,4})\s*$")
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:[.\-]\d{1,3})*|[IVXLC]{1,6}(?:\.\d{1,3})*|[A-Z]{2,5}\s?-?\s?\d{1,3})"
)
_STOP = frozenset(
    ["a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour", "sur", "un"]
)


@dataclass
class _Entry:
    line: int
    text: str
    ref: str | None
    title: str
    role: str
    number: str | None


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in _STOP and len(w) > 1)


def _similar(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= TITLE_MATCH


def _number(ref: str | None) -> str | None:
    m = _NUMBER.search(ref or "")
    return re.sub(r"\s+", "", m.group(1)).rstrip(".") if m else None


def _entry(line: int, text: str) -> _Entry:
    h = classify(collapse(text), structure())
    return _Entry(line, collapse(text), h.ref, h.title or text, h.role, _number(h.ref))


def _contents(lines: list[str]) -> tuple[int, list[_Entry]] | None:
    """The first run of contents lines; up to ``MAX_GAP`` lines without a page number (a part's title, a
    blank) may come between two entries."""
    run: list[tuple[int, str, int]] = []
    gap = 0
    for i, raw in enumerate([*lines, "\x00end"]):
        m = _PAGE.match(raw.strip()) if raw.strip() else None
        if m and m.group(1).strip() and not (run and int(m.group(2)) < run[-1][2]):
            run.append((i + 1, m.group(1).strip(" .\t"), int(m.group(2))))
            gap = 0
            continue
        gap += 1
        if m or gap > MAX_GAP or len(raw) > MAX_GAP_LINE or i == len(lines):
            if len(run) >= MIN_ENTRIES:
                return run[0][0], [_entry(n, text) for n, text, _ in run]
            run, gap = [], 0
            if m and m.group(1).strip():  # page numbers went down: contents may start again here
                run = [(i + 1, m.group(1).strip(" .\t"), int(m.group(2)))]
    return None


def _summary_table(lines: list[str]) -> tuple[int, list[_Entry]] | None:
    run: list[_Entry] = []
    for i, raw in enumerate([*lines, ""]):
        cells = [c.strip() for c in raw.split("\t")] if "\t" in raw else []
        if len(cells) >= 2 and cells[1] and (number := _number(cells[0])) and _NUMBER.fullmatch(number):
            h = classify(cells[0], structure())
            if h.role in ("unit", "sub", "numbered", "code", "other") and len(cells[0]) <= 40:
                text = f"{cells[0]} {cells[1]}"
                run.append(_Entry(i + 1, text, h.ref or cells[0], cells[1], h.role, number))
                continue
        if len(run) >= MIN_ENTRIES:
            return run[0].line, run
        run = []
    return None


def _match(entries: list[_Entry], actions: list[ActionRecord]) -> dict[int, int]:
    """entry index -> action index, one to one: by ref (or number), then by title. Candidates come from
    indexes (ref, number, title words), so contents of thousands of entries stay linear."""
    by_key: dict[str, list[int]] = {}
    by_word: dict[str, list[int]] = {}
    for j, a in enumerate(actions):
        for key in {fold(a.ref or ""), _number(a.ref) or ""} - {""}:
            by_key.setdefault(key, []).append(j)
        for w in _words(a.title):
            by_word.setdefault(w, []).append(j)
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for test in (_same_ref, _same_title):
        for k, e in enumerate(entries):
            if k in pairs:
                continue
            if test is _same_ref:
                candidates = by_key.get(fold(e.ref or ""), []) + by_key.get(e.number or "", [])
            else:
                rare = sorted(_words(e.title), key=lambda w: len(by_word.get(w, [])))[:3]
                candidates = sorted({j for w in rare for j in by_word.get(w, [])})
            j = next((j for j in candidates if j not in used and test(e, actions[j])), None)
            if j is not None:
                pairs[k] = j
                used.add(j)
    return pairs


def _same_ref(e: _Entry, a: ActionRecord) -> bool:
    if not e.ref or not a.ref:
        return False
    if fold(e.ref) == fold(a.ref):
        return True
    bare = e.role in ("numbered", "other") or a.shape == "sheet"
    return bare and e.number is not None and e.number == _number(a.ref) and _similar(e.title, a.title)


def _same_title(e: _Entry, a: ActionRecord) -> bool:
    return e.role not in ("level", "passage") and _similar(e.title, a.title)


def _depth(number: str | None) -> int:
    return len(re.split(r"[.\-]", number)) if number else 0


def check(lines: list[str], actions: list[ActionRecord]) -> TocAgreement | None:
    """The agreement of the document's contents (or summary table) with ``actions``; None without one."""
    for source, read in (("contents", _contents), ("summary table", _summary_table)):
        found = read(lines)
        if found is None:
            continue
        start, entries = found
        pairs = _match(entries, actions)
        depths = {_depth(entries[k].number) for k in pairs}
        units = [
            k
            for k, e in enumerate(entries)
            if k in pairs or e.role == "unit" or (e.role == "numbered" and _depth(e.number) in depths)
        ]
        if not units:
            continue
        matched = set(pairs.values())
        return TocAgreement(
            source=source,
            line=start,
            entries=len(units),
            matched=len(pairs),
            in_toc_not_found=[entries[k].text for k in units if k not in pairs],
            found_not_in_toc=[
                collapse(f"{a.ref or ''} {a.title}") for j, a in enumerate(actions) if j not in matched
            ],
        )
    return None
