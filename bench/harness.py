"""The one harness of the benchmarks: scenarios as data, one way to time, to read memory, to compare ratios,
to check targets and to print one Markdown report (command, machine, table) ready to paste into BENCHMARKS.md.

A script parses its arguments (`parser`), declares its scenarios (`Scenario`), calls `run`, then `report`.
Everything runs in the script's process, in the declared order: the peak RSS of a row is the process's peak
so far, so scenarios go from small to large.

Importing this module puts the repository root first on sys.path and takes bench/ off it: run as scripts,
bench/ingest.py and bench/graph.py would otherwise shadow the `ingest` and `graph` packages.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:] = [str(REPO), *(p for p in sys.path if Path(p or ".").resolve() not in (HERE, REPO))]

log = logging.getLogger("bench")
MIN_CALLS = 10  # a series with a time budget still makes this many timed calls


@dataclass
class Scenario:
    """What to measure. For each repeat and each item: ``arg = setup(item)`` (untimed), then ``call(arg)``
    (timed: wall and CPU). `warmup` untimed calls on the first items come first; `budget_s` stops the series
    once the timed calls add up to it (after MIN_CALLS). `describe` turns the last call's value into the
    table's "result" cell."""

    name: str
    call: Callable[[Any], Any]
    items: Sequence[Any] = (None,)
    repeats: int = 1
    setup: Callable[[Any], Any] | None = None
    warmup: int = 0
    budget_s: float | None = None
    describe: Callable[[Any], str] | None = None


@dataclass
class Result:
    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    value: Any = None
    rss_mib: float = 0.0  # the process's peak RSS after the scenario
    result: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    def p(self, pct: int) -> float:
        return percentile(self.wall, pct)


def inputs(section: str) -> dict[str, Any]:
    """One section of bench/scenarios.toml, the benchmarks' inputs."""
    import tomllib

    return tomllib.loads((HERE / "scenarios.toml").read_text(encoding="utf-8"))[section]


def queries(n: int | None = None) -> list[str]:
    """The first `n` query texts of bench/search_eval_set.json."""
    import json

    labelled = json.loads((HERE / "search_eval_set.json").read_text(encoding="utf-8"))
    return [q["text"] for q in labelled["queries"]][:n]


def percentile(samples: Sequence[float], pct: int) -> float:
    """The `pct`-th percentile (inclusive method); the sample itself when there is one."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def peak_rss_mib(pid: int | None = None) -> float:
    """Peak RSS in MiB: of this process (``ru_maxrss``), or of process `pid` (VmHWM in /proc/<pid>/status)."""
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return proc_status(pid)["VmHWM"] / 1024


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (KiB) of a process, from /proc/<pid>/status."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def run_one(sc: Scenario) -> Result:
    res = Result(sc.name)
    for item in list(sc.items)[: sc.warmup]:
        sc.call(sc.setup(item) if sc.setup else item)
    for _ in range(sc.repeats):
        for item in sc.items:
            arg = sc.setup(item) if sc.setup else item
            c0, t0 = time.process_time(), time.perf_counter()
            res.value = sc.call(arg)
            res.wall.append(time.perf_counter() - t0)
            res.cpu.append(time.process_time() - c0)
            if sc.budget_s and len(res.wall) >= MIN_CALLS and sum(res.wall) > sc.budget_s:
                break
        else:
            continue
        break
    res.rss_mib = peak_rss_mib()
    res.result = sc.describe(res.value) if sc.describe else ""
    log.info("%s: %d calls, median %s, p95 %s", sc.name, len(res.wall), ftime(res.median), ftime(res.p(95)))
    return res


def run(scenarios: Sequence[Scenario], results: dict[str, Result] | None = None) -> dict[str, Result]:
    """Run the scenarios in order; their results by name (added to `results` when given)."""
    results = {} if results is None else results
    for sc in scenarios:
        results[sc.name] = run_one(sc)
    return results


# -- the report ----------------------------------------------------------------------------------------------


def ftime(seconds: float) -> str:
    """A duration with its unit: ms below one second, else s."""
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def table(head: str | Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table; `head` is its column names, or one string of them separated by " | "."""
    head = head.split(" | ") if isinstance(head, str) else head
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def results_table(results: dict[str, Result]) -> str:
    """One row per scenario: calls, median, p95, min–max, CPU per call, peak RSS so far, result."""
    rows = [
        (
            r.name,
            len(r.wall),
            ftime(r.median),
            ftime(r.p(95)) if len(r.wall) > 2 else "–",
            f"{ftime(min(r.wall))} – {ftime(max(r.wall))}" if len(r.wall) > 1 else "–",
            ftime(statistics.fmean(r.cpu)),
            f"{r.rss_mib:,.0f}",
            r.result,
        )
        for r in results.values()
    ]
    head = "scenario | calls | median | p95 | min – max | CPU per call | peak RSS MiB | result"
    return table(head, rows) + (
        "\n\n*CPU per call*: this process's CPU time (all threads); below the wall time on a single-threaded "
        "call, other processes had the CPU. *peak RSS*: the process's peak so far."
    )


def check(what: str, value: float, limit: float | None = None, *, at_least: bool = False) -> tuple:
    """A row of the targets table: `value` below `limit` (at least it, with `at_least`); no limit: a ratio
    reported side by side, not a target."""
    if limit is None:
        return (what, f"{value:,.3f}", "–", "–")
    ok = value >= limit if at_least else value < limit
    bound = f"{'≥' if at_least else '<'} {limit:,g}"
    shown = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    return (what, shown, bound, "**yes**" if ok else "**no**")


def targets_table(checks: Sequence[tuple]) -> str:
    return table(("target", "measured", "limit", "met"), checks)


def git(*argv: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), *argv], capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def machine(versions: Sequence[str] = ()) -> str:
    """CPU, cores, RAM, OS, Python, library versions, the code's commit, the date."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    libs = "".join(f", {d} {_version(d)}" for d in versions)
    dirty = git("status", "--porcelain", "--", "api", "graph", "ingest", "embeddings")
    code = f"commit {git('rev-parse', '--short', 'HEAD') or '?'}" + (
        " + uncommitted changes" if dirty else ""
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram:.0f} GiB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}{libs}; {code}; {time.strftime('%Y-%m-%d %H:%M %Z')}; "
        f"load average {os.getloadavg()[1]:.1f} over 5 min, {busy()}"
    )


def busy() -> str:
    """How busy the machine was lately: the share of the last 5 minutes some task waited for a CPU."""
    try:
        some = Path("/proc/pressure/cpu").read_text().split()[3]  # avg300=…
        return f"CPU pressure {some.split('=')[1]} % over 5 min (0: quiet)"
    except (OSError, IndexError):
        return "CPU pressure unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def report(title: str, *parts: str, versions: Sequence[str] = ()) -> None:
    """Print the report: title, command, machine, then each part (tables, notes) separated by blank lines."""
    command = " ".join(["python", str(Path(sys.argv[0]).resolve().relative_to(REPO)), *sys.argv[1:]])
    print(f"### {title}\n\nCommand: `{command}`\n\nMachine: {machine(versions)}\n")
    print("\n\n".join(p for p in parts if p))


# -- shared set-up --------------------------------------------------------------------------------


def parser(description: str, copies: int | None = None, repeat: int = 3) -> argparse.ArgumentParser:
    """The options the benchmarks share: --corpus, --repeat, --work, and --copies when `copies` is given."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus", help="corpus directory")
    if copies is not None:
        ap.add_argument("--copies", type=int, default=copies, help=f"renamed copies of the corpus ({copies})")
    ap.add_argument("--repeat", type=int, default=repeat, help=f"runs of the repeated scenarios ({repeat})")
    ap.add_argument("--work", type=Path, help="scratch directory (default: a temporary one, removed)")
    return ap


def start(args: argparse.Namespace, prefix: str) -> Path:
    """Logging to stderr, argument checks, the scratch directory."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    for noisy in ("faiss", "faiss.loader", "bm25s", "sentence_transformers", "graph", "ingest", "embeddings"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not args.corpus.is_dir():
        raise SystemExit(f"--corpus {args.corpus}: not a directory (valid: a directory of documents)")
    if getattr(args, "copies", 1) < 1 or args.repeat < 1:
        raise SystemExit("--copies and --repeat must be at least 1")
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        return args.work
    import tempfile

    return Path(tempfile.mkdtemp(prefix=f"qfq-bench-{prefix}-"))


def finish(args: argparse.Namespace, work: Path) -> None:
    """Remove the scratch directory unless --work named it."""
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


def make_copies(corpus: Path, target: Path, copies: int) -> Path:
    """`copies` renamed copies of each corpus file (``copyNNN_<name>``: distinct document ids) in `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for f in sorted(p for p in corpus.iterdir() if p.is_file()):
            shutil.copyfile(f, target / f"copy{i:03d}_{f.name}")
    return target


def service(data: Path, docs: Path, **settings: Any) -> Any:
    """A `Service` on the data directory `data` whose corpus is `docs`, its store open."""
    from api.service import Service
    from api.settings import Settings

    svc = Service(Settings(data=data, corpus=[docs], **settings))
    svc.health()  # opens the store outside the timings
    return svc
