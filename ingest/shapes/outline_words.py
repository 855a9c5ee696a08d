"""The structure words of ``ingest/data/structure.toml`` compiled, and a heading's role from its words:
grouping level, unit of action, sub-unit, code, bare numbering, typed passage or other."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources

from ingest.text import collapse, fold

_PUNCT = frozenset(":.-–—)·")
_SEP = r"\s*(?:[:.\-–—)·]\s*|\s+|$)"


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
    min_labelled_fields: int
    min_diagnostic_figures: int
    breadcrumb: re.Pattern  # the separator of a breadcrumb line ("Engagement 1 > Fiche 1.2")
    table_header_values: frozenset[str]  # folded value cells of a table's header row ("contenu")
    summary_sheets: tuple[str, ...] = ()  # folded names of a workbook's summary sheets ("synthèse")
    total_rows: tuple[str, ...] = ()  # folded title cells of a spreadsheet's total rows ("total")


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
        min_labelled_fields=int(units["min_labelled_fields"]),
        min_diagnostic_figures=int(units["min_diagnostic_figures"]),
        breadcrumb=re.compile(data["layout"]["breadcrumb"]),
        table_header_values=frozenset(fold(w) for w in data["layout"]["table_header_values"]),
        summary_sheets=tuple(fold(w) for w in data["layout"].get("summary_sheets", [])),
        total_rows=tuple(fold(w) for w in data["layout"].get("total_rows", [])),
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
    title_line: int = 0  # the line of a title written below its heading ("Fiche 1.2" then the title)
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


_INSERTED = re.compile(r"\s?(?:bis|ter|quater)$")  # "3 bis": a number inserted after 3, as deep as 3


def _parts(number: str | None) -> int:
    number = _INSERTED.sub("", number) if number else number
    return len(re.findall(r"\d+|[IVXLC]+|[A-Za-z]", number)) if number else 0


_FIELDS = ("role", "kind", "word", "number", "code", "title")


def classify(text: str, s: Structure | None = None) -> Heading:
    """A heading's role from its words: 'Fiche action n° 1.1.2 : Titre' -> a unit, ref 'Fiche action n°
    1.1.2', title 'Titre'. (With the data file's structure words, cached by text: a fresh Heading each
    call, the callers set its line and depth.)"""
    if s is not None and s is not structure():
        return _classify(text, s)
    h = Heading(0, 0, text)
    for name, value in zip(_FIELDS, _classified(text), strict=True):
        setattr(h, name, value)
    return h


@functools.lru_cache(maxsize=1 << 15)
def _classified(text: str) -> tuple:
    h = _classify(text, structure())
    return tuple(getattr(h, name) for name in _FIELDS)


def _classify(text: str, s: Structure) -> Heading:
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
    if kind := passage_kind(text, s):
        h.role, h.kind = "passage", kind
    return h


def passage_kind(text: str, s: Structure) -> str | None:
    """The passage type a heading's words name ("Glossaire" -> "glossaire"), else None."""
    key = fold(text)
    for start, kind in s.passages:
        if key == start or key.startswith(start + " ") or key.startswith(start + " :"):
            return kind
    return None


def word_role(text: str, s: Structure | None = None) -> str | None:
    """The role a structure word alone names ("Axe" -> "level", "Action" -> "unit", "Sous-action" ->
    "sub"), as in a spreadsheet column that types each row; None for any other text."""
    s = s or structure()
    key = fold(text).strip(" :.")
    spaced = key.replace("-", " ")
    if key in s.sub_words or spaced in {w.replace("-", " ") for w in s.sub_words}:
        return "sub"
    if key in s.unit_words or spaced in {w.replace("-", " ") for w in s.unit_words}:
        return "unit"
    if key in s.level_kind:
        return "level"
    return None
