"""The HTTP edge bounds every request: body sizes, text lengths, the upload token before the body, closed
value sets, SPARQL concurrency, security headers, errors in the one shape, and no server path in answers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.guards import bearer_token
from api.service import Service

ERROR_KEYS = {"error", "message", "where", "valid"}


@pytest.fixture(scope="module")
def client(built: Service) -> TestClient:
    with TestClient(create_app(built.settings)) as c:
        yield c


def test_a_json_body_over_the_cap_is_refused_before_it_is_parsed(client: TestClient) -> None:
    huge = json.dumps({"where": "Vire", "statuses": ["x" * 50] * 10_000})  # ~600 kB, over 256 KiB
    r = client.post("/match", content=huge, headers={"content-type": "application/json"})
    assert r.status_code == 413 and set(r.json()) == ERROR_KEYS
    assert "QFQ_BODY_MAX_BYTES" in r.json()["valid"]


def test_a_chunked_body_over_the_cap_is_refused_while_read(client: TestClient) -> None:
    def chunks():
        for _ in range(40):
            yield b" " * 10_000

    r = client.post(
        "/sparql", content=chunks(), headers={"content-type": "application/sparql-query"}
    )  # no content-length: counted as it arrives
    assert r.status_code == 413 and r.json()["error"] == "TooLarge"


def test_text_parameters_are_capped_and_errors_keep_the_one_shape(client: TestClient) -> None:
    r = client.get("/search", params={"q": "emploi " * 200})
    assert r.status_code == 422 and set(r.json()) == ERROR_KEYS and r.json()["where"] == "q"
    assert client.get("/search", params={"q": "garde d'enfants", "type": "licorne"}).status_code == 422
    assert client.get("/coverage", params={"theme": "mobilite", "level": "canton"}).status_code == 422


def test_closed_value_sets_are_enums_in_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/actions/{action_id}/similar"]["get"]["parameters"]}
    assert params["scope"]["schema"]["enum"] == ["other-regions", "all", "same-region", "other-documents"]
    search = {p["name"]: p for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert search["q"]["schema"]["maxLength"] == 1000


def test_the_page_has_security_headers_without_inline_script(client: TestClient) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in r.text and not re.search(r"\son\w+=", r.text)  # no inline script or handler
    assert client.get("/health").headers["x-content-type-options"] == "nosniff"


def test_only_an_exact_bearer_header_carries_a_token() -> None:
    assert bearer_token("Bearer s3cret") == "s3cret"
    for header in ("s3cret", "bearer s3cret", "Bearer  s3cret", "Bearer s3cret extra", "Bearer ", None):
        assert bearer_token(header) is None


def test_the_upload_token_is_checked_before_the_body_is_read(tmp_path: Path) -> None:
    from api.settings import Settings

    settings = Settings(data=tmp_path / "data", corpus=[], warm_up=False, upload_token="s3cret")
    with TestClient(create_app(settings)) as c:
        reads = []

        def body():
            reads.append(1)
            yield b"x" * 1000

        r = c.post(
            "/documents", content=body(), headers={"Authorization": "s3cret", "content-type": "text/plain"}
        )
        assert r.status_code == 403 and reads == []  # refused on the headers alone
        declared = {"content-length": str(200_000_000), "Authorization": "Bearer s3cret"}
        assert c.post("/documents", content=b"", headers=declared).status_code == 413


def test_sparql_beyond_its_slots_is_busy_with_retry_after(client: TestClient, built: Service) -> None:
    service = client.app.state.service
    held = 0
    while service._sparql_slots.acquire(blocking=False):  # take every slot, as running queries would
        held += 1
    try:
        r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert r.status_code == 503 and r.headers["retry-after"] and r.json()["error"] == "Busy"
    finally:
        for _ in range(held):
            service._sparql_slots.release()
    assert held == built.settings.sparql_concurrency
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_answers_name_files_never_paths_of_the_server(client: TestClient, built: Service) -> None:
    roots = {str(p) for p in built.settings.corpus} | {str(built.settings.data.resolve())}
    action = client.get("/actions", params={"limit": 1}).json()["items"][0]
    passage = client.get(f"/documents/{action['doc']}/passage", params={"start": 1}).json()
    export = client.get("/export/actions").text
    for text in (json.dumps(action), json.dumps(passage), export):
        assert not any(root in text for root in roots)
    assert action["provenance"]["file"].endswith(".txt") and "/" not in action["provenance"]["file"]
