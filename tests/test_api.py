"""The HTTP API through FastAPI's test client on the real corpus: filters with containment, dispositifs,
streamed exports, the OpenAPI contract, and the CLI printing exactly the body of the route."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from api.app import create_app
from api.models import WhoResponse
from api.service import Service
from graph.exports import EXPORTS


@pytest.fixture(scope="module")
def client(built: Service):
    with TestClient(create_app(built.settings)) as c:
        yield c


def test_actions_filters_with_containment(client: TestClient) -> None:
    calvados = client.get("/actions", params={"where": "Calvados", "limit": 200}).json()
    ids = {a["id"] for a in calvados["items"]}
    assert "000_1ad84331eee1d4b1/proposition-2-1" in ids  # Vire and Lisieux are in the Calvados
    assert calvados["total"] == len(ids)
    garde = client.get("/actions", params={"theme": "garde_enfants", "where": "Vendée"}).json()
    assert [a["id"] for a in garde["items"]] == ["001_7091df44cd1e8194/macigogne-fr"]
    pmsmp = client.get("/actions", params={"dispositif": "pmsmp"}).json()
    assert "000_1ad84331eee1d4b1/proposition-1-6" in {a["id"] for a in pmsmp["items"]}
    seniors = client.get("/actions", params={"public": "senior"}).json()
    assert "000_1ad84331eee1d4b1/proposition-2-1" in {a["id"] for a in seniors["items"]}
    words = client.get("/actions", params={"q": "tarification incitative"}).json()
    assert "002_60c96a901df60f3b/7-4" in {a["id"] for a in words["items"]}
    ft = client.get("/actions", params={"actor": "France Travail", "limit": 200}).json()
    assert "001_7091df44cd1e8194/macigogne-fr" in {a["id"] for a in ft["items"]}


def test_action_detail_links_to_its_passage(client: TestClient) -> None:
    a = client.get("/actions/001_7091df44cd1e8194/macigogne-fr").json()
    assert a["pilots"][0]["display"] == "Pôle emploi (aujourd'hui France Travail)"
    assert {d["id"] for d in a["dispositifs"]} >= {"dispositif:macigogne"}
    passage = client.get(a["provenance"]["source"]).json()
    hits = [line["text"] for line in passage["lines"] if line["hit"]]
    assert any("Macigogne" in h for h in hits)
    assert client.get("/documents/001_7091df44cd1e8194/passage", params={"start": 99999}).status_code == 422


def test_dispositifs(client: TestClient) -> None:
    listing = client.get("/dispositifs").json()
    by_id = {d["id"]: d for d in listing["items"]}
    assert by_id["dispositif:pmsmp"]["actions"] >= 1 and "dispositif:visale" in by_id
    cej = client.get("/dispositifs/cej").json()
    assert (
        cej["max_age"] == 25 and {"status": "travailleur_handicape", "max_age": 29} in cej["age_exceptions"]
    )
    gj = client.get("/dispositifs/dispositif:garantie_jeunes").json()
    assert gj["replaced_by"] == "dispositif:cej"
    assert client.get("/dispositifs/nope").status_code == 404


def test_exports_stream_every_format(client: TestClient) -> None:
    jsonl = client.get("/export/actions")
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(x) for x in jsonl.text.splitlines()]
    assert rows and all("provenance" in r for r in rows)
    ttl = client.get("/export/ttl", params={"territory": "Eure"})
    assert len(Graph().parse(data=ttl.text, format="turtle")) > 100
    gexf = client.get("/export/gexf")
    assert (
        gexf.headers["content-type"].startswith("application/gexf+xml")
        and b"http://gexf.net/1.3" in gexf.content
    )
    csv = client.get("/export/csv")
    assert sorted(zipfile.ZipFile(io.BytesIO(csv.content)).namelist()) == ["edges.csv", "nodes.csv"]
    bad = client.get("/export/pdf")
    assert bad.status_code == 422 and "gexf" in bad.json()["valid"]


def test_export_table_is_what_the_routes_and_the_page_use(client: TestClient) -> None:
    listing = client.get("/exports").json()["items"]
    assert (
        [e["name"] for e in listing]
        == list(EXPORTS)
        == ["actions", "gexf", "graphml", "csv", "ttl", "jsonld"]
    )
    suffixes = {e["name"]: e["suffix"] for e in listing}
    assert suffixes["actions"] == ".jsonl" and suffixes["csv"] == ".csv.zip"
    for e in listing:
        r = client.get(e["url"], params={"territory": "Eure"})
        assert r.status_code == 200 and r.headers["content-type"].startswith(e["media_type"]), e
        assert r.headers["content-disposition"] == f'attachment; filename="qfq{e["suffix"]}"'
        assert r.content
    page = client.get("/static/app.js").text
    assert 'api("/exports")' in page and "/export/gexf" not in client.get("/").text


def test_actions_export_keeps_the_actions_of_the_graph_exports(client: TestClient) -> None:
    every = [json.loads(x)["id"] for x in client.get("/export/actions").text.splitlines()]
    for params in (
        {"territory": "Eure"},
        {"theme": "mobilite"},
        {"territory": "Calvados", "theme": "mobilite"},
    ):
        rows = [json.loads(x) for x in client.get("/export/actions", params=params).text.splitlines()]
        graph = nx.read_graphml(io.BytesIO(client.get("/export/graphml", params=params).content))
        kept = {n.removeprefix("action:") for n, t in graph.nodes(data="type") if t == "action"}
        assert rows and {r["id"] for r in rows} == kept and len(rows) < len(every), params
        assert [r["id"] for r in rows] == [i for i in every if i in kept]  # same rows, same order
    eure = {
        json.loads(x)["id"]
        for x in client.get("/export/actions", params={"territory": "Eure"}).text.splitlines()
    }
    assert "004_3055f0caa3abf071/fiche-1" in eure and "001_7091df44cd1e8194/macigogne-fr" not in eure
    assert client.get("/export/actions", params={"territory": "Atlantide"}).status_code == 422


def test_one_dispositif_resolution_for_every_filter(client: TestClient) -> None:
    by_id = client.get("/actions", params={"dispositif": "pmsmp"}).json()
    assert by_id["total"] >= 1
    for value in ("dispositif:pmsmp", "période de mise en situation en milieu professionnel", "PMSMP"):
        assert client.get("/actions", params={"dispositif": value}).json() == by_id, value
    unused = client.get("/actions", params={"dispositif": "agepi"})  # in the thesaurus, in no action
    assert unused.status_code == 200 and unused.json()["total"] == 0
    unknown = client.get("/actions", params={"dispositif": "Atlantide"})
    assert unknown.status_code == 422 and "dispositif:pmsmp" in unknown.json()["valid"]
    assert client.get("/actions", params={"limit": 201}).status_code == 422


def test_openapi_documents_routes_models_and_errors(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for route in (
        "/who",
        "/actions",
        "/actions/{action_id}",
        "/actions/{action_id}/similar",
        "/search",
        "/territories",
        "/dispositifs",
        "/dispositifs/{dispositif_id}",
        "/match",
        "/export/{fmt}",
        "/sparql",
        "/health",
        "/documents",
    ):
        assert route in spec["paths"], route
    assert "ErrorBody" in spec["components"]["schemas"] and "MatchRequest" in spec["components"]["schemas"]
    who = spec["paths"]["/who"]["get"]
    assert who["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorBody")
    assert any(p["name"] == "where" and p.get("description") for p in who["parameters"])
    assert "access-control-allow-origin" not in client.get("/health", headers={"Origin": "http://x"}).headers


def test_cli_json_prints_the_route_body(built: Service, client: TestClient) -> None:
    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "QFQ_DATA": str(built.settings.data), "COLUMNS": "200"}

    def cli(*args: str) -> bytes:
        res = subprocess.run(
            [sys.executable, "-m", "api.cli", *args, "--json"],
            cwd=repo,
            env=env,
            capture_output=True,
            timeout=300,
        )
        assert res.returncode == 0, res.stderr
        return res.stdout

    who = client.get("/who", params={"where": "Vendée"})
    assert cli("who", "--where", "Vendée") == who.content + b"\n"  # byte for byte
    assert json.loads(who.content)["results"]
    match = client.get(
        "/match", params={"age": 24, "status": "demandeur_emploi", "where": "Vire", "need": "mobilite"}
    )
    assert (
        cli("match", "--age", "24", "--status", "demandeur_emploi", "--where", "Vire", "--need", "mobilite")
        == match.content + b"\n"
    )


def test_answer_bodies_are_encoded_once_and_still_documented(built: Service, client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for route, model in (
        ("/who", "WhoResponse"),
        ("/match", "MatchResponse"),
        ("/search", "SearchResponse"),
        ("/actions/{action_id}/similar", "SimilarResponse"),
    ):
        schema = spec["paths"][route]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith(model), route
    first = client.get("/who", params={"where": "Calvados"})
    again = client.get("/who", params={"where": "Calvados"})
    assert (
        first.status_code == again.status_code == 200 and first.headers["content-type"] == "application/json"
    )
    assert first.content == again.content and first.json()["results"]
    # the service's cached answer keeps the body it was served with: validated and encoded once
    answer = client.app.state.service.who(where="Calvados")
    assert answer is client.app.state.service.who(where="Calvados")
    assert answer.body(WhoResponse) is answer.body(WhoResponse) and answer.body(WhoResponse) == first.content
    other = client.get("/who", params={"where": "Vendée"})
    assert other.json()["query"]["where"] == "Vendée" and other.content != first.content
    # without the answer cache every request computes its answer, and the body is the same
    uncached = built.settings.model_copy(update={"answer_cache_size": 0})
    with TestClient(create_app(uncached)) as fresh:
        assert fresh.get("/who", params={"where": "Calvados"}).json() == first.json()
        assert len(fresh.app.state.service.answers) == 0
