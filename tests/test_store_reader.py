"""A stored document remembers the version of the reader that read it (schema 3): a build reads again a
document whose bytes did not change when another reader stored it (an upgrade of the parser, its lexicons, the
linking data or the NLP model), and only that one; a version 2 store is migrated and its documents read
again."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from api.ingesting import reader_version
from api.service import Service
from api.settings import Settings
from graph.store import SCHEMA_VERSION, Store

BOOKLET = "002_60c96a901df60f3b"
OTHER = "001_7091df44cd1e8194"


def _statuses(svc: Service) -> dict[str, str]:
    return {d.doc_id: d.status for d in svc.build().documents}


def test_a_document_read_by_another_reader_is_read_again(
    tmp_path: Path, two_docs: Path, two_docs_data: Path, vector_cache: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(two_docs_data, data)
    svc = Service(Settings(data=data, corpus=[two_docs], vector_cache=vector_cache))
    try:
        reader = reader_version()
        assert len(reader) == 16 and svc.store.document_reader(BOOKLET) == reader
        assert svc.store.document_reader("absent") is None
        assert _statuses(svc) == {BOOKLET: "unchanged", OTHER: "unchanged"}
        actions = [a.to_dict() for a in svc.store.actions(BOOKLET)]
        # the booklet as an older qfq stored it: same bytes, another reader
        with svc.store.transaction() as cur:
            cur.execute("UPDATE documents SET reader = 'older' WHERE id = ?", (BOOKLET,))
        assert _statuses(svc) == {BOOKLET: "ingested", OTHER: "unchanged"}
        assert svc.store.document_reader(BOOKLET) == reader
        # the same reader, the same records
        assert [a.to_dict() for a in svc.store.actions(BOOKLET)] == actions
        assert _statuses(svc) == {BOOKLET: "unchanged", OTHER: "unchanged"}
    finally:
        svc.close()


def test_a_version_2_store_gains_the_reader_column_and_is_read_again(
    tmp_path: Path, two_docs: Path, two_docs_data: Path, vector_cache: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(two_docs_data, data)
    conn = sqlite3.connect(data / "qfq.sqlite")
    conn.execute("ALTER TABLE documents DROP COLUMN reader")  # what a version 2 store holds
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    store = Store(data / "qfq.sqlite")
    version = store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert int(version) == SCHEMA_VERSION == 3
    assert store.document_reader(BOOKLET) == "" and store.document_hash(BOOKLET)  # bytes kept, reader unknown
    store.close()
    svc = Service(Settings(data=data, corpus=[two_docs], vector_cache=vector_cache))
    try:
        assert _statuses(svc) == {BOOKLET: "ingested", OTHER: "ingested"}
        assert svc.store.document_reader(OTHER) == reader_version()
    finally:
        svc.close()
