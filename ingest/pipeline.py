"""One document in, its structured records out: load, detect shapes, collect document facts."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from pathlib import Path

from ingest.errors import NoActionFound, TooLarge
from ingest.labels import default_lexicon
from ingest.loaders import load
from ingest.metadata import describe
from ingest.places import Gazetteer
from ingest.records import ActionRecord, DocumentRecord, LoadedText, ParsedDocument, Passage
from ingest.shapes import blurbs, fiche, numbered, outline, strategy, toc, workbook
from ingest.shapes.context import Context, numbered_heading
from ingest.shapes.glossary import glossary, participants
from ingest.text import TOC_LINE, fold, slug

log = logging.getLogger(__name__)

# Shapes in the order they claim lines; strategy text is the fallback for documents with few structured
# actions.
STRUCTURED = (fiche.detect, numbered.detect, blurbs.detect)
OUTLINE_RATIO = 3  # the outline parser's units against the shapes' above which the outline is believed
UNTITLED = "Fiche sans intitulé"  # the fiche shape's title for a fiche whose title it did not find


def document_id(path: Path) -> str:
    """A document's stable id: its file name without suffix, as a slug ("000_1ad84331eee1d4b1").

    Letters and digits of any script are kept ("план-2024", "中文"), so that two names never fold to one id;
    a name with none gets an id from a hash of the name ("document-3f2a…"), distinct for distinct names."""
    stem = unicodedata.normalize("NFC", path.stem)
    slug = re.sub(r"[^\w.\-]+", "-", stem).strip("-.")
    return slug or "document-" + hashlib.sha256(path.name.encode("utf-8")).hexdigest()[:12]


def parse_document(
    path: Path,
    *,
    doc_id: str | None = None,
    gazetteer: Gazetteer | None = None,
    rel: str | None = None,
    digest: str | None = None,
    max_lines: int | None = None,
) -> ParsedDocument:
    """Read a file and return its actions and document facts. Raises an `InputError` subclass on bad input.

    The one path from a file to its records, for the service and for tests and benchmarks alike: `rel` is the
    name the store keeps (default: the path), `digest` the file's SHA-256 when the caller already read it, and
    `max_lines` the line cap checked after loading and before any shape runs."""
    loaded = load(path)
    if max_lines is not None and len(loaded.lines) > max_lines:
        raise TooLarge(
            f"document de {len(loaded.lines)} lignes, plus que le plafond de {max_lines} lignes",
            where=str(path),
            valid=f"au plus {max_lines} lignes (réglage QFQ_DOCUMENT_MAX_LINES)",
        )
    record = DocumentRecord(
        id=doc_id or document_id(path),
        path=rel if rel is not None else str(path),
        sha256=digest or hashlib.sha256(path.read_bytes()).hexdigest(),
        format=loaded.format,
        line_count=len(loaded.lines),
        page_count=max(loaded.pages) if loaded.pages else None,
    )
    return parse_text(loaded, record, gazetteer=gazetteer)


def parse_text(
    loaded: LoadedText, record: DocumentRecord, *, gazetteer: Gazetteer | None = None
) -> ParsedDocument:
    ctx = Context(doc_id=record.id, loaded=loaded, gazetteer=gazetteer)
    if loaded.sheets:
        return _parse_sheets(ctx, record)
    entries = glossary(ctx)
    ctx.known_acronyms = frozenset(e.acronym.upper() for e in entries if len(e.acronym) <= 14)
    describe(record, loaded.lines, [])
    ctx.region = record.region if record.region != "France" else None
    actions: list[ActionRecord] = []
    for detect in STRUCTURED:
        found = detect(ctx)
        for action in found:
            ctx.claim(action)
        actions.extend(found)
    if len(actions) < 3:
        found = strategy.detect(ctx)
        for action in found:
            ctx.claim(action)
        actions.extend(found)
    found_outline = outline.detect(ctx)
    outline_won = _outline_wins(actions, found_outline.actions)
    if outline_won:
        actions = found_outline.actions
    else:
        _graft_levels(actions, found_outline.actions)
    if not actions:
        raise NoActionFound(
            "aucune action reconnue (ni tableau de fiche, ni titres d'actions numérotés, ni blocs "
            "« Pilote : », ni mesures de stratégie)",
            where=record.path,
        )
    actions.sort(key=lambda a: a.provenance.line_start)
    _assign_ids(record.id, actions)
    describe(record, loaded.lines, [a.region for a in actions if a.shape == "numbered"])
    for a in actions:
        a.region = a.region or (record.region if record.region != "France" else None)
    parsed = ParsedDocument(
        document=record,
        actions=actions,
        glossary=entries,
        participants=participants(ctx),
        toc_refs=_toc_refs(loaded.lines),
        passages=_passages_outside(found_outline.passages, actions),
        text=loaded,
    )
    parsed.warnings.extend(loaded.warnings)
    _check_toc(parsed)
    parsed.toc = toc.check(loaded.lines, actions)
    log.debug("%s: %d actions", record.id, len(actions))
    return parsed


def _outline_wins(shapes: list[ActionRecord], general: list[ActionRecord]) -> bool:
    """The general outline parser replaces the document shapes when they found nothing, when it finds as
    many titled units as they did and theirs are mostly untitled, when it finds OUTLINE_RATIO times as
    many, or when it finds every one of theirs (same titles) and more."""
    if not general:
        return False
    if not shapes:
        return True
    if any(_holds(s, general) >= 2 for s in shapes):
        return True  # a shape merged several of the outline's units into one
    untitled = sum(1 for a in shapes if _untitled(a.title))
    if len(general) >= OUTLINE_RATIO * len(shapes):
        return True
    if len(general) > len(shapes) and {fold(a.title) for a in shapes} <= {fold(a.title) for a in general}:
        return True  # the outline found every unit the shapes found, and more
    if untitled * 2 < len(shapes):
        return False
    # mostly untitled shapes: the outline wins with as many units, or when every shape lies inside one of
    # its units (a table's header row repeated after a page break is no unit of its own)
    return len(general) >= len(shapes) or all(any(_overlap(s, g) > 0 for g in general) for s in shapes)


def _holds(shape: ActionRecord, general: list[ActionRecord]) -> int:
    """How many of the outline's units have their heading line inside a shape's unit, below its first
    line (the shape's own heading may be one of them)."""
    p = shape.provenance
    return sum(1 for g in general if p.line_start < g.provenance.line_start <= p.line_end) + any(
        g.provenance.line_start == p.line_start for g in general
    )


def _untitled(title: str) -> bool:
    """A shape's title that is no title: its placeholder, a labelled field line ("Budget : 300 000 €") or a
    field label alone ("Objectifs", "Pilote")."""
    if title.startswith(UNTITLED):
        return True
    label = title.partition(":")[0].strip()
    return bool(label) and default_lexicon().match(label, prefix=False) is not None


def _graft_levels(shapes: list[ActionRecord], general: list[ActionRecord]) -> None:
    """Shapes that won keep the grouping levels the outline parser found above the same units: the unit
    of the same ref, else the one whose lines overlap the shape's the most."""
    by_ref: dict[str, ActionRecord] = {}
    for a in general:
        if a.ref and a.levels:
            by_ref.setdefault(fold(a.ref), a)
    placed = [a for a in general if a.levels]
    for a in shapes:
        if a.levels:
            continue
        twin = by_ref.get(fold(a.ref)) if a.ref else None
        if twin is None and placed:
            twin = max(placed, key=lambda g: _overlap(a, g))
            twin = twin if _overlap(a, twin) > 0 else None
        if twin is not None:
            a.levels = list(twin.levels)


def _overlap(a: ActionRecord, b: ActionRecord) -> int:
    """How many lines two actions share."""
    pa, pb = a.provenance, b.provenance
    return min(pa.line_end, pb.line_end) - max(pa.line_start, pb.line_start) + 1


def _passages_outside(passages: list[Passage], actions: list[ActionRecord]) -> list[Passage]:
    """Typed passages that no action's lines contain (a "Diagnostic" row inside a fiche is the fiche's)."""
    spans = [(a.provenance.line_start, a.provenance.line_end) for a in actions]
    return [p for p in passages if not any(s <= p.line_start <= e for s, e in spans)]


def _parse_sheets(ctx: Context, record: DocumentRecord) -> ParsedDocument:
    """A spreadsheet: one action per row (sub-action rows joined to their action), by the sheet shape."""
    loaded = ctx.loaded
    describe(record, loaded.lines, [])
    ctx.region = record.region if record.region != "France" else None
    actions, warnings = workbook.detect(ctx)
    if not actions:
        raise NoActionFound(
            "aucune action reconnue : la ligne d'en-tête du tableur a été trouvée mais aucune ligne en "
            "dessous n'a de titre",
            where=record.path,
        )
    _assign_ids(record.id, actions)
    parsed = ParsedDocument(document=record, actions=actions, text=loaded)
    parsed.warnings.extend([*loaded.warnings, *warnings])
    log.debug("%s: %d actions from %d sheet(s)", record.id, len(actions), len(loaded.sheets))
    return parsed


def _assign_ids(doc_id: str, actions: list[ActionRecord]) -> None:
    used: set[str] = set()
    for a in actions:
        base = f"{doc_id}/{slug(a.ref or a.title, 48)}"
        candidate, k = base, 2
        while candidate in used:
            candidate, k = f"{base}-{k}", k + 1
        used.add(candidate)
        a.id = candidate


def _toc_refs(lines: list[str]) -> list[str]:
    refs = []
    for line in lines:
        if TOC_LINE.search(line) and (h := numbered_heading(re.sub(r"\.{3,}.*$|\t.*$", "", line))):
            refs.append(f"{h[0]} {h[1]}")
    return refs


def _check_toc(parsed: ParsedDocument) -> None:
    """A table of contents lists the actions: say where body and contents disagree."""
    if not parsed.toc_refs:
        return
    body = {a.ref for a in parsed.actions if a.ref}
    toc = set(parsed.toc_refs)
    missing = sorted(toc - body)
    extra = sorted(r for r in body - toc if r.split()[0] in {t.split()[0] for t in toc})
    if missing:
        parsed.warnings.append(f"in the table of contents but not found in the body: {', '.join(missing)}")
    if extra:
        parsed.warnings.append(f"in the body but not in the table of contents: {', '.join(extra)}")
