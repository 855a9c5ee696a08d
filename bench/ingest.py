"""Ingest benchmark: time, linearity and peak memory of `Service.build`.

    python bench/ingest.py [--copies 50] [--repeat 3] [--corpus ../shared/corpus] [--work DIR]

Scenarios, in one process: the start-up (imports, territory referential and its name index, through the first
`Service.territories` call), the corpus ingested into a fresh data directory (--repeat times), the unchanged
corpus ingested again by a new `Service` (nothing is parsed), and --copies renamed copies of every document
ingested once. Targets: corpus ingest with the start-up < 10 s on 2 cores, peak RSS < 500 MB.
"""

from __future__ import annotations

import harness

MB = 1.048576  # MiB -> MB


def summary(report) -> str:
    return f"{len(report.documents)} documents, {report.actions} actions, {report.errors} errors"


def main() -> None:
    args = harness.parser(__doc__.splitlines()[0], copies=50).parse_args()
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
