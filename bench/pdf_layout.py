"""Speed and peak memory of `load_pdf` (the layout-aware PDF reader) on the generated plans.

    PYTHONPATH=$PWD .venv/bin/python bench/pdf_layout.py [--out DIR] [--repeat 3]

Builds the short generated PDFs of tests/plans and the long one (>= 120 pages, two columns and side
panels on every page), then loads each in a fresh process pinned to 2 cores: the time is the best of
`--repeat` runs of `ingest.loaders.pdf.load_pdf` (file bytes in memory; import excluded), the memory is
that process's high-water mark (VmHWM). Prints a markdown table with the machine facts. Issue 9's target
for the long PDF: <= 10 s and <= 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

SHORT = ("pacte.pdf", "pcaet.pdf", "recueil.pdf", "pdi.pdf", "pacte_euro.pdf")
LONG = "pacte_long.pdf"


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(path: Path, repeat: int) -> dict:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 2:
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))
    from ingest.loaders.pdf import load_pdf

    data = path.read_bytes()
    rss_import = _peak_rss_mb()
    best = float("inf")
    loaded = None
    for _ in range(repeat):
        start = time.perf_counter()
        loaded = load_pdf(data, str(path))
        best = min(best, time.perf_counter() - start)
    if loaded is None or not loaded.pages:
        raise SystemExit(f"{path}: nothing loaded")
    return {
        "document": path.name,
        "pages": max(loaded.pages),
        "lines": len(loaded.lines),
        "seconds": best,
        "ms_per_page": 1000 * best / max(loaded.pages),
        "rss_import_mb": rss_import,
        "rss_peak_mb": _peak_rss_mb(),
    }


def _run(path: Path, repeat: int) -> dict:
    command = [sys.executable, __file__, "--worker", str(path), "--repeat", str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=dict(os.environ))
    return json.loads(done.stdout.strip().splitlines()[-1])


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores visible (runs pinned to 2){memory}, {platform.system()}, "
        f"Python {platform.python_version()}, pypdfium2 {version('pypdfium2')}, pypdf {version('pypdf')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write the PDFs (default: a temp dir)"
    )
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeat)))
        return
    from tests.plans import documents

    out = args.out or Path(tempfile.mkdtemp(prefix="pdf_layout_"))
    built = documents.build(out, names=set(SHORT))
    built[LONG] = documents.build_long(out / LONG)
    rows = [_run(built[name], args.repeat) for name in (*SHORT, LONG)]
    print(f"Machine: {_machine()}\n")
    print(f"| document | pages | lines out | load_pdf s (best of {args.repeat}) | ms/page | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['document']} | {row['pages']} | {row['lines']} | {row['seconds']:.2f} | "
            f"{row['ms_per_page']:.1f} | {row['rss_peak_mb']:.0f} |"
        )
    long_row = rows[-1]
    verdict = "meets" if long_row["seconds"] <= 10 and long_row["rss_peak_mb"] <= 500 else "MISSES"
    print(
        f"\n{LONG}: {long_row['seconds']:.2f} s, {long_row['rss_peak_mb']:.0f} MB peak: {verdict} the target"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
