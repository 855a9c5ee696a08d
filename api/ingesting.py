"""What the facade's ingest is made of: finding documents (and reporting every file it will not read), reading
one into the store within the settings' caps, refusing an id that belongs to another file, the report's
totals, and keeping an uploaded file only when its ingest succeeded."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path, PurePath

import graph
import ingest
from api.report import DocumentReport, IngestReport, summarise_hierarchy, summarise_missing
from graph.actions_export import iter_rows
from graph.build import GraphBuilder
from graph.errors import NotFound
from graph.knowledge_disk import files_digest
from graph.linking import TerritoryLinker, mention_gazetteer
from graph.reference import ReferenceData
from graph.store import Store
from ingest.errors import InputError, QfqError, TooLarge, UnreadableDocument, UnsupportedFormat
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.mentions.actions import annotate, shared_nlp
from ingest.mentions.nlp import DEFAULT_MODEL
from ingest.pipeline import parse_document
from ingest.text import fold

log = logging.getLogger(__name__)


# what a stored document depends on besides its bytes: the ingest package (loaders, shapes, lexicons), the
# graph modules and data the mentions pass links against (territories, actors, dispositifs), the NLP model
_READER_GRAPH_MODULES = ("linking", "territories", "territory_data", "actors", "actor_model", "dispositifs")


@lru_cache(maxsize=1)
def reader_version() -> str:
    """A digest of everything that turns a document's bytes into stored records, so that a build after an
    upgrade reads again the documents an older reader stored (their bytes alone would call them unchanged)."""
    ingest_root, graph_root = (Path(p.__file__).resolve().parent for p in (ingest, graph))
    files = [f for f in ingest_root.rglob("*") if f.suffix in {".py", ".toml", ".json", ".txt"}]
    files += [graph_root / f"{name}.py" for name in _READER_GRAPH_MODULES]
    files += list((graph_root / "data").rglob("*"))
    try:
        model = f"{DEFAULT_MODEL} {metadata.version(DEFAULT_MODEL)}"
    except metadata.PackageNotFoundError:  # the mentions pass says so itself when it loads the model
        model = "no nlp model"
    return files_digest(files, ingest_root.parent, model.encode())


@dataclass(frozen=True)
class Limits:
    """The caps of one document (``QFQ_DOCUMENT_MAX_BYTES``, ``QFQ_DOCUMENT_MAX_LINES``)."""

    max_bytes: int
    max_lines: int


@dataclass(frozen=True)
class Survey:
    """What a walk over the corpus directories found: the documents to read, and a report line for every
    other file (an unsupported suffix, a broken or looping symbolic link, an unreadable directory)."""

    files: list[Path]
    skipped: list[DocumentReport]


def discover(dirs: Iterable[Path]) -> list[Path]:
    """Every supported document under the directories, in a stable order."""
    return survey(dirs).files


def survey(dirs: Iterable[Path]) -> Survey:
    """Every file under the directories: the supported documents, and a report line for each of the others."""
    files: list[Path] = []
    skipped: list[DocumentReport] = []
    for d in dirs:
        d = Path(d)
        if not d.is_dir():
            raise InputError("n'est pas un dossier", where=str(d), valid="un dossier de documents")

        def unreadable(exc: OSError, d: Path = d) -> None:
            where = exc.filename or str(d)
            skipped.append(_skip(Path(where), f"dossier illisible ({exc.strerror or exc})", "error"))

        for top, subdirs, names in os.walk(d, onerror=unreadable):
            subdirs.sort()
            for name in subdirs:
                if (Path(top) / name).is_symlink():
                    target = Path(top) / name
                    skipped.append(_skip(target, "lien symbolique vers un dossier : non suivi", "skipped"))
            for name in names:
                path = Path(top) / name
                verdict = _verdict(path)
                if verdict is None:
                    files.append(path)
                else:
                    skipped.append(verdict)
    return Survey(sorted(files), sorted(skipped, key=lambda r: r.file))


def _skip(path: Path, why: str, status: str) -> DocumentReport:
    return DocumentReport(str(path), None, status, error=f"{path}: {why}")


def _verdict(path: Path) -> DocumentReport | None:
    """None for a document to read; else the report line saying why the file is left out."""
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except RuntimeError:
            return _skip(path, "lien symbolique en boucle", "error")
        except OSError as exc:
            looping = exc.errno == 40  # ELOOP
            why = "lien symbolique en boucle" if looping else "lien symbolique cassé (la cible n'existe pas)"
            return _skip(path, why, "error")
        if not target.is_file():
            return _skip(path, "lien symbolique vers autre chose qu'un fichier", "skipped")
    elif not path.is_file():
        return _skip(path, "pas un fichier ordinaire (tube, socket, périphérique)", "skipped")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        suffix = path.suffix.lower() or "(aucun)"
        why = (
            f"format non pris en charge (suffixe {suffix!r}) ; formats lus : {', '.join(SUPPORTED_SUFFIXES)}"
        )
        return _skip(path, why, "skipped")
    return None


def relative_name(path: Path, roots: Iterable[Path]) -> str:
    """What the store keeps of where a document came from: its path relative to the first root that holds it
    (a corpus directory, the data directory for uploads), else its file name; never a path of the machine."""
    absolute = Path(os.path.abspath(path))
    for root in roots:
        try:
            return absolute.relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            continue
    return path.name


def same_file(stored: str, new: str) -> bool:
    """Whether two stored names are one file: the shorter is the end of the longer ("plan.txt" and
    "sous-dossier/plan.txt"; an older store's absolute path and its relative one)."""
    a, b = PurePath(stored).parts, PurePath(new).parts
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return bool(shorter) and longer[len(longer) - len(shorter) :] == shorter


def _stored_path(store: Store, doc_id: str) -> str | None:
    try:
        return store.document(doc_id).path
    except NotFound:
        return None


def _collision(path: Path, doc_id: str, stored: str) -> str:
    return (
        f"{path}: l'identifiant de document {doc_id!r} appartient déjà à un autre fichier "
        f"({PurePath(stored).name}) ; renommez l'un des deux fichiers, ou demandez explicitement le "
        "remplacement (qfq ingest --remplacer, champ replace=true de POST /documents)"
    )


def _read(path: Path, limits: Limits) -> bytes:
    """The file's bytes, refused before reading when larger than the cap."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableDocument(
            "pas un fichier ordinaire (dossier, tube, socket ou périphérique)",
            where=str(path),
            valid="un fichier de document",
        )
    size = info.st_size
    if size > limits.max_bytes:
        raise TooLarge(
            f"document de {size} octets, plus que le plafond de {limits.max_bytes} octets",
            where=str(path),
            valid=f"au plus {limits.max_bytes} octets (réglage QFQ_DOCUMENT_MAX_BYTES)",
        )
    return path.read_bytes()


@dataclass(frozen=True)
class IngestRequest:
    """One file to ingest: its path, id, the name the store keeps, and what the caller asked."""

    path: Path
    doc_id: str
    rel: str
    force: bool = False
    replace: bool = False


def ingest_one(store: Store, reference: ReferenceData, req: IngestRequest, limits: Limits) -> DocumentReport:
    """Read one document into the store (one transaction). Its failure is reported, never raised."""
    path, doc_id = req.path, req.doc_id
    stored = _stored_path(store, doc_id)
    if stored is not None and not req.replace and not same_file(stored, req.rel):
        return DocumentReport(str(path), doc_id, "error", error=_collision(path, doc_id, stored))
    try:
        data = _read(path, limits)
    except QfqError as exc:
        return DocumentReport(str(path), doc_id, "error", error=str(exc))
    except OSError as exc:
        error = f"{path}: fichier illisible ({exc.strerror or exc})"
        return DocumentReport(str(path), doc_id, "error", error=error)
    digest = hashlib.sha256(data).hexdigest()
    del data
    reader = reader_version()
    if (
        not req.force
        and stored is not None
        and store.document_hash(doc_id) == digest
        and store.document_reader(doc_id) == reader
    ):
        return DocumentReport(
            str(path),
            doc_id,
            "unchanged",
            actions=store.count_actions(doc_id),
            warnings=store.warnings(doc_id),
        )
    try:
        gazetteer = TerritoryLinker(reference.territories).is_place
        parsed = parse_document(
            path, doc_id=doc_id, gazetteer=gazetteer, rel=req.rel, digest=digest, max_lines=limits.max_lines
        )
        nlp = shared_nlp()  # the mentions pass: names in the prose with their roles
        annotate(parsed, mention_gazetteer(reference, nlp), nlp)
        store.replace_document(parsed, parsed.text.lines, parsed.text.pages, reader=reader)
    except QfqError as exc:
        log.warning("%s", exc)
        return DocumentReport(str(path), doc_id, "error", error=str(exc))
    except RecursionError:
        log.warning("%s: nesting too deep", path)
        error = f"{path}: structure imbriquée trop profondément pour être lue (balisage malformé ?)"
        return DocumentReport(str(path), doc_id, "error", error=error)
    except Exception as exc:  # a parser defect on one document must not stop the others
        log.exception("unexpected failure on %s", path)
        error = f"{path}: erreur interne ({type(exc).__name__} : {exc})"
        return DocumentReport(str(path), doc_id, "error", error=error)
    return _ingested(path, doc_id, parsed)


def _ingested(path: Path, doc_id: str, parsed) -> DocumentReport:
    shapes: dict[str, int] = dict(Counter(a.shape for a in parsed.actions))
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


def fill_totals(
    report: IngestReport, store: Store, reference: ReferenceData, cache: Path | None = None
) -> None:
    """The store-wide totals of the report: distinct organisations named as pilots or partners, territories
    named, and those without an official code.

    Organisations are counted as the knowledge graph resolves them (same builder, same actor resolver), but on
    the graph's structure alone: the enrichers (dispositifs, publics, themes), which take about 95 % of a
    build and say nothing of organisations or places, are left out. With ``cache`` (a JSON file), the
    totals are kept under a key of the stored documents (id, hash, name) and of the reference files, so that
    an ingest that changed nothing costs no graph build."""
    key = _totals_key(store, reference) if cache is not None else None
    totals = _cached_totals(cache, key)
    if totals is None:
        totals = _compute_totals(store, reference)
        if cache is not None:
            _write_totals(cache, key, totals)
    report.entities = totals["entities"]
    report.territories = totals["territories"]
    report.unmatched_territories = list(totals["unmatched"])


def _compute_totals(store: Store, reference: ReferenceData) -> dict:
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
    return {
        "entities": len(entities),
        "territories": territories,
        "unmatched": sorted(unmatched, key=fold),
    }


def _totals_key(store: Store, reference: ReferenceData) -> str:
    """What the totals depend on: every stored document, the store's write counter (a forced re-ingest keeps
    the hashes but may change the records) and every reference file (name, size, time)."""
    parts: list[list] = [["generation", store.generation()]]
    parts += [[d.id, d.sha256, d.path] for d in store.documents()]
    for part, source in sorted(reference.sources.items()):
        try:
            stat = os.stat(source)
            parts.append([part, source, stat.st_size, stat.st_mtime_ns])
        except OSError:
            parts.append([part, source])
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def _cached_totals(cache: Path | None, key: str | None) -> dict | None:
    if cache is None or not cache.is_file():
        return None
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return kept.get("totals") if isinstance(kept, dict) and kept.get("key") == key else None


def _write_totals(cache: Path, key: str | None, totals: dict) -> None:
    """Through a temporary name, so that a killed process never leaves half a file (then it is recomputed)."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "totals": totals}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cache)
    except OSError as exc:
        log.warning("cannot keep the report totals in %s: %s", cache, exc)


def upload_name(name: str) -> str:
    """The file name an upload is kept under, or an error when qfq does not read that kind of file."""
    safe = Path(name).name
    if not safe or Path(safe).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormat(
            "nom de document d'un format non lu", where=name, valid=", ".join(SUPPORTED_SUFFIXES)
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
