"""Strategy text (a pact, a programme): the concrete named measures, programmes and experiments inside
numbered sections — arrow-marked measures ('⇒ Impliquer les entreprises …'), bold programme bullets
('- **Le programme QUALIF**'), named schemes ('son dispositif « Une Formation, Un emploi »') and the items of
an experiments section. Everything else (diagnosis, context, governance prose) is not an action."""

from __future__ import annotations

import re

from ingest.fields import contacts_in, figures_in
from ingest.names import NAMES
from ingest.orgs import split_orgs
from ingest.places import REGIONS, places_in_text
from ingest.records import ActionRecord
from ingest.shapes.context import Context
from ingest.text import TOC_LINE, collapse, fold, strip_markup

ARROW = re.compile(r"^\s*(?:⇒|→|➔|➢)\s*(.+)$")
ROMAN = re.compile(r"^\s*([IVX]{1,4})\.\s+(\S.*)$")
NUMBER = re.compile(r"^\s*(\d{1,2})\.\s+(\S.*)$")
LETTER = re.compile(r"^\s*([a-h])\.\s+(\S.*)$")
BOLD_BULLET = re.compile(
    r"^\s*-\s*\*\*((?:(?:le|la|les)\s+(?:programmes?|dispositifs?|plateformes?|projets?|réseaux?|expérimentations?)|"
    r"création|mise\s+en\s+place|déploiement)\b[^*]*)\*\*",
    re.I,
)
NAMED = re.compile(
    r"\b(?:son\s+|le\s+|du\s+|un\s+|une\s+|la\s+)?(?:futur\s+)?(dispositif|programme|mission|plateforme|démarche)"
    r"[^«.;]{0,60}?«\s*(?:\*\*)?([^»*]{3,60}?)(?:\*\*)?\s*»",
    re.I,
)
BOLD_QUOTED = re.compile(r"«\s*\*\*([^*»]{3,60})\*\*\s*»")
_PUBLIC = re.compile(
    r"^(?:l'ensemble\s+des\s+|les\s+)?(?:stagiaires|bénéficiaires|publics?|demandeurs|jeunes)\b", re.I
)
_EXPERIMENTS = re.compile(r"exp[ée]riment", re.I)
# Sections that describe what exists (a diagnosis) rather than what the plan will do.
_DIAGNOSIS = re.compile(
    r"^(?:la\s+situation|le\s+contexte|les\s+b[ée]n[ée]ficiaires|caract[ée]ristiques|cartographie|"
    r"diagnostic|[ée]tat\s+des\s+lieux|bilan|les\s+enjeux\s+qui)",
    re.I,
)
# A section heading that is itself a measure: an infinitive ('Ouvrir l'accès …') or an action noun.
_ACTION_HEADING = re.compile(
    r"^(?:[A-ZÉ][a-zéèêç]+(?:er|ir|re)\b)|(?i:\b(?:constitution|cr[ée]ation|mise\s+en\s+(?:place|œuvre)|d[ée]ploiement)\b)",
)


_ROMANS = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


def _ordinal(number: str) -> int:
    if number.isdigit():
        return int(number)
    if number in _ROMANS:
        return _ROMANS[number]
    return ord(number.lower()) - ord("a") + 1


def _heading(ctx: Context, n: int) -> tuple[str, str, str] | None:
    """(level, number, text) when line n is a section heading: numbered, short, standing alone between
    blanks."""
    line = ctx.line(n)
    if line.lstrip().startswith("-") or len(line) > 230 or ctx.line(n + 1).strip() or ctx.line(n - 1).strip():
        return None
    text = strip_markup(line)
    for level, pattern in (("roman", ROMAN), ("number", NUMBER), ("letter", LETTER)):
        m = pattern.match(text)
        if m and len(m.group(2)) > 8:
            return level, m.group(1), collapse(m.group(2))
    return None


_REGION_NAMES = "|".join(re.escape(r).replace(r"\ ", r"\s+") for r in sorted(REGIONS, key=len, reverse=True))
_SUBJECT_NAMES = "|".join(
    re.escape(name).replace(r"\ ", r"\s+") for name in sorted(NAMES["pilot_subjects"], key=len, reverse=True)
)
_PILOT_SUBJECT = re.compile(
    rf"\b((?:la\s+)?Région(?:\s+(?:{_REGION_NAMES}))?|l'État|l'Etat|(?:(?:le|la|les)\s+|l')?(?:{_SUBJECT_NAMES})"
    r"(?:\s+(?-i:[A-ZÉ][\w-]*))*)\s+"
    r"(?:propose|met\s+en\s+œuvre|souhaite|développera|s'appuiera|constituera|mettra|soutient|s'engage|crée|"
    r"a\s+choisi|proposera|encouragera|veillera|renforce|vient)",
    re.I,
)


def _section_boundary(ctx: Context, k: int) -> bool:
    return bool(_heading(ctx, k) or ARROW.match(ctx.line(k)))


_LEVELS = ("roman", "number", "letter")


def detect(ctx: Context) -> list[ActionRecord]:
    path: dict[str, str] = {}
    heads: dict[str, str] = {}
    counters: dict[str, int] = {}
    actions: list[ActionRecord] = []
    spans: list[tuple[int, int, ActionRecord]] = []
    in_experiments = False
    n_lines = len(ctx.lines)
    where: dict[int, tuple[str, dict[str, str]]] = {}
    candidates: list[tuple[int, str, str]] = []  # (line, level, title) of headings that may be measures
    last_number: dict[str, int] = {}
    for n in range(1, n_lines + 1):
        line = ctx.line(n)
        if TOC_LINE.search(line) or n in ctx.claimed:
            continue
        if h := _in_sequence(_heading(ctx, n), last_number):
            level, number, head_text = h
            _enter_section(level, number, head_text, path, heads, last_number)
            if level == "roman":
                in_experiments = bool(_EXPERIMENTS.search(head_text))
            elif _ACTION_HEADING.search(head_text):
                candidates.append((n, level, head_text.rstrip(" :")))
        ref_path = ".".join(path[k] for k in _LEVELS if k in path) or "0"
        where[n] = (ref_path, dict(heads))
        title, body_end = _line_measure(ctx, n, in_experiments)
        if not title or any(_DIAGNOSIS.search(h) for h in heads.values()):
            continue
        counters[ref_path] = counters.get(ref_path, 0) + 1
        action = _build(ctx, f"Mesure {ref_path}/{counters[ref_path]}", title, n, body_end, heads)
        actions.append(action)
        spans.append((n, body_end, action))
    _attach_named(ctx, spans, actions, where, counters)
    _heading_measures(ctx, candidates, spans, actions, where, counters)
    return actions


def _in_sequence(h: tuple[str, str, str] | None, last_number: dict[str, int]) -> tuple[str, str, str] | None:
    """The heading, or None when it is out of sequence ('3.' after no '2.'): an item of a numbered list, not
    a section."""
    if h and h[0] != "roman" and not 0 < _ordinal(h[1]) - last_number.get(h[0], 0) <= 2:
        return None
    return h


def _enter_section(
    level: str,
    number: str,
    head_text: str,
    path: dict[str, str],
    heads: dict[str, str],
    last_number: dict[str, int],
) -> None:
    """Make the heading the current section of its level, and forget the sections of the levels below."""
    last_number[level] = _ordinal(number)
    path[level] = number
    heads[level] = head_text
    for lower in _LEVELS[_LEVELS.index(level) + 1 :]:
        last_number.pop(lower, None)
        path.pop(lower, None)
        heads.pop(lower, None)


def _line_measure(ctx: Context, n: int, in_experiments: bool) -> tuple[str | None, int]:
    """(title, last line) of the measure line n opens: an arrow measure, a bold programme bullet or an item of
    an experiments section; (None, n) when it opens none."""
    line = ctx.line(n)
    arrow = ARROW.match(line)
    if arrow and not line.lstrip().startswith("-"):
        title = strip_markup(arrow.group(1)).rstrip(" :")
        if _PUBLIC.match(title) or len(title) < 6:
            return None, n
        return title, _body_end(ctx, n)
    if (b := BOLD_BULLET.match(line)) or (in_experiments and re.match(r"^-\s+\w", line)):
        text = strip_markup(b.group(1) if b else line.lstrip(" -"))
        title = collapse(re.split(r"\s*:\s*|\s+portant\s+sur\s+|,\s+", text)[0])
        return title, _sub_items_end(ctx, n)
    return None, n


def _heading_measures(ctx: Context, candidates, spans, actions, where, counters) -> None:
    """A section whose heading states an action and which holds no other measure is one measure."""
    levels = ("roman", "number", "letter")
    starts = sorted(where)
    for line, level, title in candidates:
        end, has_children = line, False
        for k in range(line + 1, len(ctx.lines) + 1):
            h = _heading(ctx, k)
            if h and levels.index(h[0]) <= levels.index(level):
                break
            if h:
                has_children = True
                break
            if ctx.line(k).strip():
                end = k
        inner = [a for s, _, a in spans if line < s <= end] + [
            a for a in actions if line < a.provenance.line_start <= end
        ]
        ref_path, heads = where.get(line, ("0", {}))
        if inner or has_children or any(_DIAGNOSIS.search(h) for h in heads.values()) or not starts:
            continue
        counters[ref_path] = counters.get(ref_path, 0) + 1
        actions.append(_build(ctx, f"Mesure {ref_path}/{counters[ref_path]}", title, line, end, heads))


def _body_end(ctx: Context, start: int) -> int:
    end = start
    for k in range(start + 1, len(ctx.lines) + 1):
        line = ctx.line(k)
        if _section_boundary(ctx, k) and not line.lstrip().startswith("-"):
            break
        if line.strip():
            end = k
    return end


def _sub_items_end(ctx: Context, start: int) -> int:
    end = start
    for k in range(start + 1, min(start + 8, len(ctx.lines) + 1)):
        line = ctx.line(k)
        if re.match(r"^\s{1,}-\s|^\s+o\s", line):
            end = k
        elif line.strip():
            break
    return end


def _build(ctx: Context, ref: str, title: str, start: int, end: int, heads: dict[str, str]) -> ActionRecord:
    text_lines = [strip_markup(ctx.line(k)) for k in range(start, end + 1) if ctx.line(k).strip()]
    description = "\n".join(text_lines[1:] if len(text_lines) > 1 else text_lines)
    pilots = []
    for m in _PILOT_SUBJECT.finditer(description):
        pilots.append(re.sub(r"^(?:la|le|l')\s*", "", m.group(1), flags=re.I))
    orgs, _ = split_orgs(list(dict.fromkeys(pilots)), start, ctx.known_acronyms)
    return ActionRecord(
        doc=ctx.doc_id,
        ref=ref,
        title=title,
        shape="strategy",
        provenance=ctx.provenance(start, end),
        chapter=" > ".join(heads[k] for k in ("roman", "number", "letter") if k in heads) or None,
        description=description,
        pilots=orgs,
        territories=places_in_text(description, start, ctx.gazetteer),
        contacts=contacts_in(description, start),
        figures=figures_in(description),
        region=ctx.region,
        fields_missing=[f for f, v in (("pilots", orgs), ("description", description)) if not v],
    )


def _attach_named(ctx: Context, spans, actions: list[ActionRecord], where, counters: dict[str, int]) -> None:
    """Named schemes ('dispositif « X »') inside a measure's text name it; elsewhere they are measures of
    their own."""
    seen = {fold(a.title) for a in actions}
    standalone: list[tuple[int, str, str]] = []
    for n in range(1, len(ctx.lines) + 1):
        line = ctx.line(n)
        if TOC_LINE.search(line) or n in ctx.claimed:
            continue
        for m in list(NAMED.finditer(line)) + list(BOLD_QUOTED.finditer(line)):
            name = collapse(m.group(m.lastindex or 1))
            host = next((a for s, e, a in spans if s <= n <= e), None)
            if host is not None:
                if fold(name) not in fold(host.intitule or ""):
                    host.intitule = f"{host.intitule} ; {name}" if host.intitule else name
                seen.add(fold(name))
                continue
            # a scheme the text puts forward as a measure: a bullet item, not a statistic nor a parenthesis
            in_parens = line.rfind("(", 0, m.start()) > line.rfind(")", 0, m.start())
            if line.lstrip().startswith("-") and not in_parens and "%" not in line and "regroup" not in line:
                standalone.append((n, name, line))
    for n, name, line in standalone:
        if fold(name) in seen:
            continue
        seen.add(fold(name))
        ref_path, chapter_heads = where[n]
        counters[ref_path] = counters.get(ref_path, 0) + 1
        action = _build(ctx, f"Mesure {ref_path}/{counters[ref_path]}", name, n, n, chapter_heads)
        action.description = strip_markup(line)
        actions.append(action)
