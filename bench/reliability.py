"""Reliability benchmark: kill -9 during ingest, HTTP load with RSS, `/health` under hostile load, full fuzz.

    python bench/reliability.py [--kills 20] [--duration 60] [--connections 64] [--hostile 30]
                                [--fuzz-examples 400] [--data DIR] [--vector-cache FILE] [--corpus DIR]

1. `--kills` runs of tests/test_reliability.py's kill loop: an ingest of three corpus documents
   (alternately version A and B of each) killed with SIGKILL at a random moment; after each,
   `PRAGMA integrity_check`, every document wholly A or wholly B, and a new service serving the stored
   state. Target: 0 mixed, 0 corrupt.
2. `qfq serve` on 127.0.0.1 (data built with `qfq build` when `--data` holds no store), then wrk
   (`--connections`, `--duration` s) over a rotation of read routes (health, actions, who, match, search,
   reference); RSS before and after. Target: 0 errors.
3. `/health` latency for `--hostile` s while 48 clients send pathological SPARQL queries (cross products,
   regex over every literal, property paths) and 4 send maximal searches (`q` of 1,000 characters, the largest
   `k`), all in a loop. Target: `/health` p99 ≤ 100 ms; every SPARQL answer a 200, 422 or 503 (never a 5xx
   other than the 503 of a full slot, never a hang).
4. schemathesis (tests/test_schemathesis.py's `fuzz`) over every operation of the app's OpenAPI,
   `--fuzz-examples` per operation (≥ 10,000 cases in all at the default): 0 server errors, 0 schema or status
   violations, no machine path in any body.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import harness  # noqa: I001 -- first: puts this checkout first on sys.path, bench/ off it

sys.path.append(str(harness.REPO / "tests"))  # the kill loop and the fuzz are the reliability tests' own


def _load_bench(name: str):
    """A sibling benchmark module (bench/ is off sys.path: its ingest.py and graph.py shadow the packages)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", harness.HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


load = _load_bench("load")

PATHOLOGICAL = (
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } LIMIT 1000",
    "SELECT ?s WHERE { ?s ?p ?o FILTER regex(str(?o), '(a+)+$') }",
    "SELECT ?x ?y WHERE { ?x (<http://www.w3.org/2000/01/rdf-schema#label>|!<urn:x>)* ?y }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?c ?d ?e . ?e ?f ?g }",
)


def timed_get(port: int, path: str, timeout: float = 60, errors: dict | None = None) -> tuple[int, float]:
    """Status and seconds of one GET; `errors` keeps the first body of each status other than 200."""
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://{load.HOST}:{port}{path}", timeout=timeout) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
        body = exc.read()
        if errors is not None:
            errors.setdefault(status, body[:300].decode("utf-8", "replace"))
    except OSError as exc:
        status = 0
        if errors is not None:
            errors.setdefault(status, repr(exc))
    return status, time.perf_counter() - t0


def kills(args) -> str:
    from test_reliability import kill_loop

    work = args.work_dir / "kills"
    t0 = time.perf_counter()
    counts = kill_loop(work, args.corpus.resolve(), runs=args.kills, seed=2026)
    shutil.rmtree(work, ignore_errors=True)
    harness.log.info("kills: %s", counts)
    head = "runs | killed before the end | mixed or corrupt documents | served after the kill | time"
    row = (
        counts["runs"],
        counts["killed"],
        counts["mixed"],
        counts["served"],
        harness.ftime(time.perf_counter() - t0),
    )
    return "kill -9 during ingest\n\n" + harness.table(head, [row])


def rotation(port: int) -> list[str]:
    ids = json.loads(load.get(port, "/actions?limit=50")[1])["items"]
    queries = harness.queries(10)
    return [
        "/health",
        "/actions?limit=20",
        "/who?where=Calvados",
        "/who?what=mobilit%C3%A9",
        "/match?age=24&status=demandeur_emploi&where=Vire&need=mobilite",
        "/territories?q=Ven",
        "/dispositifs",
        *(f"/actions/{urllib.parse.quote(a['id'], safe='/')}" for a in ids[:10]),
        *("/search?q=" + urllib.parse.quote(q, safe="") for q in queries),
    ]


def http_load(args, port: int, pid: int) -> tuple[str, list]:
    paths = rotation(port)
    bad = sum(not 200 <= load.get(port, p)[0] < 300 for p in paths)
    r = load.wrk(args, port, paths, pid)
    errors = r["non2xx"] + r["socket"] + bad
    harness.log.info(
        "wrk: %.0f req/s, p99 %.1f ms, errors %d, RSS %s", r["rps"], r["p99"] / 1000, errors, r["rss"]
    )
    ms = [f"{r[k] / 1000:,.1f}" for k in ("p50", "p99", "lat_max")]
    head = "URLs | req/s | p50 ms | p99 ms | max ms | non-2xx / socket / check | RSS MiB before → after"
    row = (len(paths), f"{r['rps']:,.0f}", *ms, f"{r['non2xx']} / {r['socket']} / {bad}", r["rss"])
    text = f"wrk {args.threads} threads, {args.connections} connections, {args.duration:g} s\n\n"
    return text + harness.table(head, [row]), [harness.check("wrk errors", errors, 1)]


def health_latencies(port: int, seconds: float) -> tuple[list[float], int]:
    """`/health` asked one request after another (20 ms apart) for ``seconds``: latencies, non-200 count."""
    latencies, bad = [], 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        status, took = timed_get(port, "/health", timeout=30)
        latencies.append(took)
        bad += status != 200
        time.sleep(0.02)
    return latencies, bad


def _hostile_clients(port: int, counts: tuple[int, int], stop, out) -> None:
    """In a process of its own (so that the 52 client threads do not compete with the `/health` probe for one
    GIL): 48 threads loop the pathological SPARQL queries, 4 the maximal search (a different text each time:
    no answer comes from the answer cache), until `stop` is set; then the count of answers by status goes to
    `out`."""
    statuses: dict[str, dict[int, int]] = {"sparql": {}, "search": {}}
    errors: dict[int, str] = {}
    lock = threading.Lock()

    def loop(kind: str, path) -> None:
        i = 0
        while not stop.is_set():
            status, _ = timed_get(port, path(i), timeout=120, errors=errors)
            with lock:
                statuses[kind][status] = statuses[kind].get(status, 0) + 1
            i += 1

    sparql = ["/sparql?query=" + urllib.parse.quote(q, safe="") for q in PATHOLOGICAL]
    word = "insertion professionnelle mobilité garde d'enfants "
    n_sparql, n_search = counts

    def sparql_path(client: int):
        return lambda i: sparql[(client + i) % len(sparql)]

    def search_path(client: int):
        text = lambda i: (f"{client} {i} " + word * 30)[:1000]  # noqa: E731
        return lambda i: "/search?k=100&q=" + urllib.parse.quote(text(i), safe="")

    threads = [threading.Thread(target=loop, args=("sparql", sparql_path(c))) for c in range(n_sparql)]
    threads += [threading.Thread(target=loop, args=("search", search_path(c))) for c in range(n_search)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for status, body in sorted(errors.items()):
        harness.log.info("hostile clients: first %s answer: %s", status, body)
    out.put(statuses)


def hostile(args, port: int) -> tuple[str, list]:
    import multiprocessing as mp

    quiet, _ = health_latencies(port, args.hostile / 3)  # the same machine, without the hostile clients
    ctx = mp.get_context("fork")
    stop, out = ctx.Event(), ctx.Queue()
    counts = (args.hostile_sparql, args.hostile_search)
    clients = ctx.Process(target=_hostile_clients, args=(port, counts, stop, out), daemon=True)
    clients.start()
    time.sleep(2)  # every client has its first request in flight
    latencies, health_bad = health_latencies(port, args.hostile)
    stop.set()
    statuses = out.get(timeout=180)
    clients.join(10)
    p50, p99 = (harness.percentile(latencies, p) * 1000 for p in (50, 99))
    worst = max(latencies) * 1000
    harness.log.info("health under hostile load: p50 %.1f ms, p99 %.1f ms; %s", p50, p99, statuses)
    five = sum(n for s, n in statuses["sparql"].items() if s >= 500 and s != 503) + statuses["sparql"].get(
        0, 0
    )
    head = (
        "/health requests | p50 ms | p99 ms | max ms | non-200 | SPARQL answers by status | search answers "
        "| quiet p50 / p99 ms (no hostile client)"
    )
    row = (
        len(latencies),
        f"{p50:,.1f}",
        f"{p99:,.1f}",
        f"{worst:,.1f}",
        health_bad,
        ", ".join(f"{s}: {n}" for s, n in sorted(statuses["sparql"].items())),
        ", ".join(f"{s}: {n}" for s, n in sorted(statuses["search"].items())),
        " / ".join(f"{harness.percentile(quiet, p) * 1000:,.1f}" for p in (50, 99)),
    )
    text = (
        f"`/health` for {args.hostile:g} s while {args.hostile_sparql} clients loop pathological SPARQL "
        f"and {args.hostile_search} loop maximal searches"
    )
    checks = [
        harness.check("/health p99 under hostile load, ms", p99, 100),
        harness.check("/health non-200", health_bad, 1),
        harness.check("SPARQL 5xx other than 503, or no answer", five, 1),
    ]
    return text + "\n\n" + harness.table(head, [row]), checks


def fuzz_all(args, data: Path) -> tuple[str, list]:
    from test_schemathesis import MACHINE_PATHS, fuzz

    from api.app import create_app
    from api.settings import Settings

    settings = Settings(data=data, corpus=[args.corpus.resolve()], warm_up=False, upload_token="jeton")
    roots = [str(data.resolve()), str(args.corpus.resolve()), *MACHINE_PATHS]
    app = create_app(settings)
    # warmed up first, as `qfq serve` is before it listens: the first search would otherwise load the encoder
    # and build the indexes (≈ 20 s) inside one case, past the client's 10 s read timeout
    app.state.service.warm_up()
    t0 = time.perf_counter()
    counts = fuzz(app, roots, args.fuzz_examples)
    failures = counts.pop("failure_texts")
    for text in failures[:20]:
        harness.log.warning("fuzz failure: %s", text)
    head = "cases | server errors | schema / status failures | bodies with a machine path | time"
    row = (
        counts["cases"],
        counts["server_errors"],
        counts["failures"],
        counts["paths"],
        harness.ftime(time.perf_counter() - t0),
    )
    checks = [
        harness.check("fuzz cases", counts["cases"], 10_000, at_least=True),
        harness.check("fuzz failures", counts["failures"] + counts["server_errors"] + counts["paths"], 1),
    ]
    text = f"schemathesis {harness._version('schemathesis')}, {args.fuzz_examples} examples per operation"
    return text + "\n\n" + harness.table(head, [row]), checks


def main() -> None:
    ap = harness.parser(__doc__.splitlines()[0], repeat=1)
    ap.add_argument("--kills", type=int, default=20, help="kill -9 runs (20)")
    ap.add_argument("--duration", type=float, default=60, help="seconds of wrk load (60)")
    ap.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    ap.add_argument("--hostile", type=float, default=30, help="seconds of /health under hostile load (30)")
    ap.add_argument("--hostile-sparql", type=int, default=48, help="hostile SPARQL clients (48)")
    ap.add_argument("--hostile-search", type=int, default=4, help="hostile search clients (4)")
    ap.add_argument(
        "--fuzz-examples", type=int, default=400, help="schemathesis examples per operation (400)"
    )
    ap.add_argument("--data", type=Path, help="data directory, reused when it holds a store")
    ap.add_argument("--vector-cache", type=Path, help="vector cache file (QFQ_VECTOR_CACHE)")
    ap.add_argument("--skip", action="append", default=[], choices=["kills", "load", "hostile", "fuzz"])
    args = ap.parse_args()
    args.work_dir = harness.start(args, "reliability")
    env = dict(os.environ, QFQ_LOG_LEVEL="WARNING", PYTHONPATH=str(harness.REPO))
    if args.vector_cache:
        env["QFQ_VECTOR_CACHE"] = str(args.vector_cache.resolve())
        os.environ["QFQ_VECTOR_CACHE"] = env["QFQ_VECTOR_CACHE"]
    parts, checks = [], []
    try:
        if "kills" not in args.skip:
            parts.append(kills(args))
        data = args.data or args.work_dir / "data"
        if not (data / "qfq.sqlite").is_file():
            harness.log.info("qfq build into %s", data)
            load.qfq("build", "--corpus", str(args.corpus.resolve()), "--data", str(data), env=env)
        if {"load", "hostile"} - set(args.skip):
            proc, port, startup = load.serve(args, data, env)
            try:
                if "load" not in args.skip:
                    text, more = http_load(args, port, proc.pid)
                    parts.append(text)
                    checks += more
                if "hostile" not in args.skip:
                    text, more = hostile(args, port)
                    parts.append(text)
                    checks += more
                parts.append(f"server peak RSS {harness.peak_rss_mib(proc.pid):,.0f} MiB")
            finally:
                proc.terminate()
                proc.wait(30)
        if "fuzz" not in args.skip:
            text, more = fuzz_all(args, data)
            parts.append(text)
            checks += more
        harness.report("Reliability (`bench/reliability.py`)", *parts, harness.targets_table(checks))
    finally:
        harness.finish(args, args.work_dir)


if __name__ == "__main__":
    main()
