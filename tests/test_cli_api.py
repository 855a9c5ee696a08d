"""The CLI as a user runs it, and the HTTP app through FastAPI's test client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service


def _qfq(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=120,
    )


def test_cli_build_then_export(tmp_path: Path, corpus_dir: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("001_7091df44cd1e8194.txt", "004_3055f0caa3abf071.txt"):
        (docs / name).write_bytes((corpus_dir / name).read_bytes())
    (docs / "broken.pdf").write_bytes(b"not a pdf at all")
    build = _qfq("build", "--corpus", str(docs), "--data", str(data), "--no-index", cwd=repo)
    assert build.returncode == 0, build.stderr
    assert "actions : 23" in build.stdout and "erreurs : 1" in build.stdout
    assert "Rapport de lecture" in build.stdout
    # not a terminal: each row on one line, its error whole (never folded to 80 columns)
    (row,) = [line for line in build.stdout.splitlines() if "broken.pdf" in line]
    assert "erreur" in row and "pas un PDF : le contenu ne commence pas par %PDF" in row
    out = tmp_path / "actions.jsonl"
    export = _qfq("export", "actions", "-o", str(out), "--data", str(data), cwd=repo)
    assert export.returncode == 0, export.stderr
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 23
    assert not list(tmp_path.glob("*.tmp"))


def test_cli_build_json_report_and_env_data_dir(tmp_path: Path, corpus_dir: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_bytes((corpus_dir / "001_7091df44cd1e8194.txt").read_bytes())
    res = _qfq(
        "build",
        "--corpus",
        str(docs),
        "--json",
        "--no-index",
        cwd=repo,
        env={"QFQ_DATA": str(tmp_path / "d")},
    )
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["totals"]["actions"] == 14 and report["documents"][0]["doc_id"] == "a"
    assert (tmp_path / "d" / "qfq.sqlite").exists()


def test_cli_build_without_a_corpus_fails_clearly(tmp_path: Path) -> None:
    """No --corpus and no ../shared/corpus beside the working directory: an error, not an empty report."""
    repo = Path(__file__).resolve().parents[1]
    cwd = tmp_path / "work"
    cwd.mkdir()
    assert not (tmp_path / "shared" / "corpus").exists()
    env = {"PYTHONPATH": os.pathsep.join(filter(None, (str(repo), os.environ.get("PYTHONPATH"))))}
    res = _qfq("build", "--data", str(tmp_path / "d"), "--no-index", cwd=cwd, env=env)
    assert res.returncode == 2, res.stdout
    assert "aucun dossier de documents donné" in res.stderr and "--corpus" in res.stderr
    assert not (tmp_path / "d" / "qfq.sqlite").exists() and "Rapport de lecture" not in res.stdout


def test_cli_export_filters_the_actions_too(tmp_path: Path, corpus_dir: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("001_7091df44cd1e8194.txt", "004_3055f0caa3abf071.txt"):
        (docs / name).write_bytes((corpus_dir / name).read_bytes())
    assert _qfq("build", "--corpus", str(docs), "--data", str(data), "--no-index", cwd=repo).returncode == 0
    every = _qfq("export", "actions", "--data", str(data), cwd=repo)
    eure = _qfq("export", "actions", "--territory", "Eure", "--data", str(data), cwd=repo)
    assert every.returncode == eure.returncode == 0, eure.stderr
    rows = [json.loads(x) for x in eure.stdout.splitlines()]
    assert len(every.stdout.splitlines()) == 23 and rows and len(rows) < 23
    assert {r["doc"] for r in rows} == {"004_3055f0caa3abf071"}  # the Eure pact, not the Pays de la Loire
    out = tmp_path / "eure.ttl"
    ttl = _qfq("export", "ttl", "-o", str(out), "--territory", "Eure", "--data", str(data), cwd=repo)
    assert ttl.returncode == 0 and out.read_text(encoding="utf-8").startswith("@prefix")


def test_cli_unknown_export_format_is_a_clear_error(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    res = _qfq("export", "pdf", "--data", str(tmp_path / "d"), cwd=repo)
    assert res.returncode == 2
    assert "format d'export inconnu 'pdf'" in res.stderr and "actions" in res.stderr


def test_cli_ingest_only_bad_files_exits_non_zero(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    res = _qfq("ingest", str(bad), "--data", str(tmp_path / "d"), "--no-index", cwd=repo)
    assert res.returncode == 1
    assert "vide" in res.stdout.lower()


def test_api_actions_pagination_and_detail(built: Service) -> None:
    app = create_app(built.settings)
    with TestClient(app) as client:
        health = client.get("/health").json()
        assert health["status"] == "ok" and health["actions"] == built.store.count_actions()
        page = client.get("/actions", params={"limit": 10, "offset": 5}).json()
        assert page["total"] == health["actions"] and len(page["items"]) == 10 and page["offset"] == 5
        first = page["items"][0]
        detail = client.get(f"/actions/{first['id']}").json()
        assert detail["id"] == first["id"] and detail["provenance"]["quote"]
        only = client.get("/actions", params={"doc": "004_3055f0caa3abf071", "limit": 50}).json()
        assert only["total"] == 9 and {i["doc"] for i in only["items"]} == {"004_3055f0caa3abf071"}


def test_api_errors_have_one_shape(built: Service) -> None:
    with TestClient(create_app(built.settings)) as client:
        missing = client.get("/actions/nope/nothing")
        assert missing.status_code == 404
        body = missing.json()
        assert body["error"] == "NotFound" and "nope/nothing" in body["message"]
        assert client.get("/actions", params={"limit": 0}).status_code == 422
