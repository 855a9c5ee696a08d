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

import bisect
import re
from collections.abc import Container
from dataclasses import dataclass

from ingest.labels import Lexicon, default_lexicon
from ingest.orgs import split_orgs
from ingest.records import ActionRecord, Level, Passage, SheetRow
from ingest.shapes.context import Context
from ingest.shapes.outline_fields import _RUN_IN, Body, Reader
from ingest.shapes.outline_headings import (
    BULLET,
    clean,
    headings,
    in_passage,
    promote_bare_levels,
    roles,
    standalone,
    tree,
)
from ingest.shapes.outline_tables import table_units
from ingest.shapes.outline_words import Heading, _parts, classify, structure
from ingest.shapes.sheet import PLACE_RECORDS, RecordBuilder, map_columns, read_row
from ingest.text import collapse, fold

__all__ = ["Heading", "Outline", "classify", "detect", "headings", "structure", "unit_descendants"]
_EMAIL_TAIL = re.compile(r"\s*[-–,]\s*\S+@\S+.*$")


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
        text = clean(raw)
        if raw.startswith("#") or not text or len(text) > 40 or not standalone(ctx.lines, i):
            continue
        h = classify(text, s)
        unit = by_ref.get(fold(h.ref or "")) if h.role in ("unit", "sub") and h.number else None
        if unit is not None and not h.title and unit.line != i + 1:  # not the unit's own heading line
            heads.append((i + 1, unit))
    for k, (line, unit) in enumerate(heads):
        at = bisect.bisect_right(starts, line)  # the first heading below the panel's head
        stops = starts[at : at + 1] + ([heads[k + 1][0]] if k + 1 < len(heads) else [])
        out[unit.line] = (line, (min(stops) - 1) if stops else len(ctx.lines))
    return out


def _unnamed_kind(title: str) -> str:
    """The kind of a level no word names: "question" when its title asks one (recueils of practices
    grouped by question), else "section"."""
    return "question" if title.rstrip().endswith("?") else "section"


def _levels(unit: Heading) -> list[Level]:
    out = []
    for a in unit.ancestors():
        if a.role == "level" or (a.role == "numbered" and a.title):
            kind = collapse(a.word.lower()) if a.word else _unnamed_kind(a.title or a.text)
            out.append(Level(kind=kind, title=a.title or a.text, ref=a.ref))
    return out


def _style(number: str) -> str:
    """A one-part number's style: "digit", "roman" or "letter" (a lone capital other than « I » is a letter:
    « C. » is the third orientation more often than a hundredth part)."""
    if number.isdigit():
        return "digit"
    roman = re.fullmatch(r"[IVXLC]+", number) and (len(number) > 1 or number == "I")
    return "roman" if roman else "letter"


def full_ref(unit: Heading) -> str | None:
    """A unit's ref, completed by its parents' when the plan numbers each level again from 1 in a style of
    its own with no level word (« I. » > « A. » > « 1. »): « I.A.1 », as the plan's own references cite it,
    rather than « 1 », which every orientation has. A ref with a word, a code or several parts stays."""
    ref = unit.ref
    if not ref or unit.word or unit.code or _parts(ref) != 1:
        return ref
    chain, style = [ref], _style(ref)
    for a in reversed(unit.ancestors()):
        if a.word or a.code or not a.number or _parts(a.number.rstrip(".")) != 1:
            break
        number = a.number.rstrip(".").rstrip(")")
        if _style(number) == style:
            break
        chain.append(number)
        style = _style(number)
    return ".".join(reversed(chain)) if len(chain) > 1 else ref


class _Skip:
    """Lines a unit's reader skips: the document's panel lines (shared, never copied) and the unit's own."""

    def __init__(self, shared: set[int], own: set[int]) -> None:
        self.shared, self.own = shared, own

    def __contains__(self, n: object) -> bool:
        return n in self.own or n in self.shared


class _Units:
    def __init__(self, ctx: Context, lexicon: Lexicon):
        self.ctx, self.lexicon, self.s = ctx, lexicon, structure()
        self.reader = Reader(ctx, lexicon, self.s)
        self.contact_orgs: dict[int, list] = {}  # id(action) -> the organisations of its contacts

    def contacts_as_pilots(self, actions: list[ActionRecord]) -> None:
        """A plan whose units name no pilot at all (a booklet of examples that gives each one's contacts):
        the organisation of a unit's contacts is the one that carries it. Where any unit has a pilot
        field, a contact line is a contact, not a pilot."""
        if any(a.pilots for a in actions):
            return
        for action in actions:
            action.pilots = self.contact_orgs.get(id(action), [])

    def record(self, unit: Heading, panel: tuple[int, int] | None, skip: set[int]) -> ActionRecord:
        body = Body()
        inner = [h for h in unit_descendants(unit)]
        own = {h.line for h in inner} | {h.title_line for h in (unit, *inner) if h.title_line}
        skip = _Skip(skip, own)  # the panels' lines, this unit's inner headings and titles below them
        body.steps += [h.title or h.text for h in inner if h.role == "sub"]
        for h in inner:
            if h.role != "sub" and h.end > h.line and self.lexicon.match(h.text):
                self.reader._line(body, f"{h.text}\t{self._text(h, skip)}", h.line)
                skip.own.update(range(h.line, h.end + 1))
        self.reader.read(body, unit.line + 1, unit.end, skip)
        _lettered_steps(body, unit)
        if panel:
            self.reader.panel(body, panel[0] + 1, panel[1])
        return self._build(unit, body)

    def _text(self, h: Heading, skip: Container[int]) -> str:
        lines = (self.ctx.line(n) for n in range(h.line + 1, h.end + 1) if n not in skip)
        return " ".join(clean(x) for x in lines if x.strip())

    def _build(self, unit: Heading, body: Body) -> ActionRecord:
        labels = [p[0] for p in body.pairs]
        row = SheetRow(
            number=unit.line,
            line=unit.line,
            cells=[p[1] for p in body.pairs],
            lines=tuple(p[2] or unit.line for p in body.pairs),  # each field's own line, for its evidence
        )
        columns = map_columns(labels, self.lexicon)
        has_places = any(c.spec and c.spec.record in PLACE_RECORDS for c in columns)
        read = read_row(row, columns, [])
        title = unit.title or collapse(" ".join(read.values("title"))) or unit.text
        builder = RecordBuilder(self.ctx, self.lexicon, has_places)
        action = builder._action(read, title)
        action.shape = "outline"
        action.ref = full_ref(unit)
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
            self.contact_orgs[id(action)] = self._contact_orgs(body, read.row.line)
        action.fields_missing = [f for f in action.fields_missing if f != "description" or not prose]
        return action

    def _contact_orgs(self, body: Body, line: int) -> list:
        """The organisation named before an e-mail in a contacts value ('Mission locale - x@y.org')."""
        for label, value, at in body.pairs:
            spec = self.lexicon.spec(label)
            name = _EMAIL_TAIL.sub("", value)
            if spec and spec.record == "contacts" and name != value and name:
                return split_orgs([name], at or line, self.ctx.known_acronyms)[0]
        return []


def _lettered_steps(body: Body, unit: Heading) -> None:
    """Prose lines numbered by the unit's number and a letter ("2.3.1 a) Planter …", "2.3.1.b – …"): its
    sub-actions, moved to its steps."""
    number = (unit.number or "").strip(" .")
    if not number or not body.prose:
        return
    lettered = re.compile(rf"^{re.escape(number)}\s*[.\-]?\s*[a-z]\s*[).\-–]\s*(\S.*)$")
    kept = []
    for text in body.prose:
        m = lettered.match(text)
        if m:
            body.steps.append(m.group(1).strip())
        else:
            kept.append(text)
    body.prose = kept


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
        if h.role == "passage" and not in_passage(h)
    ]


_FIGURE = re.compile(r"(?<![\w,.])\d{1,3}(?:[  ]\d{3})*(?:[.,]\d+)?(?:\s*%|(?![\d,.]))")
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _figures(ctx: Context, h: Heading) -> int:
    """How many figures (counts, percentages; not years) a heading's own text gives."""
    n = 0
    for k in range(h.line + 1, h.end + 1):
        n += sum(1 for m in _FIGURE.finditer(ctx.line(k)) if not _YEAR.match(m.group(0).strip()))
    return n


def _type_figures(ctx: Context, found: list[Heading]) -> None:
    """A section before the plan's first level or unit, beside them (at the depth of the first one), with
    no heading below it, no word of its own and figures in its text (counts, rates) is the diagnostic, a
    heading that describes the situation in its own words: a passage, never a level. The document's first
    heading (its title, above the issuer and the period) is none."""
    first = next((h for h in found if h.role in ("level", "unit")), None)
    if first is None:
        return
    for h in found[1:]:  # the first heading is the document's title
        if h is first:
            return
        if (
            h.role == "other"
            and h.depth == first.depth
            and not h.children
            and not in_passage(h)
            and _figures(ctx, h) >= structure().min_diagnostic_figures
        ):
            h.role, h.kind = "passage", "diagnostic"


def _labelled_lines(ctx: Context, h: Heading, lexicon: Lexicon) -> int:
    """How many lines of a heading's own text are a known label with its value ("Pilote : X", a tab row)."""
    n = 0
    for k in range(h.line + 1, h.end + 1):
        raw = BULLET.sub("", ctx.line(k)).strip()
        m = _RUN_IN.match(raw) if "\t" not in raw else None
        label = raw.partition("\t")[0] if "\t" in raw else (m.group(1) if m else "")
        n += bool(label.strip("*_ ") and lexicon.match(label.strip("*_ ")))
    return n


def _promote_labelled(ctx: Context, found: list[Heading], lexicon: Lexicon) -> None:
    """With no unit word, numbering or code: the headings without sub-headings whose text gives labelled
    fields are the units (a plan whose heading styles carry no number); the headings above them are
    grouping levels, unless they hold typed passages too (the document's title) or hold every unit (one
    "Plan d'actions" heading above all the groups: a part of the document, not a level)."""
    s = structure()
    leaves = [h for h in found if h.role == "other" and not h.children and not in_passage(h)]
    units = [h for h in leaves if _labelled_lines(ctx, h, lexicon) >= s.min_labelled_fields]
    if len(units) < s.min_bare_units:
        return
    above_all = set.intersection(*(set(map(id, h.ancestors())) for h in units))
    for h in units:
        h.role = "unit"
        for a in h.ancestors():
            if (
                a.role == "other"
                and id(a) not in above_all
                and not any(d.role == "passage" for d in unit_descendants(a))
            ):
                a.role = "level"


def detect(ctx: Context) -> Outline:
    """Units of action of any plan with headings, their fields, and the typed passages."""
    lexicon = default_lexicon()
    found = headings(ctx, lexicon)
    tree(found, len(ctx.lines))
    roles(found, structure())
    if not any(h.role == "unit" for h in found):
        _promote_labelled(ctx, found, lexicon)
    _type_figures(ctx, found)
    units = [h for h in found if h.role == "unit"]
    builder = _Units(ctx, lexicon)
    if not units:  # no heading names a unit: the rows of action tables under the headings may
        actions = [builder._build(unit, body) for unit, body in table_units(ctx, found, lexicon)]
        if actions:
            builder.contacts_as_pilots(actions)
            return Outline(actions=actions, passages=_passages(found), headings=found)
        promote_bare_levels(found, structure())
        units = [h for h in found if h.role == "unit"]
    panels = _panels(ctx, found, units)
    skip = {n for first, last in panels.values() for n in range(first, last + 1)}
    actions = [builder.record(u, panels.get(u.line), skip) for u in units]
    builder.contacts_as_pilots(actions)
    return Outline(actions=actions, passages=_passages(found), headings=found)


