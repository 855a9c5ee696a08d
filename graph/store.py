"""The embedded SQLite store: source of truth for documents, actions, raw mentions and provenance.

Every document is written or replaced in one transaction; a failed write leaves the previous records as they
were. The schema carries a version: a store of an older version known here is migrated in place (1 -> 2 adds
the typed passages, filled when a document is ingested again, and the store generation; 2 -> 3 the version of
the reader that stored each document, so that a document read by another version of the reader is read again
even when its bytes did not change); an unknown version is an error. The generation, bumped by every write,
lets a process that serves the store see another process's writes with one cheap read per request.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graph.errors import NotFound, StoreError
from ingest.errors import InputError
from ingest.records import ActionRecord, DocumentRecord, GlossaryEntry, OrgMention, ParsedDocument, Passage
from ingest.text import strip_markup

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
# versions migrated in place: the tables they lack are created by the schema itself, the columns below added
MIGRATIONS = {
    1: "typed passages (its documents are read again at the next build), store generation and id",
    2: "the reader version of each document (its documents are read again at the next build)",
}
_ADDED_COLUMNS = (("documents", "reader", "TEXT NOT NULL DEFAULT ''"),)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL, format TEXT NOT NULL,
    title TEXT, issuer TEXT, kind TEXT, region TEXT, department TEXT,
    period_start INTEGER, period_end INTEGER,
    line_count INTEGER, page_count INTEGER, ingested_at REAL NOT NULL, record TEXT NOT NULL,
    reader TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS actions (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL, ref TEXT, title TEXT NOT NULL, shape TEXT NOT NULL, region TEXT,
    line_start INTEGER NOT NULL, line_end INTEGER NOT NULL, page INTEGER,
    quote TEXT NOT NULL, record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS actions_doc ON actions(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS mentions (
    action_id TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE, doc_id TEXT NOT NULL,
    kind TEXT NOT NULL, name TEXT NOT NULL, note TEXT, line INTEGER
);
CREATE INDEX IF NOT EXISTS mentions_action ON mentions(action_id);
CREATE INDEX IF NOT EXISTS mentions_kind_name ON mentions(kind, name);
CREATE TABLE IF NOT EXISTS glossary (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    acronym TEXT NOT NULL, expansion TEXT NOT NULL, line INTEGER, source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS participants (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, name TEXT NOT NULL, line INTEGER
);
CREATE TABLE IF NOT EXISTS texts (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, lines TEXT NOT NULL, pages TEXT
);
CREATE TABLE IF NOT EXISTS passages (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, ordinal INTEGER NOT NULL,
    type TEXT NOT NULL, heading TEXT NOT NULL, line_start INTEGER NOT NULL, line_end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS warnings (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, action_id TEXT, message TEXT NOT NULL
);
"""


class Store:
    """A connection to the store file. Use one per thread; writes are serialised by SQLite."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"impossible d'ouvrir la base ({exc})", where=str(self.path)) from exc
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self._migrate()

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        with self.transaction() as cur:
            row = None
            if cur.execute("SELECT name FROM sqlite_master WHERE name = 'meta'").fetchone():
                row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else SCHEMA_VERSION
            if version not in MIGRATIONS and version != SCHEMA_VERSION:
                raise StoreError(
                    f"version de schéma de la base {version} : cette version de qfq lit les versions "
                    f"1 à {SCHEMA_VERSION}",
                    where=str(self.path),
                    valid="reconstruisez le dossier de données avec `qfq build`",
                )
            for statement in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
                cur.execute(statement)  # every table: the ones a migration adds are created here
            for table, column, decl in _ADDED_COLUMNS:
                if column not in {r[1] for r in cur.execute(f"PRAGMA table_info({table})")}:
                    cur.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
            if version == 1:  # its documents have no passages: the next build or ingest reads them again
                cur.execute("UPDATE documents SET sha256 = ''")
            if version != SCHEMA_VERSION:
                log.info("store %s: schema version %d migrated to %d", self.path, version, SCHEMA_VERSION)
            if row is None or version != SCHEMA_VERSION:
                cur.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
            cur.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")
            cur.execute("INSERT OR IGNORE INTO meta VALUES ('store_id', ?)", (uuid.uuid4().hex,))

    def generation(self) -> int:
        """A counter bumped by every write (any process): one indexed read, cheap enough per request."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def store_id(self) -> str:
        """A random id given to the store when it was created: tells two data directories apart."""
        return self.conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0]

    @staticmethod
    def _bump(cur: sqlite3.Cursor) -> None:
        cur.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            self.conn.rollback()
            raise
        else:
            self.conn.commit()

    # -- writes -------------------------------------------------------------------------------------------

    def document_hash(self, doc_id: str) -> str | None:
        row = self.conn.execute("SELECT sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def document_reader(self, doc_id: str) -> str | None:
        """The version of the reader that stored the document ('' before schema 3), None if not stored."""
        row = self.conn.execute("SELECT reader FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def replace_document(
        self,
        parsed: ParsedDocument,
        lines: list[str] | None = None,
        pages: list[int] | None = None,
        reader: str = "",
    ) -> None:
        """Write a parsed document, replacing everything previously stored for it, in one transaction;
        `reader` is the version of the reader that parsed it (see api.ingesting.reader_version)."""
        doc = parsed.document
        with self.transaction() as cur:
            cur.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
            cur.execute(
                "INSERT INTO documents (id, path, sha256, format, title, issuer, kind, region, department, "
                "period_start, period_end, line_count, page_count, ingested_at, record, reader) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc.id,
                    doc.path,
                    doc.sha256,
                    doc.format,
                    doc.title,
                    doc.issuer,
                    doc.kind,
                    doc.region,
                    doc.department,
                    doc.period_start,
                    doc.period_end,
                    doc.line_count,
                    doc.page_count,
                    time.time(),
                    json.dumps(doc.to_dict(), ensure_ascii=False),
                    reader,
                ),
            )
            for ordinal, a in enumerate(parsed.actions):
                p = a.provenance
                cur.execute(
                    "INSERT INTO actions VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        a.id,
                        doc.id,
                        ordinal,
                        a.ref,
                        a.title,
                        a.shape,
                        a.region,
                        p.line_start,
                        p.line_end,
                        p.page,
                        p.quote,
                        json.dumps(a.to_dict(), ensure_ascii=False),
                    ),
                )
                rows = [(a.id, doc.id, "pilot", o.name, o.note, o.line) for o in a.pilots]
                rows += [(a.id, doc.id, "partner", o.name, o.note, o.line) for o in a.partners]
                rows += [
                    (a.id, doc.id, "territory", t.name, "hors" if t.excluded else t.source, t.line)
                    for t in a.territories
                ]
                rows += [(a.id, doc.id, "contact", c.value, c.org, c.line) for c in a.contacts]
                rows += [(a.id, doc.id, "person", p.name or p.role or "", p.role, p.line) for p in a.people]
                cur.executemany("INSERT INTO mentions VALUES (?,?,?,?,?,?)", rows)
                cur.executemany(
                    "INSERT INTO warnings VALUES (?,?,?)", [(doc.id, a.id, w) for w in a.warnings]
                )
            cur.executemany(
                "INSERT INTO glossary VALUES (?,?,?,?,?)",
                [(doc.id, g.acronym, g.expansion, g.line, g.source) for g in parsed.glossary],
            )
            cur.executemany(
                "INSERT INTO participants VALUES (?,?,?)",
                [(doc.id, p.name, p.line) for p in parsed.participants],
            )
            cur.executemany(
                "INSERT INTO warnings VALUES (?,?,?)", [(doc.id, None, w) for w in parsed.warnings]
            )
            cur.executemany(
                "INSERT INTO passages VALUES (?,?,?,?,?,?)",
                [
                    (doc.id, i, p.type, p.heading, p.line_start, p.line_end)
                    for i, p in enumerate(parsed.passages)
                ],
            )
            self._bump(cur)
            if lines is not None:
                cur.execute(
                    "INSERT INTO texts VALUES (?,?,?)",
                    (doc.id, json.dumps(lines, ensure_ascii=False), json.dumps(pages) if pages else None),
                )
        log.debug("stored %s: %d actions", doc.id, len(parsed.actions))

    def delete_document(self, doc_id: str) -> None:
        with self.transaction() as cur:
            cur.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            self._bump(cur)

    # -- reads --------------------------------------------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        rows = self.conn.execute("SELECT record FROM documents ORDER BY id")
        return [DocumentRecord.from_dict(json.loads(r["record"])) for r in rows]

    def document(self, doc_id: str) -> DocumentRecord:
        row = self.conn.execute("SELECT record FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFound(f"aucun document d'identifiant {doc_id!r}", where="doc")
        return DocumentRecord.from_dict(json.loads(row[0]))

    def actions(
        self, doc_id: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ActionRecord]:
        sql = "SELECT record FROM actions"
        args: list[Any] = []
        if doc_id:
            sql += " WHERE doc_id = ?"
            args.append(doc_id)
        sql += " ORDER BY doc_id, ordinal"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [ActionRecord.from_dict(json.loads(r[0])) for r in self.conn.execute(sql, args)]

    def count_actions(self, doc_id: str | None = None) -> int:
        if doc_id:
            return self.conn.execute("SELECT COUNT(*) FROM actions WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        return self.conn.execute("SELECT COUNT(*) FROM actions").fetchone()[0]

    def action(self, action_id: str) -> ActionRecord:
        row = self.conn.execute("SELECT record FROM actions WHERE id = ?", (action_id,)).fetchone()
        if row is None:
            raise NotFound(
                f"aucune action d'identifiant {action_id!r}",
                where="action_id",
                valid="un identifiant listé par /actions ou `qfq export actions`",
            )
        return ActionRecord.from_dict(json.loads(row[0]))

    def glossary(self, doc_id: str) -> list[GlossaryEntry]:
        rows = self.conn.execute(
            "SELECT acronym, expansion, line, source FROM glossary WHERE doc_id = ?", (doc_id,)
        )
        return [GlossaryEntry(*r) for r in rows]

    def participants(self, doc_id: str) -> list[OrgMention]:
        """The organisations of a document's participant list, as written, with their line."""
        rows = self.conn.execute("SELECT name, line FROM participants WHERE doc_id = ?", (doc_id,))
        return [OrgMention(name, line) for name, line in rows]

    def passages(self, doc_id: str | None = None) -> list[tuple[str, Passage]]:
        """The typed passages (diagnostic, édito, glossaire…) of a document or of all, each with its document
        id, in document order."""
        sql = "SELECT doc_id, type, heading, line_start, line_end FROM passages"
        args: list[Any] = []
        if doc_id:
            sql += " WHERE doc_id = ?"
            args.append(doc_id)
        rows = self.conn.execute(sql + " ORDER BY doc_id, ordinal", args)
        return [(r[0], Passage(r[1], r[2], r[3], r[4])) for r in rows]

    def pages(self, doc_id: str) -> list[int] | None:
        """The page of each stored line (PDF), None when the format has no pages."""
        row = self.conn.execute("SELECT pages FROM texts WHERE doc_id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def lines(self, doc_id: str) -> list[str]:
        """The document's text as stored at ingest (1-based line i is element i-1)."""
        row = self.conn.execute("SELECT lines FROM texts WHERE doc_id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else []

    def passage(self, doc_id: str, start: int, end: int, context: int = 3) -> dict[str, Any]:
        """Lines of a stored document around a span (markup removed), the span flagged."""
        doc = self.document(doc_id)
        lines = self.lines(doc_id)
        if not 1 <= start <= end <= len(lines):
            raise InputError(
                f"les lignes {start}-{end} sont hors du document",
                where="start/end",
                valid=f"1 <= start <= end <= {len(lines)}",
            )
        lo, hi = max(1, start - context), min(len(lines), end + context)
        return {
            "doc": doc_id,
            "title": doc.title,
            "file": doc.file_name,
            "start": start,
            "end": end,
            "lines": [
                {"n": n, "text": strip_markup(lines[n - 1]), "hit": start <= n <= end}
                for n in range(lo, hi + 1)
            ],
        }

    def warnings(self, doc_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT message FROM warnings WHERE doc_id = ?", (doc_id,))]
