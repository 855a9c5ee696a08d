"""Bounded work under load: SPARQL and search beyond their slots wait asynchronously, then get 503 with
Retry-After (a slot freed meanwhile is taken); a SPARQL query is stopped by its CPU time (the CPU timer, and
the kernel's RLIMIT_CPU behind it) and runs niced; rdflib's parser is used one thread at a
time; `/health` answers while every worker thread of the threadpool is taken."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql.operators import register_custom_function, unregister_custom_function

from api.app import create_app
from api.service import Service
from graph.sparql import _limit_child, prepare_query, sparql
from ingest.errors import InputError

ASK = {"query": "ASK { ?s ?p ?o }"}


def _app(built: Service, **settings):
    app = create_app(built.settings.model_copy(update=settings))
    app.state.service.__dict__["knowledge_cache"] = built.knowledge_cache  # the built graph, not rebuilt
    return app


def _take(client: TestClient, kind: str) -> int:
    """Every slot of `kind`, taken on the app's event loop as running requests would hold them."""
    slots = client.app.state.slots[kind]

    async def take() -> None:
        for _ in range(slots.size):
            await slots.semaphore().acquire()

    client.portal.call(take)
    return slots.size


def _give_back(client: TestClient, kind: str, n: int) -> None:
    slots = client.app.state.slots[kind]

    async def give() -> None:
        for _ in range(n):
            slots.semaphore().release()

    client.portal.call(give)


def _free(client: TestClient, kind: str) -> int:
    slots = client.app.state.slots[kind]

    async def value() -> int:
        return slots.semaphore()._value

    return client.portal.call(value)


def test_sparql_beyond_its_slots_waits_then_is_busy_with_retry_after(built: Service) -> None:
    with TestClient(_app(built, sparql_concurrency=2, sparql_wait=0.2, sparql_timeout=7)) as client:
        held = _take(client, "sparql")
        try:
            r = client.get("/sparql", params=ASK)
            posted = client.post(
                "/sparql", content=ASK["query"], headers={"content-type": "application/sparql-query"}
            )
        finally:
            _give_back(client, "sparql", held)
        for answer in (r, posted):
            assert answer.status_code == 503 and answer.headers["retry-after"] == "7"
            body = answer.json()
            assert body["error"] == "Busy" and body["where"] == "query"
            assert "2 requêtes SPARQL sont déjà en cours" in body["message"]
            assert "QFQ_SPARQL_CONCURRENCY" in body["valid"]
        assert _free(client, "sparql") == 2  # a refused request holds nothing
        assert client.get("/sparql", params=ASK).json()["boolean"] is True
        assert _free(client, "sparql") == 2


def test_a_query_waiting_for_a_slot_runs_when_one_frees_up(built: Service) -> None:
    with TestClient(_app(built, sparql_concurrency=1, sparql_wait=60)) as client:
        held = _take(client, "sparql")
        answers = []
        waiting = threading.Thread(target=lambda: answers.append(client.get("/sparql", params=ASK)))
        waiting.start()
        slots = client.app.state.slots["sparql"]

        async def waiters() -> int:
            return len(slots.semaphore()._waiters or ())

        deadline = time.monotonic() + 120
        while client.portal.call(waiters) == 0 and time.monotonic() < deadline:
            time.sleep(0.01)  # until the request waits for the slot
        assert client.portal.call(waiters) == 1
        _give_back(client, "sparql", held)
        waiting.join()
        assert answers[0].status_code == 200 and answers[0].json()["boolean"] is True
        assert _free(client, "sparql") == 1


def test_searches_beyond_their_slots_are_busy_with_retry_after(built: Service) -> None:
    with TestClient(_app(built, search_concurrency=1, search_wait=0.1)) as client:
        held = _take(client, "search")
        try:
            r = client.get("/search", params={"q": "mobilité", "k": 100})
        finally:
            _give_back(client, "search", held)
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
        body = r.json()
        assert body["error"] == "Busy" and body["where"] == "q"
        assert (
            "1 recherches sont déjà en cours" in body["message"] and "QFQ_SEARCH_CONCURRENCY" in body["valid"]
        )
        assert _free(client, "search") == 1


def test_health_answers_while_every_worker_thread_is_taken(built: Service) -> None:
    with TestClient(_app(built)) as client:
        limiter = client.portal.call(anyio.to_thread.current_default_thread_limiter)
        owners = [object() for _ in range(int(limiter.total_tokens))]

        async def take() -> None:
            for owner in owners:
                await limiter.acquire_on_behalf_of(owner)

        async def give() -> None:
            for owner in owners:
                limiter.release_on_behalf_of(owner)

        client.portal.call(take)
        try:
            answers = [client.get("/health") for _ in range(3)]
        finally:
            client.portal.call(give)
        health = built.health()
        for r in answers:
            assert r.status_code == 200
            assert (
                r.json()["actions"] == health["actions"] > 0 and r.json()["documents"] == health["documents"]
            )


@pytest.fixture()
def small() -> Graph:
    g = Graph()
    for i in range(60):
        g.add((URIRef(f"urn:s{i}"), URIRef("urn:p"), Literal(f"valeur {i}")))
    return g


def test_the_cpu_time_limit_stops_a_cpu_bound_query(small: Graph) -> None:
    """Stopped by its CPU time: the wall-clock backstop (10 minutes) is far away."""
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(InputError, match="plus de 0.5 s de calcul et a été arrêtée") as err:
        sparql(small, cross, timeout=0.5, nice=19, wall=600)
    assert err.value.where == "query" and "QFQ_SPARQL_TIMEOUT" in err.value.valid


def test_a_catastrophic_regular_expression_is_stopped_too(small: Graph) -> None:
    small.add((URIRef("urn:r"), URIRef("urn:p"), Literal("a" * 40 + "!")))
    with pytest.raises(InputError, match="de calcul et a été arrêtée"):
        sparql(small, "SELECT ?s WHERE { ?s ?p ?o FILTER regex(str(?o), '^(a+)+$') }", timeout=0.5, wall=600)


def _spin_without_the_python_handler() -> None:
    _limit_child(0.5, 0)
    signal.signal(signal.SIGPROF, signal.SIG_IGN)  # as if a step never came back to Python
    while True:
        pass


def test_the_kernel_stops_a_child_that_python_cannot_interrupt() -> None:
    """RLIMIT_CPU, behind the CPU timer: a child that ignores it is ended by SIGXCPU (no core file)."""
    proc = multiprocessing.get_context("fork").Process(target=_spin_without_the_python_handler)
    proc.start()
    proc.join(600)  # a bound in case the limit did not hold (then the assertion below fails)
    if proc.is_alive():
        proc.kill()
    assert proc.exitcode in (-signal.SIGXCPU, -signal.SIGKILL)


def test_a_query_runs_niced_and_the_server_keeps_its_priority(small: Graph) -> None:
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    if mine == 19:
        pytest.skip("this process already runs at nice 19")
    nice = URIRef("urn:qfq-test:nice")
    register_custom_function(nice, lambda *_: Literal(os.getpriority(os.PRIO_PROCESS, 0)), raw=True)
    try:
        q = f"SELECT ?n WHERE {{ BIND(<{nice}>() AS ?n) }}"
        rows = sparql(small, q, nice=19)["results"]["bindings"]
        default = sparql(small, q)["results"]["bindings"]
    finally:
        unregister_custom_function(nice)
    assert rows[0]["n"]["value"] == "19" and default[0]["n"]["value"] == str(mine)
    assert os.getpriority(os.PRIO_PROCESS, 0) == mine


def test_queries_parsed_by_many_threads_at_once_all_parse() -> None:
    queries = (
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 10",
        "SELECT ?s WHERE { ?s ?p ?o FILTER regex(str(?o), 'a') }",
        "SELECT ?x ?y WHERE { ?x (<urn:a>|!<urn:x>)* ?y }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c }",
    )
    failures: list[str] = []

    def parse(i: int) -> None:
        for _ in range(20):
            try:
                prepare_query(queries[i % len(queries)])
            except InputError as exc:
                failures.append(str(exc))

    threads = [threading.Thread(target=parse, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
