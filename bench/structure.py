"""How many units of action qfq finds in plans it has never seen: precision and recall of action titles
(word-set Jaccard >= 0.6, the peer's measure in plan-structures.md) on the generated test plans of
tests/plans, per document and in all, plus pilots and territories where the expectations name them.

    PYTHONPATH=$PWD .venv/bin/python bench/structure.py [--out DIR]

Issue 9's target on real plans: >= 90 % of actions found with the right title, <= 10 % spurious.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.linking import TerritoryLinker  # noqa: E402
from graph.reference import ReferenceData  # noqa: E402
from ingest.errors import InputError  # noqa: E402
from ingest.pipeline import parse_document  # noqa: E402
from tests.plans import documents  # noqa: E402
from tests.plans.scoring import PR, score  # noqa: E402


def extracted(path: Path, gazetteer) -> tuple[list[dict], str]:
    try:
        parsed = parse_document(path, doc_id=path.stem, gazetteer=gazetteer)
    except InputError as exc:
        return [], type(exc).__name__
    rows = [
        {
            "title": a.title,
            "ref": a.ref,
            "pilots": [o.name for o in a.pilots],
            "partners": [o.name for o in a.partners],
            "territories": [t.name for t in a.territories],
            "budget": a.budget,
            "status": a.status,
            "priority": a.priority,
        }
        for a in parsed.actions
    ]
    return rows, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="Where to write the documents (default: a temp dir).")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="qfq-structure-"))
    expected = documents.expected()
    written = documents.build(out)
    gazetteer = TerritoryLinker(ReferenceData().territories).is_place
    total, fields = PR(), {"pilots": PR(), "territories": PR()}
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    )
    print(
        "\n| document | expected | found | matched | precision | recall | note |\n"
        "|---|---:|---:|---:|---:|---:|---|"
    )
    for name, path in sorted(written.items()):
        spec = expected["documents"].get(name, {})
        plan = expected["plans"].get(spec.get("plan", ""))
        if plan is None:
            continue
        rows, error = extracted(path, gazetteer)
        result = score(rows, plan)
        total.add(result.units)
        for key, pr in fields.items():
            if key in result.fields:
                pr.add(result.fields[key])
        u = result.units
        note = error or (f"missing e.g. « {result.missing[0][:50]} »" if result.missing else "")
        cells = [name, u.expected, u.extracted, u.matched, f"{u.precision:.2f}", f"{u.recall:.2f}", note]
        print("| " + " | ".join(map(str, cells)) + " |")
    print(
        f"| **all** | {total.expected} | {total.extracted} | {total.matched} | **{total.precision:.2f}** | "
        f"**{total.recall:.2f}** | |"
    )
    for key, pr in fields.items():
        print(
            f"\n{key} (detailed actions only): precision {pr.precision:.2f}, recall {pr.recall:.2f} "
            f"({pr.matched}/{pr.extracted} found, {pr.expected} expected)"
        )


if __name__ == "__main__":
    main()
