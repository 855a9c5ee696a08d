"""The typed coverage query (graph/coverage_queries.CoverageQuery): its checks and French errors, and that the
route, the CLI and the facade answer the same through it (the HTTP contract unchanged)."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import command
from api.service import Service
from graph.coverage_queries import LEVELS, CoverageQuery
from ingest.errors import InputError


@pytest.fixture(scope="module")
def client(built: Service):
    with TestClient(create_app(built.settings)) as c:
        yield c


def test_a_coverage_query_names_the_wrong_parameter_and_the_valid_values() -> None:
    ok = CoverageQuery(theme="mobilite", level="region", within="Normandie")
    assert ok.checked() is ok and ok.key() == ("mobilite", None, "region", "Normandie")
    for bad in (CoverageQuery(), CoverageQuery(theme="mobilite", dispositif="pmsmp")):
        with pytest.raises(InputError, match="un thème ou un dispositif") as caught:
            bad.checked()
        assert caught.value.where == "theme, dispositif"
    with pytest.raises(InputError, match="niveau inconnu 'canton'") as caught:
        CoverageQuery(theme="mobilite", level="canton").checked()
    assert caught.value.where == "level" and caught.value.valid == ", ".join(LEVELS)


def test_route_cli_and_facade_answer_alike_through_the_query(client: TestClient, built: Service) -> None:
    query = CoverageQuery(theme="Garde d'enfants", level="region")
    body = built.coverage(query)
    assert body["theme"] == "garde_enfants" and body["with"]
    assert built.coverage("garde_enfants", level="region") == body  # keywords still accepted
    http = client.get("/coverage", params={"theme": "Garde d'enfants", "level": "region"})
    assert http.status_code == 200 and http.json()["with"] == body["with"]
    assert client.get("/coverage", params={"theme": "mobilite", "level": "canton"}).status_code == 422
    level = client.get("/openapi.json").json()["paths"]["/coverage"]["get"]["parameters"]
    schema = next(p["schema"] for p in level if p["name"] == "level")
    assert schema.get("enum") == list(LEVELS), schema
    args = ["coverage", "garde_enfants", "--level", "canton", "--local", "--data", str(built.settings.data)]
    with redirect_stdout(io.StringIO()), pytest.raises(InputError, match="niveau inconnu") as caught:
        command().main(args, prog_name="qfq", standalone_mode=False)
    assert caught.value.where == "level" and "departement" in caught.value.valid
