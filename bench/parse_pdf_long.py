"""Whole `parse_document` of the long generated PDF (>= 120 pages, two columns, a side panel on every page).

    taskset -c 0,1 .venv/bin/python bench/parse_pdf_long.py [--out DIR] [--repeat 3]

Builds tests/plans' pacte_long.pdf into DIR once, parses it `--repeat` times in this process (wall and CPU
seconds of each parse, actions and pages found; imports excluded) and prints the process's peak RSS.
Issue 9's target: <= 10 s on 2 cores, <= 500 MB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/qfq-pdf-long"), help="where the PDF is written")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from ingest.pipeline import parse_document
    from tests.plans import documents

    path = args.out / "pacte_long.pdf"
    if not path.exists():
        args.out.mkdir(parents=True, exist_ok=True)
        documents.build_long(path)
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        parsed = parse_document(path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        pages = parsed.document.page_count
        print(f"wall {wall:.2f} s, CPU {cpu:.2f} s, {len(parsed.actions)} actions, {pages} pages")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
