"""POST /documents: token, size limit, the ingest report, and a failed ingest that changes nothing."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

DOC = "001_7091df44cd1e8194.txt"


def client_for(tmp_path: Path, **settings) -> TestClient:
    # no warm-up: these tests never search, and loading the encoders would only slow them down
    return TestClient(create_app(Settings(data=tmp_path / "data", corpus=[], warm_up=False, **settings)))


def test_uploads_are_disabled_without_a_token(tmp_path: Path, corpus_dir: Path) -> None:
    with client_for(tmp_path) as client:
        r = client.post("/documents", files={"file": (DOC, (corpus_dir / DOC).read_bytes())})
        assert r.status_code == 403 and "QFQ_UPLOAD_TOKEN" in r.json()["valid"]


def test_upload_with_token_ingests_and_replaces(tmp_path: Path, corpus_dir: Path) -> None:
    with client_for(tmp_path, upload_token="s3cret") as client:
        data = (corpus_dir / DOC).read_bytes()
        assert (
            client.post(
                "/documents", files={"file": (DOC, data)}, headers={"Authorization": "Bearer nope"}
            ).status_code
            == 403
        )
        ok = client.post(
            "/documents", files={"file": (DOC, data)}, headers={"Authorization": "Bearer s3cret"}
        )
        assert ok.status_code == 200 and ok.json()["totals"]["actions"] == 14
        assert client.get("/health").json()["actions"] == 14
        # the same name, now a broken file: 422 with the report, and nothing changes
        bad = client.post(
            "/documents", files={"file": (DOC, b"\x00\x01" * 500)}, headers={"Authorization": "Bearer s3cret"}
        )
        assert bad.status_code == 422 and bad.json()["totals"]["errors"] == 1
        assert client.get("/health").json()["actions"] == 14
        assert (tmp_path / "data" / "uploads" / DOC).read_bytes() == data
        assert client.get("/who", params={"where": "Vendée"}).json()["results"]


def test_upload_size_limit_and_names(tmp_path: Path, corpus_dir: Path) -> None:
    with client_for(tmp_path, upload_token="t", upload_max_bytes=1000) as client:
        big = client.post(
            "/documents",
            files={"file": (DOC, (corpus_dir / DOC).read_bytes())},
            headers={"Authorization": "Bearer t"},
        )
        assert big.status_code == 413 and "QFQ_UPLOAD_MAX_BYTES" in big.json()["valid"]
        odd = client.post(
            "/documents", files={"file": ("plan.exe", b"MZ")}, headers={"Authorization": "Bearer t"}
        )
        assert odd.status_code == 415
