"""The mentions pass of a parsed document: every block of every action, one NLP pass per document.

An action's blocks are the paragraphs of its lines (title, description, side panels, interviews, keys to
success, labelled rows), markup stripped line by line so that line numbers stay those of the document; a
paragraph under a contact label ("CONTACTS") is a `contacts` block, read by its layout. The mentions are kept
on the action (`ActionRecord.mentions`), persisted with it.

The pipeline is one `FrenchNLP` per process (`shared_nlp()`), loaded on first use; the gazetteer comes from
the caller (the graph side builds it from its reference data), extended with the document's own
organisations (its participant list and the organisations of its glossary, `ingest.mentions.document`), so
that the prose of an action that names them gives them their role.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import replace

from ingest.mentions.document import document_entries
from ingest.mentions.extract import Block, Mention, default_lexicon, extract_mentions
from ingest.mentions.gazetteer import Gazetteer
from ingest.mentions.nlp import FrenchNLP
from ingest.mentions.normalize import fold
from ingest.records import ActionRecord, LoadedText, MentionRecord, ParsedDocument
from ingest.text import strip_markup

log = logging.getLogger(__name__)

CONTACT_HEADINGS = frozenset({"contacts", "contact"})
_BULLET_LINE = re.compile(r"^[ \t]*[-–•*·▪][ \t]+")
BLOCK_MAX = 4000  # characters: a longer paragraph (a whole table without blank lines) is cut at a line
_shared: FrenchNLP | None = None
_shared_lock = threading.Lock()


def shared_nlp() -> FrenchNLP:
    """The process's one French pipeline (the model itself is loaded on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = FrenchNLP()
        return _shared


def action_blocks(action: ActionRecord, text: LoadedText, stripped: list[str] | None = None) -> list[Block]:
    """The paragraphs of an action's lines, each with its first line, page and kind. `stripped`: the
    document's lines with their markup stripped, when the caller has them (an action's lines overlap its
    sub-actions': each line is stripped once per document)."""
    p = action.provenance
    if stripped is None:
        lines = [strip_markup(line) for line in text.lines[p.line_start - 1 : p.line_end]]
    else:
        lines = stripped[p.line_start - 1 : p.line_end]
    blocks: list[Block] = []
    start: int | None = None  # index in `lines` of the open paragraph's first line
    size = 0
    kind = "description"
    for i, line in enumerate([*lines, ""]):
        blank = not line.strip()
        if blank and start is not None and size < BLOCK_MAX and _list_follows(lines, i):
            continue  # "Financeurs :", a blank line, then the bullets: one list
        if start is not None and (blank or size >= BLOCK_MAX):
            blocks.append(_block(lines, start, i, p.line_start + start, text, kind, action))
            start, size, kind = None, 0, "description"
        if blank:
            continue
        if fold(line.strip()) in CONTACT_HEADINGS:
            if start is not None:
                blocks.append(_block(lines, start, i, p.line_start + start, text, kind, action))
                start, size = None, 0
            kind = "contacts"
            continue
        if start is None:
            start = i
        size += len(line) + 1
    return [b for b in blocks if b.text.strip()]


def _list_follows(lines: list[str], i: int) -> bool:
    """Whether the blank line i separates a line ending with a colon from the bulleted list it introduces."""
    before = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
    after = next((lines[k] for k in range(i + 1, len(lines)) if lines[k].strip()), "")
    return before.rstrip().endswith(":") and bool(_BULLET_LINE.match(after))


def _block(
    lines: list[str], s: int, e: int, line_no: int, text: LoadedText, kind: str, action: ActionRecord
) -> Block:
    body = "\n".join(lines[s:e])
    if kind == "description":
        if s == 0 or fold(body.strip()) == fold(action.title):
            kind = "title"
        elif action.region and fold(body.strip()) == fold(action.region):
            kind = "region"
    return Block(body, line_no, text.page_of(line_no), kind)


def record_of(m: Mention) -> MentionRecord:
    return MentionRecord(
        surface=m.surface,
        kind=m.kind,
        role=m.role,
        quote=m.quote,
        line=m.line,
        confidence=m.confidence,
        source=m.source,
        block_kind=m.block_kind,
        page=m.page,
        key=m.key,
        cue=m.cue,
        function=m.function,
        affiliation=m.affiliation,
    )


def annotate(
    parsed: ParsedDocument, gazetteer: Gazetteer | None, nlp: FrenchNLP, *, select: bool = True
) -> float:
    """Set the mentions of every action of a parsed document; returns the seconds the pass took.
    `select`: parse only the sentences that can hold a mention (see `extract_mentions`)."""
    if parsed.text is None:
        return 0.0
    t0 = time.perf_counter()
    if gazetteer is not None:  # the document's own organisations (participants, glossary) are names too
        gazetteer = gazetteer.extended(
            document_entries(parsed.glossary, parsed.participants, default_lexicon())
        )
    unique: dict[tuple[int, str, str], int] = {}
    blocks: list[Block] = []
    owners: list[list[ActionRecord]] = []
    stripped = [strip_markup(line) for line in parsed.text.lines]
    for action in parsed.actions:
        action.mentions = []
        for b in action_blocks(action, parsed.text, stripped):
            k = unique.setdefault((b.line_start, b.kind, b.text), len(blocks))
            if k == len(blocks):
                blocks.append(b)
                owners.append([])
            owners[k].append(action)
    contact_lines = {
        n
        for b in blocks
        if b.kind == "contacts"
        for n in range(b.line_start, b.line_start + b.text.count("\n") + 1)
    }
    contact_lines |= {n for n, line in enumerate(stripped, start=1) if _CONTACT_ROW.match(fold(line))}
    nouns = default_lexicon().action_nouns
    for m in extract_mentions(blocks, gazetteer, nlp, select=select):
        rec = record_of(m)
        for action in owners[m.block_index]:
            action.mentions.append(_beside_rows(rec, m, action, contact_lines, nouns))
    for action in parsed.actions:
        written_pilots(action, contact_lines)
    inherit_plan_pilots(parsed, stripped, gazetteer, nlp)
    for action in parsed.actions:
        operator_pilots(action)
    seconds = time.perf_counter() - t0
    log.debug("%s: mentions of %d blocks in %.2f s", parsed.document.id, len(blocks), seconds)
    return seconds


def _beside_rows(
    rec: MentionRecord, m: Mention, action: ActionRecord, contact_lines: set[int], nouns: frozenset[str]
) -> MentionRecord:
    """A labelled pilot row outranks a sentence: beside it, an organisation a sentence pilots is a partner
    when its cue is about a part of the action (« le comité de suivi, animé par X »), not the action itself
    (a pronoun, a noun of its title or a noun that names an action: « Il sera animé par X » stays a pilot)."""
    if rec.role != "pilot" or m.governed is None or rec.block_kind == "contacts":
        return rec
    if not any(o.line not in contact_lines for o in action.pilots):
        return rec
    title = {w.rstrip("sx") for w in re.findall(r"[a-z]+", fold(action.title))}
    if m.governed in nouns or m.governed.rstrip("sx") in title:
        return rec
    return replace(rec, role="partner")


_CONTACT_ROW = re.compile(r"^\s*(?:[-–•*·▪]\s*)?contacts?\s*:")


def written_pilots(action: ActionRecord, contact_lines: set[int]) -> bool:
    """The pilots a plan took from an action's contacts (a booklet whose units name no pilot field) give way
    to the pilots its sentences write ("à l'initiative de X"): the contact person's organisation is then a
    contact, not a pilot. Returns whether the action's pilots were dropped."""
    if not action.pilots or not all(o.line in contact_lines for o in action.pilots):
        return False
    if not any(
        m.role == "pilot" and m.kind == "org" and m.block_kind != "contacts" and m.line not in contact_lines
        for m in action.mentions
    ):
        return False
    action.pilots = []
    return True


def operator_pilots(action: ActionRecord) -> int:
    """A fiche that names no pilot (no row, no sentence, no plan default): the named bodies its prose shows
    doing the action (an operator by its subject, with no cue: « l'association X ouvre un garage ») pilot it.
    Returns how many mentions became pilots."""
    if action.pilots or any(m.role == "pilot" and m.kind in ("org", "person") for m in action.mentions):
        return 0
    doers = [
        k for k, m in enumerate(action.mentions) if m.role == "operator" and m.kind == "org" and not m.cue
    ]
    for k in doers:
        action.mentions[k] = replace(action.mentions[k], role="pilot")
    return len(doers)


PLAN_CONFIDENCE = 0.8  # factor on a plan-level pilot's confidence when an action inherits it


def inherit_plan_pilots(
    parsed: ParsedDocument, stripped: list[str], gazetteer: Gazetteer | None, nlp: FrenchNLP
) -> int:
    """The pilots a plan gives every fiche that names none ("Le Département pilote … chacune de ses fiches,
    sauf mention contraire", before the first action; the markers are data: `[plan]` of role_cues.toml),
    added to each action with no pilot of its own (row, sentence or CONTACTS block) as a mention of block
    kind "plan". Returns how many actions inherited."""
    lexicon = default_lexicon()
    if not parsed.actions or not lexicon.plan_markers:
        return 0
    first = min(a.provenance.line_start for a in parsed.actions)
    blocks = [
        Block(line, n, parsed.text.page_of(n), "plan")
        for n, line in enumerate(stripped[: first - 1], start=1)
        if line.strip() and any(m in fold(line) for m in lexicon.plan_markers)
    ]
    if not blocks:
        return 0
    pilots = [
        record_of(m)
        for m in extract_mentions(blocks, gazetteer, nlp)
        if m.kind in ("org", "person") and m.role == "pilot"
    ]
    inherited = 0
    for action in parsed.actions if pilots else ():
        if action.pilots or any(m.role == "pilot" and m.kind in ("org", "person") for m in action.mentions):
            continue
        action.mentions.extend(
            replace(p, block_kind="plan", confidence=round(p.confidence * PLAN_CONFIDENCE, 3)) for p in pilots
        )
        inherited += 1
    return inherited
