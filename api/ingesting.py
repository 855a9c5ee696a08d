"""What the facade's ingest is made of: finding documents, reading one into the store, the report's totals,
and keeping an uploaded file only when its ingest succeeded."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from api.report import DocumentReport, IngestReport, summarise_hierarchy, summarise_missing
from graph.actions_export import iter_rows
from graph.build import GraphBuilder
from graph.linking import TerritoryLinker, mention_gazetteer
from graph.reference import ReferenceData
from graph.store import Store
from ingest.errors import InputError, QfqError, UnsupportedFormat
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.mentions.actions import annotate, shared_nlp
from ingest.pipeline import parse_document
from ingest.text import fold

log = logging.getLogger(__name__)


def discover(dirs: Iterable[Path]) -> list[Path]:
    """Every supported document under the directories, in a stable order."""
    files: list[Path] = []
    for d in dirs:
        d = Path(d)
        if not d.is_dir():
            raise InputError("is not a directory", where=str(d), valid="a directory of documents")
        files += [p for p in d.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES]
    return sorted(files)


def ingest_one(
    store: Store, reference: ReferenceData, path: Path, doc_id: str, force: bool
) -> DocumentReport:
    """Read one document into the store (one transaction). Its failure is reported, never raised."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return DocumentReport(
            str(path), doc_id, "error", error=f"{path}: cannot read the file ({exc.strerror})"
        )
    if not force and store.document_hash(doc_id) == digest:
        return DocumentReport(
            str(path),
            doc_id,
            "unchanged",
            actions=store.count_actions(doc_id),
            warnings=store.warnings(doc_id),
        )
    try:
        gazetteer = TerritoryLinker(reference.territories).is_place
        parsed = parse_document(path, doc_id=doc_id, gazetteer=gazetteer)
        nlp = shared_nlp()  # the mentions pass: names in the prose with their roles
        annotate(parsed, mention_gazetteer(reference, nlp), nlp)
        store.replace_document(parsed, parsed.text.lines, parsed.text.pages)
    except QfqError as exc:
        log.warning("%s", exc)
        return DocumentReport(str(path), doc_id, "error", error=str(exc))
    except Exception as exc:  # a parser defect on one document must not stop the others
        log.exception("unexpected failure on %s", path)
        return DocumentReport(
            str(path), doc_id, "error", error=f"{path}: internal error ({type(exc).__name__}: {exc})"
        )
    shapes: dict[str, int] = {}
    for a in parsed.actions:
        shapes[a.shape] = shapes.get(a.shape, 0) + 1
    warnings = list(parsed.warnings) + [w for a in parsed.actions for w in a.warnings]
    return DocumentReport(
        str(path),
        doc_id,
        "ingested",
        actions=len(parsed.actions),
        fields_missing=summarise_missing(parsed.actions),
        warnings=warnings,
        shapes=shapes,
        hierarchy=summarise_hierarchy(parsed.actions),
        passages=dict(Counter(p.type for p in parsed.passages)),
        toc=parsed.toc.to_dict() if parsed.toc else None,
    )


def fill_totals(report: IngestReport, store: Store, reference: ReferenceData) -> None:
    """The store-wide totals of the report: distinct organisations named as pilots or partners, territories
    named, and those without an official code.

    Organisations are counted as the knowledge graph resolves them (same builder, same actor resolver), but on
    the graph's structure alone: the enrichers (dispositifs, publics, themes), which take about 95 % of a
    build and say nothing of organisations or places, are left out, and nothing is cached."""
    structure = GraphBuilder(store, reference, enrichers=[]).build().graph
    entities: set[str] = set()
    unmatched: set[str] = set()
    territories = 0
    for row in iter_rows(store, reference.territories, structure):
        for o in row.pilots + row.partners:
            entities.add(o.id)
        for t in row.territories:
            territories += 1
            if t.code is None:
                unmatched.add(f"{t.name} ({row.doc})")
    report.entities = len(entities)
    report.territories = territories
    report.unmatched_territories = sorted(unmatched, key=fold)


def upload_name(name: str) -> str:
    """The file name an upload is kept under, or an error when qfq does not read that kind of file."""
    safe = Path(name).name
    if not safe or Path(safe).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormat(
            "not a supported document name", where=name, valid=", ".join(SUPPORTED_SUFFIXES)
        )
    return safe


def ingest_file(target: Path, data: bytes, ingest: Callable[[list[Path]], IngestReport]) -> IngestReport:
    """Write ``data`` to ``target`` (through a temporary name) and ingest it. When the ingest reports an error
    (or raises), the new file goes and the previous one, put aside meanwhile, comes back."""
    backup = target.with_name(target.name + ".previous")
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.replace(backup)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    report = None
    try:
        report = ingest([target])
    finally:
        if report is not None and not report.errors:
            backup.unlink(missing_ok=True)
        else:
            target.unlink(missing_ok=True)
            if backup.exists():
                backup.replace(target)
    return report
