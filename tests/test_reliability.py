"""Never lose a document silently, bound every input: ids that belong to another file are refused unless a
replace is asked (facade, `qfq ingest --remplacer`, `POST /documents` with `replace`), colliding stems of one
build each get their own line with their real error, the document caps name their setting, the store keeps no
machine path, a `kill -9` during an ingest never leaves a mixed document (5 runs), and the SSRF and request
caps hold."""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from api.service import Service
from api.settings import Settings
from graph.reference import ReferenceData

BLURBS = "001_7091df44cd1e8194.txt"
PTI = "004_3055f0caa3abf071.txt"
ROOT = Path(__file__).resolve().parents[1]


def _service(tmp_path: Path, reference: ReferenceData, **settings) -> Service:
    return Service(
        Settings(data=tmp_path / "data", corpus=[], warm_up=False, **settings), reference=reference
    )


def _blurbs_as(corpus_dir: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copy(corpus_dir / BLURBS, target)
    return target


def test_an_id_of_another_file_is_refused_unless_replace_is_asked(
    tmp_path: Path, corpus_dir: Path, reference: ReferenceData
) -> None:
    service = _service(tmp_path, reference)
    try:
        txt = _blurbs_as(corpus_dir, tmp_path / "docs", "plan.txt")
        md = tmp_path / "docs" / "plan.md"
        md.write_text((corpus_dir / PTI).read_text(encoding="utf-8"), encoding="utf-8")
        assert service.ingest([txt]).documents[0].status == "ingested"
        (refused,) = service.ingest([md]).documents
        assert refused.status == "error" and "'plan'" in refused.error and "plan.txt" in refused.error
        assert "--remplacer" in refused.error
        assert service.store.count_actions() == 14 and service.store.document("plan").file_name == "plan.txt"
        assert service.ingest([txt]).documents[0].status == "unchanged"  # the same file: as before
        (replaced,) = service.ingest([md], replace=True).documents
        assert replaced.status == "ingested" and service.store.document("plan").file_name == "plan.md"
        assert service.store.count_actions() == replaced.actions != 14
    finally:
        service.close()


def test_the_same_file_from_another_folder_or_root_is_the_same_document(
    tmp_path: Path, corpus_dir: Path, reference: ReferenceData
) -> None:
    root = tmp_path / "corpus"
    doc = _blurbs_as(corpus_dir, root / "sous-dossier", BLURBS)
    service = _service(tmp_path, reference)
    try:
        assert service.build([root]).documents[0].status == "ingested"
        (stored,) = service.store.documents()
        assert stored.path == f"sous-dossier/{BLURBS}"  # relative to the root it was given
        assert service.ingest([doc]).documents[0].status == "unchanged"
    finally:
        service.close()


def test_colliding_stems_of_one_build_each_have_their_line(
    tmp_path: Path, corpus_dir: Path, reference: ReferenceData
) -> None:
    root = tmp_path / "corpus"
    _blurbs_as(corpus_dir, root / "a", "plan.txt")
    _blurbs_as(corpus_dir, root / "b", "plan.txt")
    (root / "fiche.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type")  # fails: its id goes to the next file
    _blurbs_as(corpus_dir, root, "fiche.txt")
    service = _service(tmp_path, reference)
    try:
        lines = {d.file.removeprefix(str(root) + "/"): d for d in service.build([root]).documents}
        assert lines["a/plan.txt"].status == "ingested"
        assert lines["b/plan.txt"].status == "error" and "même identifiant" in lines["b/plan.txt"].error
        assert "a/plan.txt" in lines["b/plan.txt"].error
        assert lines["fiche.pdf"].status == "error" and "PDF" in lines["fiche.pdf"].error  # its real error
        assert lines["fiche.txt"].status == "ingested"
        assert sorted(d.id for d in service.store.documents()) == ["fiche", "plan"]
    finally:
        service.close()


def test_cli_ingest_replace_option(tmp_path: Path, corpus_dir: Path) -> None:
    data = tmp_path / "data"
    txt = _blurbs_as(corpus_dir, tmp_path / "docs", "plan.txt")
    md = tmp_path / "docs" / "plan.md"
    md.write_text((corpus_dir / PTI).read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()
    args = ["--data", str(data), "--no-index"]
    assert runner.invoke(cli, ["ingest", str(txt), *args]).exit_code == 0
    refused = runner.invoke(cli, ["ingest", str(md), *args])
    assert refused.exit_code == 1 and "appartient déjà" in refused.output
    assert "Rapport de lecture" in refused.output and "erreur" in refused.output
    for option in ("--remplacer", "--replace"):
        md.write_text(md.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        done = runner.invoke(cli, ["ingest", str(md), option, *args])
        assert done.exit_code == 0 and "intégré" in done.output, done.output


def test_upload_replace_field(tmp_path: Path, corpus_dir: Path) -> None:
    settings = Settings(data=tmp_path / "data", corpus=[], warm_up=False, upload_token="t")
    auth = {"Authorization": "Bearer t"}
    pti = (corpus_dir / PTI).read_bytes()
    with TestClient(create_app(settings)) as client:
        ok = client.post(
            "/documents", files={"file": ("plan.txt", (corpus_dir / BLURBS).read_bytes())}, headers=auth
        )
        assert ok.status_code == 200
        refused = client.post("/documents", files={"file": ("plan.md", pti)}, headers=auth)
        assert refused.status_code == 422 and "appartient déjà" in refused.json()["documents"][0]["error"]
        assert client.get("/health").json()["actions"] == 14
        assert sorted(p.name for p in (tmp_path / "data" / "uploads").iterdir()) == ["plan.txt"]
        by_form = client.post(
            "/documents", files={"file": ("plan.md", pti)}, data={"replace": "true"}, headers=auth
        )
        assert by_form.status_code == 200 and by_form.json()["documents"][0]["status"] == "ingested"
        back = (corpus_dir / BLURBS).read_bytes()
        by_query = client.post("/documents?replace=true", files={"file": ("plan.txt", back)}, headers=auth)
        assert by_query.status_code == 200 and client.get("/health").json()["actions"] == 14


def test_document_caps_name_their_setting(tmp_path: Path, corpus_dir: Path, reference: ReferenceData) -> None:
    doc = _blurbs_as(corpus_dir, tmp_path / "docs", BLURBS)
    lines = len(doc.read_text(encoding="utf-8").split("\n"))
    service = _service(tmp_path, reference, document_max_lines=lines - 1)
    try:
        (line,) = service.ingest([doc]).documents
        assert line.status == "error" and "QFQ_DOCUMENT_MAX_LINES" in line.error and str(lines) in line.error
    finally:
        service.close()
    service = _service(tmp_path, reference, document_max_bytes=1000)
    try:
        (line,) = service.ingest([doc]).documents
        assert line.status == "error" and "QFQ_DOCUMENT_MAX_BYTES" in line.error
        assert service.store.documents() == []
    finally:
        service.close()
    settings = Settings(
        data=tmp_path / "up", corpus=[], warm_up=False, upload_token="t", document_max_bytes=1000
    )
    with TestClient(create_app(settings)) as client:
        r = client.post(
            "/documents", files={"file": (BLURBS, doc.read_bytes())}, headers={"Authorization": "Bearer t"}
        )
        assert r.status_code == 413 and "QFQ_DOCUMENT_MAX_BYTES" in r.json()["valid"]


def test_an_unchanged_reingest_reuses_the_report_totals(
    tmp_path: Path, corpus_dir: Path, reference: ReferenceData
) -> None:
    doc = _blurbs_as(corpus_dir, tmp_path / "docs", BLURBS)
    service = _service(tmp_path, reference)
    try:
        first = service.ingest([doc])
        kept = (tmp_path / "data" / "report_totals.json").read_text(encoding="utf-8")
        again = service.ingest([doc])
        assert (again.entities, again.territories) == (first.entities, first.territories) and first.entities
        assert (tmp_path / "data" / "report_totals.json").read_text(encoding="utf-8") == kept
        doc.write_text(
            doc.read_text(encoding="utf-8").replace("Orientibus", "Orientibus bis"), encoding="utf-8"
        )
        service.ingest([doc])
        assert (tmp_path / "data" / "report_totals.json").read_text(encoding="utf-8") != kept
    finally:
        service.close()


# -- kill -9 during an ingest --------------------------------------------------------------------------------

_INGEST = """
import sys
from pathlib import Path
from api.service import Service
from api.settings import Settings
service = Service(Settings(data=Path(sys.argv[1]), corpus=[]))
print("ready", flush=True)
service.ingest([Path(p) for p in sys.argv[2:]], force=True)
print("done", flush=True)
"""


def _state(store_path: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each stored document's hash and action ids, after an integrity check of the whole file."""
    conn = sqlite3.connect(store_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = dict(conn.execute("SELECT id, sha256 FROM documents"))
        actions: dict[str, list[str]] = {}
        for doc_id, action_id in conn.execute("SELECT doc_id, id FROM actions ORDER BY doc_id, ordinal"):
            actions.setdefault(doc_id, []).append(action_id)
        return {d: (sha, tuple(actions.get(d, ()))) for d, sha in docs.items()}
    finally:
        conn.close()


def kill_loop(tmp_path: Path, corpus_dir: Path, runs: int, seed: int = 15) -> dict[str, int]:
    """Ingest version A of three documents, then ``runs`` times start an ingest of version B and kill -9 it at
    a random moment of the ingest; after each kill every document must be wholly A or wholly B (hash and
    actions), and a new service must serve it. Shared with bench/reliability.py."""
    docs = tmp_path / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    names = [BLURBS, PTI, "000_1ad84331eee1d4b1.txt"]
    for name in names:
        shutil.copy(corpus_dir / name, docs / name)
    data = tmp_path / "data"
    files = [str(docs / n) for n in names]
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}

    def run_ingest(kill_after: float | None) -> bool:
        """True when the ingest was killed before it finished."""
        proc = subprocess.Popen(
            [sys.executable, "-c", _INGEST, str(data), *files], stdout=subprocess.PIPE, env=env, text=True
        )
        assert proc.stdout.readline().strip() == "ready"
        if kill_after is not None:
            time.sleep(kill_after)
            proc.kill()
        proc.wait()
        return proc.returncode != 0

    started = time.monotonic()
    run_ingest(None)
    full = time.monotonic() - started
    version_a = _state(data / "qfq.sqlite")
    text = (docs / BLURBS).read_text(encoding="utf-8")
    (docs / BLURBS).write_text(text[: text.index("Orientation\n")] + text[text.index("Compétences\n") :])
    for name in names[1:]:
        (docs / name).write_text((docs / name).read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    run_ingest(None)
    version_b = _state(data / "qfq.sqlite")
    assert all(version_a[d] != version_b[d] for d in version_a)
    rng = random.Random(seed)
    counts = {"runs": 0, "killed": 0, "mixed": 0, "served": 0}
    for _ in range(runs):
        # A and B alternate as the ingest's target, so that every kill lands on a real rewrite
        target_is_a = counts["runs"] % 2 == 0
        (docs / BLURBS).write_text(
            text if target_is_a else text[: text.index("Orientation\n")] + text[text.index("Compétences\n") :]
        )
        counts["killed"] += run_ingest(rng.uniform(0.05, max(0.1, full * 0.8)))
        counts["runs"] += 1
        state = _state(data / "qfq.sqlite")
        counts["mixed"] += sum(state.get(d) not in (version_a[d], version_b[d]) for d in version_a)
        service = Service(Settings(data=data, corpus=[], warm_up=False))
        try:
            counts["served"] += service.health()["actions"] == sum(len(a) for _, a in state.values())
        finally:
            service.close()
    return counts


def test_kill_during_ingest_never_leaves_a_mixed_document(tmp_path: Path, corpus_dir: Path) -> None:
    counts = kill_loop(tmp_path, corpus_dir, runs=5)
    assert counts["runs"] == 5 and counts["killed"] >= 1
    assert counts["mixed"] == 0 and counts["served"] == 5


# -- SSRF and request caps -----------------------------------------------------------------------------------


def test_ssrf_and_request_caps_hold(built: Service) -> None:
    from test_sparql_security import Listener

    listener = Listener()
    url = f"http://127.0.0.1:{listener.port}"
    with TestClient(create_app(built.settings)) as client:
        for query in (
            f"SELECT ?x WHERE {{ FILTER(1 < 2) SERVICE <{url}/x> {{ ?x ?p ?o }} }}",
            f"select * where {{ service <{url}/'> {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <{url}/g> WHERE {{ ?s ?p ?o }}",
        ):
            assert client.get("/sparql", params={"query": query}).status_code == 422
            r = client.post("/sparql", content=query, headers={"content-type": "application/sparql-query"})
            assert r.status_code == 422
        assert listener.connections() == []
        assert client.get("/search", params={"q": "x" * 20_000}).status_code == 422
        big = b'{"statuses": [' + b'"demandeur_emploi",' * 1_000_000 + b'"senior"]}'
        r = client.post("/match", content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413 and len(r.content) < 2000


def test_a_path_or_method_no_route_takes_keeps_the_error_shape(built: Service) -> None:
    with TestClient(create_app(built.settings)) as client:
        missing = client.get("/actions/a%0A/similar")  # a path parameter with a newline matches no route
        assert missing.status_code == 404 and missing.json()["error"] == "NotFound"
        assert set(missing.json()) == {"error", "message", "where", "valid"}
        wrong = client.delete("/health")
        assert wrong.status_code == 405 and wrong.json()["error"] == "MethodNotAllowed"
