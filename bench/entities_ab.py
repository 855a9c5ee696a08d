"""The mentions pass, A/B: a git revision (A) against the working tree (B), side by side in one run.

    PYTHONPATH=$PWD .venv/bin/python bench/entities_ab.py [--base REV] [--repeat 3]
        [--corpus ../shared/corpus] [--no-corpus]

A is `git archive REV` unpacked in a temporary folder, B this checkout. Each run starts one fresh child
process per side, alternating A, B, A, B… (so both see the same load), which loads the spaCy model and the
reference data, builds the mention gazetteer (outside the timed parts), then for the generated 120-page PDF
(tests/plans/documents.build_long, written once by the parent and read by both sides) and, unless
`--no-corpus`, every corpus document: the CPU seconds of `parse_document` and of `annotate` (the mentions
pass), and the mentions found. Reported: the medians per side, the ratio "ingest with the pass / without"
(the issue's target on the PDF: <= 2), B/A ratios, the load average at each run, and the mentions A finds
and B does not (and the reverse), by kind and role, with examples: the recall check.

Progress goes to the log (stderr); the Markdown on stdout is the output.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/ingest.py shadows `ingest`
log = logging.getLogger("bench.entities_ab")


def child(pdf: Path, corpus: Path | None) -> dict:
    """One side's measure, in this process (sys.path[0] is the side's tree)."""
    from graph.linking import TerritoryLinker, mention_gazetteer
    from graph.reference import ReferenceData
    from ingest.mentions.actions import annotate, shared_nlp
    from ingest.pipeline import parse_document

    reference = ReferenceData()
    place = TerritoryLinker(reference.territories).is_place
    nlp = shared_nlp()
    gazetteer = mention_gazetteer(reference, nlp)
    gazetteer.match(nlp.tokenize("Caen"))  # the model and the gazetteer's matchers, outside the timing
    if hasattr(gazetteer, "may_match"):  # and its keyword index, in the revisions that have one
        gazetteer.may_match("Caen")
    paths = [pdf] + (sorted(corpus.glob("*.txt")) if corpus else [])
    out = {"docs": {}, "load_average": [os.getloadavg()[0]]}
    for path in paths:
        c0 = _cpu()
        parsed = parse_document(path, gazetteer=place)
        parse = _cpu() - c0
        c0 = _cpu()
        annotate(parsed, gazetteer, nlp)
        mentions = _cpu() - c0
        found = sorted(
            {(a.id, m.surface, m.kind, m.role, m.line) for a in parsed.actions for m in a.mentions}
        )
        out["docs"][path.name] = {"parse": parse, "mentions": mentions, "found": found}
    out["parsed_texts"] = nlp.parsed
    out["load_average"].append(os.getloadavg()[0])
    return out


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def export(rev: str, into: Path) -> Path:
    """The tree of a git revision, unpacked (nothing of the checkout is touched)."""
    data = subprocess.run(["git", "-C", str(REPO), "archive", rev], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def run_side(root: Path, pdf: Path, corpus: Path | None) -> dict:
    cmd = [sys.executable, str(HERE / "entities_ab.py"), "--child", str(root), "--pdf-path", str(pdf)]
    cmd += ["--corpus", str(corpus)] if corpus else ["--no-corpus"]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env, cwd=root)
    return json.loads(done.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", default="HEAD", help="the revision of side A (default HEAD)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--no-corpus", action="store_true", help="the long PDF only")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--pdf-path", help=argparse.SUPPRESS)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    corpus = None if args.no_corpus else Path(args.corpus).resolve()
    if corpus is not None and not corpus.is_dir():
        sys.exit(f"--corpus {corpus}: not a directory (valid: the folder of the corpus .txt files)")
    if args.child:
        sys.path.insert(0, args.child)
        print(json.dumps(child(Path(args.pdf_path), corpus)))
        return
    sys.path.insert(0, str(REPO))
    from tests.plans import documents

    work = Path(tempfile.mkdtemp(prefix="bench_entities_ab_"))
    pdf = documents.build_long(work / "pacte_long.pdf")
    base = export(args.base, work / "a")
    sides = {"A": base, "B": REPO}
    runs: dict[str, list[dict]] = {"A": [], "B": []}
    for n in range(args.repeat):
        for name, root in sides.items():
            runs[name].append(run_side(root, pdf, corpus))
            r = runs[name][-1]["docs"][pdf.name]
            log.info("run %d %s: PDF parse %.2f s, pass %.2f s CPU", n + 1, name, r["parse"], r["mentions"])
    report(args.base, runs, pdf.name)


def _median(runs: list[dict], doc: str | None, field: str) -> float:
    if doc is not None:
        return statistics.median(r["docs"][doc][field] for r in runs)
    return statistics.median(
        sum(d[field] for k, d in r["docs"].items() if not k.endswith(".pdf")) for r in runs
    )


def report(base: str, runs: dict[str, list[dict]], pdf: str) -> None:
    rev = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", base], capture_output=True, text=True
    ).stdout.strip()
    loads = [x for side in runs.values() for r in side for x in r["load_average"]]
    print(
        f"## Mentions pass A/B ({platform.machine()}, {os.cpu_count()} cores): A = {base} ({rev}), "
        f"B = working tree; median of {len(runs['A'])} runs each, alternated; load average "
        f"{min(loads):.1f}–{max(loads):.1f}\n"
    )
    print("| document | side | parse CPU s | pass CPU s | with / without the pass | pass B / A |")
    print("|---|---|---|---|---|---|")
    docs = [pdf] + (["corpus (5 documents)"] if len(runs["A"][0]["docs"]) > 1 else [])
    for doc in docs:
        key = pdf if doc == pdf else None
        a_pass = _median(runs["A"], key, "mentions")
        for side in ("A", "B"):
            parse, mentions = _median(runs[side], key, "parse"), _median(runs[side], key, "mentions")
            ratio = f"{mentions / a_pass:.2f}" if side == "B" else ""
            with_pass = (parse + mentions) / parse
            print(f"| {doc} | {side} | {parse:.2f} | {mentions:.2f} | {with_pass:.2f} | {ratio} |")
    texts = {side: statistics.median(r["parsed_texts"] for r in rs) for side, rs in runs.items()}
    print(f"\ntexts parsed by spaCy (median): A {texts['A']:.0f}, B {texts['B']:.0f}\n")
    print("| run | load average A (start, end) | load average B (start, end) |\n|---|---|---|")
    for n, (a, b) in enumerate(zip(runs["A"], runs["B"], strict=True)):
        print(
            f"| {n + 1} | {a['load_average'][0]:.1f}, {a['load_average'][1]:.1f} | "
            f"{b['load_average'][0]:.1f}, {b['load_average'][1]:.1f} |"
        )
    print("\n| document | mentions A | B | in A only | in B only |\n|---|---|---|---|---|")
    diffs = []
    for doc, a in runs["A"][0]["docs"].items():
        fa = {tuple(x) for x in a["found"]}
        fb = {tuple(x) for x in runs["B"][0]["docs"][doc]["found"]}
        print(f"| {doc} | {len(fa)} | {len(fb)} | {len(fa - fb)} | {len(fb - fa)} |")
        diffs += [("A only", doc, x) for x in sorted(fa - fb)] + [("B only", doc, x) for x in sorted(fb - fa)]
    groups = Counter((side, doc, x[2], x[3], x[1]) for side, doc, x in diffs)
    if groups:
        print("\n| side | document | kind | role | surface | mentions |\n|---|---|---|---|---|---|")
        for (side, doc, kind, role, surface), n in sorted(groups.items()):
            print(f"| {side} | {doc} | {kind} | {role} | {surface} | {n} |")


if __name__ == "__main__":
    main()
