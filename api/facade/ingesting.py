"""Reading documents in: build, ingest, upload."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from api.guards import check_upload_token
from api.ingesting import discover, fill_totals, ingest_file, ingest_one, upload_name
from api.report import DocumentReport, IngestReport
from ingest.errors import InputError, TooLarge
from ingest.pipeline import document_id

log = logging.getLogger(__name__)

# called before each file is read: the file, its rank (1-based) and how many files there are
Progress = Callable[[Path, int, int], None]


class IngestFacade:
    """Mixed into :class:`api.service.Service`, whose state (settings, store, knowledge, answers) it uses."""

    @staticmethod
    def discover(dirs: Iterable[Path]) -> list[Path]:
        """Every supported document under the directories, in a stable order."""
        return discover(dirs)

    def build(
        self, dirs: Iterable[Path] | None = None, *, force: bool = False, on_file: Progress | None = None
    ) -> IngestReport:
        """Ingest every document under the directories (default: the settings' corpus, ../shared/corpus)."""
        dirs = list(dirs) if dirs else list(self.settings.corpus)
        if not dirs:
            raise InputError(
                "no corpus directory given and ../shared/corpus does not exist",
                where="--corpus",
                valid="one or more directories of documents",
            )
        return self.ingest(discover(dirs), force=force, on_file=on_file)

    def ingest(
        self, files: Iterable[Path], *, force: bool = False, on_file: Progress | None = None
    ) -> IngestReport:
        """Add or replace documents. One bad document never stops the others nor touches what is stored."""
        files = [Path(p) for p in files]
        report = IngestReport()
        seen: dict[str, Path] = {}
        for rank, path in enumerate(files, 1):
            if on_file:
                on_file(path, rank, len(files))
            doc_id = document_id(path)
            if doc_id in seen:
                error = f"{path}: same document id {doc_id!r} as {seen[doc_id]}; rename one of the files"
                report.documents.append(DocumentReport(str(path), doc_id, "error", error=error))
                continue
            seen[doc_id] = path
            report.documents.append(ingest_one(self.store, self.reference, path, doc_id, force))
        if any(d.status == "ingested" for d in report.documents):
            self.knowledge_cache.invalidate()
            self.answers.clear()
        fill_totals(report, self.store, self.reference)
        return report

    def upload(self, name: str, data: bytes, authorization: str | None) -> dict[str, Any]:
        """Add or replace one document sent over HTTP. A failed ingest leaves the store and the files as they
        were."""
        check_upload_token(self.settings, authorization)
        if len(data) > self.settings.upload_max_bytes:
            raise TooLarge(
                f"document of {len(data)} bytes",
                where=name,
                valid=f"at most {self.settings.upload_max_bytes} bytes (QFQ_UPLOAD_MAX_BYTES)",
            )
        target = self.settings.data / "uploads" / upload_name(name)
        return ingest_file(target, data, self.ingest).without_paths().to_dict()
