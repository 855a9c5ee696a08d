"""`who` as a planner reads it, on the real corpus: actors with role counts, the booklet's pilots from their
CONTACTS block, French role labels, evidence that names the actor, the scope stated, the theme filter real,
pagination — through the facade, the HTTP route and the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.models import ActorList, WhoResponse
from api.service import Service
from ingest.text import fold

PHONE = re.compile(r"\b0\d(?:[\s.]?\d\d){4}\b")
FRENCH_ROLES = {"pilote", "partenaire", "financeur", "opérateur", "public", "contact", "cité"}


def test_booklet_actions_have_their_contacts_organisation_as_pilot(built: Service) -> None:
    g = built.knowledge.graph
    booklet = [n for n, d in g.nodes(data=True) if d.get("type") == "action" and d["doc"].startswith("002")]
    with_pilot = [
        n for n in booklet if any(e["kind"] == "piloted_by" for _, _, e in g.out_edges(n, data=True))
    ]
    assert len(with_pilot) >= 0.9 * len(booklet)
    node = next(n for n in booklet if g.nodes[n]["label"].startswith("BRETAGNE ALTERNANCE"))
    pilots = {dst: e for _, dst, e in g.out_edges(node, data=True) if e["kind"] == "piloted_by"}
    assert set(pilots) == {"actor:cci--region-53"}
    assert pilots["actor:cci--region-53"]["evidence_source"] == "layout"


def test_who_groups_by_actor_with_french_roles_and_proving_evidence(built: Service) -> None:
    body = built.who(where="Calvados", limit=10)
    WhoResponse.model_validate(body)
    assert body["place"] == {
        "id": "territory:departement:14",
        "name": "Calvados",
        "level": "departement",
        "code": "14",
    }
    assert body["scope"].startswith("Calvados") and "Calvados" in body["summary"]
    assert len(body["results"]) == 10 < body["total"]
    ids = [r["actor"]["id"] for r in body["results"]]
    assert len(ids) == len(set(ids))
    for r in body["results"]:
        assert set(r["roles"]) <= FRENCH_ROLES and sum(r["roles"].values()) >= len(r["actions"])
        assert len({a["id"] for a in r["actions"]}) == len(r["actions"])  # each action once per actor
        for a in r["actions"]:
            assert a["role_label"] in FRENCH_ROLES
            quote = a["evidence"]["quote"]
            assert quote and not PHONE.search(quote)
            assert fold(a["evidence"]["written"]) in fold(quote)
    scopes = [
        min({"local": 0, "inherited": 1, "wider": 2}[a["scope"]] for a in r["actions"])
        for r in body["results"]
    ]
    assert scopes == sorted(scopes)  # actors with local actions first
    page2 = built.who(where="Calvados", limit=10, offset=10)
    assert not {r["actor"]["id"] for r in page2["results"]} & set(ids)


def test_fiches_without_a_place_are_never_local_elsewhere(built: Service) -> None:
    """An Eure fiche with a blank perimeter inherits the Eure (its issuer's), not the région: it is not a
    local answer for the Calvados; a fiche is local there only through a place of its own."""
    g = built.knowledge.graph
    body = built.who(where="Calvados")
    for r in body["results"]:
        for a in r["actions"]:
            if a["scope"] == "local":
                assert any(not t["inferred"] for t in a["territories"]), a["title"]
    eure = [n for n, d in g.nodes(data=True) if d.get("type") == "action" and d["doc"].startswith("004")]
    inherited = [
        dst
        for n in eure
        for _, dst, e in g.out_edges(n, data=True)
        if e["kind"] == "in" and e.get("inherited")
    ]
    assert inherited and set(inherited) == {"territory:departement:27"}
    scopes = {a["scope"] for r in built.who(where="Eure")["results"] for a in r["actions"]}
    assert "inherited" in scopes


def test_a_theme_named_in_what_is_the_theme_filter_with_its_quote(built: Service) -> None:
    body = built.who(what="mobilité", where="Calvados")
    assert body["query"]["theme"] == "mobilite"
    acts = [a for r in body["results"] for a in r["actions"]]
    assert acts and all(a["theme_evidence"] and a["theme_evidence"]["quote"] for a in acts)


def test_http_and_cli_say_the_same(built: Service) -> None:
    client = TestClient(create_app(built.settings))
    with client:
        r = client.get("/who", params={"where": "Vendée", "limit": 2})
        assert r.status_code == 200
        body = r.json()
        assert len(body["results"]) <= 2 and body["limit"] == 2
        assert client.get("/who", params={"where": "Vendée", "limit": 0}).status_code == 422
    data = ["--data", str(built.settings.data)]
    out = qfq("who", "--where", "Vendée", "--limit", "2", "--json", *data)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["results"] == body["results"]
    text = qfq("who", "--where", "Vendée", "--limit", "2", *data)
    assert text.returncode == 0 and "acteur" in text.stdout and "lieu compris : Vendée" in text.stdout
    helped = qfq("who", "--help")
    assert "Qui fait quoi" in helped.stdout and "Nombre d'acteurs" in helped.stdout


def qfq(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=600,
    )


def test_actors_listing_has_roles_and_examples(built: Service) -> None:
    body = built.actors("CCI")
    ActorList.model_validate(body)
    bretagne = next(a for a in body["results"] if a["id"] == "actor:cci--region-53")
    assert bretagne["roles"].get("pilote", 0) >= 1
    assert any(x["source"] == "layout" and x["quote"] for x in bretagne["examples"])


def test_a_who_query_object_is_what_the_facade_and_the_queries_take(built: Service) -> None:
    import pytest

    from graph.who_queries import WhoQuery
    from ingest.errors import InputError

    query = WhoQuery(where="Calvados", limit=3)
    body = built.who(query)
    assert body is built.who(where="Calvados", limit=3), "one query, one cached answer, whatever the form"
    assert body == built.knowledge.queries.who(query) and len(body["results"]) == 3
    with pytest.raises(InputError, match="limit doit valoir au moins 1"):
        built.who(WhoQuery(where="Calvados", limit=0))
    with pytest.raises(InputError, match="offset doit valoir 0 ou plus"):
        built.who(WhoQuery(where="Calvados", offset=-1))


def test_an_actor_named_by_a_document_is_not_counted_as_one_of_its_actions(built: Service) -> None:
    graph = built.knowledge.graph
    named = {v for u, v, e in graph.edges(data=True) if u.startswith("document:") and e["kind"] == "mentions"}
    assert named, "the corpus has participant lists and glossaries naming organisations"
    body = built.actors()
    listed = [a for a in body["results"] if a["id"] in named]
    assert listed
    for actor in listed:
        from_actions = sum(1 for u, _, e in graph.in_edges(actor["id"], data=True) if u.startswith("action:"))
        assert sum(actor["roles"].values()) <= from_actions
        assert all(not x["action"].startswith("document:") for x in actor["examples"])
