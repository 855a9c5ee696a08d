"""How many units of action qfq finds in plans it has never seen: precision and recall of action titles
(word-set Jaccard >= 0.6, the peer's measure in plan-structures.md) on the generated test plans of
tests/plans, per document and in all, plus the fields, the hierarchy and the typed passages where the
expectations name them.

The sets, reported apart: the development set (expected.toml, written alongside the parser), the
held-out set (heldout.toml, written by hand before the parser was first run on those documents, since used
for fixes), the second held-out set (heldout2.toml, written the same way after the first was spent, since
used for fixes), the third (heldout3.toml, written the same way after the second was spent, since used for
fixes), the fourth (heldout4.toml, written the same way after the third was spent, since used for fixes),
the fifth (heldout5.toml, written the same way after the fourth was spent, since used for fixes), the
sixth (heldout6.toml, written the same way after the fifth was spent, since used for fixes), the
seventh (heldout7.toml, written the same way after the sixth was spent, since used for fixes), the
eighth (heldout8.toml, written the same way after the seventh was spent, since used for fixes) and the
ninth (heldout9.toml, written the same way after the eighth was spent), the tenth (heldout10.toml,
written in parallel with the ninth, also after the eighth was spent), the eleventh (heldout11.toml,
written the same way after the tenth was spent) and the twelfth (heldout12.toml, written the same way
after the eleventh was spent).

    PYTHONPATH=$PWD .venv/bin/python bench/structure.py [--out DIR] [--set dev|heldout|...|heldout12|all]

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
from ingest.labels import default_lexicon  # noqa: E402
from ingest.pipeline import parse_document  # noqa: E402
from tests.plans import (  # noqa: E402
    documents,
    heldout,
    heldout2,
    heldout3,
    heldout4,
    heldout5,
    heldout6,
    heldout7,
    heldout8,
    heldout9,
    heldout10,
    heldout11,
    heldout12,
)
from tests.plans.scoring import PR, action_view, score_rows  # noqa: E402

HELD_OUT = {
    "heldout": ("held-out set", heldout),
    "heldout2": ("second held-out set", heldout2),
    "heldout3": ("third held-out set", heldout3),
    "heldout4": ("fourth held-out set", heldout4),
    "heldout5": ("fifth held-out set", heldout5),
    "heldout6": ("sixth held-out set", heldout6),
    "heldout7": ("seventh held-out set", heldout7),
    "heldout8": ("eighth held-out set", heldout8),
    "heldout9": ("ninth held-out set", heldout9),
    "heldout10": ("tenth held-out set", heldout10),
    "heldout11": ("eleventh held-out set", heldout11),
    "heldout12": ("twelfth held-out set", heldout12),
}
FIELDS = (
    "pilots",
    "partners",
    "territories",
    "budget",
    "status",
    "calendar",
    "indicators",
    "expected_results",
)


def extracted(path: Path, gazetteer) -> tuple[list[dict], list[tuple[str, str]], dict, str]:
    """(action rows, (type, heading) passages, table-of-contents agreement, error class name)."""
    try:
        parsed = parse_document(path, doc_id=path.stem, gazetteer=gazetteer)
    except InputError as exc:
        return [], [], {}, type(exc).__name__
    rows = [action_view(a) for a in parsed.actions]
    passages = [(p.type, p.heading) for p in parsed.passages]
    toc = getattr(parsed, "toc", None)
    return rows, passages, (toc.to_dict() if toc else {}), ""


def run_set(label: str, written: dict[str, Path], expected: dict, gazetteer) -> None:
    total, passages = PR(), PR()
    fields = {k: PR() for k in FIELDS}
    levels_ok, levels_n = 0, 0
    print(f"\n### {label}\n")
    print(
        "| document | expected | found | matched | precision | recall | hierarchy | passages | toc | note |\n"
        "|---|---:|---:|---:|---:|---:|---|---:|---|---|"
    )
    for name, path in sorted(written.items()):
        spec = expected["documents"].get(name, {})
        plan = expected["plans"].get(spec.get("plan", ""))
        if plan is None:
            continue
        rows, found_passages, toc, error = extracted(path, gazetteer)
        tabular = spec.get("format") in ("csv", "xlsx", "ods")  # a spreadsheet has no passages to find
        measured = score_rows(rows, found_passages, plan, default_lexicon().match, tabular)
        result, agree, pp = measured.result, measured.hierarchy, measured.passages
        total.add(result.units)
        for key, pr in fields.items():
            if key in result.fields:
                pr.add(result.fields[key])
        levels_n += agree is not None
        levels_ok += bool(agree)
        passages.add(pp)
        u = result.units
        note = error or (f"missing e.g. « {result.missing[0][:50]} »" if result.missing else "")
        hier = "-" if agree is None else ("yes" if agree else "no: " + _levels_text(measured.levels))
        toc_text = f"{toc['matched']}/{toc['entries']}" if toc else "-"
        cells = [
            name,
            u.expected,
            u.extracted,
            u.matched,
            f"{u.precision:.2f}",
            f"{u.recall:.2f}",
            hier,
            f"{pp.matched}/{pp.expected}",
            toc_text,
            note,
        ]
        print("| " + " | ".join(map(str, cells)) + " |")
    print(
        f"| **all** | {total.expected} | {total.extracted} | {total.matched} | **{total.precision:.2f}** | "
        f"**{total.recall:.2f}** | {levels_ok}/{levels_n} | {passages.matched}/{passages.expected} | | |"
    )
    print()
    for key, pr in fields.items():
        if pr.expected:
            print(
                f"- {key} (detailed actions): precision {pr.precision:.2f}, recall {pr.recall:.2f} "
                f"({pr.matched} right of {pr.extracted} found, {pr.expected} expected)"
            )
    print(f"- typed passages: precision {passages.precision:.2f}, recall {passages.recall:.2f}")


def _levels_text(levels: list[tuple[str, int]]) -> str:
    return " / ".join(f"{k} {n}" for k, n in levels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="Where to write the documents (default: a temp dir).")
    parser.add_argument("--set", choices=("dev", *HELD_OUT, "all"), default="all")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="qfq-structure-"))
    gazetteer = TerritoryLinker(ReferenceData().territories).is_place
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    )
    if args.set in ("dev", "all"):
        run_set(
            "development set (expected.toml)", documents.build(out / "dev"), documents.expected(), gazetteer
        )
    for key, (label, module) in HELD_OUT.items():
        if args.set in (key, "all"):
            run_set(f"{label} ({key}.toml)", module.build(out / key), module.expected(), gazetteer)


if __name__ == "__main__":
    main()
