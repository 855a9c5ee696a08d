"""Reading documents in: build, ingest, upload."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from api.guards import check_upload_token
from api.ingesting import (
    IngestRequest,
    Limits,
    discover,
    fill_totals,
    ingest_file,
    ingest_one,
    relative_name,
    survey,
    upload_name,
)
from api.report import DocumentReport, IngestReport
from ingest.errors import InputError, TooLarge
from ingest.pipeline import document_id

log = logging.getLogger(__name__)

# called before each file is read: the file, its rank (1-based) and how many files there are
Progress = Callable[[Path, int, int], None]
TOTALS_FILE = "report_totals.json"  # in the data directory


class IngestFacade:
    """Mixed into :class:`api.service.Service`, whose state (settings, store, knowledge, answers) it uses."""

    @staticmethod
    def discover(dirs: Iterable[Path]) -> list[Path]:
        """Every supported document under the directories, in a stable order."""
        return discover(dirs)

    def build(
        self, dirs: Iterable[Path] | None = None, *, force: bool = False, on_file: Progress | None = None
    ) -> IngestReport:
        """Ingest every document under the directories (default: the settings' corpus, ../shared/corpus).
        Every file that is not read has its own line in the report, with why."""
        dirs = list(dirs) if dirs else list(self.settings.corpus)
        if not dirs:
            raise InputError(
                "aucun dossier de documents donné, et ../shared/corpus n'existe pas",
                where="--corpus",
                valid="un ou plusieurs dossiers de documents",
            )
        found = survey(dirs)
        report = self._ingest(found.files, roots=dirs, force=force, replace=False, on_file=on_file)
        report.documents = sorted(report.documents + found.skipped, key=lambda d: d.file)
        return report

    def ingest(
        self,
        files: Iterable[Path],
        *,
        force: bool = False,
        replace: bool = False,
        on_file: Progress | None = None,
    ) -> IngestReport:
        """Add or replace documents. One bad document never stops the others nor touches what is stored.

        A file whose id already belongs to a stored document of another file is refused unless ``replace``
        is given; two files of one call never share an id."""
        return self._ingest([Path(p) for p in files], roots=(), force=force, replace=replace, on_file=on_file)

    def _ingest(
        self,
        files: list[Path],
        *,
        roots: Iterable[Path],
        force: bool,
        replace: bool,
        on_file: Progress | None,
    ) -> IngestReport:
        roots = [*roots, *self.settings.corpus, self.settings.data]
        limits = Limits(self.settings.document_max_bytes, self.settings.document_max_lines)
        report = IngestReport()
        taken: dict[str, Path] = {}  # id -> the file of this call that holds it
        for rank, path in enumerate(files, 1):
            if on_file:
                on_file(path, rank, len(files))
            doc_id = document_id(path)
            if doc_id in taken:
                report.documents.append(_same_id(path, doc_id, taken[doc_id]))
                continue
            request = IngestRequest(path, doc_id, relative_name(path, roots), force=force, replace=replace)
            result = ingest_one(self.store, self.reference, request, limits)
            if result.status != "error":  # a failed file leaves its id to the next one of the call
                taken[doc_id] = path
            report.documents.append(result)
        if any(d.status == "ingested" for d in report.documents):
            self.knowledge_cache.invalidate()
            self.answers.clear()
        fill_totals(report, self.store, self.reference, self.settings.data / TOTALS_FILE)
        return report

    def upload(
        self, name: str, data: bytes, authorization: str | None, *, replace: bool = False
    ) -> dict[str, Any]:
        """Add or replace one document sent over HTTP. A failed ingest leaves the store and the files as they
        were. ``replace``: the document may take the id of a stored document of another file."""
        check_upload_token(self.settings, authorization)
        cap = min(self.settings.upload_max_bytes, self.settings.document_max_bytes)
        if len(data) > cap:
            setting = (
                "QFQ_UPLOAD_MAX_BYTES" if cap == self.settings.upload_max_bytes else "QFQ_DOCUMENT_MAX_BYTES"
            )
            raise TooLarge(
                f"document de {len(data)} octets, plus que le plafond de {cap} octets",
                where=name,
                valid=f"au plus {cap} octets (réglage {setting})",
            )
        target = self.settings.data / "uploads" / upload_name(name)

        def ingest(files: list[Path]) -> IngestReport:
            return self.ingest(files, replace=replace)

        return ingest_file(target, data, ingest).without_paths().to_dict()


def _same_id(path: Path, doc_id: str, holder: Path) -> DocumentReport:
    error = (
        f"{path}: même identifiant de document {doc_id!r} que {holder} dans cette lecture ; "
        "renommez l'un des deux fichiers (un seul peut être gardé sous cet identifiant)"
    )
    return DocumentReport(str(path), doc_id, "error", error=error)
