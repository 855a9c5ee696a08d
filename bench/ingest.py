"""Ingest benchmark: wall time, throughput and peak memory of the ingest, one scenario per fresh process.

    python bench/ingest.py [--copies 50] [--corpus ../shared/corpus] [--repeat 3]
                           [--tracemalloc small|all|none] [--profile]

Scenarios, each run in its own child process (this script with the hidden ``--scenario`` flag) so that
``ru_maxrss`` is that scenario's peak and nothing is shared through caches:

- ``corpus``   ingest the real corpus into a fresh data directory (``Service.build``);
- ``copies``   ingest N renamed copies of every corpus document (``copyNNN_<name>``: distinct document ids)
               into another fresh data directory;
- ``reingest`` build again, from a new process, into the ``corpus`` data directory: every content hash
               matches, nothing is parsed;
- ``parse``    ``ingest.pipeline.parse_document`` on each corpus file, no store (same gazetteer as the service).

Every child first loads the territory referential and does one lookup (which builds the name index); that
start-up is reported separately and is not part of the scenario's wall time. ``corpus``, ``reingest`` and
``parse`` run ``--repeat`` times (round-robin) and report the median; ``copies`` runs once. Tracing slows
allocation 2-3x, so the tracemalloc peak comes from a second, separate run (by default of every scenario
but ``copies``, which would add minutes). ``--profile`` adds a cProfile run of the corpus ingest and lists
the project's functions with the largest cumulative and own time.

Progress goes to the log (stderr); the Markdown tables on stdout are the command's output. Nothing is
written to BENCHMARKS.md: paste the output there.
"""

from __future__ import annotations

# This file is bench/ingest.py: as a script its directory (bench/) comes first on sys.path, which is where the
# shared harness is imported from; it would also shadow the `ingest` package, so it is dropped before anything
# imports the project.
import common

common.drop_bench_dir()

import argparse  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

log = logging.getLogger("bench.ingest")

SCENARIOS = ("corpus", "copies", "reingest", "parse")
_fmt = functools.partial(common.fmt, sep="")  # no thousands separator in this script's tables


# -- child side ---------------------------------------------------------------------------------------------


def _ingest_result(report: Any, service: Any) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    for d in report.documents:
        statuses[d.status] = statuses.get(d.status, 0) + 1
    errors = [d.error for d in report.documents if d.status == "error"]
    return {
        "documents": len(report.documents),
        "actions": report.actions,
        "statuses": statuses,
        "errors": errors,
        "warnings": sum(len(d.warnings) for d in report.documents),
        "entities": report.entities,
        "unmatched": len(report.unmatched_territories),
        "stored_actions": service.store.count_actions(),
    }


def _run_scenario(name: str, corpus: Path, copies: int, work: Path, trace: bool = False) -> dict[str, Any]:
    """Start-up, then the scenario's timed body. `work` is this scenario's scratch directory.

    With `trace`, tracemalloc runs over the body only (after start-up and set-up): its peak is what the
    scenario itself allocates on the Python heap, on top of the referential.
    """
    t0 = time.perf_counter()
    from api.service import Service
    from api.settings import Settings
    from graph.actions_export import linker_for
    from graph.territories import default_referential
    from ingest.pipeline import parse_document

    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    referential = default_referential()
    t_load = time.perf_counter() - t1
    t1 = time.perf_counter()
    referential.lookup("Caen")  # the first lookup builds the name index
    t_index = time.perf_counter() - t1
    startup = {
        "import_s": t_import,
        "referential_load_s": t_load,
        "first_lookup_s": t_index,
        "startup_s": time.perf_counter() - t0,
        "rss_after_startup_mib": common.maxrss_mib(),
    }

    setup: dict[str, Any] = {}
    if name == "copies":
        src = work / "docs"
        setup["copied_files"] = common.make_copies(corpus, src, copies)
        dirs, data = [src], work / "data"
    elif name in ("corpus", "reingest"):
        dirs, data = [corpus], work / "data"  # reingest reuses the corpus scenario's data directory

    if trace:
        import tracemalloc

        tracemalloc.start()
    service = None
    if name == "parse":
        files = sorted(p for p in corpus.iterdir() if p.is_file())
        gazetteer = linker_for(referential, {}, []).is_place  # what Service.ingest passes
        w0, c0 = time.perf_counter(), time.process_time()
        actions = sum(len(parse_document(f, gazetteer=gazetteer).actions) for f in files)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        result: dict[str, Any] = {"documents": len(files), "actions": actions, "errors": [], "statuses": {}}
    else:
        service = Service(Settings(data=data, corpus=dirs))
        w0, c0 = time.perf_counter(), time.process_time()
        report = service.build(dirs)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        result = _ingest_result(report, service)
    if trace:
        result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    if service is not None:
        # The report totals walk every stored action through the territory linker (Service._totals does
        # this inside build); time one such pass so its share of the wall time is visible.
        e0 = time.perf_counter()
        result["exported_rows"] = sum(1 for _ in service.export_rows())
        result["export_pass_s"] = time.perf_counter() - e0
        service.close()
    return {"scenario": name, "wall_s": wall, "cpu_s": cpu, **startup, **setup, **result}


def child_main(args: argparse.Namespace) -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    work = Path(args.work)
    corpus = Path(args.corpus).resolve()
    if args.mode == "profile":
        out = _profile(corpus, work)
    elif args.mode == "tracemalloc":
        out = _run_scenario(args.scenario, corpus, args.copies, work, trace=True)
    else:
        out = _run_scenario(args.scenario, corpus, args.copies, work)
    out["peak_rss_mib"] = common.maxrss_mib()
    json.dump(out, sys.stdout)


def _profile(corpus: Path, work: Path, top: int = 12) -> dict[str, Any]:
    from api.service import Service
    from api.settings import Settings
    from graph.territories import default_referential

    default_referential().lookup("Caen")  # start-up outside the profile, as in the timed scenarios
    service = Service(Settings(data=work / "data", corpus=[corpus]))
    out = common.profile(lambda: service.build([corpus]), top)
    service.close()
    return {"scenario": "profile", **out}


# -- parent side --------------------------------------------------------------------------------------------


def _spawn(scenario: str, args: argparse.Namespace, work: Path, mode: str = "time") -> dict[str, Any]:
    return common.run_child(
        __file__,
        [
            "--scenario",
            scenario,
            "--mode",
            mode,
            "--work",
            str(work),
            "--corpus",
            str(args.corpus),
            "--copies",
            str(args.copies),
        ],
        f"{scenario} ({mode})",
    )


def _table(results: dict[str, dict[str, Any]], copies: int) -> str:
    labels = {
        "corpus": "(a) ingest corpus",
        "copies": f"(b) ingest {copies} copies",
        "reingest": "(c) re-ingest unchanged",
        "parse": "(d) parse only, no store",
    }
    head = (
        "| scenario | docs | actions | wall s (median) | wall min–max s | CPU s | actions/s | ms/doc | start-up s | "
        "peak RSS MiB | RSS after start-up MiB | tracemalloc peak MiB | errors |"
    )
    lines = common.table_head(head)
    for name in SCENARIOS:
        r = results.get(name)
        if r is None:
            continue
        rate = r["actions"] / r["wall_s"] if r["wall_s"] > 0 and r["actions"] else None
        lines.append(
            f"| {labels[name]} | {r['documents']} | {r['actions']} | {_fmt(r['wall_s'], 3)} | "
            f"{_fmt(r['wall_min_s'], 3)}–{_fmt(r['wall_max_s'], 3)} | {_fmt(r['cpu_s'], 3)} | "
            f"{_fmt(rate, 0)} | {_fmt(1000 * r['wall_s'] / r['documents'], 1)} | {_fmt(r['startup_s'])} | "
            f"{_fmt(r['peak_rss_mib'], 0)} | {_fmt(r['rss_after_startup_mib'], 0)} | "
            f"{_fmt(r.get('tracemalloc_peak_mib'), 1)} | {len(r['errors'])} |"
        )
    return "\n".join(lines)


def _ratios(results: dict[str, dict[str, Any]], copies: int) -> str:
    a, b, c, d = (results.get(k) for k in SCENARIOS)
    out = []
    if a and b:
        out.append(
            f"- copies / corpus / {copies} = {b['wall_s'] / a['wall_s'] / copies:.2f} "
            f"(1.00 = linear; per-action: {(b['wall_s'] / b['actions']) / (a['wall_s'] / a['actions']):.2f})"
        )
    if a and c:
        out.append(f"- re-ingest / ingest = {c['wall_s'] / a['wall_s']:.3f}")
    if a and d:
        out.append(
            f"- parse / ingest = {d['wall_s'] / a['wall_s']:.2f}; ingest − parse = "
            f"{a['wall_s'] - d['wall_s']:+.3f} s (store writes, hashing, report totals; "
            f"compare with the min–max spread before reading anything into it)"
        )
    for name in ("corpus", "copies", "reingest"):
        r = results.get(name)
        if r and "export_pass_s" in r:
            out.append(
                f"- {name}: one report-totals pass over the store (export_rows, {r['exported_rows']} rows) "
                f"takes {r['export_pass_s']:.3f} s of the ingest's {r['wall_s']:.3f} s"
            )
    if a:
        out.append(
            f"- start-up (corpus child): imports {a['import_s']:.2f} s, referential load "
            f"{a['referential_load_s']:.2f} s, first lookup (index build) {a['first_lookup_s']:.2f} s; "
            f"time to first referential lookup {a['referential_load_s'] + a['first_lookup_s']:.2f} s"
        )
        ok_t, ok_m = a["wall_s"] + a["startup_s"] < 10, max(r["peak_rss_mib"] for r in results.values()) < 500
        out.append(
            f"- targets: corpus ingest incl. start-up {a['wall_s'] + a['startup_s']:.2f} s < 10 s: "
            f"{'met' if ok_t else 'NOT met'}; largest peak RSS "
            f"{max(r['peak_rss_mib'] for r in results.values()):.0f} MiB < 500 MB: {'met' if ok_m else 'NOT met'}"
        )
    return "\n".join(out)


def _aggregate(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median times over the repeats, the largest peak memory, the counts of the first run."""
    out = dict(runs[0])
    for key in (
        "wall_s",
        "cpu_s",
        "startup_s",
        "import_s",
        "referential_load_s",
        "first_lookup_s",
        "export_pass_s",
    ):
        if key in out:
            out[key] = statistics.median(r[key] for r in runs)
    out["wall_min_s"] = min(r["wall_s"] for r in runs)
    out["wall_max_s"] = max(r["wall_s"] for r in runs)
    out["peak_rss_mib"] = max(r["peak_rss_mib"] for r in runs)
    out["rss_after_startup_mib"] = max(r["rss_after_startup_mib"] for r in runs)
    out["repeat"] = len(runs)
    if len({(r["documents"], r["actions"]) for r in runs}) > 1:
        log.warning(
            "%s: documents/actions differ between repeats: %s",
            out["scenario"],
            [(r["documents"], r["actions"]) for r in runs],
        )
    return out


def parent_main(args: argparse.Namespace) -> None:
    common.setup_logging(logging.INFO)
    common.corpus_dir(args.corpus)
    revision = common.code_revision()
    root = Path(tempfile.mkdtemp(prefix="qfq-bench-ingest-"))
    results: dict[str, dict[str, Any]] = {}
    profile = None
    try:
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in SCENARIOS}
        for i in range(args.repeat):  # round-robin, so a noisy moment does not hit one scenario only
            for name in SCENARIOS:
                if name == "copies" and i > 0:  # 250 documents already average; one run keeps the bench short
                    continue
                work = root / f"{'corpus' if name == 'reingest' else name}-{i}"
                runs[name].append(_spawn(name, args, work))
        for name in SCENARIOS:
            results[name] = _aggregate(runs[name])
            for err in results[name]["errors"][:5]:
                log.warning("%s: ingest error: %s", name, err)
        if args.tracemalloc != "none":
            for name in SCENARIOS:
                if name == "copies" and args.tracemalloc != "all":
                    continue
                # reingest reads the corpus store again (a re-ingest leaves it as it was)
                work = root / ("corpus-0" if name == "reingest" else f"tm-{name}")
                results[name]["tracemalloc_peak_mib"] = _spawn(name, args, work, "tracemalloc")[
                    "tracemalloc_peak_mib"
                ]
        if args.profile:
            profile = _spawn("corpus", args, root / "profile", "profile")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    common.warn_if_code_changed(revision)

    common.print_header(common.machine_line(revision), "bench/ingest.py")
    print(_table(results, args.copies))
    print()
    print(_ratios(results, args.copies))
    if profile:
        print()
        print(common.profile_tables(profile, "the corpus ingest", own_rows=6, sep=""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="qfq ingest benchmark (time, throughput, peak memory)")
    parser.add_argument("--copies", type=int, default=50, help="synthetic copies of the corpus (default 50)")
    parser.add_argument(
        "--corpus", default="../shared/corpus", help="corpus directory (default ../shared/corpus)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timed runs of corpus, reingest and parse, each in a fresh process; the median is "
        "reported (default 3; copies runs once)",
    )
    parser.add_argument(
        "--tracemalloc",
        choices=("small", "all", "none"),
        default="small",
        help="second, traced run of each scenario: all but copies (default), all, or none",
    )
    parser.add_argument("--profile", action="store_true", help="also cProfile the corpus ingest")
    parser.add_argument("--scenario", choices=SCENARIOS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--mode", choices=("time", "tracemalloc", "profile"), default="time", help=argparse.SUPPRESS
    )
    common.scenario_main(parser, argv, child_main, parent_main, _invalid)


def _invalid(args: argparse.Namespace) -> str | None:
    return "--copies and --repeat must be at least 1" if args.copies < 1 or args.repeat < 1 else None


if __name__ == "__main__":
    main()
