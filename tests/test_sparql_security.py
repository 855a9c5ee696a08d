"""SPARQL cannot reach outside the graph: a fuzz set of SERVICE, FROM and update variants (every position,
case, comments, escapes, prefixed names, variables) is refused by `sparql()` and by `/sparql` (GET and POST)
while a real TCP listener on 127.0.0.1 must receive no connection; legitimate queries keep working."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import RDFS, Graph, Literal, Namespace, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from api.app import create_app
from api.service import Service
from graph.sparql import run_prepared, sparql
from ingest.errors import InputError

EX = Namespace("http://example.org/")
SENTINEL = b"sentinel"


class Listener:
    """A TCP server on 127.0.0.1 (random port) that records the first bytes of every connection it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.sentinel_seen = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b"<no data>"
            if data == SENTINEL:
                self.sentinel_seen.set()
            else:
                self.received.append(data or b"<empty>")

    def connections(self) -> list[bytes]:
        """What was received before now: a sentinel connection goes through the same accept queue, so every
        earlier connection has been recorded once the sentinel is seen (no sleeping, no timing)."""
        self.sentinel_seen.clear()
        with socket.create_connection(("127.0.0.1", self.port)) as c:
            c.sendall(SENTINEL)
        assert self.sentinel_seen.wait(30), "the listener does not answer: the test cannot see connections"
        return list(self.received)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    lis = Listener()
    yield lis
    lis.sock.close()


@pytest.fixture(scope="module")
def tiny() -> Graph:
    g = Graph()
    g.add((EX.a, RDFS.label, Literal("SERVICE desk")))
    g.add((EX.a, EX.knows, EX.b))
    g.add((EX.b, RDFS.label, Literal("plain", lang="fr")))
    g.add((URIRef("http://example.org/service/1"), RDFS.label, Literal("service page")))
    return g


@pytest.fixture(scope="module")
def client(built: Service) -> Iterator[TestClient]:
    with TestClient(create_app(built.settings)) as c:
        yield c


def _service_queries(u: str, base: str) -> list[str]:
    s = f"SERVICE <{u}> {{ ?x ?p ?o }}"
    return [
        # the reproductions: `<` in a FILTER, and quote variants, hid the keyword from the regex
        f"SELECT ?x WHERE {{ FILTER(1 < 2) {s} }}",
        f"SELECT ?x WHERE {{ FILTER('<' != '>') {s} }}",
        f'SELECT ?x WHERE {{ FILTER("<" < "x") {s} FILTER("x" > ">") }}',
        f"SELECT ?x WHERE {{ {s} }}",
        # every position in the algebra
        f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ {s} }} }}",
        f"SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ {s} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ {s} }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ {s} }} }}",
        f"SELECT * WHERE {{ GRAPH <http://example.org/g> {{ {s} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?x WHERE {{ {s} }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ {{ SELECT ?x WHERE {{ {s} }} LIMIT 1 }} }} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ {s} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c FILTER NOT EXISTS {{ {s} }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c FILTER (?a != ?c || EXISTS {{ {s} }}) }}",
        f"SELECT * WHERE {{ ?a ?b ?c BIND(EXISTS {{ {s} }} AS ?e) }}",
        f"SELECT * WHERE {{ ?a ?b ?c BIND(IF(NOT EXISTS {{ {s} }}, 1, 2) AS ?e) }}",
        f"SELECT (EXISTS {{ {s} }} AS ?e) WHERE {{ ?a ?b ?c }}",
        f"SELECT ?a (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c }} GROUP BY ?a HAVING (EXISTS {{ {s} }})",
        f"SELECT ?a WHERE {{ ?a ?b ?c }} ORDER BY (EXISTS {{ {s} }})",
        f"SELECT * WHERE {{ VALUES ?v {{ 1 2 }} {s} }}",
        f"ASK {{ {s} }}",
        f"ASK WHERE {{ ?a ?b ?c FILTER EXISTS {{ {s} }} }}",
        f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ {s} }}",
        f"DESCRIBE ?x WHERE {{ {s} }}",
        # case, comments, line breaks
        f"select ?x where {{ service <{u}> {{ ?x ?p ?o }} }}",
        f"SeLeCt ?x WhErE {{ sErViCe <{u}> {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ SERVICE # a comment }} with a brace\n <{u}> {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{\n# SERVICE is not here\nSERVICE\n\t<{u}>\n{{\n?x ?p ?o\n}}\n}}",
        f"SELECT ?x WHERE {{ #<\n SERVICE <{u}> {{ ?x ?p ?o }} #>\n }}",
        f"SELECT ?x WHERE {{\r\nSERVICE\r\n<{u}>\r\n{{ ?x ?p ?o }} }}",
        # prefixed names, BASE, relative IRIs
        f"PREFIX x: <{base}> SELECT * WHERE {{ SERVICE x:y {{ ?s ?p ?o }} }}",
        f"PREFIX : <{base}> SELECT * WHERE {{ SERVICE :y {{ ?s ?p ?o }} }}",
        f"PREFIX service: <{base}> SELECT * WHERE {{ SERVICE service:sparql {{ ?s ?p ?o }} }}",
        f"BASE <{base}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"BASE <{base}> PREFIX x: <sub/> SELECT * WHERE {{ SERVICE x:q {{ ?s ?p ?o }} }}",
        # escapes: `>`-like text in IRIs, \\u escapes of the keyword and of the angle brackets
        f"SELECT * WHERE {{ SERVICE <{base}a%3Eb> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{base}?q=a&gt;b> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{base}\\u0078> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{u}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE \\u003C{u}\\u003E {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVIC\\U00000045 <{u}> {{ ?s ?p ?o }} }}",
        # quoted strings with braces, quotes and angle brackets around the clause
        f'SELECT * WHERE {{ ?s ?p "}}" . {s} }}',
        f'SELECT * WHERE {{ FILTER("{{" != "}}") {s} }}',
        f'SELECT * WHERE {{ FILTER("\\"" != "<") {s} FILTER(">" != "\\"") }}',
        f'SELECT * WHERE {{ FILTER("""a " > b""" != "") {s} }}',
        f"SELECT * WHERE {{ FILTER('''}} <''' != '>') {s} }}",
        f'SELECT * WHERE {{ ?s ?p "SERVICE" . {s} }}',
        # SILENT and variable endpoints
        f"SELECT * WHERE {{ SERVICE SILENT <{u}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{u}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { SERVICE ?s { ?x ?p ?o } }",
        f"SELECT * WHERE {{ VALUES ?s {{ <{u}> }} SERVICE ?s {{ ?x ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{u}> AS ?s) SERVICE SILENT ?s {{ ?x ?p ?o }} }}",
    ]


def _dataset_queries(u: str, base: str) -> list[str]:
    return [
        f"SELECT * FROM <{u}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{u}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{u}> FROM NAMED <{u}2> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        f"PREFIX x: <{base}> SELECT * FROM x:g WHERE {{ ?s ?p ?o }}",
        f"select * from named <{u}> where {{ ?s ?p ?o }}",
        f"ASK FROM <{u}> {{ ?s ?p ?o }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{u}> WHERE {{ ?s ?p ?o }}",
        f"DESCRIBE ?s FROM <{u}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * # c\nFROM\n<{u}> WHERE {{ ?s ?p ?o }}",
    ]


def _updates(u: str, base: str) -> list[str]:
    return [
        "INSERT DATA { <http://example.org/a> <http://example.org/p> <http://example.org/b> }",
        "DELETE DATA { <http://example.org/a> <http://example.org/knows> <http://example.org/b> }",
        "DELETE WHERE { ?s ?p ?o }",
        "delete where { ?s ?p ?o }",
        "INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        f"INSERT {{ ?s ?p ?o }} USING <{u}> WHERE {{ ?s ?p ?o }}",
        f"LOAD <{u}>",
        f"load silent <{u}> into graph <http://example.org/g>",
        f"PREFIX x: <{base}> LOAD x:data",
        f"INSERT {{ ?x ?p ?o }} WHERE {{ SERVICE <{u}> {{ ?x ?p ?o }} }}",
        "CLEAR ALL",
        f"CLEAR GRAPH <{u}>",
        "DROP ALL",
        "CREATE GRAPH <http://example.org/g>",
        "ADD DEFAULT TO <http://example.org/g>",
        "MOVE DEFAULT TO <http://example.org/g>",
        "COPY DEFAULT TO <http://example.org/g>",
        f"LOAD <{u}> ; DROP ALL",
    ]


def _unparsed(u: str) -> list[str]:
    """Variants rdflib itself cannot parse (nested SERVICE recurses without end in its parser; a query and an
    update in one text): refused as syntax errors, and fetching nothing either."""
    s = f"SERVICE <{u}2> {{ ?x ?p ?o }}"
    return [
        f"SELECT * WHERE {{ SERVICE <{u}> {{ {s} }} }}",
        f"SELECT * WHERE {{ SERVICE <{u}> {{ ?a ?b ?c FILTER EXISTS {{ {s} }} }} }}",
        f"SELECT * WHERE {{ SERVICE <{u}> {{ {{ SELECT * WHERE {{ {s} }} }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o }} ; LOAD <{u}>",
        f"LOAD <{u}> ; SELECT * WHERE {{ ?s ?p ?o }}",
    ]


EXPECTED = {"query": "refusée", "update": "refusées", "unparsed": "ne s'analyse pas"}


@pytest.fixture(scope="module")
def malicious(listener: Listener) -> list[tuple[str, str]]:
    u, base = f"http://127.0.0.1:{listener.port}/x", f"http://127.0.0.1:{listener.port}/"
    queries = _service_queries(u, base) + _dataset_queries(u, base)
    cases = [("query", q) for q in queries] + [("update", q) for q in _updates(u, base)]
    cases += [("unparsed", q) for q in _unparsed(u)]
    assert len(cases) >= 60
    return cases


def test_every_variant_is_real_sparql(malicious: list[tuple[str, str]]) -> None:
    """The refusals below are refusals, not syntax errors: rdflib parses each variant as it would run it."""
    for kind, q in malicious:
        if kind == "query":
            translateQuery(parseQuery(q))
        elif kind == "update":
            parseUpdate(q)
        else:
            for parse in (parseQuery, parseUpdate):
                with pytest.raises(Exception):  # noqa: B017 - pyparsing or recursion errors alike
                    parse(q)


def test_sparql_refuses_the_fuzz_set_and_fetches_nothing(
    tiny: Graph, listener: Listener, malicious: list[tuple[str, str]]
) -> None:
    before = len(tiny)
    for kind, q in malicious:
        with pytest.raises(InputError, match=EXPECTED[kind]) as err:
            sparql(tiny, q)
        assert err.value.where == "query" and "SELECT, ASK, CONSTRUCT ou DESCRIBE" in err.value.valid, q
    assert len(tiny) == before
    assert listener.connections() == []


def test_http_refuses_the_fuzz_set_and_fetches_nothing(
    client: TestClient, listener: Listener, malicious: list[tuple[str, str]]
) -> None:
    for kind, q in malicious:
        got = client.get("/sparql", params={"query": q})
        posted = client.post("/sparql", content=q, headers={"content-type": "application/sparql-query"})
        for r in (got, posted):
            assert r.status_code == 422, (q, r.status_code, r.text)
            body = r.json()
            assert body["where"] == "query" and EXPECTED[kind] in body["message"], (q, body)
            assert "SELECT, ASK, CONSTRUCT ou DESCRIBE" in body["valid"], (q, body)
    assert listener.connections() == []


def test_messages_name_what_is_refused(tiny: Graph, listener: Listener) -> None:
    u = f"http://127.0.0.1:{listener.port}/x"
    cases = {
        f"SELECT * WHERE {{ FILTER(1 < 2) SERVICE <{u}> {{ ?s ?p ?o }} }}": "SERVICE",
        f"SELECT * FROM NAMED <{u}> WHERE {{ ?s ?p ?o }}": "FROM NAMED",
        f"LOAD <{u}>": "mises à jour",
        "DROP ALL": "lecture seule",
    }
    for q, word in cases.items():
        with pytest.raises(InputError, match=word):
            sparql(tiny, q)
    with pytest.raises(InputError, match="ne s'analyse pas"):
        sparql(tiny, "SELEKT ?x WHERE { ?x ?p ?o }")


def test_the_child_refuses_service_even_without_the_validator(tiny: Graph, listener: Listener) -> None:
    """Defence in depth: an unvalidated algebra with SERVICE, run in the forked child, fetches nothing."""
    u = f"http://127.0.0.1:{listener.port}/x"
    for q in (
        f"SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ SERVICE <{u}> {{}} }} }}",
    ):
        with pytest.raises(InputError, match="refusé pendant qu'une requête SPARQL s'exécute"):
            run_prepared(tiny, translateQuery(parseQuery(q)), timeout=30, limit=10)
    assert listener.connections() == []


def _legit(port: int) -> list[str]:
    return [
        "SELECT ?x WHERE { ?x ?p ?o FILTER(1 < 2) }",
        'SELECT ?s WHERE { ?s ?p ?l FILTER(CONTAINS(STR(?l), "SERVICE")) }',
        f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o != "SERVICE <http://127.0.0.1:{port}/x> {{ ?a ?b ?c }}") }}',
        "SELECT ?s WHERE { ?s ?p ?o FILTER(?s = <http://example.org/service/1>) }",
        "PREFIX service: <http://example.org/service/> SELECT ?o WHERE { service:1 ?p ?o }",
        "SELECT ?service ?delete ?load WHERE { ?service ?delete ?load }",
        f"SELECT ?s WHERE {{ ?s ?p ?o }} # SERVICE <http://127.0.0.1:{port}/x> {{ }} FROM <x:y>",
        "ASK { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DESCRIBE <http://example.org/a>",
        "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 5 } }",
        "SELECT ?s WHERE { ?s ?p ?o FILTER EXISTS { ?s ?q ?r } }",
        "SELECT ?s WHERE { ?s ?p ?o FILTER NOT EXISTS { ?s <http://example.org/none> ?r } }",
        "SELECT ?s ?e WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } BIND(EXISTS { ?s ?p ?o } AS ?e) }",
    ]


def test_legitimate_queries_still_work_on_a_small_graph(tiny: Graph, listener: Listener) -> None:
    out = [sparql(tiny, q) for q in _legit(listener.port)]
    rows = [
        {b.get(v, {}).get("value") for b in r.get("results", {}).get("bindings", []) for v in b} for r in out
    ]
    assert len(out[0]["results"]["bindings"]) == len(tiny)
    assert rows[1] == {"http://example.org/a"}  # the label holding the word SERVICE
    assert len(out[2]["results"]["bindings"]) == len(tiny)
    assert rows[3] == {"http://example.org/service/1"} and rows[4] == {"service page"}
    assert out[5]["head"]["vars"] == ["service", "delete", "load"] and len(out[5]["results"]["bindings"]) == 4
    assert len(out[6]["results"]["bindings"]) == len(tiny)
    assert out[7]["boolean"] is True
    assert len(Graph().parse(data=out[8]["turtle"], format="turtle")) == len(tiny)
    described = Graph().parse(data=out[9]["turtle"], format="turtle")
    assert (EX.a, EX.knows, EX.b) in described
    assert len(out[10]["results"]["bindings"]) == len(tiny)
    assert len(out[11]["results"]["bindings"]) == len(out[12]["results"]["bindings"]) == len(tiny)
    assert all(b["e"]["value"] == "true" for b in out[13]["results"]["bindings"])
    assert listener.connections() == []


def test_legitimate_queries_still_work_over_http(client: TestClient, listener: Listener) -> None:
    for q in _legit(listener.port):
        got = client.get("/sparql", params={"query": q})
        posted = client.post("/sparql", content=q, headers={"content-type": "application/sparql-query"})
        assert got.status_code == posted.status_code == 200, (q, got.text, posted.text)
        assert got.json() == posted.json(), q
    ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o FILTER(1 < 2) }"}).json()
    assert ask["boolean"] is True
    assert listener.connections() == []
