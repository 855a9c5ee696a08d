"""Ingest benchmark: time, linearity and peak memory of `Service.build`.

    python bench/ingest.py [--copies 50] [--repeat 3] [--corpus ../shared/corpus] [--work DIR]
    python bench/ingest.py --linearity [--sizes 1,5,10,25,50] [--work DIR]

Scenarios, in one process: the start-up (imports, territory referential and its name index, through the first
`Service.territories` call), the corpus ingested into a fresh data directory (--repeat times), the unchanged
corpus ingested again by a new `Service` (nothing is parsed), and --copies renamed copies of every document
ingested once. Targets: corpus ingest with the start-up < 10 s on 2 cores, peak RSS < 500 MB.

``--linearity``: parse time alone (no store, no encoding) of text plans of growing size built by
repeating varied fiches (bench/ingest_linearity.py), with seconds per MB and its ratio to the smallest.
"""

from __future__ import annotations

import os

import harness

MB = 1.048576  # MiB -> MB


def summary(report) -> str:
    return f"{len(report.documents)} documents, {report.actions} actions, {report.errors} errors"


def linearity(args) -> None:
    import importlib.util
    import platform

    spec = importlib.util.spec_from_file_location(
        "ingest_linearity", harness.REPO / "bench/ingest_linearity.py"
    )
    ingest_linearity = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ingest_linearity)

    work = harness.start(args, "ingest-linearity")
    sizes = [float(x) for x in args.sizes.split(",")]
    rows = ingest_linearity.run(sizes, work)
    cpus = f"{os.cpu_count()} cpus (pinned to 2)"
    load = f"load average {os.getloadavg()[0]:.1f}"
    print(f"machine: {platform.machine()}, {cpus}, Python {platform.python_version()}, {load}")
    print(ingest_linearity.table(rows))
    harness.finish(args, work)


def main() -> None:
    ap = harness.parser(__doc__.splitlines()[0], copies=50)
    ap.add_argument("--linearity", action="store_true", help="parse time of text plans of growing size")
    ap.add_argument("--sizes", default="1,5,10,25,50", help="sizes in MB for --linearity (1,5,10,25,50)")
    args = ap.parse_args()
    if args.linearity:
        linearity(args)
        return
    work = harness.start(args, "ingest")
    corpus = args.corpus.resolve()
    runs = iter(range(10**6))

    def fresh(docs):
        return harness.service(work / f"data-{next(runs)}", docs), docs

    def startup(_):
        return harness.service(work / "startup", corpus).territories("Caen")

    last = {}

    def build(arg):
        svc, docs = arg
        last["data"] = svc.settings.data
        return svc.build([docs])

    scenarios = [
        harness.Scenario("start-up (imports, territory referential)", startup),
        harness.Scenario(
            "ingest corpus", build, items=[corpus], setup=fresh, repeats=args.repeat, describe=summary
        ),
        harness.Scenario(
            "re-ingest unchanged corpus (new Service)",
            build,
            items=[corpus],
            setup=lambda docs: (harness.service(last["data"], docs), docs),
            repeats=args.repeat,
            describe=lambda r: (
                summary(r) + f", {sum(d.status == 'unchanged' for d in r.documents)} unchanged"
            ),
        ),
        harness.Scenario(
            f"ingest {args.copies} copies",
            build,
            items=[harness.make_copies(corpus, work / "copies", args.copies)],
            setup=fresh,
            describe=summary,
        ),
    ]
    res = harness.run(scenarios)

    up, one, again, many = res.values()
    per_action = (many.median / many.value.actions) / (one.median / one.value.actions)
    peak = max(r.rss_mib for r in res.values())
    checks = [
        harness.check("corpus ingest + start-up, s", one.median + up.median, 10),
        harness.check("peak RSS, MB", peak * MB, 500),
        harness.check(f"linearity: {args.copies} copies / corpus, per action (1 = linear)", per_action),
        harness.check("re-ingest unchanged / ingest", again.median / one.median),
    ]
    harness.report("Ingest (`bench/ingest.py`)", harness.results_table(res), harness.targets_table(checks))
    harness.finish(args, work)


if __name__ == "__main__":
    main()
