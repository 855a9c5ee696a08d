"""A general structure parser: the heading tree of a plan, its units of action and their labelled fields.

- Headings come from ``#`` depth (Markdown, DOCX styles, ODT outline levels, HTML h1-h6, PDF layout). A
  standalone line "Fiche action n° 1.1 : Titre" below them is a heading one level deeper than the last ``#``
  heading. A document without ``#`` headings (plain text) has its heading lines found by their label word,
  their numbering or their capitals, and their depth from the order in which each kind first appears.
- Each heading is classified by its label word and numbering (``ingest/data/structure.toml``): grouping level,
  unit of action, sub-unit, typed passage (édito, diagnostic, gouvernance, glossaire, annexe, sommaire…) or
  other. A unit below a unit is a sub-unit (a step of its unit). With no unit word, "Objectif 2.3.1" deep
  numbering, code headings sharing a pattern ("MOB-03") or the deepest bare-numbered headings are the units.
- A unit's body gives its fields through the label lexicon (``ingest/labels.py``): 2-cell tab rows,
  ``Label : value`` lines and bullets, bold run-in labels, a known label alone on its line followed by its
  value, side panels headed by a unit's ref ("Mesure n°1" then label/value paragraphs). An unknown label
  keeps its value in ``extra``; it never swallows what follows. The prose is the description.
- Typed passages are never exported as actions: they are returned as `Passage` records.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources

from ingest.labels import Lexicon, default_lexicon
from ingest.orgs import split_orgs
from ingest.records import ActionRecord, Level, Passage, SheetRow
from ingest.shapes.context import Context
from ingest.shapes.sheet import PLACE_RECORDS, RecordBuilder, map_columns, read_row
from ingest.text import collapse, fold, is_upper_text, strip_heading

MAX_HEADING = 180  # characters: a longer line is prose
MAX_UNKNOWN_LABEL_WORDS = 5
_HASH = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*•–]\s+")
_RUN_IN = re.compile(r"^(?:\*\*|__)?\s*([^:*_\t]{1,80}?)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(\S.*)$")
_EMAIL_TAIL = re.compile(r"\s*[-–,]\s*\S+@\S+.*$")
_PUNCT = frozenset(":.-–—)")
_SEP = r"\s*(?:[:.\-–—)]\s*|\s+|$)"


@dataclass(frozen=True)
class Structure:
    """The words and patterns of ``structure.toml``, compiled."""

    level_kind: dict[str, str]  # folded word -> level kind
    unit_words: frozenset[str]
    sub_words: frozenset[str]
    words: re.Pattern  # a label word, then numbering, then the title
    bare: re.Pattern
    code: re.Pattern
    toc: re.Pattern
    passages: list[tuple[str, str]]  # (folded heading start, type), longest first
    deep_numbering: int
    min_bare_units: int


@functools.cache
def structure() -> Structure:
    text = resources.files("ingest").joinpath("data/structure.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    level_kind = {fold(w): kind for kind, ws in data["levels"].items() for w in ws}
    units, subs = data["units"], frozenset(fold(w) for w in data["units"]["sub_words"])
    unit_words = frozenset(fold(w) for w in units["words"])
    written = [w for ws in data["levels"].values() for w in ws] + units["words"] + units["sub_words"]
    alternatives = sorted({*written, *level_kind, *unit_words, *subs}, key=len, reverse=True)
    words = "|".join(re.escape(w).replace(r"\ ", r"[\s\-]+") for w in alternatives)
    num = data["numbering"]
    return Structure(
        level_kind=level_kind,
        unit_words=unit_words,
        sub_words=subs,
        words=re.compile(rf"^({words})(?![\w'])\s*((?-i:{num['after_word']}))?{_SEP}(.*)$", re.I),
        bare=re.compile(rf"^({num['bare']})\s*[:\-–]?\s*(\S.*)$"),
        code=re.compile(rf"^({num['code']})\s*[:.\-–—]\s*(\S.*)$"),
        toc=re.compile(num["toc"]),
        passages=sorted(
            ((fold(w), kind) for kind, ws in data["passages"].items() for w in ws),
            key=lambda p: -len(p[0]),
        ),
        deep_numbering=int(units["deep_numbering"]),
        min_bare_units=int(units["min_bare_units"]),
    )


@dataclass
class Heading:
    line: int
    depth: int
    text: str
    role: str = "other"  # "level", "unit", "sub", "passage", "other"
    kind: str | None = None  # the level kind, the passage type
    word: str | None = None  # the label word as written
    number: str | None = None
    code: str | None = None
    title: str = ""
    end: int = 0
    parent: Heading | None = None
    children: list[Heading] = field(default_factory=list)

    @property
    def ref(self) -> str | None:
        if self.code:
            return self.code
        if self.word:
            return collapse(f"{self.word} {self.number or ''}")
        return self.number.rstrip(".") if self.number else None

    def ancestors(self) -> list[Heading]:
        out, h = [], self.parent
        while h is not None:
            out.append(h)
            h = h.parent
        return out[::-1]


def _parts(number: str | None) -> int:
    return len(re.findall(r"\d+|[IVXLC]+|[A-Za-z]", number)) if number else 0


def classify(text: str, s: Structure | None = None) -> Heading:
    """A heading's role from its words: 'Fiche action n° 1.1.2 : Titre' -> a unit, ref 'Fiche action n°
    1.1.2', title 'Titre'."""
    s = s or structure()
    h = Heading(0, 0, text, title=text)
    if m := s.words.match(text):
        word = fold(m.group(1)).replace("-", " ")
        key = next((k for k in (fold(m.group(1)), word) if k in s.level_kind or k in s.unit_words), word)
        h.word, h.number, h.title = m.group(1), (m.group(2) or "").strip() or None, m.group(3).strip(" :.–-")
        if fold(m.group(1)) in s.sub_words or word in {w.replace("-", " ") for w in s.sub_words}:
            h.role = "sub"
        elif key in s.unit_words:
            h.role = "unit"
        else:
            h.role, h.kind = "level", s.level_kind.get(key)
        punctuated = text[m.end(2) if m.group(2) else m.end(1) :].lstrip()[:1] in _PUNCT
        if not h.number and (not punctuated or not h.title):
            h.role, h.kind, h.word, h.title = "other", None, None, text  # "Programme départemental…"
        else:
            return h
    if m := s.code.match(text):
        h.code, h.title, h.role = collapse(m.group(1)), m.group(2).strip(), "code"
        return h
    if m := s.bare.match(text):
        h.number, h.title, h.role = m.group(1).strip(), m.group(2).strip(), "numbered"
        return h
    key = fold(text)
    for start, kind in s.passages:
        if key == start or key.startswith(start + " ") or key.startswith(start + " :"):
            h.role, h.kind = "passage", kind
            break
    return h


def _clean(line: str) -> str:
    return collapse(strip_heading(line)).strip()


def _standalone(lines: list[str], i: int) -> bool:
    """A line alone in its paragraph, or the first line of one (a fiche title above its table rows)."""
    before = lines[i - 1].strip() if i > 0 else ""
    return not before or bool(_HASH.match(before))


def _is_candidate(text: str, raw: str, s: Structure) -> bool:
    return bool(text) and len(text) <= MAX_HEADING and "\t" not in raw and not s.toc.search(raw)


class _Depths:
    """Depths for headings without ``#``: each kind of heading keeps the depth it first appeared at."""

    def __init__(self) -> None:
        self.by_sig: dict[tuple, int] = {}
        self.open: list[Heading] = []

    def depth(self, h: Heading, sig: tuple) -> int:
        if sig not in self.by_sig:
            container = next(
                (o for o in reversed(self.open) if o.role in ("level", "unit", "numbered")), None
            )
            self.by_sig[sig] = container.depth + 1 if container else 1
        d = self.by_sig[sig]
        self.open = [o for o in self.open if o.depth < d] + [h]
        return d


def _signature(h: Heading, upper: bool) -> tuple | None:
    if h.role in ("level", "unit", "sub"):
        return ("word", fold(h.word or ""))
    if h.role == "code":
        return ("code",)
    if h.role == "numbered":
        return ("numbered", _parts(h.number))
    if h.role == "passage" or upper:
        return ("caps",)
    return None


def headings(ctx: Context, lexicon: Lexicon) -> list[Heading]:
    """The document's headings, in order, with their depth."""
    s = structure()
    lines = ctx.lines
    has_hash = any(_HASH.match(x) for x in lines)
    out: list[Heading] = []
    last_hash = 0
    depths = _Depths()
    for i, raw in enumerate(lines):
        if m := _HASH.match(raw):
            last_hash = len(m.group(1))
            text = _clean(m.group(2))
            if text and not s.toc.search(raw):
                h = classify(text, s)
                h.line, h.depth = i + 1, last_hash
                out.append(h)
            continue
        if _BULLET.match(raw) or not _standalone(lines, i):
            continue
        text = _clean(raw)
        if not _is_candidate(text, raw, s):
            continue
        h = classify(text, s)
        if has_hash:
            if h.role in ("unit", "sub", "code") and h.title and not text.endswith("."):
                h.line, h.depth = i + 1, last_hash + 1
                out.append(h)
            continue
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        upper = is_upper_text(text) and len(text) <= 100 and not lexicon.match(text)
        if h.role == "numbered" and (nxt or text.endswith(".") and not h.title.endswith("?")):
            continue
        if h.role == "other" and not upper:
            continue
        if h.role == "passage" and text.endswith(".") and not upper:
            continue  # a sentence that starts with "Annexe 1 - …" is prose, not a heading
        if h.role in ("level", "unit", "sub", "code") and not h.title:
            continue
        sig = _signature(h, upper)
        h.line = i + 1
        h.depth = depths.depth(h, sig)
        out.append(h)
    return out


def _tree(found: list[Heading], n_lines: int) -> None:
    stack: list[Heading] = []
    for h in found:
        while stack and stack[-1].depth >= h.depth:
            stack.pop()
        h.parent = stack[-1] if stack else None
        if h.parent:
            h.parent.children.append(h)
        stack.append(h)
    for k, h in enumerate(found):
        nxt = next((o for o in found[k + 1 :] if o.depth <= h.depth), None)
        h.end = (nxt.line - 1) if nxt else n_lines


def _in_passage(h: Heading) -> bool:
    return any(a.role == "passage" for a in h.ancestors())


def _promote(live: list[Heading], s: Structure) -> None:
    """With no unit word: deep-numbered levels, codes sharing a prefix, or the deepest bare-numbered
    headings are the units."""
    deep = [h for h in live if h.role == "level" and _parts(h.number) >= s.deep_numbering]
    codes = [h for h in live if h.role == "code"]
    prefixes = [re.match(r"[A-Z]+", c.code or "").group(0) for c in codes]
    if deep or (codes and max(prefixes.count(p) for p in prefixes) >= 2):
        for h in deep or codes:
            h.role = "unit"
        return
    numbered = [h for h in live if h.role == "numbered"]
    leaves = [h for h in numbered if not any(c.role == "numbered" for c in h.children)]
    parts = [_parts(h.number) for h in leaves]
    if parts and parts.count(max(parts)) >= s.min_bare_units and max(parts) > 1:
        for h in leaves:
            if _parts(h.number) == max(parts):
                h.role = "unit"


def _roles(found: list[Heading], s: Structure) -> None:
    """Relative roles: a unit below a unit is a sub-unit; a passage inside a unit is part of it."""
    for h in found:
        if h.role == "passage" and any(a.role == "unit" for a in h.ancestors()):
            h.role = "other"
    live = [h for h in found if not _in_passage(h) and h.role != "passage"]
    if not any(h.role == "unit" for h in live):
        _promote(live, s)
    for h in found:
        if h.role == "unit" and any(a.role == "unit" for a in h.ancestors()):
            h.role = "sub"
        if h.role == "unit" and _in_passage(h):
            h.role = "other"


@dataclass
class _Body:
    pairs: list[tuple[str, str, int]] = field(default_factory=list)  # (label, value, line)
    prose: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    def add(self, label: str, value: str, line: int) -> None:
        label, value = collapse(label.strip("*_ ")), value.strip()
        if value:
            self.pairs.append((label, value, line))

    def extend_last(self, value: str) -> None:
        if self.pairs and value.strip():
            label, old, line = self.pairs[-1]
            self.pairs[-1] = (label, f"{old} {value.strip()}", line)


def _label_ok(label: str, lexicon: Lexicon) -> bool:
    label = label.strip("*_ ")
    if not label or len(label) > 60:
        return False
    if lexicon.match(label):
        return True
    words = label.split()
    return len(words) <= MAX_UNKNOWN_LABEL_WORDS and label[0].isupper() and not label.endswith(".")


def _sub_step(label: str, value: str, s: Structure) -> str | None:
    h = classify(f"{label} : {value}", s)
    return (h.title or value) if h.role == "sub" else None


class _Reader:
    """Reads a unit's body lines into labelled pairs, prose and steps."""

    def __init__(self, ctx: Context, lexicon: Lexicon, s: Structure):
        self.ctx, self.lexicon, self.s = ctx, lexicon, s

    def read(self, body: _Body, start: int, end: int, skip: set[int]) -> None:
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
                pending = (_clean(text), n)
                n += 1
                continue
            self._line(body, raw, n)
            n += 1

    def _paragraph(self, n: int, end: int, skip: set[int]) -> tuple[str, int]:
        parts = []
        while n <= end and n not in skip and self.ctx.line(n).strip():
            parts.append(_clean(self.ctx.line(n)))
            n += 1
        return " ".join(parts), n

    def _alone_label(self, n: int, text: str, end: int, panel: bool = False) -> bool:
        """A known label alone on its line, its value below ('CONTACTS', 'Impacts attendus')."""
        clean = _clean(text)
        if "\t" in text or ":" in clean or len(clean) > 60 or clean.endswith((".", "?")) or n >= end:
            return False
        prev = self.ctx.line(n - 1).strip()
        if prev and not _HASH.match(prev) and not prev.startswith("#"):
            return False
        return bool(self.lexicon.match(clean)) or (panel and len(clean.split()) <= MAX_UNKNOWN_LABEL_WORDS)

    def _line(self, body: _Body, raw: str, n: int) -> None:
        if "\t" in raw:
            cells = [c.strip() for c in raw.split("\t")]
            if not cells[0] and any(cells[1:]):
                body.extend_last(" ".join(c for c in cells[1:] if c))
                return
            if len(cells) >= 2 and _label_ok(cells[0], self.lexicon):
                self._pair(body, cells[0], " ".join(c for c in cells[1:] if c), n)
                return
        text = _BULLET.sub("", raw.strip(), count=1)
        text = strip_heading(text) if text.startswith("#") else text
        m = _RUN_IN.match(text)
        if m and _label_ok(m.group(1), self.lexicon):
            self._pair(body, m.group(1), m.group(2), n)
            return
        body.prose.append(collapse(text.replace("\t", " ")))

    def _pair(self, body: _Body, label: str, value: str, n: int) -> None:
        value = value.strip("*_ ").strip()
        if (step := _sub_step(label, value, self.s)) is not None:
            body.steps.append(step)
        else:
            body.add(label, value, n)

    def panel(self, body: _Body, start: int, end: int) -> None:
        """Label / value paragraphs of a side panel (any short line is a label there)."""
        n = start
        while n <= end:
            text = self.ctx.line(n).strip()
            if text and self._alone_label(n, text, end, panel=True):
                value, n = self._paragraph(self._next_text(n + 1, end), end, set())
                body.add(_clean(text), value, n)
                continue
            n += 1

    def _next_text(self, n: int, end: int) -> int:
        while n <= end and not self.ctx.line(n).strip():
            n += 1
        return n


@dataclass
class Outline:
    """What the outline parser found: the units as records, the typed passages, the hierarchy counts."""

    actions: list[ActionRecord]
    passages: list[Passage]
    headings: list[Heading]


def _panels(ctx: Context, found: list[Heading], units: list[Heading]) -> dict[int, tuple[int, int]]:
    """Side panels headed by a unit's ref alone on a line: unit line -> (first, last) line of the panel."""
    s = structure()
    by_ref = {fold(u.ref or ""): u for u in units if u.ref}
    starts = sorted(h.line for h in found)
    out: dict[int, tuple[int, int]] = {}
    heads = []
    for i, raw in enumerate(ctx.lines):
        text = _clean(raw)
        if raw.startswith("#") or not text or len(text) > 40 or not _standalone(ctx.lines, i):
            continue
        h = classify(text, s)
        if h.role in ("unit", "sub") and h.number and not h.title and fold(h.ref or "") in by_ref:
            heads.append((i + 1, by_ref[fold(h.ref or "")]))
    for k, (line, unit) in enumerate(heads):
        stops = [x for x in starts if x > line] + [heads[k + 1][0]] if k + 1 < len(heads) else []
        stops = [x for x in starts if x > line] + ([heads[k + 1][0]] if k + 1 < len(heads) else [])
        out[unit.line] = (line, (min(stops) - 1) if stops else len(ctx.lines))
    return out


def _levels(unit: Heading) -> list[Level]:
    out = []
    for a in unit.ancestors():
        if a.role == "level" or (a.role == "numbered" and a.title):
            kind = collapse(a.word.lower()) if a.word else "section"
            out.append(Level(kind=kind, title=a.title or a.text, ref=a.ref))
    return out


class _Units:
    def __init__(self, ctx: Context, lexicon: Lexicon):
        self.ctx, self.lexicon, self.s = ctx, lexicon, structure()
        self.reader = _Reader(ctx, lexicon, self.s)

    def record(self, unit: Heading, panel: tuple[int, int] | None, skip: set[int]) -> ActionRecord:
        body = _Body()
        inner = [h for h in unit_descendants(unit)]
        skip = skip | {h.line for h in inner}
        body.steps += [h.title or h.text for h in inner if h.role == "sub"]
        for h in inner:
            if h.role != "sub" and h.end > h.line and self.lexicon.match(h.text):
                self.reader._line(body, f"{h.text}\t{self._text(h, skip)}", h.line)
                skip = skip | set(range(h.line, h.end + 1))
        self.reader.read(body, unit.line + 1, unit.end, skip)
        if panel:
            self.reader.panel(body, panel[0] + 1, panel[1])
        return self._build(unit, body)

    def _text(self, h: Heading, skip: set[int]) -> str:
        lines = (self.ctx.line(n) for n in range(h.line + 1, h.end + 1) if n not in skip)
        return " ".join(_clean(x) for x in lines if x.strip())

    def _build(self, unit: Heading, body: _Body) -> ActionRecord:
        labels = [p[0] for p in body.pairs]
        row = SheetRow(number=unit.line, line=unit.line, cells=[p[1] for p in body.pairs])
        columns = map_columns(labels, self.lexicon)
        has_places = any(c.spec and c.spec.record in PLACE_RECORDS for c in columns)
        read = read_row(row, columns, [])
        title = unit.title or collapse(" ".join(read.values("title"))) or unit.text
        builder = RecordBuilder(self.ctx, self.lexicon, has_places)
        action = builder._action(read, title)
        action.shape = "outline"
        action.ref = unit.ref
        action.provenance = self.ctx.provenance(unit.line, unit.end)
        action.levels = _levels(unit)
        action.chapter = " — ".join(lv.title for lv in action.levels) or None
        prose = "\n".join(body.prose)
        action.description = "\n".join(p for p in (prose, action.description) if p)
        subs = [v for v in read.values("sub_title")]
        action.steps = [*body.steps, *subs, *action.steps]
        for label, _value, line in body.pairs:
            if not self.lexicon.match(label):
                action.warnings.append(f"ligne {line} : libellé non reconnu « {label} » (gardé tel quel)")
        if not action.pilots:
            action.pilots = self._contact_orgs(body, read.row.line)
        action.fields_missing = [f for f in action.fields_missing if f != "description" or not prose]
        return action

    def _contact_orgs(self, body: _Body, line: int) -> list:
        """The organisation named before an e-mail in a contacts value ('Mission locale - x@y.org')."""
        for label, value, at in body.pairs:
            spec = self.lexicon.spec(label)
            name = _EMAIL_TAIL.sub("", value)
            if spec and spec.record == "contacts" and name != value and name:
                return split_orgs([name], at or line, self.ctx.known_acronyms)[0]
        return []


def unit_descendants(unit: Heading) -> list[Heading]:
    out = []
    for c in unit.children:
        out.append(c)
        out += unit_descendants(c)
    return out


def _passages(found: list[Heading]) -> list[Passage]:
    return [
        Passage(type=h.kind or "autre", heading=h.text, line_start=h.line, line_end=h.end)
        for h in found
        if h.role == "passage" and not _in_passage(h)
    ]


def detect(ctx: Context) -> Outline:
    """Units of action of any plan with headings, their fields, and the typed passages."""
    lexicon = default_lexicon()
    found = headings(ctx, lexicon)
    _tree(found, len(ctx.lines))
    _roles(found, structure())
    units = [h for h in found if h.role == "unit"]
    panels = _panels(ctx, found, units)
    skip = {n for first, last in panels.values() for n in range(first, last + 1)}
    builder = _Units(ctx, lexicon)
    actions = [builder.record(u, panels.get(u.line), skip) for u in units]
    return Outline(actions=actions, passages=_passages(found), headings=found)
