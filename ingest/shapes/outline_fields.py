"""A unit's body read into labelled pairs, prose and steps through the label lexicon: 2-cell tab rows,
``Label : value`` lines and bullets, bold run-in labels, a known label alone on its line followed by its
value, side-panel label/value paragraphs. An unknown label keeps its value; it never swallows what follows."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field

from ingest.labels import Lexicon
from ingest.shapes.context import Context
from ingest.shapes.outline_headings import BULLET, HASH, clean
from ingest.shapes.outline_words import Structure, classify
from ingest.text import collapse, fold, html_paragraphs, strip_heading

MAX_UNKNOWN_LABEL_WORDS = 5
MIN_HEADER_CELLS = 3  # a table row of this many known labels heads the values of the rows below
_RUN_IN = re.compile(r"^(?:\*\*|__)?\s*([^:*_\t]{1,80}?)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(\S.*)$")


def _captioned(cells: list[str], lexicon: Lexicon) -> bool:
    """A row of three cells: a caption merged down over several rows (empty below its first row), then a
    known label, then its value: the label and value are the field, the caption none."""
    return (
        len(cells) == 3
        and bool(cells[1] and cells[2])
        and len(cells[1].split()) <= 4
        and lexicon.match(cells[1].strip(" *_:"), prefix=False) is not None
        and len(cells[0].split()) <= 3
    )


@dataclass
class Body:
    pairs: list[tuple[str, str, int]] = field(default_factory=list)  # (label, value, line)
    prose: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    def add(self, label: str, value: str, line: int) -> None:
        label, value = collapse(label.strip("*_ ")), value.strip()
        if value and not any(label == a and value == b for a, b, _ in self.pairs):  # a panel printed again
            self.pairs.append((label, value, line))

    def extend_last(self, value: str) -> None:
        if self.pairs and value.strip():
            label, old, line = self.pairs[-1]
            self.pairs[-1] = (label, f"{old} {value.strip()}", line)


_MARKUP = re.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>", re.IGNORECASE)  # a tag, not "< 5 % et > 2 %"


def _cell(cell: str) -> str:
    """A table cell as text: a cell holding HTML (a web page's or a word processor's ``<p class=…>``
    paragraphs) gives the text of its paragraphs, one a line."""
    cell = cell.strip()
    return "\n".join(html_paragraphs(cell)) if "<" in cell and _MARKUP.search(cell) else cell


def _label_ok(label: str, lexicon: Lexicon) -> bool:
    label = label.strip("*_ ")
    if not label or len(label) > 60:
        return False
    if lexicon.match(label):
        return True
    words = label.split()
    return len(words) <= MAX_UNKNOWN_LABEL_WORDS and label[0].isupper() and not label.endswith(".")


def _bold_label(text: str, label: str) -> bool:
    """A bold run-in label with its colon inside the bold (« **Lien avec le projet de territoire :** … »):
    a label whatever its length (up to a label's), the layout says so."""
    label = label.strip()
    return (
        bool(re.match(r"^(?:\*\*|__)[^*_]+:\s*(?:\*\*|__)", text))
        and 0 < len(label) <= 60
        and not label.endswith(".")
    )


def _sub_step(label: str, value: str, s: Structure) -> str | None:
    h = classify(f"{label} : {value}", s)
    return (h.title or value) if h.role == "sub" else None


class Reader:
    """Reads a unit's body lines into labelled pairs, prose and steps."""

    def __init__(self, ctx: Context, lexicon: Lexicon, s: Structure):
        self.ctx, self.lexicon, self.s = ctx, lexicon, s
        self._header: list[str] | None = None  # the known labels heading the columns of a table

    def read(self, body: Body, start: int, end: int, skip: Container[int]) -> None:
        n = start
        pending: tuple[str, int] | None = None  # a label alone on its line waiting for its value
        while n <= end:
            raw = self.ctx.line(n)
            if n in skip:
                n += 1
                continue
            text = raw.strip()
            if not text:
                n += 1
                continue
            if pending:
                value, n = self._paragraph(n, end, skip)
                body.add(pending[0], value, pending[1])
                pending = None
                continue
            if self._alone_label(n, text, end):
                pending = (clean(text), n)
                n += 1
                continue
            self._line(body, raw, n)
            n += 1

    def _paragraph(self, n: int, end: int, skip: Container[int]) -> tuple[str, int]:
        parts = []
        while n <= end and n not in skip and self.ctx.line(n).strip():
            parts.append(clean(self.ctx.line(n)))
            n += 1
        return " ".join(parts), n

    def _alone_label(self, n: int, text: str, end: int, panel: bool = False) -> bool:
        """A known label alone on its line, its value below ('CONTACTS', 'Impacts attendus'); not the caption
        of a table whose rows follow ('Mise en œuvre' above 'Pilote | Partenaires | Échéance')."""
        label = clean(text)
        if "\t" in text or ":" in label or len(label) > 60 or label.endswith((".", "?")) or n >= end:
            return False
        if "\t" in self.ctx.line(n + 1):
            return False
        prev = self.ctx.line(n - 1).strip()
        if prev and not HASH.match(prev) and not prev.startswith("#"):
            return False
        return bool(self.lexicon.match(label)) or (panel and len(label.split()) <= MAX_UNKNOWN_LABEL_WORDS)

    def _line(self, body: Body, raw: str, n: int) -> None:
        if "\t" in raw:
            if self._table_row(body, [_cell(c) for c in raw.split("\t")], n):
                return
        else:
            self._header = None
        text = BULLET.sub("", raw.strip(), count=1)
        text = strip_heading(text) if text.startswith("#") else text
        m = _RUN_IN.match(text)
        if m and (_label_ok(m.group(1), self.lexicon) or _bold_label(text, m.group(1))):
            self._pair(body, m.group(1), m.group(2), n)
            return
        body.prose.append(collapse(text.replace("\t", " ")))

    def _table_row(self, body: Body, cells: list[str], n: int) -> bool:
        """A table row: a header of known labels (the rows below give their values column by column),
        a continuation row (empty label), label/value pairs side by side, or one label and its value."""
        header, self._header = self._header, None
        if len(cells) == 2 and fold(cells[1]).strip(" :") in self.s.table_header_values:
            return True  # a fiche table's header row ("Rubrique | Contenu"): no field
        if len(cells) >= MIN_HEADER_CELLS and all(c and self.lexicon.match(c) for c in cells):
            self._header = cells  # also below the values of another header (labels above values, twice)
            return True
        if header and len(cells) == len(header):
            self._header = header
            for label, value in zip(header, cells, strict=True):
                if value:
                    self._pair(body, label, value, n)
            return True
        if _captioned(cells, self.lexicon):  # « Moyens | Budget | 75 000 € », « | Calendrier | 2026 »
            self._pair(body, cells[1], cells[2], n)
            return True
        if not cells[0] and any(cells[1:]):
            body.extend_last(" ".join(c for c in cells[1:] if c))
            return True
        labels = cells[0::2]
        if len(cells) >= 4 and len(cells) % 2 == 0 and all(c and self.lexicon.match(c) for c in labels):
            for label, value in zip(labels, cells[1::2], strict=True):
                self._pair(body, label, value, n)
            return True
        if len(cells) >= 2 and _label_ok(cells[0], self.lexicon):
            self._pair(body, cells[0], " ".join(c for c in cells[1:] if c), n)
            return True
        return False

    def _pair(self, body: Body, label: str, value: str, n: int) -> None:
        value = value.strip("*_ ").strip()
        if (step := _sub_step(label, value, self.s)) is not None:
            body.steps.append(step)
        else:
            body.add(label, value, n)

    def panel(self, body: Body, start: int, end: int) -> None:
        """Label / value paragraphs of a side panel (any short line is a label there)."""
        n = start
        while n <= end:
            text = self.ctx.line(n).strip()
            if text and self._alone_label(n, text, end, panel=True):
                value, n = self._paragraph(self._next_text(n + 1, end), end, set())
                body.add(clean(text), value, n)
                continue
            n += 1

    def _next_text(self, n: int, end: int) -> int:
        while n <= end and not self.ctx.line(n).strip():
            n += 1
        return n
