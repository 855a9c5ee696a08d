"""The heading tree of a plan: heading lines found by ``#`` depth, or in plain text by their label word,
numbering or capitals (each kind keeping the depth it first appeared at); then the relative roles (a unit
below a unit is a sub-unit, units inside a typed passage are not units, units promoted when no unit word
is used)."""

from __future__ import annotations

import re

from ingest.labels import Lexicon
from ingest.shapes.context import Context
from ingest.shapes.outline_words import Heading, Structure, _parts, classify, passage_kind, structure
from ingest.text import collapse, fold, is_upper_text, strip_heading

MAX_HEADING = 180  # characters: a longer line is prose
MAX_TITLE_WORDS = 12  # words: a longer value after a field label is the field's text, not a title
MIN_SENTENCE_WORDS = 6  # words of a value starting in lower case that make it a sentence
HASH = re.compile(r"^(#{1,6})\s+(.*)$")
BULLET = re.compile(r"^\s*[-*•–]\s+")


def clean(line: str) -> str:
    return collapse(strip_heading(line)).strip()


def standalone(lines: list[str], i: int) -> bool:
    """A line alone in its paragraph, or the first line of one (a fiche title above its table rows), or a
    line right after a table's rows (the next fiche's ref bar)."""
    before = lines[i - 1] if i > 0 else ""
    return not before.strip() or bool(HASH.match(before)) or ("\t" in before and "\t" not in lines[i])


def _after_sentence(lines: list[str], i: int, s: Structure) -> bool:
    """A numbered unit heading with its title written right below a paragraph of a plain text, with no
    blank line between (« …accueille les allocataires. » then « Fiche action n° 2 : Des ateliers … »): the
    line above ends a sentence and the line is a unit word, a number and a title, no full stop."""
    before = lines[i - 1].rstrip() if i > 0 else ""
    if not before.endswith((".", "!", "?")) or lines[i].rstrip().endswith("."):
        return False
    h = classify(clean(lines[i]), s)
    return h.role == "unit" and bool(h.number) and bool(h.title)


def _above_fields(nxt: str, lexicon: Lexicon) -> bool:
    """The next line is a table row whose first cell is a known label, not a header row of labels (the
    line is a fiche table's title row, whatever word names it; above a header row, a list of actions)."""
    cells = [c.strip(" *_:") for c in nxt.split("\t")]
    if len(cells) < 2 or not cells[0] or lexicon.match(cells[0], prefix=False) is None:
        return False
    return not all(c and lexicon.match(c, prefix=False) for c in cells)  # a header row heads a list


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
        return ("numbered", _parts(h.number), _style(h.number))
    if h.role == "passage" or upper:
        return ("caps",)
    return None


def _style(number: str | None) -> str:
    """The numbering style of a bare number's first part: "1." decimal, "IV." roman, "A." / "a)" letters
    (a plan numbered "I. / A. / 1." has three kinds of headings, all of one part)."""
    first = re.match(r"\d+|[IVXLC]+(?![A-Za-z])|[A-Z]|[a-z]", number or "")
    if first is None or first.group(0)[0].isdigit():
        return "decimal"
    if first.group(0)[0] in "IVXLC" and not number.startswith(("L", "C")):
        return "roman"
    return "upper" if first.group(0).isupper() else "lower"


def _breadcrumb_tail(text: str, s: Structure) -> str:
    """The last part of a breadcrumb line ("Engagement 1 > Fiche 1.2" -> "Fiche 1.2"), else the text."""
    parts = s.breadcrumb.split(text)
    return parts[-1].strip() if len(parts) > 1 and parts[-1].strip() else text


def _title_below(h: Heading, lines: list[str], i: int, s: Structure, lexicon: Lexicon) -> str:
    """The title of a numbered heading that has none ("Fiche 1.2"), written alone on the next line (the
    last line of the paragraph); "" when the next line is a label, a heading, a list item or prose."""
    if h.role not in ("level", "unit", "sub") or h.title or not h.number or i + 1 >= len(lines):
        return ""
    raw = lines[i + 1]
    text = clean(raw)
    after = lines[i + 2] if i + 2 < len(lines) else ""
    if "\t" not in after and after.strip() or not _is_candidate(text, raw, s):
        return ""  # the title is the last line of its paragraph, or the line above the fiche's rows
    if HASH.match(raw) or BULLET.match(raw):
        return ""
    if lexicon.match(text) or text.endswith((".", ":")) or classify(text, s).role != "other":
        return ""
    return text


def _hash_heading(m: re.Match[str], raw: str, s: Structure) -> Heading | None:
    """A ``#`` heading; a top one numbered by the outline ("II. Bilan du schéma") typed by its words."""
    text = clean(m.group(2))
    if not text or s.toc.search(raw):
        return None
    h = classify(text, s)
    h.depth = len(m.group(1))
    if h.depth == 1 and h.role == "numbered" and (kind := passage_kind(h.title, s)):
        h.role, h.kind = "passage", kind
    return h


def _field_line(line: str, lexicon: Lexicon) -> bool:
    """A "Label : value" line whose label the lexicon knows (a unit's first field, right below its title)."""
    label, colon, _ = line.partition(":")
    return bool(colon) and lexicon.match(label.strip(), prefix=False) is not None


def field_value_line(text: str, lexicon: Lexicon) -> bool:
    """A "Label : value" line whose label the lexicon knows and whose value is a sentence (it ends with a
    full stop, or starts in lower case and runs on) or is too long for a title: the field of a unit
    (« Constat : le territoire compte … »), never a heading, even when the label is a passage word. The
    caller leaves numbered headings out (« Mesure n°7 : … » is a unit whatever its length)."""
    label, colon, value = text.partition(":")
    value = value.strip()
    if not colon or not value or lexicon.match(label.strip(), prefix=False) is None:
        return False
    words = value.split()
    if len(words) > MAX_TITLE_WORDS or value.endswith("."):
        return True
    return value[0].islower() and len(words) >= MIN_SENTENCE_WORDS


def _plain_heading(h: Heading, text: str, nxt: str, upper: bool, lexicon: Lexicon) -> bool:
    """Whether a standalone line of a text without ``#`` headings is a heading (``upper``: in capitals). A
    numbered line is one when a blank line or a known field line follows it."""
    followed = nxt and not _field_line(nxt, lexicon)
    capitals = is_upper_text(text) and not text.endswith(".")
    if h.role == "numbered" and capitals and passage_kind(h.title, structure()):
        return True  # « I. DIAGNOSTIC » in capitals above its text: a part of the document
    if h.role == "numbered" and (followed or text.endswith(".") and not h.title.endswith("?")):
        return False
    if h.role == "other" and not upper:
        return False
    if h.role == "passage" and text.endswith(".") and not upper:
        return False  # a sentence that starts with "Annexe 1 - …" is prose, not a heading
    return not (h.role in ("level", "unit", "sub", "code") and not h.title)


def headings(ctx: Context, lexicon: Lexicon) -> list[Heading]:
    """The document's headings, in order, with their depth."""
    s = structure()
    lines = ctx.lines
    has_hash = any(HASH.match(x) for x in lines)
    out: list[Heading] = []
    last_hash = 0
    depths = _Depths()
    for i, raw in enumerate(lines):
        if m := HASH.match(raw):
            last_hash = len(m.group(1))
            if h := _hash_heading(m, raw, s):
                h.line = i + 1
                out.append(h)
            continue
        if BULLET.match(raw) or not (standalone(lines, i) or (not has_hash and _after_sentence(lines, i, s))):
            continue
        text = _breadcrumb_tail(clean(raw), s)
        if not _is_candidate(text, raw, s):
            continue
        h = classify(text, s)
        if not has_hash and not h.number and field_value_line(text, lexicon):
            continue
        if title := _title_below(h, lines, i, s, lexicon):
            h.title, h.title_line = title, i + 2
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if has_hash:
            numbered = (
                h.role == "numbered" and not nxt and _parts(h.number) == 1 and h.number.endswith((".", ")"))
            )
            if h.role == "level" and h.number and h.title and _above_fields(nxt, lexicon):
                h.role, h.kind = "unit", None  # « Engagement 1.1 – … » the title row of its fiche table
            if (h.role in ("unit", "sub", "code") or numbered) and h.title and not text.endswith("."):
                h.line, h.depth = i + 1, last_hash + 1
                out.append(h)
            continue
        upper = is_upper_text(text) and len(text) <= 100 and not lexicon.match(text)
        if not _plain_heading(h, text, nxt, upper, lexicon):
            continue
        sig = _signature(h, upper)
        h.line = i + 1
        h.depth = depths.depth(h, sig)
        out.append(h)
    return out


def _nest_units(found: list[Heading]) -> None:
    """Units printed at the depth of the grouping level above them (an "Objectif 1.1" heading in the size
    of its "Fiche action n° 1.1.1" headings) go one level below it, with what they contain."""
    level: Heading | None = None
    for i, h in enumerate(found):
        if level is not None and (
            h.depth > level.depth or (h.depth == level.depth and h.role in ("unit", "sub"))
        ):
            h.depth += 1
            continue
        level = None
        nxt = found[i + 1] if i + 1 < len(found) else None
        if h.role == "level" and nxt is not None and nxt.role == "unit" and nxt.depth == h.depth:
            level = h


def tree(found: list[Heading], n_lines: int) -> None:
    _nest_units(found)
    stack: list[Heading] = []
    for h in found:
        while stack and stack[-1].depth >= h.depth:
            stack.pop()
        h.parent = stack[-1] if stack else None
        if h.parent:
            h.parent.children.append(h)
        stack.append(h)
    open_: list[Heading] = []  # each heading ends before the next one at its depth or above (one pass)
    for h in found:
        while open_ and open_[-1].depth >= h.depth:
            open_.pop().end = h.line - 1
        open_.append(h)
    for h in open_:
        h.end = n_lines


def in_passage(h: Heading) -> bool:
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
    if parts and _lettered_steps(numbered, leaves, max(parts), s):
        return
    if parts and parts.count(max(parts)) >= s.min_bare_units and max(parts) > 1:
        for h in leaves:
            if _parts(h.number) == max(parts):
                h.role = "unit"
        return
    # bare numberings of several styles nested ("I. / A. / 1."): the leaves below numbered headings, with
    # text of their own, when every leaf is one
    nested = [h for h in leaves if h.parent is not None and h.parent.role == "numbered" and h.end > h.line]
    if len(nested) >= s.min_bare_units and len(nested) == len(leaves):
        for h in nested:
            h.role = "unit"
        return
    # numbered paragraphs right below the grouping levels ("1. Title" items of a numbered list)
    listed = [h for h in leaves if h.parent is not None and h.parent.role == "level" and h.end > h.line]
    if len(listed) >= s.min_bare_units and len(listed) == len(leaves):
        for h in listed:
            h.role = "unit"


def _lettered(h: Heading) -> bool:
    """A heading numbered by its numbered parent's number and a lower-case letter (« A.1.a » under
    « A.1 »)."""
    if h.parent is None or h.parent.role != "numbered" or not h.parent.number:
        return False
    stem = re.escape(h.parent.number.rstrip(".)"))
    return re.fullmatch(rf"{stem}\s*[.\-]?\s*[a-z][.)]?", h.number or "") is not None


def _lettered_steps(numbered: list[Heading], leaves: list[Heading], deepest: int, s: Structure) -> bool:
    """The deepest bare-numbered headings all lettered under their parent (« A.1.a », « A.1.b » under
    « A.1 »), while headings of the parent's depth with no heading below have text of their own (« A.2 »):
    the parents' depth is the units', the lettered headings their steps. True when it decided."""
    lowest = [h for h in leaves if _parts(h.number) == deepest]
    if deepest < 2 or not all(_lettered(h) for h in lowest):
        return False
    units = [h for h in numbered if _parts(h.number) == deepest - 1]
    if len(units) < s.min_bare_units or not any(h in leaves and h.end > h.line for h in units):
        return False
    for h in units:
        h.role = "unit"
    for h in lowest:
        h.role = "sub"
    return True


def promote_bare_levels(found: list[Heading], s: Structure) -> None:
    """The last resort for a plan that names its units with a level word only (« Chantier 1 : … », its text,
    nothing below, no table of actions): the levels with text of their own and no heading below are the
    units, when at least min_bare_units of one kind are."""
    live = [h for h in found if not in_passage(h) and h.role != "passage"]
    bare = [h for h in live if h.role == "level" and not h.children and h.end > h.line]
    kinds = [h.kind for h in bare]
    if not kinds:
        return
    kind = max(kinds, key=kinds.count)
    if kinds.count(kind) < s.min_bare_units:
        return
    for h in bare:
        if h.kind == kind:
            h.role = "unit"


def roles(found: list[Heading], s: Structure) -> None:
    """Relative roles: a unit below a unit is a sub-unit; a passage inside a unit is part of it."""
    for h in found:
        if h.role == "passage" and any(a.role == "unit" for a in h.ancestors()):
            h.role = "other"
    live = [h for h in found if not in_passage(h) and h.role != "passage"]
    if not any(h.role == "unit" for h in live):
        _promote(live, s)
    for h in found:
        if h.role == "unit" and any(a.role == "unit" for a in h.ancestors()):
            h.role = "sub"
        if h.role == "unit" and in_passage(h):
            h.role = "other"
    _typed_levels(found, s)


def _below(h: Heading) -> list[Heading]:
    out = []
    for c in h.children:
        out += [c, *_below(c)]
    return out


def _typed_levels(found: list[Heading], s: Structure) -> None:
    """In a plan with units: a grouping level with no unit below it whose title names a passage type
    (« Partie 1 : Diagnostic », « Axe 4 : Gouvernance et suivi ») is that typed passage, not a level. When
    the other headings of its word then hold every unit in one heading (« Partie 2 : Plan d'actions »
    between them), that heading is a part of the document, not a grouping level."""
    units = [h for h in found if h.role == "unit"]
    if not units:
        return
    typed: set[tuple] = set()
    for h in found:
        key = _part_key(h)
        if key is None or any(d.role in ("unit", "sub") for d in _below(h)):
            continue
        if kind := passage_kind(h.title or "", s):
            h.role, h.kind = "passage", kind
            typed.add(key)
    for key in typed:
        rest = [h for h in found if _part_key(h) == key]
        if len(rest) == 1 and all(u in _below(rest[0]) for u in units):
            _document_part(rest[0], s)


def _part_key(h: Heading) -> tuple | None:
    """What makes headings siblings of one kind: a level's word, a bare number's depth and style (« I. »,
    « II. », « III. »); None for other headings."""
    if h.role == "level":
        return ("word", fold(h.word or ""))
    if h.role == "numbered" and h.title:
        return ("numbered", _parts(h.number), _style(h.number))
    return None


def _document_part(h: Heading, s: Structure) -> None:
    """A heading of a word that names the document's parts, holding every unit: no grouping level. When
    its title names a passage type too and it has text before its first heading (« Partie 1 : Diagnostic »
    followed directly by the axes, its text first), that text is the passage and the headings below it
    belong to its parent."""
    h.role = "other"
    kind = passage_kind(h.title or "", s)
    if not kind or not h.children or h.children[0].line <= h.line + 1:
        return
    h.role, h.kind, h.end = "passage", kind, h.children[0].line - 1
    for c in h.children:
        c.parent = h.parent
        if h.parent is not None:
            h.parent.children.append(c)
    h.children = []
