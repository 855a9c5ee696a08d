"""Knowledge-graph benchmark: graph build, RDF, exports, SPARQL and who-queries, one scenario per fresh process.

    python bench/graph.py [--copies 25] [--corpus ../shared/corpus] [--repeat 3] [--no-profile] [--verbose]

Two datasets, each ingested once (in its own child process, before anything is timed; the ingest is not
what this benchmark measures) into a data directory under a temporary root:

- ``corpus``  the real corpus;
- ``copies``  N renamed copies of every corpus document (``copyNNN_<name>``: distinct document ids), as in
              ``bench/ingest.py``. The default is 25, not 50: at 50 copies (4,700 actions) the ``full``
              scenario alone takes about 3.5 minutes (build 42 s, RDF and its exports 55 s, who-queries 90 s).

Scenarios, each run in its own child process (this script with the hidden ``--scenario`` flag) so that
``ru_maxrss`` is that scenario's peak and no cache is shared:

- ``base``  ``KnowledgeCache.get()`` on a fresh cache with ``enrichers=[]``: documents, actions, actor
            resolution, territories. Afterwards (untimed for the build) the first and second call of each
            default enricher on one action, whose difference is the enricher's one-time data load.
- ``full``  ``Service.knowledge`` (``KnowledgeCache.get()`` with ``api.service.default_enrichers``, so also the
            dispositif matcher and the publics/themes classifier, their data loaded on first use), then, in
            the same process: ``to_rdf`` (``KnowledgeBase.rdf``) and its triple count; every export of
            ``Service.export_graph`` / ``export_actions`` to a file (time and size); ``ASK {}`` five times
            (the fixed cost of ``Service.sparql``: parse, fork, pipe, JSON) and three typical queries; the
            who-queries ``who(where="Calvados")`` and ``who(what="mobilité")``, 50 calls each after warm-up.

Every child first imports the project, loads the territory referential and does one lookup (which builds
the name index); that start-up is reported separately and is not part of any time. ``corpus`` scenarios run
``--repeat`` times (round-robin) and report the median and min–max; ``copies`` scenarios run once. SPARQL
goes through ``Service.sparql`` with its time limit raised to 300 s and its row limit to 100,000, so that
the full evaluation is timed at any size; the report says when the defaults (10 s, 1000 rows) would have
stopped a query. Unless ``--no-profile``, a cProfile run of the corpus graph build (default enrichers)
lists the project functions with the largest cumulative and own time.

Progress goes to the log (stderr); the Markdown tables on stdout are the command's output. Nothing is
written to BENCHMARKS.md: paste the output there.
"""

from __future__ import annotations

# This file is bench/graph.py: as a script its directory (bench/) comes first on sys.path, which is where the
# shared harness is imported from; it would also shadow the `graph` package (and bench/ingest.py the `ingest`
# package), so it is dropped before anything imports the project.
import common

common.drop_bench_dir()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

log = logging.getLogger("bench.graph")

DATASETS = ("corpus", "copies")
SCENARIOS = ("base", "full")
EXPORTS = (
    ("gexf", "gexf"),
    ("graphml", "graphml"),
    ("csv", "csv.zip"),
    ("ttl", "ttl"),
    ("jsonld", "jsonld"),
    ("actions", "jsonl"),
)
WHO = (("where", "Calvados"), ("what", "mobilité"))
WHO_CALLS, WHO_WARMUP, ASK_RUNS = 50, 3, 5
WHO_BUDGET_S, WHO_MIN_CALLS = 60.0, 10  # a slow who-query stops after 60 s of calls (at least 10 calls)
SPARQL_TIMEOUT, SPARQL_LIMIT = 300.0, 100_000  # the service defaults are 10 s and 1000 rows
DEFAULT_TIMEOUT, DEFAULT_LIMIT = 10.0, 1000

_PREFIXES = """PREFIX qfq: <https://qfq.example.org/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
PILOT = "Région Normandie"  # the actor piloting the most actions of the corpus
DEPARTEMENT = "https://qfq.example.org/id/territory/departement-27"  # Eure
QUERIES = {
    "pilot": (
        "actions piloted by an actor, with titles",
        _PREFIXES
        + f"""
SELECT ?action ?title WHERE {{
  ?actor rdfs:label "{PILOT}"@fr .
  ?action qfq:pilotedBy ?actor ; dcterms:title ?title .
}}""",
    ),
    "territory": (
        "actions on a département and on the territories it contains (qfq:partOf+)",
        _PREFIXES
        + f"""
SELECT ?action ?title ?territory WHERE {{
  {{ BIND(<{DEPARTEMENT}> AS ?territory) }}
  UNION
  {{ ?territory qfq:partOf+ <{DEPARTEMENT}> }}
  ?action qfq:inTerritory ?territory ; dcterms:title ?title .
}}""",
    ),
    "themes": (
        "count of actions per theme (GROUP BY)",
        _PREFIXES
        + """
SELECT ?theme ?label (COUNT(DISTINCT ?action) AS ?actions) WHERE {
  ?action qfq:theme ?theme .
  ?theme skos:prefLabel ?label .
}
GROUP BY ?theme ?label
ORDER BY DESC(?actions)""",
    ),
}


# -- child side ---------------------------------------------------------------------------------------------


def _dirs(dataset: str, root: Path, corpus: Path) -> tuple[Path, Path]:
    """(documents directory, data directory) of a dataset under the benchmark's root."""
    if dataset == "corpus":
        return corpus, root / "corpus" / "data"
    return root / "copies" / "docs", root / "copies" / "data"


def _startup() -> dict[str, Any]:
    t0 = time.perf_counter()
    import api.service
    from graph.territories import default_referential

    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    referential = default_referential()
    referential.lookup("Caen")  # the first lookup builds the name index
    t_ref = time.perf_counter() - t1
    return {
        "import_s": t_import,
        "referential_s": t_ref,
        "startup_s": time.perf_counter() - t0,
        "rss_after_startup_mib": common.maxrss_mib(),
        "code": str(Path(api.service.__file__).resolve().parents[1]),
    }


def _service(dataset: str, root: Path, corpus: Path) -> Any:
    from api.service import Service
    from api.settings import Settings

    docs, data = _dirs(dataset, root, corpus)
    # answer cache off: every who() call computes its answer (the cache would time dictionary lookups)
    service = Service(
        Settings(
            data=data,
            corpus=[docs],
            sparql_timeout=SPARQL_TIMEOUT,
            sparql_limit=SPARQL_LIMIT,
            answer_cache_size=0,
            warm_up=False,
        )
    )
    service.store  # noqa: B018 -- open the store outside the timings (a server has it open already)
    return service


def _prepare(dataset: str, root: Path, corpus: Path, copies: int) -> dict[str, Any]:
    """Ingest the dataset once; the graph scenarios read the store it leaves."""
    docs, data = _dirs(dataset, root, corpus)
    if dataset == "copies":
        common.make_copies(corpus, docs, copies)
    return common.ingest_dataset(docs, data)


def _graph_counts(g: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    for _, data in g.nodes(data=True):
        key = f"nodes.{data.get('type')}"
        out[key] = out.get(key, 0) + 1
    out["actions"] = out.get("nodes.action", 0)
    out["documents"] = out.get("nodes.document", 0)
    return out


def _base(service: Any) -> dict[str, Any]:
    from api.service import default_enrichers
    from graph.knowledge import KnowledgeCache

    cache = KnowledgeCache(service.store, service.referential, enrichers=[])
    w0, c0 = time.perf_counter(), time.process_time()
    kb = cache.get()
    out = {
        "build_s": time.perf_counter() - w0,
        "build_cpu_s": time.process_time() - c0,
        "rss_after_build_mib": common.maxrss_mib(),
        **_graph_counts(kb.graph),
    }
    # One-time data load of each enricher: its first call on an action minus its second call on the same one.
    doc = service.store.documents()[0]
    action = service.store.actions(doc["id"], limit=1)[0]
    lines = service.store.lines(doc["id"])
    for enrich in default_enrichers():
        t0 = time.perf_counter()
        enrich(action, lines)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        enrich(action, lines)
        warm = time.perf_counter() - t0
        out[f"enricher_load.{enrich.__name__}_s"] = cold - warm
    return out


def _full(service: Any, work: Path) -> dict[str, Any]:
    from ingest.errors import InputError

    out: dict[str, Any] = {}
    w0, c0 = time.perf_counter(), time.process_time()
    kb = service.knowledge  # KnowledgeCache.get() on a fresh cache, default enrichers
    out.update(
        build_s=time.perf_counter() - w0,
        build_cpu_s=time.process_time() - c0,
        rss_after_build_mib=common.maxrss_mib(),
        **_graph_counts(kb.graph),
    )
    log.info("graph built in %.2f s: %d nodes, %d edges", out["build_s"], out["nodes"], out["edges"])

    w0, c0 = time.perf_counter(), time.process_time()
    rdf = kb.rdf  # to_rdf, closed-ontology check included; cached for the RDF exports and SPARQL
    out.update(
        rdf_s=time.perf_counter() - w0,
        rdf_cpu_s=time.process_time() - c0,
        triples=len(rdf),
        rss_after_rdf_mib=common.maxrss_mib(),
    )
    log.info("RDF: %d triples in %.2f s", out["triples"], out["rdf_s"])

    work.mkdir(parents=True, exist_ok=True)
    for fmt, suffix in EXPORTS:
        path = work / f"export.{suffix}"
        t0 = time.perf_counter()
        if fmt == "actions":
            with open(path, "w", encoding="utf-8") as text_out:
                service.export_actions(text_out)
        else:
            with open(path, "wb") as binary_out:
                service.export_graph(fmt, binary_out)
        out[f"export.{fmt}.s"] = time.perf_counter() - t0
        out[f"export.{fmt}.bytes"] = path.stat().st_size
        out[f"export.{fmt}.rss_mib"] = common.maxrss_mib()
        path.unlink()
        log.info("export %s: %.2f s, %d bytes", fmt, out[f"export.{fmt}.s"], out[f"export.{fmt}.bytes"])

    asks = []
    for _ in range(ASK_RUNS):
        t0 = time.perf_counter()
        service.sparql("ASK {}")
        asks.append(time.perf_counter() - t0)
    out["sparql.ask.s"] = statistics.median(asks)
    out["sparql.ask.min_s"], out["sparql.ask.max_s"] = min(asks), max(asks)
    for name, (_title, query) in QUERIES.items():
        t0 = time.perf_counter()
        try:
            result = service.sparql(query)
        except InputError as exc:
            log.warning("SPARQL %s failed: %s", name, exc)
            out[f"sparql.{name}.error"] = str(exc)
            continue
        out[f"sparql.{name}.s"] = time.perf_counter() - t0
        bindings = result["results"]["bindings"]
        out[f"sparql.{name}.rows"] = len(bindings)
        out[f"sparql.{name}.truncated"] = result["truncated"]
        if name == "themes" and bindings:
            out[f"sparql.{name}.top"] = f"{bindings[0]['label']['value']} ({bindings[0]['actions']['value']})"
        log.info("SPARQL %s: %d rows in %.2f s", name, len(bindings), out[f"sparql.{name}.s"])
    out["sparql_child_peak_rss_mib"] = common.children_maxrss_mib()

    for param, value in WHO:

        def call(param: str = param, value: str = value) -> dict[str, Any]:
            return service.who(**{param: value})

        t0 = time.perf_counter()
        result = call()  # the first who-query of the process also builds KnowledgeBase.queries
        first = time.perf_counter() - t0
        for _ in range(WHO_WARMUP - 1):
            call()
        samples: list[float] = []
        while len(samples) < WHO_CALLS and (len(samples) < WHO_MIN_CALLS or sum(samples) < WHO_BUDGET_S):
            t0 = time.perf_counter()
            call()
            samples.append(time.perf_counter() - t0)
        key = f"who.{param}"
        out[f"{key}.calls"] = len(samples)
        out[f"{key}.first_ms"] = 1000 * first
        out[f"{key}.p50_ms"] = 1000 * common.percentile(samples, 50)
        out[f"{key}.p95_ms"] = 1000 * common.percentile(samples, 95)
        out[f"{key}.actors"] = len(result["results"])
        out[f"{key}.actions"] = len({a["id"] for r in result["results"] for a in r["actions"]})
        log.info(
            "who %s=%s: p50 %.1f ms, p95 %.1f ms, %d actors",
            param,
            value,
            out[f"{key}.p50_ms"],
            out[f"{key}.p95_ms"],
            out[f"{key}.actors"],
        )
    return out


def child_main(args: argparse.Namespace) -> None:
    common.setup_logging(logging.INFO if args.verbose else logging.WARNING, child=True)
    root, corpus = Path(args.work), Path(args.corpus).resolve()
    if args.scenario == "prepare":
        out = _prepare(args.dataset, root, corpus, args.copies)
    else:
        out = _startup()
        service = _service(args.dataset, root, corpus)
        if args.scenario == "base":
            out.update(_base(service))
        elif args.scenario == "full":
            out.update(_full(service, root / "exports" / f"{args.dataset}-{os.getpid()}"))
        else:
            out.update(common.profile(lambda: service.knowledge, top=16))
        service.close()
    out["peak_rss_mib"] = common.maxrss_mib()
    json.dump(out, sys.stdout)


# -- parent side --------------------------------------------------------------------------------------------


def _spawn(scenario: str, dataset: str, args: argparse.Namespace, root: Path) -> dict[str, Any]:
    argv = [
        "--scenario",
        scenario,
        "--dataset",
        dataset,
        "--work",
        str(root),
        "--corpus",
        str(args.corpus),
        "--copies",
        str(args.copies),
    ]
    out = common.run_child(
        __file__, argv + (["--verbose"] if args.verbose else []), f"{scenario} on {dataset}"
    )
    if out["process_s"] > 180 and scenario != "prepare":
        log.warning(
            "%s on %s took %.0f s (more than 3 minutes): consider a smaller --copies",
            scenario,
            dataset,
            out["process_s"],
        )
    return out


def _machine(revision: str) -> str:
    import networkx
    import rdflib

    return common.machine_line(
        revision, f"rdflib {rdflib.__version__}, networkx {networkx.__version__}", memory=True
    )


def _aggregate(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per numeric metric: median over the repeats, and its min and max; other values from the first run."""
    out: dict[str, Any] = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        values = [r[key] for r in runs if key in r]
        if key.endswith("mib"):
            out[key] = max(values)  # memory: the largest peak
        else:
            out[key] = statistics.median(values)
        out[f"{key}:min"], out[f"{key}:max"] = min(values), max(values)
    for key in ("nodes", "edges", "actions", "triples"):
        if len({r.get(key) for r in runs}) > 1:
            log.warning("%s differs between repeats: %s", key, [r.get(key) for r in runs])
    out["repeat"] = len(runs)
    return out


_f = common.fmt


def _spread(r: dict[str, Any], key: str, digits: int = 2, scale: float = 1.0) -> str:
    """'median (min–max)', or the single value of a run done once."""
    if key not in r:
        return "–"
    if r.get("repeat", 1) == 1 or f"{key}:min" not in r:
        return _f(r[key] * scale, digits)
    return common.median_range([r[f"{key}:min"] * scale, r[f"{key}:max"] * scale], digits, mid=r[key] * scale)


def _per_action(a: dict[str, Any] | None, b: dict[str, Any] | None, key: str) -> str:
    if not a or not b or key not in a or key not in b or not a[key]:
        return "–"
    return _f((b[key] / b["actions"]) / (a[key] / a["actions"]), 2)


def _size(n: float) -> str:
    return f"{n / 2**20:.2f} MiB" if n >= 2**20 else f"{n / 2**10:.0f} KiB"


def _build_table(
    res: dict[tuple[str, str], dict[str, Any]], prep: dict[str, dict[str, Any]], copies: int
) -> str:
    head = (
        "| dataset | docs | actions | nodes | edges | build, no enrichers s | build, default enrichers s | "
        "enrichers s (difference) | ms/action (full build) | start-up s | peak RSS after build MiB |"
    )
    lines = common.table_head(head)
    labels = {"corpus": "(A) corpus", "copies": f"(B) {copies} copies"}
    for ds in DATASETS:
        base, full = res.get((ds, "base")), res.get((ds, "full"))
        if not base or not full:
            continue
        diff = full["build_s"] - base["build_s"]
        lines.append(
            f"| {labels[ds]} | {prep[ds]['documents']} | {full['actions']} | {full['nodes']:,} | {full['edges']:,} | "
            f"{_spread(base, 'build_s')} | {_spread(full, 'build_s')} | {_f(diff)} | "
            f"{_f(1000 * full['build_s'] / full['actions'], 1)} | {_spread(full, 'startup_s')} | "
            f"{_f(full['rss_after_build_mib'], 0)} |"
        )
    return "\n".join(lines)


def _steps_table(res: dict[tuple[str, str], dict[str, Any]], copies: int) -> str:
    a, b = res.get(("corpus", "full")), res.get(("copies", "full"))
    ab, bb = res.get(("corpus", "base")), res.get(("copies", "base"))
    head = (
        f"| step | corpus s, median (min–max) | corpus result | {copies} copies s | {copies} copies result | "
        "copies / corpus, per action |"
    )
    lines = common.table_head(head)

    def row(
        label: str,
        ra: dict[str, Any] | None,
        rb: dict[str, Any] | None,
        key: str,
        what_a: str,
        what_b: str,
        scale: float = 1.0,
        digits: int = 2,
    ) -> None:
        lines.append(
            f"| {label} | {_spread(ra, key, digits, scale) if ra else '–'} | {what_a} | "
            f"{_spread(rb, key, digits, scale) if rb else '–'} | {what_b} | {_per_action(ra, rb, key)} |"
        )

    def g(r: dict[str, Any] | None, key: str, fmt: Any = str) -> str:
        return fmt(r[key]) if r and key in r else "–"

    row(
        "graph build, no enrichers",
        ab,
        bb,
        "build_s",
        g(ab, "edges", lambda v: f"{v:,} edges"),
        g(bb, "edges", lambda v: f"{v:,} edges"),
    )
    row(
        "graph build, default enrichers",
        a,
        b,
        "build_s",
        g(a, "edges", lambda v: f"{v:,} edges"),
        g(b, "edges", lambda v: f"{v:,} edges"),
    )
    row(
        "RDF conversion (`to_rdf`)",
        a,
        b,
        "rdf_s",
        g(a, "triples", lambda v: f"{v:,} triples"),
        g(b, "triples", lambda v: f"{v:,} triples"),
    )
    for fmt, _suffix in EXPORTS:
        label = {
            "csv": "export csv (zip)",
            "actions": "export actions (JSON Lines)",
            "ttl": "export ttl (RDF cached)",
            "jsonld": "export jsonld (RDF cached)",
        }.get(fmt, f"export {fmt}")
        row(
            label,
            a,
            b,
            f"export.{fmt}.s",
            g(a, f"export.{fmt}.bytes", _size),
            g(b, f"export.{fmt}.bytes", _size),
        )
    row(f"SPARQL `ASK {{}}` (fixed cost, median of {ASK_RUNS})", a, b, "sparql.ask.s", "true", "true")
    for name, (title, _q) in QUERIES.items():

        def res_of(r: dict[str, Any] | None, name: str = name) -> str:
            if not r:
                return "–"
            if f"sparql.{name}.error" in r:
                return "error"
            text = f"{r[f'sparql.{name}.rows']:,} rows"
            if r[f"sparql.{name}.rows"] > DEFAULT_LIMIT:
                text += f" (> {DEFAULT_LIMIT} default limit)"
            return text

        row(f"SPARQL: {title}", a, b, f"sparql.{name}.s", res_of(a), res_of(b))
    for param, value in WHO:
        for p in (50, 95):
            key = f"who.{param}.p{p}_ms"
            row(
                f'who({param}="{value}") p{p}, ms',
                a,
                b,
                key,
                g(a, f"who.{param}.actors", lambda v: f"{v} actors"),
                g(b, f"who.{param}.actors", lambda v: f"{v} actors"),
                digits=1,
            )
    for label, ra, rb in (("base", ab, bb), ("full", a, b)):
        ratio = f"{rb['peak_rss_mib'] / ra['peak_rss_mib']:.2f} (not per action)" if ra and rb else "–"
        lines.append(
            f"| peak RSS, {label} scenario (MiB) | {_f(ra['peak_rss_mib'], 0) if ra else '–'} | | "
            f"{_f(rb['peak_rss_mib'], 0) if rb else '–'} | | {ratio} |"
        )
    return "\n".join(lines)


def _notes(res: dict[tuple[str, str], dict[str, Any]], prep: dict[str, dict[str, Any]], copies: int) -> str:
    out = []
    for ds in DATASETS:
        p = prep.get(ds)
        if p:
            out.append(
                f"- ingest of {ds} before the benchmark (not measured here, for reference): "
                f"{p['documents']} documents, {p['actions']} actions in {p['ingest_s']:.1f} s"
                + (f"; {len(p['errors'])} errors" if p["errors"] else "")
            )
    for ds in DATASETS:
        base, full = res.get((ds, "base")), res.get((ds, "full"))
        if base and full:
            loads = {
                k.split(".")[1].removesuffix("_s"): v
                for k, v in base.items()
                if k.startswith("enricher_load.") and ":" not in k
            }
            types = ", ".join(
                f"{k.split('.')[1]} {v:,}" for k, v in full.items() if k.startswith("nodes.") and ":" not in k
            )
            out.append(f"- {ds}: nodes by type: {types}")
            out.append(
                f"- {ds}: enrichers add {full['build_s'] - base['build_s']:.2f} s to the build "
                f"({100 * (full['build_s'] - base['build_s']) / full['build_s']:.0f} % of it), of which the "
                f"one-time data load is about "
                + ", ".join(f"{v:.2f} s ({k})" for k, v in loads.items())
                + f"; build CPU {full['build_cpu_s']:.2f} s for {full['build_s']:.2f} s wall"
            )
            ask = full["sparql.ask.s"]
            nets = ", ".join(
                f"{n} {full[f'sparql.{n}.s'] - ask:.2f} s" for n in QUERIES if f"sparql.{n}.s" in full
            )
            out.append(
                f"- {ds}: SPARQL query time minus the `ASK {{}}` fixed cost ({ask:.2f} s): {nets}; "
                f"largest forked query process RSS {full['sparql_child_peak_rss_mib']:.0f} MiB"
            )
            slow = [n for n in QUERIES if full.get(f"sparql.{n}.s", 0) > DEFAULT_TIMEOUT]
            if slow:
                out.append(
                    f"- {ds}: **over the service's default {DEFAULT_TIMEOUT:g} s SPARQL time limit**: "
                    + ", ".join(slow)
                )
            if "sparql.themes.top" in full:
                out.append(f"- {ds}: most frequent theme: {full['sparql.themes.top']}")
            whos = "; ".join(
                f"{p}={v!r}: {full[f'who.{p}.calls']} calls, first call {full[f'who.{p}.first_ms']:.0f} ms, "
                f"{full[f'who.{p}.actors']} actors / {full[f'who.{p}.actions']} actions"
                for p, v in WHO
            )
            out.append(
                f"- {ds}: who-queries (up to {WHO_CALLS} calls, or {WHO_BUDGET_S:.0f} s, after {WHO_WARMUP} "
                f"warm-up calls): {whos}"
            )
            rss = (
                ", ".join(
                    f"{k} {full[k]:.0f}"
                    for k in ("rss_after_startup_mib", "rss_after_build_mib", "rss_after_rdf_mib")
                )
                + ", "
                + ", ".join(f"after {f} {full[f'export.{f}.rss_mib']:.0f}" for f, _ in EXPORTS)
            )
            out.append(f"- {ds}: RSS along the full scenario (MiB): {rss}")
    empty = [
        f"{ds}: {n}"
        for ds in DATASETS
        for n in QUERIES
        if res.get((ds, "full")) and not res[(ds, "full")].get(f"sparql.{n}.rows")
    ]
    if empty:
        out.append(f"- **SPARQL queries with no rows or an error**: {', '.join(empty)}")
    a, b = res.get(("corpus", "full")), res.get(("copies", "full"))
    if a:
        total = a["startup_s"] + a["build_s"]
        ok = a["build_s"] < 5
        out.append(
            f"- target: corpus graph build (default enrichers) {a['build_s']:.2f} s < 5 s on "
            f"{os.cpu_count()} CPUs: {'met' if ok else 'NOT met'}; with the process start-up "
            f"{total:.2f} s ({'met' if total < 5 else 'NOT met'})"
        )
        peak = max(r["peak_rss_mib"] for r in res.values())
        out.append(
            f"- largest peak RSS {peak:.0f} MiB (memory target < 500 MB: {'met' if peak < 500 else 'NOT met'})"
        )
    if a and b:
        out.append(
            f"- copies / corpus per action: 1.00 = linear; the graph has {b['actions'] / a['actions']:.0f}x "
            f"the actions but shares actors, territories and vocabularies, so fixed costs show as < 1"
        )
    return "\n".join(out)


def parent_main(args: argparse.Namespace) -> None:
    common.setup_logging(logging.INFO)
    common.corpus_dir(args.corpus)
    revision = common.code_revision()
    root = Path(tempfile.mkdtemp(prefix="qfq-bench-graph-"))
    results: dict[tuple[str, str], dict[str, Any]] = {}
    prep: dict[str, dict[str, Any]] = {}
    profile = None
    try:
        for ds in DATASETS:
            prep[ds] = _spawn("prepare", ds, args, root)
            for err in prep[ds]["errors"][:5]:
                log.warning("%s: ingest error: %s", ds, err)
        runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for i in range(args.repeat):  # round-robin, so a noisy moment does not hit one scenario only
            for ds in DATASETS:
                if ds == "copies" and i > 0:  # one run: the copies already average over N x the actions
                    continue
                for sc in SCENARIOS:
                    runs.setdefault((ds, sc), []).append(_spawn(sc, ds, args, root))
        results = {k: _aggregate(v) for k, v in runs.items()}
        if not args.no_profile:
            profile = _spawn("profile", "corpus", args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    common.warn_if_code_changed(revision)

    common.print_header(_machine(revision), "bench/graph.py")
    print(_build_table(results, prep, args.copies))
    print()
    print(_steps_table(results, args.copies))
    print()
    print(_notes(results, prep, args.copies))
    if profile:
        print()
        print(common.profile_tables(profile, "the corpus graph build, default enrichers", own_rows=8))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="qfq knowledge-graph benchmark (build, RDF, exports, SPARQL, who)"
    )
    parser.add_argument(
        "--copies",
        type=int,
        default=25,
        help="synthetic copies of the corpus (default 25: with 50, the copies' full scenario alone "
        "takes about 3.5 minutes)",
    )
    parser.add_argument(
        "--corpus", default="../shared/corpus", help="corpus directory (default ../shared/corpus)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each corpus scenario, each in a fresh process; the median is reported "
        "(default 3; the copies scenarios run once)",
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run of the corpus build")
    parser.add_argument("--verbose", action="store_true", help="log each step inside the child processes")
    parser.add_argument("--scenario", choices=("prepare", *SCENARIOS, "profile"), help=argparse.SUPPRESS)
    parser.add_argument("--dataset", choices=DATASETS, help=argparse.SUPPRESS)
    common.scenario_main(parser, argv, child_main, parent_main, _invalid)


def _invalid(args: argparse.Namespace) -> str | None:
    return "--copies and --repeat must be at least 1" if args.copies < 1 or args.repeat < 1 else None


if __name__ == "__main__":
    main()
