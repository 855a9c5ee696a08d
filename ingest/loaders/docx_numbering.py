"""The numbers Word draws before numbered paragraphs (w:numPr, automatic list numbering): absent from the
text, computed from ``word/numbering.xml`` as a reader sees them ("Orientation stratégique 2 –",
"Fiche-action 2.3 –"). Numbering comes from the paragraph or from its style (a heading style linked to a
multilevel list)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

from ingest.loaders.numbers import format_number

logger = logging.getLogger(__name__)

_FORMATS = {"decimal": "1", "upperRoman": "I", "lowerRoman": "i", "upperLetter": "A", "lowerLetter": "a"}
_PLACEHOLDER = re.compile(r"%([1-9])")
MAX_LEVELS = 9


@dataclass(frozen=True)
class _Level:
    fmt: str  # a numFmt ("decimal", "bullet", "none"...)
    text: str  # the lvlText ("Fiche-action %1.%2 –")
    start: int
    style: str | None  # the w:pStyle a level is linked to


def _val(element: Any, tag: str) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _levels(abstract: Any) -> dict[int, _Level]:
    found = {}
    for lvl in abstract.findall(qn("w:lvl")):
        ilvl = int(lvl.get(qn("w:ilvl")) or 0)
        start = _val(lvl, "w:start")
        found[ilvl] = _Level(
            fmt=_val(lvl, "w:numFmt") or "decimal",
            text=_val(lvl, "w:lvlText") or "",
            start=int(start) if start and start.isdigit() else 1,
            style=_val(lvl, "w:pStyle"),
        )
    return found


class Numbering:
    """Running counters of a document's numbered lists; ``label`` gives the next number of a paragraph."""

    def __init__(self, document: Any) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, str] = {}
        self.counts: dict[str, list[int]] = {}
        self.styles: dict[str, tuple[str, int | None]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in root.findall(qn("w:abstractNum")):
            self.abstract[abstract.get(qn("w:abstractNumId"))] = _levels(abstract)
        for num in root.findall(qn("w:num")):
            self.nums[num.get(qn("w:numId"))] = _val(num, "w:abstractNumId") or ""
        self._style_links(document)

    def _style_links(self, document: Any) -> None:
        """Style id -> (numId, ilvl) of styles that carry numbering (their own or a base style's)."""
        try:
            styles = document.styles.element
        except (KeyError, AttributeError):
            return
        own: dict[str, tuple[str | None, int | None, str | None]] = {}
        for style in styles.findall(qn("w:style")):
            num_pr = style.find(qn("w:pPr") + "/" + qn("w:numPr"))
            ilvl = _val(num_pr, "w:ilvl")
            own[style.get(qn("w:styleId"))] = (
                _val(num_pr, "w:numId"),
                int(ilvl) if ilvl and ilvl.isdigit() else None,
                _val(style, "w:basedOn"),
            )
        for style_id in own:
            seen, current = set(), style_id
            while current in own and current not in seen:
                seen.add(current)
                num_id, ilvl, based = own[current]
                if num_id is not None:
                    self.styles[style_id] = (num_id, ilvl)
                    break
                current = based

    def _resolve(self, paragraph: Any) -> tuple[str, int] | None:
        p_pr = paragraph._p.pPr
        num_pr = p_pr.numPr if p_pr is not None else None
        style = paragraph._p.style
        num_id = ilvl = None
        if num_pr is not None:
            num_id = num_pr.numId.val if num_pr.numId is not None else None
            ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else None
        if num_id is None and style in self.styles:
            num_id, ilvl = self.styles[style]
        if num_id is None or str(num_id) == "0" or str(num_id) not in self.nums:
            return None
        abstract_id = self.nums[str(num_id)]
        if ilvl is None:  # a style-linked level: the level whose w:pStyle is that style
            levels = self.abstract.get(abstract_id, {})
            ilvl = next((k for k, lv in levels.items() if lv.style == style), 0)
        return abstract_id, min(int(ilvl), MAX_LEVELS - 1)

    def depth(self, paragraph: Any) -> int:
        """The list level (w:ilvl, 0 at the top) of a numbered paragraph; 0 for any other."""
        found = self._resolve(paragraph)
        return found[1] if found else 0

    def label(self, paragraph: Any) -> str | None:
        """The number drawn before ``paragraph`` ("Fiche-action 1.2 –"), None when it is not numbered or is
        a bullet. Counting advances for every numbered paragraph, in document order."""
        found = self._resolve(paragraph)
        if found is None:
            return None
        abstract_id, ilvl = found
        levels = self.abstract.get(abstract_id, {})
        level = levels.get(ilvl)
        if level is None:
            return None
        counts = self.counts.setdefault(abstract_id, [0] * MAX_LEVELS)
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else levels[ilvl].start
        for deeper in range(ilvl + 1, MAX_LEVELS):
            counts[deeper] = 0
        if level.fmt not in _FORMATS:
            return None  # bullets, "none" and formats not drawn as numbers
        return _PLACEHOLDER.sub(lambda m: self._part(levels, counts, int(m.group(1)) - 1), level.text).strip()

    @staticmethod
    def _part(levels: dict[int, _Level], counts: list[int], k: int) -> str:
        level = levels.get(k)
        count = counts[k] or (level.start if level else 1)
        return format_number(count, _FORMATS.get(level.fmt if level else "decimal", "1"))
