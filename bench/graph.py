"""Knowledge-graph benchmark: graph build, RDF and SPARQL, exports, who-queries, on the corpus and on copies.

    python bench/graph.py [--copies 25] [--repeat 3] [--corpus ../shared/corpus] [--work DIR]

Each dataset (the corpus, then --copies renamed copies of it) is ingested first, untimed. Then, in one process
and through `Service` only: the graph build of a fresh service (`Service.knowledge`, default enrichers;
--repeat times on the corpus, once on the copies), the first SPARQL query (which converts the graph to RDF),
`ASK {}` (the fixed cost of a query: parse, fork, pipe, JSON), three typical queries, every export written to
a file, and `who(where=…)` / `who(what=…)`: up to 50 calls after 3 warm-up calls, or 60 s. The answer cache is
off (every call computes its answer) and SPARQL's limits are raised (300 s, 100,000 rows) so that every query
runs in full. Target: corpus graph build < 5 s on 2 cores.
"""

from __future__ import annotations

import re

import harness

PREFIXES = """PREFIX qfq: <https://qfq.example.org/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def queries(pilot: str, dept: str) -> dict[str, str]:
    """What an analyst asks (bench/scenarios.toml names the actor and the département)."""
    return {
        "actions piloted by an actor, with titles": f"""SELECT ?action ?title WHERE {{
  ?actor rdfs:label "{pilot}"@fr . ?action qfq:pilotedBy ?actor ; dcterms:title ?title . }}""",
        "actions on a département and the territories it contains (partOf+)": f"""SELECT ?action ?t WHERE {{
  {{ BIND(<{dept}> AS ?t) }} UNION {{ ?t qfq:partOf+ <{dept}> }} ?action qfq:inTerritory ?t . }}""",
        "count of actions per theme (GROUP BY)": """SELECT ?theme (COUNT(DISTINCT ?a) AS ?n) WHERE {
  ?a qfq:theme ?theme . } GROUP BY ?theme ORDER BY DESC(?n)""",
    }


TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
EXPORTS = {
    "gexf": "gexf",
    "graphml": "graphml",
    "csv": "csv.zip",
    "ttl": "ttl",
    "jsonld": "jsonld",
    "actions": "jsonl",
}
INPUTS = harness.inputs("graph")


def rows(answer) -> str:
    return f"{len(answer['results']['bindings']):,} rows"


def size(path) -> str:
    n = path.stat().st_size
    text = f"{n / 2**20:.2f} MiB" if n >= 2**20 else f"{n / 2**10:.0f} KiB"
    if path.suffix == ".graphml":  # the graph's size, read from the export
        data = path.read_bytes()
        text += f"; {len(re.findall(rb'<node ', data)):,} nodes, {len(re.findall(rb'<edge ', data)):,} edges"
    return text


def who_label(kwargs: dict[str, str]) -> str:
    return "who(" + ", ".join(f"{k}={v}" for k, v in kwargs.items()) + ")"


def dataset(label: str, docs, data, repeat: int, work) -> list[harness.Scenario]:
    """The scenarios on one ingested dataset; they share the service the last graph build made."""
    state = {}

    def fresh(_):
        state["svc"] = harness.service(
            data, docs, answer_cache_size=0, warm_up=False, sparql_timeout=300, sparql_limit=100_000
        )
        return state["svc"]

    def export(fmt):
        path = work / f"{label}.{EXPORTS[fmt]}"
        if fmt == "actions":
            with open(path, "w", encoding="utf-8") as text:
                state["svc"].export_actions(text)
        else:
            with open(path, "wb") as binary:
                state["svc"].export_graph(fmt, binary)
        return path

    def sparql(query):
        return state["svc"].sparql(PREFIXES + query)

    actions = lambda _kb: f"{state['svc'].health()['actions']:,} actions"  # noqa: E731
    out = [
        harness.Scenario(
            f"{label}: graph build", lambda svc: svc.knowledge, setup=fresh, repeats=repeat, describe=actions
        ),
        harness.Scenario(
            f"{label}: first SPARQL query (converts to RDF)",
            sparql,
            items=[TRIPLES],
            describe=lambda a: f"{a['results']['bindings'][0]['n']['value']} triples",
        ),
        harness.Scenario(f"{label}: SPARQL `ASK {{}}` (fixed cost)", sparql, items=["ASK {}"], repeats=5),
    ]
    out += [
        harness.Scenario(f"{label}: SPARQL {name}", sparql, items=[q], repeats=repeat, describe=rows)
        for name, q in queries(INPUTS["pilot"], INPUTS["departement"]).items()
    ]
    out += [
        harness.Scenario(f"{label}: export {fmt}", export, items=[fmt], repeats=repeat, describe=size)
        for fmt in EXPORTS
    ]
    out += [
        harness.Scenario(
            f"{label}: {who_label(kwargs)}",
            lambda _, kw=kwargs: state["svc"].who(**kw),
            items=[None] * 50,
            warmup=3,
            budget_s=60,
            describe=lambda a: f"{len(a['results'])} actors",
        )
        for kwargs in INPUTS["who"]
    ]
    return out


def main() -> None:
    args = harness.parser(__doc__.splitlines()[0], copies=25).parse_args()
    work = harness.start(args, "graph")
    corpus = args.corpus.resolve()
    copies = harness.make_copies(corpus, work / "copies", args.copies)
    sets = {"corpus": (corpus, args.repeat), f"{args.copies} copies": (copies, 1)}
    res, peaks = {}, {}
    for label, (docs, repeat) in sets.items():
        data = work / label.replace(" ", "-")
        report = harness.service(data, docs).build([docs])  # untimed: bench/ingest.py measures it
        harness.log.info(
            "%s ingested: %d documents, %d actions", label, len(report.documents), report.actions
        )
        harness.run(dataset(label, docs, data, repeat, work), res)
        peaks[label] = harness.peak_rss_mib()

    a, b = sets
    steps = ["graph build", "first SPARQL query (converts to RDF)", "export gexf", "export ttl"]
    steps += [who_label(kwargs) for kwargs in INPUTS["who"]]
    checks = [
        harness.check("corpus graph build, s", res[f"{a}: graph build"].median, 5),
        harness.check("peak RSS after the corpus, MB (the ingest's target)", peaks[a] * 1.048576, 500),
        harness.check(f"peak RSS after the {b}, MiB", peaks[b]),
    ]
    checks += [
        harness.check(
            f"{b} / corpus, per action: {s} (1 = linear)",
            res[f"{b}: {s}"].median / res[f"{a}: {s}"].median / args.copies,
        )
        for s in steps
    ]
    harness.report(
        "Knowledge graph (`bench/graph.py`)",
        harness.results_table(res),
        harness.targets_table(checks),
        versions=("rdflib", "networkx"),
    )
    harness.finish(args, work)


if __name__ == "__main__":
    main()
