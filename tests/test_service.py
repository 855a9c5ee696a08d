"""The service facade on real files: per-file errors, idempotence, atomic replacement."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from api.service import Service

FICHE_DOC = "000_1ad84331eee1d4b1.txt"
BLURB_DOC = "001_7091df44cd1e8194.txt"


def _copy(corpus_dir: Path, name: str, dest: Path, new_name: str | None = None) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / (new_name or name)
    shutil.copyfile(corpus_dir / name, target)
    return target


def test_build_corpus_counts(built: Service) -> None:
    counts = {d.id: built.store.count_actions(d.id) for d in built.store.documents()}
    assert counts["000_1ad84331eee1d4b1"] == 28
    assert counts["001_7091df44cd1e8194"] == 14
    assert counts["002_60c96a901df60f3b"] == 21
    assert counts["004_3055f0caa3abf071"] == 9
    assert counts["003_684435ed59e50d74"] >= 10


def test_bad_documents_are_reported_and_do_not_stop_the_others(
    service: Service, corpus_dir: Path, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    good = _copy(corpus_dir, BLURB_DOC, docs)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (docs / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (docs / "latin1.txt").write_bytes("Pilote : Région\nCafé\n".encode("cp1252"))
    (docs / "notes.xyz").write_text("hello")
    (docs / "prose.md").write_text(
        "# Notes\n\nUn texte sans aucune action, ni fiche, ni pilote.\n", encoding="utf-8"
    )
    files = sorted(docs.iterdir())
    report = service.ingest(files)
    by_name = {Path(d.file).name: d for d in report.documents}
    assert by_name[good.name].status == "ingested" and by_name[good.name].actions == 14
    for name, needle in (
        ("empty.txt", "vide"),
        ("binary.txt", "binaire"),
        ("truncated.pdf", "pdf"),
        ("notes.xyz", ".txt"),
        ("prose.md", "aucune action"),
        ("latin1.txt", "aucune action"),
    ):
        d = by_name[name]
        assert d.status == "error", name
        assert name in d.error and needle.lower() in d.error.lower(), d.error
    assert [x.id for x in service.store.documents()] == ["001_7091df44cd1e8194"]


def test_discover_rejects_a_missing_directory(service: Service, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="n.est pas un dossier"):
        service.build([tmp_path / "nope"])


def test_reingest_is_idempotent_and_skips_unchanged(
    service: Service, corpus_dir: Path, tmp_path: Path
) -> None:
    doc = _copy(corpus_dir, BLURB_DOC, tmp_path / "docs")
    first = service.ingest([doc])
    ids_before = [a.id for a in service.store.actions()]
    second = service.ingest([doc])
    assert first.documents[0].status == "ingested"
    assert second.documents[0].status == "unchanged" and second.documents[0].actions == 14
    forced = service.ingest([doc], force=True)
    assert forced.documents[0].status == "ingested"
    assert [a.id for a in service.store.actions()] == ids_before


def test_changed_file_replaces_its_records(service: Service, corpus_dir: Path, tmp_path: Path) -> None:
    doc = _copy(corpus_dir, BLURB_DOC, tmp_path / "docs")
    service.ingest([doc])
    text = doc.read_text(encoding="utf-8")
    # drop the Orientibus blurb (its heading, paragraphs and pilot lines)
    start = text.index("Orientation\n")
    end = text.index("Compétences\n")
    doc.write_text(text[:start] + text[end:], encoding="utf-8")
    report = service.ingest([doc])
    assert report.documents[0].actions == 13
    titles = [a.title for a in service.store.actions()]
    assert "Orientibus" not in titles and len(titles) == 13


def test_a_failed_reingest_keeps_what_was_stored(service: Service, corpus_dir: Path, tmp_path: Path) -> None:
    doc = _copy(corpus_dir, BLURB_DOC, tmp_path / "docs")
    service.ingest([doc])
    doc.write_bytes(b"\x00\x01\x02" * 100)  # the same file, now garbage
    report = service.ingest([doc])
    assert report.documents[0].status == "error"
    assert service.store.count_actions() == 14


def test_store_write_is_one_transaction(service: Service, corpus_dir: Path, tmp_path: Path) -> None:
    """A write that fails half-way (a duplicate action id) leaves the previous version intact."""
    from ingest.pipeline import parse_document

    doc = _copy(corpus_dir, BLURB_DOC, tmp_path / "docs")
    service.ingest([doc])
    parsed = parse_document(doc)
    parsed.actions[1].id = parsed.actions[0].id  # violates the primary key on the second insert
    with pytest.raises(sqlite3.IntegrityError):
        service.store.replace_document(parsed)
    assert service.store.count_actions() == 14


def test_two_files_with_the_same_id_are_refused(service: Service, corpus_dir: Path, tmp_path: Path) -> None:
    a = _copy(corpus_dir, BLURB_DOC, tmp_path / "a")
    b = _copy(corpus_dir, BLURB_DOC, tmp_path / "b")
    report = service.ingest([a, b])
    assert [d.status for d in report.documents] == ["ingested", "error"]
    assert "même identifiant de document" in report.documents[1].error


def test_report_totals_count_as_the_knowledge_graph_resolves(built: Service) -> None:
    """The totals are computed without the enrichers: the same counts as from the full knowledge graph."""
    from api.ingesting import fill_totals
    from api.report import IngestReport

    report = IngestReport()
    fill_totals(report, built.store, built.reference)
    rows = list(built.export_rows())  # with the full knowledge graph
    entities = {o.id for r in rows for o in r.pilots + r.partners}
    places = [(t, r.doc) for r in rows for t in r.territories]
    unmatched = {f"{t.name} ({doc})" for t, doc in places if t.code is None}
    assert report.entities == len(entities) and report.territories == len(places)
    assert set(report.unmatched_territories) == unmatched
    assert 0 < report.entities < sum(len(r.pilots) + len(r.partners) for r in rows)  # merged names


def test_export_rows_follow_the_stable_shape(built: Service, tmp_path: Path) -> None:
    out = tmp_path / "actions.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        n = built.export_actions(fh)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(rows) == built.store.count_actions()
    assert len({r["id"] for r in rows}) == n
    for r in rows:
        for key in (
            "id",
            "doc",
            "ref",
            "title",
            "region",
            "territories",
            "pilots",
            "partners",
            "dispositifs",
            "publics",
            "themes",
            "contacts",
            "provenance",
        ):
            assert key in r, key
        assert {"doc", "line_start", "line_end", "quote"} <= set(r["provenance"])
        assert r["provenance"]["quote"]
        for t in r["territories"]:
            assert {"name", "level", "code"} <= set(t)
    by_ref = {(r["doc"], r["ref"]): r for r in rows}
    vire = by_ref[("000_1ad84331eee1d4b1", "Proposition 2-1")]
    codes = {t["name"]: t["code"] for t in vire["territories"]}
    assert codes["Argentan"] == "61006" and codes["Dieppe"] == "76217" and codes["Vire"] == "14762"
    # with the referential as gazetteer, 'Axe Louviers-Val de Reuil' and 'Giverny-Vernon' are four towns
    fiche6 = {t["name"]: t["code"] for t in by_ref[("004_3055f0caa3abf071", "Fiche 6")]["territories"]}
    assert fiche6 == {
        "Louviers": "27375",
        "Val de Reuil": "27701",
        "Giverny": "27285",
        "Vernon": "27681",
        "Evreux": "27229",
    }
    fiche1 = by_ref[("004_3055f0caa3abf071", "Fiche 1")]
    assert any(t["level"] == "departement" and t["code"] == "27" for t in fiche1["territories"])
    assert fiche1["region"] == "Normandie"


def test_names_in_other_scripts_never_share_an_id(service: Service, corpus_dir: Path, tmp_path: Path) -> None:
    """`中文.txt` and `план.txt` used to both become `document`, the second silently replacing the first."""
    from ingest.pipeline import document_id

    folder = tmp_path / "names"
    folder.mkdir()
    texts = sorted(corpus_dir.glob("*.txt"))[:2]
    (folder / "中文.txt").write_bytes(texts[0].read_bytes())
    (folder / "план.txt").write_bytes(texts[1].read_bytes())
    report = service.build([folder])
    assert report.errors == 0 and len({d.doc_id for d in report.documents}) == 2
    assert {d.id for d in service.store.documents()} == {"中文", "план"}
    assert document_id(Path("???.txt")) != document_id(Path("!!!.txt"))  # no letter: a hash of the name
    assert document_id(Path("000_1ad84331eee1d4b1.txt")) == "000_1ad84331eee1d4b1"  # ASCII ids unchanged
