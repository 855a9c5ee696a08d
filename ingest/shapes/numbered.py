"""Numbered booklets: '1.1 BRETAGNE / ALTERNANCE' upper-case titles split over lines, followed by a region
line, CONTACTS and CLÉS POUR RÉUSSIR blocks. PDF layouts put the description (opened by a drop capital) and an
interview before the title, and interleave columns; chapters are questions ('3Comment offrir … ?')."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.fields import EMAIL, PHONE, URL, contacts_in, figures_in
from ingest.places import places_in_text, region_of
from ingest.records import ActionRecord, Person, TerritoryMention
from ingest.shapes.context import Context
from ingest.text import TOC_LINE, collapse, fold, is_upper_text, join_wrapped, strip_markup

TITLE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\s+(\S.*)$")
DROP_CAP = re.compile(r"^\s*([A-ZÀÂÉÈÊÎÔÛÇ])\s*$")
CONTACTS = re.compile(r"^\s*CONTACTS?\s*:?\s*$")
KEYS = re.compile(r"^\s*CL[ÉE]S?\s+(?:POUR|DE)\s+(?:R[ÉE]USSIR|LA\s+R[ÉE]USSITE)\s*:?\s*$", re.I)
CHAPTER_Q = re.compile(r"^\s*(\d{1,2})?\s*(Comment\b.*)$")
NAME_LINE = re.compile(r"^\s*[A-ZÀ-Ý][A-ZÀ-Ý'’\-]+(?:\s+[A-ZÀ-Ý][A-ZÀ-Ý'’\-]+){0,3}\s*(?:,.*)?$")


@dataclass
class _Title:
    line: int
    chapter: int
    ref: str
    title_lines: list[int]
    region_lines: list[int] = field(default_factory=list)

    @property
    def end(self) -> int:
        return (self.region_lines or self.title_lines)[-1]


def _titles(ctx: Context) -> list[_Title]:
    found = []
    n_lines = len(ctx.lines)
    i = 1
    while i <= n_lines:
        m = TITLE.match(ctx.line(i))
        if m and is_upper_text(m.group(3)) and not TOC_LINE.search(ctx.line(i)):
            t = _Title(i, int(m.group(1)), f"{m.group(1)}.{m.group(2)}", [i])
            j = i + 1
            while (
                j <= n_lines
                and ctx.line(j).strip()
                and is_upper_text(ctx.line(j))
                and not (CONTACTS.match(ctx.line(j)) or KEYS.match(ctx.line(j)))
            ):
                t.title_lines.append(j)
                j += 1
            while j <= n_lines and ctx.line(j).strip() and not is_upper_text(ctx.line(j)):
                t.region_lines.append(j)
                j += 1
            if t.region_lines:
                found.append(t)
            i = j
        else:
            i += 1
    return found


def _chapter_questions(ctx: Context, titles: list[_Title]) -> tuple[dict[int, str], set[int]]:
    """Chapter questions by chapter number, and the lines they occupy (not part of any action's text)."""
    title_lines = {t.line for t in titles}
    questions: dict[int, str] = {}
    used: set[int] = set()
    n = 1
    pending: list[tuple[int, str]] = []  # questions without a number: they open the next chapter
    while n <= len(ctx.lines):
        m = CHAPTER_Q.match(ctx.line(n))
        if not m:
            n += 1
            continue
        block, k = [], n
        while k <= len(ctx.lines) and k - n < 12:
            if ctx.line(k).strip():
                block.append(k)
                if ctx.line(k).rstrip().endswith("?"):
                    break
            k += 1
        nxt = k + 1
        while nxt <= len(ctx.lines) and not ctx.line(nxt).strip():
            nxt += 1
        after = ctx.line(nxt)
        opens = (
            m.group(1)
            or DROP_CAP.match(after)
            or KEYS.match(after)
            or CONTACTS.match(after)
            or nxt in title_lines
        )
        if opens and block and ctx.line(block[-1]).rstrip().endswith("?"):
            text = join_wrapped([m.group(2)] + [ctx.line(x) for x in block[1:]])
            used.update(range(n, block[-1] + 1))
            if m.group(1):
                questions[int(m.group(1))] = text
            else:
                pending.append((n, text))
        n = k + 1
    for line, text in pending:
        nxt_title = next((t for t in titles if t.line > line), None)
        if nxt_title and nxt_title.chapter not in questions:
            questions[nxt_title.chapter] = text
    return questions, used


def _segments(ctx: Context, titles: list[_Title]) -> list[tuple[int, int]]:
    caps = [
        i for i in range(1, len(ctx.lines) + 1) if DROP_CAP.match(ctx.line(i)) and ctx.line(i + 1).strip()
    ]
    bounds: list[tuple[int, int]] = []
    for idx, t in enumerate(titles):
        before = [c for c in caps if c < t.line]
        after = [c for c in caps if c > t.line]
        prev_title_end = titles[idx - 1].end if idx else 0
        next_title = titles[idx + 1].line if idx + 1 < len(titles) else len(ctx.lines) + 1
        start = before[-1] if before and before[-1] > prev_title_end else prev_title_end + 1
        end = (after[0] - 1) if after and after[0] < next_title else next_title - 1
        if before and before[-1] <= prev_title_end:  # description after the title: no drop cap between
            start = prev_title_end + 1
        bounds.append((start, min(end, next_title - 1)))
    return bounds


def _glue_drop_cap(cap: str, rest: str) -> str:
    if cap == "À" or rest[:1].isupper():
        return f"{cap} {rest.lstrip()}"
    return cap + rest.lstrip()


def _blocks(ctx: Context, start: int, end: int, t: _Title, skip: set[int]):
    desc: list[str] = []
    contacts_lines: list[tuple[int, str]] = []
    keys: list[list[str]] = []
    people: list[Person] = []
    mode = "desc"
    answer_seen = False
    i = start
    while i <= end:
        raw = ctx.line(i)
        s = raw.strip()
        if i in skip or i in t.title_lines or i in t.region_lines or re.fullmatch(r"\d{1,2}", s):
            i += 1
            continue
        if CONTACTS.match(raw):
            mode = "contacts"
        elif KEYS.match(raw):
            mode, keys = "keys", keys or []
            keys.append([])
        elif mode == "desc" and DROP_CAP.match(raw) and not desc:
            nxt = ctx.line(i + 1)
            desc.append(_glue_drop_cap(s, nxt))
            i += 2
            continue
        elif mode == "desc" and s:
            mode = _add_description_line(desc, s)
        elif mode == "contacts":
            mode = _add_contact_line(contacts_lines, i, s)
        elif mode == "keys":
            if s and not is_upper_text(s):
                mode = "interview"
                continue
            _add_key_line(keys, s)
        elif s and mode in ("interview", "after"):
            found = _interviewee(ctx, i, end, t) if answer_seen else None
            if found:
                person, i = found
                people.append(person)
                answer_seen = False
                continue
            answer_seen = not s.endswith("?")
        i += 1
    return desc, contacts_lines, [" ".join(collapse(x) for x in k) for k in keys if k], people


def _add_description_line(desc: list[str], s: str) -> str:
    """Add a description line; the next mode: "interview" after a line ending with a bullet."""
    if s.endswith("•") or s == "•":
        desc.append(s.rstrip("• ").strip())
        return "interview"
    desc.append(s)
    return "desc"


def _add_contact_line(contacts_lines: list[tuple[int, str]], i: int, s: str) -> str:
    """Add a line of a CONTACTS block; the next mode: "after" on a blank line, which ends the block."""
    if not s:
        return "after"
    contacts_lines.append((i, s))
    return "contacts"


def _add_key_line(keys: list[list[str]], s: str) -> None:
    """Add a line of a CLÉS POUR RÉUSSIR block; a blank line after a key starts the next one."""
    if not s:
        if keys[-1]:
            keys.append([])
    else:
        keys[-1].append(s)


def _interviewee(ctx: Context, i: int, end: int, t: _Title) -> tuple[Person, int] | None:
    """The person answering an interview, named on line `i` ('Name, ROLE' or the role on the upper-case
    lines below), with the line after the role; None when line `i` names no one."""
    raw = ctx.line(i)
    name, _, inline_role = raw.strip().partition(",")
    followed_by_role = is_upper_text(ctx.line(i + 1)) and bool(ctx.line(i + 1).strip())
    if not (
        NAME_LINE.match(raw)
        and not KEYS.match(raw)
        and (not inline_role or is_upper_text(inline_role))
        and (len(name.split()) >= 2 or followed_by_role)
    ):
        return None
    role_lines = [inline_role] if inline_role else []
    k = i + 1
    while k <= end and ctx.line(k).strip() and is_upper_text(ctx.line(k)) and k not in t.title_lines:
        role_lines.append(ctx.line(k))
        k += 1
    return Person(name=collapse(name), role=join_wrapped(role_lines) or None, line=i), k


_PERSON_ORG = re.compile(r"^([A-ZÀ-Ý][\w'’\-]+(?:\s+[A-ZÀ-Ý][\w'’\-]+){1,2}),\s*(.+)$")


def _contacts(lines: list[tuple[int, str]]):
    """Contact lines: 'CCI BRETAGNE : 02 99 25 41 41', a name wrapped over two lines, 'NAME, ORG : phone'."""
    out, buf, first = [], [], None
    for n, s in lines:
        buf.append(s)
        first = first or n
        text = join_wrapped(buf)
        found = contacts_in(text, first, with_orgs=True)
        if found:
            person, role, org = None, None, next((c.org for c in found if c.org), None)
            m = _PERSON_ORG.match(text) or _PERSON_ORG.match(org or "")
            if m and len(m.group(1).split()) <= 3 and not re.search(r"\b(?:DE|DU|DES|LA)\b", m.group(1)):
                person, rest = m.group(1), m.group(2)
                parts = [p.strip(" :") for p in re.split(r",\s*|\s/\s", rest) if p.strip(" :")]
                parts = [
                    collapse(EMAIL.sub(" ", PHONE.sub(" ", URL.sub(" ", p)))).strip(" :/") for p in parts
                ]
                parts = [p for p in parts if p]
                org = parts[-1] if parts else None
                role = ", ".join(dict.fromkeys(p for p in parts[:-1] if p != org)) or None
            for c in found:
                c.org, c.person = org, person
            out.extend(found)
            if person:
                for c in found:
                    c.role = role
            buf, first = [], None
    return out


def detect(ctx: Context) -> list[ActionRecord]:
    titles = _titles(ctx)
    if not titles:
        return []
    questions, q_lines = _chapter_questions(ctx, titles)
    actions = []
    for t, (start, end) in zip(titles, _segments(ctx, titles), strict=True):
        desc, contact_lines, keys, people = _blocks(ctx, start, end, t, q_lines)
        description = join_wrapped(desc)
        title = join_wrapped(
            [TITLE.match(ctx.line(t.line)).group(3)] + [ctx.line(x) for x in t.title_lines[1:]]
        )
        region_text = join_wrapped([ctx.line(x) for x in t.region_lines])
        region = region_of(region_text)
        territories = (
            [TerritoryMention(region_text, t.region_lines[0], source="region-line")] if region else []
        )
        territories += places_in_text(f"{title}. {description}", start, ctx.gazetteer)
        territories = list({(region_of(x.name) or fold(x.name)): x for x in reversed(territories)}.values())[
            ::-1
        ]
        first = next((n for n in range(start, end + 1) if ctx.line(n).strip() and n not in q_lines), start)
        last = next((n for n in range(end, start - 1, -1) if ctx.line(n).strip() and n not in q_lines), end)
        action = ActionRecord(
            doc=ctx.doc_id,
            ref=t.ref,
            title=title,
            shape="numbered",
            provenance=ctx.provenance(first, last),
            chapter=questions.get(t.chapter),
            description=description,
            territories=territories,
            perimeter=region_text,
            contacts=_contacts(contact_lines),
            people=people,
            keys_to_success=[strip_markup(k).rstrip(" ;.") for k in keys],
            figures=figures_in(description),
            region=region or (None if "national" in region_text.lower() else region_text),
        )
        if "national" in region_text.lower():
            action.region = "France"
        action.fields_missing = [
            f
            for f, v in (
                ("description", description),
                ("contacts", action.contacts),
                ("keys_to_success", keys),
            )
            if not v
        ]
        actions.append(action)
    return actions
