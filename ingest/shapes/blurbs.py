"""Themed blurbs: a theme word, a short title or a 'Name : …' lead, a paragraph or two, then 'Pilote : X' with
e-mail contacts (pilot lines may be empty, 'Divers', a list, or several 'Pilotes')."""

from __future__ import annotations

import re

from ingest.fields import EMAIL, contacts_in, figures_in
from ingest.orgs import split_orgs
from ingest.places import places_in_text
from ingest.records import ActionRecord
from ingest.shapes.context import Context
from ingest.text import TOC_LINE, collapse, strip_markup

PILOT = re.compile(r"^\s*(?:[-•]\s*)?(?:\*\*)?Pilotes?(?:\*\*)?\s*(?:\(s\))?\s*:\s*(.*)$", re.I)
_LEAD = re.compile(r"^(?:\*\*)?([A-ZÉÈÀ0-9][^:.!?]{1,60}?)(?:\*\*)?\s*:\s+\S")
_BOLD = re.compile(r"\*\*([^*]{2,60})\*\*")
_NAMED_SUBJECT = re.compile(r"^([A-ZÉ][\w'’\-]*\.(?:fr|com|org))\s+est\s+(?:un|une)\b")


def _is_heading(line: str) -> bool:
    s = strip_markup(line)
    if not s or len(s) > 70 or len(s.split()) > 9 or TOC_LINE.search(line):
        return False
    if s[-1] in ".;,:" or s.startswith(("-", "•", "<")) or PILOT.match(line) or EMAIL.search(s):
        return False
    return s[0].isupper() or s[0].isdigit()


def _pilot_block(ctx: Context, n: int) -> tuple[int, list[str]]:
    """Lines of a pilot block: the 'Pilote :' line, then e-mail lines and '- X : mail' items up to a blank
    gap."""
    end, values = n, [PILOT.match(ctx.line(n)).group(1)]
    k, blanks = n + 1, 0
    while k <= len(ctx.lines):
        s = ctx.line(k).strip()
        if not s:
            blanks += 1
            if blanks > 1 and any(values):
                break
            k += 1
            continue
        if EMAIL.search(s) and len(s) < 120 or (s.startswith("-") and EMAIL.search(s)):
            values.append(s)
            end, blanks = k, 0
            k += 1
            continue
        if s.startswith("-") and not any(values) and len(s) < 120:
            values.append(s)
            end, blanks = k, 0
            k += 1
            continue
        break
    return end, values


def _contacts(values: list[str], pilots: list, line: int, ctx: Context) -> list:
    """E-mails of a pilot block, each tied to the organisation written on its line, else to the only pilot."""
    out = []
    for value in values:
        on_line, _ = split_orgs([EMAIL.sub(" ", value.lstrip("- ")).strip(" :")], line, ctx.known_acronyms)
        owner = on_line[0].name if len(on_line) == 1 else (pilots[0].name if len(pilots) == 1 else None)
        for c in contacts_in(value, line):
            c.org = owner
            out.append(c)
    return out


def detect(ctx: Context) -> list[ActionRecord]:
    pilots_at = [n for n in range(1, len(ctx.lines) + 1) if n not in ctx.claimed and PILOT.match(ctx.line(n))]
    if len(pilots_at) < 2:
        return []
    actions: list[ActionRecord] = []
    floor = 0
    section_theme: str | None = None
    for n in pilots_at:
        if n <= floor:
            continue
        end, pilot_values = _pilot_block(ctx, n)
        found = _body_and_headings(ctx, n, floor)
        floor = end
        if found is None:
            continue
        body, headings = found
        paragraphs = [strip_markup(ctx.line(b)) for b in body]
        theme, title = _theme_and_title(ctx, body[0], headings, paragraphs[0], section_theme)
        if len(headings) == 2:
            section_theme = theme
        actions.append(_blurb(ctx, n, end, pilot_values, body, headings[0], paragraphs, theme, title))
    return actions


def _body_and_headings(ctx: Context, n: int, floor: int) -> tuple[list[int], list[int]] | None:
    """Walking up from the pilot line `n` (not past `floor`): the body paragraphs' lines, then one or two
    headings (title, theme), both in reading order; None when there is no body or no heading."""
    k = n - 1
    body: list[int] = []
    while k > floor and (not ctx.line(k).strip() or not _is_heading(ctx.line(k))):
        if ctx.line(k).strip():
            body.append(k)
        k -= 1
    if k <= floor or not body:
        return None
    headings = [k]
    j = k - 1
    while j > floor and not ctx.line(j).strip():
        j -= 1
    if j > floor and _is_heading(ctx.line(j)):
        headings.insert(0, j)
    body.reverse()
    return body, headings


def _theme_and_title(
    ctx: Context, first_body: int, headings: list[int], first_paragraph: str, section_theme: str | None
) -> tuple[str | None, str]:
    """Two headings are theme and title; one heading is the theme when the body opens with a lead, a bold
    name or a named subject (which is the title), else the title under the current section's theme."""
    heading_texts = [strip_markup(ctx.line(h)) for h in headings]
    lead = _LEAD.match(ctx.line(first_body))
    bold = _BOLD.search(ctx.line(first_body))
    if len(heading_texts) == 2:
        return heading_texts[0], heading_texts[1]
    if lead:
        return heading_texts[0], collapse(lead.group(1))
    if bold:
        return heading_texts[0], collapse(bold.group(1))
    if named := _NAMED_SUBJECT.match(first_paragraph):
        return heading_texts[0], named.group(1)
    return section_theme, heading_texts[0]


def _blurb(
    ctx: Context,
    n: int,
    end: int,
    pilot_values: list[str],
    body: list[int],
    start: int,
    paragraphs: list[str],
    theme: str | None,
    title: str,
) -> ActionRecord:
    """The action of one blurb: its pilots (and their contacts) from the pilot block at line `n`."""
    pilot_text = [v for v in pilot_values if v]
    paras_for_orgs = [EMAIL.sub(" ", re.sub(r"^\s*-\s*", "", v)) for v in pilot_text]
    paras_for_orgs = [re.sub(r"\s*:\s*$", "", p).strip() for p in paras_for_orgs]
    orgs, people = split_orgs([p for p in paras_for_orgs if p.strip()], n, ctx.known_acronyms)
    warnings = []
    if not orgs:
        raw = collapse(" ".join(pilot_text))
        warnings.append(
            f"line {n}: pilot line {'is empty' if not raw else 'names no organisation: ' + raw!r}"
        )
    description = "\n".join(paragraphs)
    action = ActionRecord(
        doc=ctx.doc_id,
        ref=None,
        title=title,
        shape="blurb",
        provenance=ctx.provenance(start, end),
        chapter=theme,
        description=description,
        pilots=orgs,
        territories=places_in_text(f"{title}. {description}", body[0], ctx.gazetteer),
        contacts=_contacts(pilot_text, orgs, n, ctx),
        people=people,
        figures=figures_in(description),
        region=ctx.region,
        warnings=warnings,
    )
    action.fields_missing = ["pilots"] if not orgs else []
    return action
