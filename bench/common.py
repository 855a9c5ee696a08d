"""Harness shared by the benchmark scripts bench/ingest.py, graph.py, search.py and load.py: the machine and the
code measured, child processes, memory and CPU-pressure readers, percentiles, cProfile summaries, Markdown helpers.

The scripts run as ``python bench/<name>.py``: bench/ is then first on sys.path, which is how they import this
module (``import common``). Those that import the project then call ``drop_bench_dir()``: bench/ingest.py and
bench/graph.py would shadow the ``ingest`` and ``graph`` packages. Nothing here imports the project at module level.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger("bench.common")

HERE = Path(__file__).resolve().parent  # bench/
REPO = HERE.parent
PROJECT_PACKAGES = ("ingest", "graph", "embeddings", "api")
PROJECT_PREFIXES = tuple(str(REPO / d) + "/" for d in PROJECT_PACKAGES)  # file paths of the project's code


def drop_bench_dir() -> None:
    """Remove bench/ from sys.path, before anything imports the project (bench/ingest.py, bench/graph.py would
    shadow the `ingest` and `graph` packages)."""
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]


def setup_logging(level: int, child: bool = False) -> None:
    """Progress to stderr, with the time; `child` marks the lines of a scenario's child process."""
    fmt = "%(asctime)s   [child] %(message)s" if child else "%(asctime)s %(message)s"
    logging.basicConfig(level=level, format=fmt, datefmt="%H:%M:%S", stream=sys.stderr)


def corpus_dir(path: str | Path) -> Path:
    """The --corpus directory, or exit with a message saying what is valid."""
    corpus = Path(path)
    if not corpus.is_dir():
        raise SystemExit(f"--corpus {corpus}: not a directory (valid: a directory of documents)")
    return corpus


# -- datasets -----------------------------------------------------------------------------------------------


def make_copies(corpus: Path, target: Path, copies: int) -> int:
    """Copy every corpus file `copies` times into `target` as ``copyNNN_<name>`` (distinct document ids); the
    number of files written."""
    target.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    for i in range(copies):
        for f in files:
            shutil.copyfile(f, target / f"copy{i:03d}_{f.name}")
    return copies * len(files)


def ingest_dataset(docs: Path, data: Path) -> dict[str, Any]:
    """Ingest `docs` once into the data directory `data` (``Service.build``): documents, actions, errors, time."""
    from api.service import Service
    from api.settings import Settings

    service = Service(Settings(data=data, corpus=[docs]))
    t0 = time.perf_counter()
    report = service.build([docs])
    out = {
        "documents": len(report.documents),
        "actions": service.store.count_actions(),
        "errors": [d.error for d in report.documents if d.status == "error"],
        "ingest_s": time.perf_counter() - t0,
    }
    service.close()
    return out


# -- measures -----------------------------------------------------------------------------------------------


def maxrss_mib() -> float:
    """Peak RSS of this process so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def children_maxrss_mib() -> float:
    """Peak RSS of the largest child process waited for so far, MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cpu_pressure_us() -> float | None:
    """Total microseconds some task waited for a CPU (Linux PSI), or None."""
    try:
        for line in Path("/proc/pressure/cpu").read_text().splitlines():
            if line.startswith("some"):
                return float(line.split("total=")[1])
    except (OSError, IndexError, ValueError):
        pass
    return None


def cpu_wait_share(p0: float | None, p1: float | None, seconds: float) -> float | None:
    """Share of `seconds` some task waited for a CPU, from two `cpu_pressure_us()` readings (None if unknown)."""
    if p0 is None or p1 is None:
        return None
    return (p1 - p0) / 1e6 / seconds


def percentile(samples: Sequence[float], pct: int) -> float:
    """The `pct`-th percentile (inclusive method); the sample itself when there is one."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def profile(
    body: Callable[[], Any], top: int, top_own: int | None = None, others: bool = False
) -> dict[str, Any]:
    """cProfile of `body()`: total time, the `top` project functions by cumulative time ("rows"), the `top_own`
    (default `top`) by own time ("by_tottime") and, with `others`, the code outside the project by own time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    body()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # {(file, line, func): (cc, nc, tottime, cumtime, callers)}
    total = max(v[3] for v in stats.values())
    rows, outside = [], []
    for (file, line, func), (_cc, nc, tottime, cumtime, _callers) in stats.items():
        row = {"calls": nc, "tottime_s": tottime, "cumtime_s": cumtime}
        if file.startswith(PROJECT_PREFIXES):
            rows.append({"function": f"{Path(file).relative_to(REPO)}:{line} {func}", **row})
        elif others:
            short = file.split("site-packages/")[-1] if "site-packages/" in file else Path(file).name
            outside.append({"function": f"{short}:{line} {func}", **row})
    rows.sort(key=lambda r: -r["cumtime_s"])
    own = top if top_own is None else top_own
    out = {
        "total_s": total,
        "rows": rows[:top],
        "by_tottime": sorted(rows, key=lambda r: -r["tottime_s"])[:own],
    }
    if others:
        out["others_by_tottime"] = sorted(outside, key=lambda r: -r["tottime_s"])[:own]
    return out


# -- child processes ----------------------------------------------------------------------------------------


def run_child(
    script: str | Path, argv: list[str], label: str, *, result: Path | None = None, running: str | None = None
) -> dict[str, Any]:
    """Run ``python script *argv`` (one scenario in a fresh process) and return the JSON it writes to stdout, or
    to the file `result` when given, with ``process_s`` (the child's wall time) added. Exits if the child fails.
    `label` names the scenario in the log, `running` (default `label`) in the line that starts it."""
    cmd = [sys.executable, str(Path(script).resolve()), *argv]
    log.info("running %s ...", running or label)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=None if result else subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"scenario {label} failed with exit code {proc.returncode}")
    out = json.loads(result.read_text(encoding="utf-8") if result else proc.stdout)
    out["process_s"] = time.perf_counter() - t0
    log.info("%s done in %.1f s (process)", label, out["process_s"])
    if "code" in out and Path(out["code"]) != REPO:
        log.warning("the child imported the project from %s, not %s", out["code"], REPO)
    return out


# -- the machine and the code measured ----------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU's model name, from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def ram_gib() -> float | None:
    """Total memory in GiB, from /proc/meminfo (None if unreadable)."""
    try:
        return int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    except (OSError, ValueError, IndexError):
        return None


def dist_version(dist: str) -> str | None:
    """Installed version of a distribution, or None."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def machine_line(revision: str, versions: str | None = None, memory: bool = False) -> str:
    """One line on what ran: `revision`, CPUs, Python, `versions` (libraries), OS, RAM (with `memory`), date."""
    gib = ram_gib() if memory else None
    mem = "" if gib is None else f", {gib:.0f} GiB RAM"
    libs = "" if versions is None else f", {versions}"
    return (
        f"{revision}; {os.cpu_count()} CPUs ({cpu_model()}), {platform.machine()}, Python "
        f"{platform.python_version()}{libs}, {platform.system()} {platform.release()}{mem}, "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}"
    )


def code_revision(dirs: Sequence[str] = ("ingest", "graph", "api")) -> str:
    """The code measured: commit, and whether the working tree differs from it under `dirs` (digest of the diff)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        diff = subprocess.run(
            ["git", "-C", str(REPO), "diff", "HEAD", "--", *dirs], capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "revision unknown"
    dirty = f" + uncommitted changes to {'/'.join(dirs)} (diff {hashlib.sha256(diff).hexdigest()[:8]})"
    return f"commit {head}" + (dirty if diff else "")


def warn_if_code_changed(revision: str, dirs: Sequence[str] = ("ingest", "graph", "api")) -> None:
    """Warn when `code_revision(dirs)` is no longer `revision`, taken at the start: the numbers mix two versions."""
    if code_revision(dirs) != revision:
        where = ", ".join(f"{d}/" for d in dirs[:-1]) + f" or {dirs[-1]}/"
        log.warning("the code under %s changed during the run: the numbers mix two versions", where)


def git(*argv: str) -> str:
    """Output of a read-only git command in the repository ("" if it fails)."""
    try:
        return subprocess.run(
            ["git", "-C", str(REPO), *argv], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def worktree_revision(dirs: Sequence[str]) -> str:
    """The code measured: commit, and the files changed under `dirs` (``git status``)."""
    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = sorted({ln[3:] for ln in git("status", "--porcelain", "--", *dirs).splitlines()})
    return f"commit {head}" + (
        f", uncommitted changes: {', '.join(dirty)}"
        if dirty
        else f", no uncommitted changes under {' '.join(d + '/' for d in dirs)}"
    )


def command_line(script: str) -> str:
    """The report's ``Command:`` line for `script` (e.g. ``bench/ingest.py``) with this process's arguments."""
    return f"Command: `{' '.join(['python', script, *sys.argv[1:]])}`"


def print_header(machine: str, script: str) -> None:
    """The report's first lines: the ``Machine:`` line, then the ``Command:`` line of `script`."""
    print(f"Machine: {machine}\n")
    print(command_line(script) + "\n")


# -- Markdown -----------------------------------------------------------------------------------------------


def fmt(v: float | None, digits: int = 2, sep: str = ",") -> str:
    """A number with `digits` decimals and `sep` between thousands ("" for none); "–" for None."""
    return "–" if v is None else f"{v:{sep}.{digits}f}"


def median_range(values: Sequence[float], digits: int = 2, mid: float | None = None) -> str:
    """'median (min–max)' of `values`, or the value alone when there is one; `mid` replaces the median."""
    mid = statistics.median(values) if mid is None else mid
    if len(values) == 1:
        return fmt(mid, digits)
    return f"{fmt(mid, digits)} ({fmt(min(values), digits)}–{fmt(max(values), digits)})"


def table_head(head: str) -> list[str]:
    """A Markdown table's header row and the separator row under it."""
    return [head, "|" + "---|" * (head.count("|") - 1)]


def profile_tables(p: dict[str, Any], what: str, own_rows: int, sep: str = ",") -> str:
    """The project functions of a `profile()` result by cumulative time, then the first `own_rows` by own time;
    `sep` between thousands in the call counts."""
    head = ["| function | calls | tottime s | cumtime s |", "|---|---|---|---|"]

    def rows(items: Iterable[dict[str, Any]]) -> list[str]:
        return [
            f"| `{r['function']}` | {r['calls']:{sep}} | {r['tottime_s']:.3f} | {r['cumtime_s']:.3f} |"
            for r in items
        ]

    return "\n".join(
        [
            f"cProfile of {what} (total {p['total_s']:.2f} s under the profiler), project code, "
            "by cumulative time:",
            "",
            *head,
            *rows(p["rows"]),
            "",
            "by own time:",
            "",
            *head,
            *rows(p["by_tottime"][:own_rows]),
        ]
    )


# -- command line -------------------------------------------------------------------------------------------


def scenario_main(
    parser: argparse.ArgumentParser,
    argv: list[str] | None,
    child_main: Callable[[argparse.Namespace], None],
    parent_main: Callable[[argparse.Namespace], None],
    invalid: Callable[[argparse.Namespace], str | None],
) -> None:
    """Parse the command line of a script that runs each scenario in a child process of itself: the script adds
    its options and its hidden ``--scenario``, this adds the hidden ``--work`` (the child's scratch directory).
    Exits with the message `invalid(args)` returns, if any; then runs the child's scenario (``--scenario`` given)
    or the whole benchmark."""
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if message := invalid(args):
        parser.error(message)
    (child_main if args.scenario else parent_main)(args)
