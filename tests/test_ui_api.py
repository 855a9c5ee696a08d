"""What the page and the reader-facing commands rely on: coverage of a theme or a dispositif (validated, only
inhabited territories), the vocabularies, documents named by title, the whole graph for the picture, the API
docs served from the vendored files, and `qfq coverage` / `themes` / `serve` as a user runs them."""

from __future__ import annotations

import gzip
import io
import json
import re
import socket
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import command
from api.service import Service
from ingest.errors import InputError

VENDOR = Path(__file__).resolve().parents[1] / "api" / "static" / "vendor"


@pytest.fixture(scope="module")
def client(built: Service):
    with TestClient(create_app(built.settings)) as c:
        yield c


def run(*args: str) -> str:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        command().main(list(args), prog_name="qfq", standalone_mode=False)
    return buffer.getvalue()


def test_coverage_validates_the_theme_and_lists_the_valid_ones(client: TestClient, built: Service) -> None:
    bad = client.get("/coverage", params={"theme": "mobilty"})
    assert bad.status_code == 422
    body = bad.json()
    assert body["where"] == "theme" and "mobilite" in body["valid"] and "garde_enfants" in body["valid"]
    assert client.get("/coverage").status_code == 422  # neither a theme nor a dispositif
    both = client.get("/coverage", params={"theme": "mobilite", "dispositif": "pmsmp"})
    assert both.status_code == 422
    # the label, accents and all, names the same theme as its slug
    by_label = client.get("/coverage", params={"theme": "Mobilité", "level": "region"}).json()
    by_slug = client.get("/coverage", params={"theme": "mobilite", "level": "region"}).json()
    assert by_label == by_slug and by_slug["label"] == "Mobilité"
    for row in by_slug["with"]:
        assert set(row["local"] + row["wider"]) <= set(by_slug["titles"])


def test_coverage_of_a_dispositif(client: TestClient, built: Service) -> None:
    listed = client.get("/dispositifs").json()["items"]
    used = next(d for d in listed if d["actions"] > 0)
    body = client.get("/coverage", params={"dispositif": used["id"], "level": "region"}).json()
    assert body["dispositif"] == used["id"] and body["label"] == used["name"]
    ids = {i for r in body["with"] for i in r["local"]}
    assert len(ids) == used["actions"]  # every action that mobilises it is somewhere, once
    bad = client.get("/coverage", params={"dispositif": "dispositif:nulle-part"})
    assert bad.status_code == 422 and bad.json()["where"] == "dispositif"


def test_coverage_leaves_out_uninhabited_territories(built: Service) -> None:
    ref = built.referential
    for level, units in (("region", ref.regions()), ("departement", ref.departements())):
        body = built.coverage("mobilite", level=level)
        listed = {r["territory"]["id"] for r in body["with"]} | {t["id"] for t in body["without"]}
        empty = {u.id for u in units if ref.population(u.id) == 0}
        assert listed == {u.id for u in units} - empty
        if level == "departement":
            assert empty, "the referential has uninhabited pseudo-départements (e.g. the TAAF)"
            assert all(t.get("region") for t in body["without"] if t["code"] < "97")


def test_vocabularies_and_library(client: TestClient, built: Service) -> None:
    themes = client.get("/vocabulary/theme").json()
    assert themes["label"] == "thèmes"
    slugs = {c["slug"]: c for c in themes["items"]}
    assert slugs["garde_enfants"]["actions"] > 0 and slugs["garde_enfants"]["label"] != "garde_enfants"
    assert client.get("/vocabulary/public").json()["items"]
    assert client.get("/vocabulary/colour").status_code == 422
    docs = client.get("/library").json()["items"]
    assert len(docs) == len(built.store.documents())
    for d in docs:
        assert d["display"].startswith(d["title"]) and d["title"] != d["id"]
        if d["period"]:
            assert d["period"] in d["display"]


def test_whole_graph_for_the_picture(client: TestClient, built: Service) -> None:
    whole = client.get("/graph").json()
    types = {n["type"] for n in whole["nodes"]}
    assert "document" not in types and {"action", "actor", "theme"} <= types
    ids = {n["id"] for n in whole["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in whole["edges"])
    assert all(-1.01 <= n["x"] <= 1.01 and -1.01 <= n["y"] <= 1.01 for n in whole["nodes"])
    only = client.get("/graph", params={"type": ["action", "theme"], "theme": "garde_enfants"}).json()
    assert {n["type"] for n in only["nodes"]} == {"action", "theme"}
    actions = {n["id"] for n in only["nodes"] if n["type"] == "action"}
    assert actions == {
        "action:" + a["id"].removeprefix("action:")
        for a in built.knowledge.queries.actions(theme="garde_enfants")
    }
    local = client.get("/graph", params={"where": "Vendée", "type": "action"}).json()
    assert 0 < len(local["nodes"]) < len([n for n in whole["nodes"] if n["type"] == "action"])
    assert client.get("/graph", params={"type": "document"}).status_code == 422
    assert client.get("/graph", params={"theme": "nulle"}).status_code == 422


def test_api_docs_come_from_the_vendored_files(client: TestClient) -> None:
    assert (VENDOR / "swagger-ui" / "swagger-ui-bundle.js").is_file(), "run scripts/vendor_frontend.py"
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/static/vendor/swagger-ui/") for s in sources)
    for s in sources:
        assert client.get(s).status_code == 200
    assert client.get("/redoc").status_code == 404  # FastAPI's ReDoc page loads from a CDN: off
    for name in (
        "graphology/graphology.min.js",
        "sigma/sigma.min.js",
        "france-departements/departements.json",
        "france-departements/regions.json",
    ):
        assert client.get(f"/static/vendor/{name}").status_code == 200


def test_cli_coverage_prints_a_table(built: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    text = run("coverage", "garde_enfants", "--level", "region", "--data", str(built.settings.data))
    assert "Couverture — Garde d'enfants" in text and "Actions locales" in text and "Pays de la Loire" in text
    assert "Sans action" in text and '"with"' not in text
    raw = run("coverage", "garde_enfants", "--level", "region", "--json", "--data", str(built.settings.data))
    assert '"with"' in raw
    with pytest.raises(InputError, match="thème inconnu") as caught:
        run("coverage", "garde-enfant", "--data", str(built.settings.data))
    assert "garde_enfants" in caught.value.valid


def test_cli_themes_and_publics(built: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    themes = run("themes", "--data", str(built.settings.data))
    for c in built.reference.vocabularies.concepts("theme"):
        assert c.slug in themes and c.label in themes
    publics = run("publics", "--data", str(built.settings.data))
    assert all(c.slug in publics for c in built.reference.vocabularies.concepts("public"))


def test_serve_refuses_a_busy_port_before_warming_up(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(InputError, match="impossible d'écouter") as caught:
            run("serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(tmp_path / "data"))
    assert caught.value.where == "--port" and str(port) in caught.value.message
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())


def _vendoring():
    """scripts/vendor_frontend.py as a module (it is a script, not a package)."""
    import importlib.util
    import sys

    if "vendor_frontend" not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "scripts" / "vendor_frontend.py"
        spec = importlib.util.spec_from_file_location("vendor_frontend", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["vendor_frontend"] = module  # its dataclass looks its module up there
        spec.loader.exec_module(module)
    return sys.modules["vendor_frontend"]


def _area(ring: list[tuple[float, float]]) -> float:
    return (
        abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2
    )


def test_region_outline_of_two_squares_cancels_their_border() -> None:
    vendoring = _vendoring()
    # two unit squares side by side in one région, the shared side written 0.01 apart; a third in another
    departements = {
        "viewBox": "0 0 3 1",
        "locations": [
            {"id": "01", "name": "A", "path": "m 0,0 1,0 0,1 -1,0 z"},
            {"id": "02", "name": "B", "path": "M 1.01,0 2,0 2,1 1,1 Z"},
            {"id": "03", "name": "C", "path": "m 2,0 1,0 0,1 -1,0 z"},
        ],
    }
    territories = {
        "regions": [
            {"code": "91", "nom": "AB"},
            {"code": "92", "nom": "C"},
            {"code": "93", "nom": "ailleurs"},
        ],
        "departements": [
            {"code": "01", "region": "91"},
            {"code": "02", "region": "91"},
            {"code": "03", "region": "92"},
            {"code": "971", "region": "93"},
        ],
    }
    out = vendoring.region_outlines(departements, territories)
    assert [r["code"] for r in out["regions"]] == ["91", "92"]  # a région without outlines is left out
    ab = out["regions"][0]
    assert ab["departements"] == ["01", "02"] and ab["open_chains"] == 0
    rings = vendoring.path_rings(ab["path"], "AB")
    assert len(rings) == 1 and _area(rings[0]) == pytest.approx(2.0)
    assert not any(0.5 < y < 1 and x == pytest.approx(1, abs=0.02) for x, y in rings[0])  # no inner border
    assert ab["label"] == pytest.approx([1.0, 0.5], abs=0.01)


def test_the_vendored_region_outlines_are_the_union_of_their_departements() -> None:
    vendoring = _vendoring()
    folder = VENDOR / "france-departements"
    assert (folder / "regions.json").is_file(), "run scripts/vendor_frontend.py"
    assert "Attribution 4.0 International" in (folder / "LICENSE.md").read_text(encoding="utf-8")  # CC BY 4.0
    regions = json.loads((folder / "regions.json").read_text(encoding="utf-8"))["regions"]
    departements = json.loads((folder / "departements.json").read_text(encoding="utf-8"))["locations"]
    rings = {d["id"]: vendoring.path_rings(d["path"], d["id"]) for d in departements}
    # every département of metropolitan France in exactly one région, as the referential says
    with gzip.open(vendoring.TERRITORIES, "rb") as fh:
        territories = json.loads(fh.read())
    region_of = {d["code"]: d["region"] for d in territories["departements"]}
    assert sorted(d for r in regions for d in r["departements"]) == sorted(rings)
    assert all(region_of[d] == r["code"] for r in regions for d in r["departements"])
    for r in regions:
        assert r["open_chains"] == 0, r["name"]
        outline = vendoring.path_rings(r["path"], r["code"])
        inside = sum(_area(ring) for d in r["departements"] for ring in rings[d])
        # the largest ring is the mainland: the départements less their islands (plus an enclave of another
        # région inside it, a hole)
        assert max(map(_area, outline)) <= inside * 1.01
        assert sum(map(_area, outline)) >= inside * 0.98, r["name"]
    # a département enclosed by its région (each vertex also one of another département's, each of those of
    # the same région: no coast, no frontier, no other région) has only inner borders: none is on the outline
    cells = {d: _keys(rs, around=False) for d, rs in rings.items()}
    near = {d: _keys(rs) for d, rs in rings.items()}
    checked = 0
    for r in regions:
        on_outline = _keys(vendoring.path_rings(r["path"], r["code"]))
        for d in r["departements"]:
            neighbours = {o for o in rings if o != d and near[o] & cells[d]}
            shared = set().union(*(near[o] for o in neighbours))
            if neighbours <= set(r["departements"]) and cells[d] <= shared:
                assert not cells[d] & on_outline, (r["name"], d)
                checked += 1
    assert checked >= 3  # e.g. the inner départements of the région of the capital


def _keys(rings: list[list[tuple[float, float]]], around: bool = True) -> set[tuple[int, int]]:
    """The cells (0.1 wide) of the vertices, and with `around` the cells next to them: a vertex less than
    0.05 from another one is in the other's cells around."""
    steps = (-1, 0, 1) if around else (0,)
    return {
        (round(x * 10) + i, round(y * 10) + j)
        for ring in rings
        for x, y in ring
        for i in steps
        for j in steps
    }
