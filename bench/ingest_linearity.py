"""Parse time of plain-text plans of growing size (no store, no encoding): is ingest linear in size?

    PYTHONPATH=$PWD .venv/bin/python bench/ingest.py --linearity [--sizes 1,5,10,25,50]
    PYTHONPATH=$PWD .venv/bin/python bench/ingest_linearity.py [--sizes 1,10,25,50] [--work DIR]

Each plan repeats the fiches of every invented test plan (tests/plans/sources, held-out ones included),
renumbered through, under numbered axes, until the file reaches the size in MB; each size is parsed by
`ingest.pipeline.parse_document` in a fresh process pinned to 2 cores, which reports its time and its
memory high-water mark (VmHWM).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1_000_000


def _fiches() -> list[list[str]]:
    """The actions of every invented plan as text fiches: title line then "Label : value" lines."""
    sys.path.insert(0, str(ROOT))
    from tests.plans.model import SOURCES, load_plan

    fiches = []
    for directory in (SOURCES, SOURCES / "heldout", SOURCES / "heldout2"):
        for source in sorted(directory.glob("*.toml")):
            try:
                plan = load_plan(source.stem, directory)
            except KeyError:
                continue  # a spreadsheet-only source without a plan table
            for action in plan.all_actions():
                fields = [f"{k} : {v}" for k, v in action.fields + action.panel if v]
                fiches.append([action.title, *action.body, *fields])
    return fiches


def write_plan(path: Path, size_mb: float) -> int:
    """A text plan of about ``size_mb`` MB; returns its number of actions."""
    fiches = _fiches()
    target = int(size_mb * MB)
    written, axis, n = 0, 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write("PLAN D'ACTIONS DE TEST\n\n")
        while written < target:
            axis += 1
            head = f"Axe {axis} : Volet numéro {axis} des actions\n\n"
            out.write(head)
            written += len(head.encode())
            for k, fiche in enumerate(fiches, start=1):
                n += 1
                text = f"Action {axis}.{k} : {fiche[0]}\n\n" + "\n".join(fiche[1:]) + "\n\n"
                out.write(text)
                written += len(text.encode())
    return n


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker(path: Path) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 2:
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))
    from ingest.pipeline import parse_document

    start, cpu = time.perf_counter(), time.process_time()
    parsed = parse_document(path)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    row = {"seconds": seconds, "cpu_seconds": cpu, "actions": len(parsed.actions), "peak_mb": _peak_mb()}
    print(json.dumps(row))


def run(sizes: list[float], work: Path) -> list[dict]:
    rows = []
    for size in sizes:
        path = work / f"plan-{size:g}MB.txt"
        expected = write_plan(path, size)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(path)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result.update(size_mb=path.stat().st_size / MB, written_actions=expected)
        rows.append(result)
        path.unlink()
        print(json.dumps(result), file=sys.stderr, flush=True)  # each size as soon as it is measured
    return rows


def table(rows: list[dict]) -> str:
    """Wall and CPU seconds; the ratio (CPU seconds per MB against the smallest size) is the linearity
    measure that a loaded machine disturbs least."""
    base = rows[0]["cpu_seconds"] / rows[0]["size_mb"]
    lines = [
        "| size, MB | actions written | actions found | parse wall, s | parse CPU, s | CPU s per MB "
        "| ratio to smallest | peak RSS, MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        per = r["cpu_seconds"] / r["size_mb"]
        lines.append(
            f"| {r['size_mb']:.1f} | {r['written_actions']} | {r['actions']} | {r['seconds']:.1f} | "
            f"{r['cpu_seconds']:.1f} | {per:.2f} | {per / base:.2f} | {r['peak_mb']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    import argparse
    import platform
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,25,50", help="sizes in MB (default 1,10,25,50)")
    ap.add_argument("--work", type=Path, help="where to write the plans (default: a temp dir)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="qfq-linearity-"))
    work.mkdir(parents=True, exist_ok=True)
    before = os.getloadavg()[0]
    rows = run([float(x) for x in args.sizes.split(",")], work)
    loads = f"load average {before:.1f} before, {os.getloadavg()[0]:.1f} after"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus (pinned to 2), "
        f"Python {platform.python_version()}, {loads}"
    )
    print(table(rows))


if __name__ == "__main__":
    # run as a script, bench/ is first on sys.path and its ingest.py would shadow the ingest package
    sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent)]
    if sys.argv[1:2] == ["--worker"]:
        worker(Path(sys.argv[2]))
    else:
        main()
