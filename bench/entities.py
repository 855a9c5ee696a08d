"""Who, where and which dispositifs, measured: precision, recall and F1 on hand-checked expectations, actor
splits and wrong merges, the time of the mentions pass, and the peak memory of a build.

    PYTHONPATH=$PWD .venv/bin/python bench/entities.py
        [--set dev|heldout|heldout2|heldout3|heldout4|heldout5|heldout6|heldout7]
        [--corpus ../shared/corpus] [--pdf] [--no-nlp]

The expectations are bench/entities_expected.toml (per shape: a booklet action's pilot from its CONTACTS
block, partners from a sentence, places from a description, an example place that is not the perimeter, a
homonym resolved by the context), on the corpus and on plans written in that file; `--set heldout` reads
bench/entities_expected_heldout.toml instead (plans of other regions and families, written by hand in
session 8 before qfq was run on them: the honest measure), `--set heldout2` a second such set
(bench/entities_expected_heldout2.toml, session 9: five more regions and families), `--set heldout3` a third
(bench/entities_expected_heldout3.toml, session 10: other sentence shapes and linking problems, one plan in
Markdown), `--set heldout4` a fourth (bench/entities_expected_heldout4.toml, session 11: relative and
passive clauses, co-pilots, « ainsi que », names holding « et », a number or a place, homonyms by région),
`--set heldout5` a fifth (bench/entities_expected_heldout5.toml, session 12: Guyane, a Vosges PCAET, a
Doubs contrat de ville with plan-level pilots; « sous la houlette de », « en appui », a date that is no
département), `--set heldout6` a sixth (bench/entities_expected_heldout6.toml, written in parallel in
session 12: La Réunion, a Moselle EPCI, a Guyane contrat de ville), `--set heldout7` a seventh
(bench/entities_expected_heldout7.toml, session 14: a Savoie PDIE in « Label : » lines, a Martinique pacte,
an Occitanie booklet with CONTACTS blocks).
The corpus is ingested
in every case (the plans arrive in a store that holds it). The documents are read
as `qfq build` reads them (parse, mentions pass, store, knowledge graph with its enrichers; no search index).

- P/R/F1 per category (pilots, partners, funders, operators, territories, dispositifs), micro-averaged
  over the cases; a case lists the complete expectation of a category, so every other edge of that kind
  counts against precision (an empty list: no edge of that kind expected);
  a place of `not_territories` drawn as a perimeter is a false positive;
- codes right: of the perimeter places drawn with the name of an expected place, how many have its code
  (a homonym resolved to another commune is a wrong code);
- split share: of the organisations of `[[same_actor]]`, how many reach more than one actor node (within one
  document; across documents, territorial branches of two régions are two actors, not a split);
  wrong merges: `[[different_actors]]` pairs that reach a common node;
- times: model load, gazetteer build, parse of the corpus, the mentions pass over the corpus; with `--pdf`,
  the ingest of the generated 120-page PDF (tests/plans/documents.build_long) without and with the pass;
- peak RSS of the whole run (a build of the corpus, the model loaded).

`--no-nlp` runs the same measure without the mentions pass (what the graph had before it was wired).
Progress goes to the log (stderr); the Markdown on stdout is the output.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import resource
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/ingest.py shadows `ingest`
sys.path.insert(0, str(REPO))

from graph.build import GraphBuilder  # noqa: E402
from graph.enrich import enrichers  # noqa: E402
from graph.linking import TerritoryLinker, mention_gazetteer  # noqa: E402
from graph.reference import ReferenceData  # noqa: E402
from graph.store import Store  # noqa: E402
from ingest.errors import NoActionFound  # noqa: E402
from ingest.mentions.actions import annotate, shared_nlp  # noqa: E402
from ingest.pipeline import parse_document  # noqa: E402
from ingest.text import fold  # noqa: E402

log = logging.getLogger("bench.entities")
SETS = {
    "dev": HERE / "entities_expected.toml",
    "heldout": HERE / "entities_expected_heldout.toml",
    "heldout2": HERE / "entities_expected_heldout2.toml",
    "heldout3": HERE / "entities_expected_heldout3.toml",
    "heldout4": HERE / "entities_expected_heldout4.toml",
    "heldout5": HERE / "entities_expected_heldout5.toml",
    "heldout6": HERE / "entities_expected_heldout6.toml",
    "heldout7": HERE / "entities_expected_heldout7.toml",
}
CATEGORIES = {
    "pilots": ("piloted_by",),
    "partners": ("partner",),
    "funders": ("funded_by",),
    "operators": ("operator",),
    "territories": ("in",),
    "dispositifs": ("mobilises",),
}


def ingest(paths: list[Path], store: Store, reference: ReferenceData, nlp_on: bool) -> dict[str, float]:
    times = {"parse": 0.0, "mentions": 0.0, "parse_cpu": 0.0, "mentions_cpu": 0.0}
    place = TerritoryLinker(reference.territories).is_place
    nlp = shared_nlp() if nlp_on else None
    gazetteer = mention_gazetteer(reference, nlp) if nlp else None
    for path in paths:
        t0, c0 = time.perf_counter(), cpu()
        try:
            parsed = parse_document(path, gazetteer=place)
        except NoActionFound as exc:  # its cases count as missed
            log.warning("%s: %s", path.name, exc)
            continue
        times["parse"] += time.perf_counter() - t0
        times["parse_cpu"] += cpu() - c0
        if nlp is not None:
            c0 = cpu()
            times["mentions"] += annotate(parsed, gazetteer, nlp)
            times["mentions_cpu"] += cpu() - c0
        store.replace_document(parsed, parsed.text.lines, parsed.text.pages)
    return times


def cpu() -> float:
    """CPU seconds of this process (user + system): what a quiet machine's wall time approaches."""
    t = os.times()
    return t.user + t.system


def action_node(graph, doc: str, title: str) -> str | None:
    """The action of ``doc`` whose title starts with ``title``; None when the parse did not find it (every
    expectation of the case then counts as missed)."""
    key = fold(title)
    for n, d in graph.nodes(data=True):
        if d.get("type") == "action" and d.get("doc") == doc and fold(d["label"]).startswith(key):
            return n
    log.warning("no action of %s whose title starts with %r: its expectations count as missed", doc, title)
    return None


def predicted(graph, node: str, kinds: tuple[str, ...]) -> set[str]:
    out = set()
    for _, dst, e in graph.out_edges(node, data=True):
        if e["kind"] in kinds and not e.get("excluded"):
            out.add(dst.removeprefix("territory:"))
    return out


def score(graph, cases: list[dict]) -> tuple[dict[str, tuple[int, int, int]], list[str]]:
    counts = {c: [0, 0, 0] for c in CATEGORIES}  # tp, fp, fn
    misses = []
    for case in cases:
        node = action_node(graph, case["doc"], case["action"])
        for cat, kinds in CATEGORIES.items():
            if cat not in case and not (cat == "territories" and "not_territories" in case):
                continue
            got = predicted(graph, node, kinds) if node else set()
            if cat in case:
                want = set(case[cat])
                tp, fp, fn = len(got & want), len(got - want), len(want - got)
            else:  # only places that must not be a perimeter
                want, tp, fn = set(), 0, 0
                fp = len(got & set(case["not_territories"]))
            counts[cat][0] += tp
            counts[cat][1] += fp
            counts[cat][2] += fn
            if got != want and cat in case:
                misses.append(
                    f"{case['action'][:40]} / {cat}: missing {sorted(want - got)}, extra {sorted(got - want)}"
                )
    return {c: tuple(v) for c, v in counts.items()}, misses


def codes(graph, cases: list[dict]) -> tuple[int, int]:
    """(right, wrong) codes of the perimeter places named like an expected place: a place drawn with the name
    of an expected one but another code (a homonym resolved to the wrong commune) is a wrong code."""
    right = wrong = 0
    for case in cases:
        if "territories" not in case:
            continue
        node = action_node(graph, case["doc"], case["action"])
        got = predicted(graph, node, ("in",)) if node else set()
        want = set(case["territories"])
        names = {
            fold(graph.nodes[f"territory:{t}"].get("label", "")) for t in want if f"territory:{t}" in graph
        }
        right += len(got & want)
        wrong += sum(
            1 for t in got - want if fold(graph.nodes.get(f"territory:{t}", {}).get("label", "")) in names
        )
    return right, wrong


def actors_of(graph, names: list[str]) -> dict[str, set[str]]:
    keys = {fold(n): n for n in names}
    out: dict[str, set[str]] = {n: set() for n in names}
    for _, dst, e in graph.edges(data=True):
        name = keys.get(fold(e.get("written") or ""))
        if name and graph.nodes[dst].get("type") == "actor":
            out[name].add(dst)
    return out


def _split(graph, names: list[str]) -> bool:
    """Whether one organisation reaches several actor nodes: two nodes within one document, or, across
    documents, two organisations (a territorial body's branches of two régions, « FFB » of a Normandie plan
    and of a Nouvelle-Aquitaine plan, are two actors, as the lexicon keys them)."""
    keys = {fold(n) for n in names}
    per_doc: dict[str, set[str]] = {}
    for _, dst, e in graph.edges(data=True):
        if fold(e.get("written") or "") in keys and graph.nodes[dst].get("type") == "actor":
            per_doc.setdefault(e.get("doc") or "", set()).add(dst)
    if any(len(nodes) > 1 for nodes in per_doc.values()):
        return True
    return len({n.split("--", 1)[0] for nodes in per_doc.values() for n in nodes}) > 1


def splits_and_merges(graph, expected: dict) -> tuple[int, int, int, int, list[str]]:
    notes = []
    split = 0
    groups = expected.get("same_actor", [])
    for g in groups:
        nodes = set().union(*actors_of(graph, g["names"]).values())
        if _split(graph, g["names"]):
            split += 1
            notes.append(f"split: {g['names'][0]} -> {sorted(nodes)}")
    merges = 0
    pairs = expected.get("different_actors", [])
    for p in pairs:
        a, b = (actors_of(graph, [n])[n] for n in p["names"])
        if a & b:
            merges += 1
            notes.append(f"wrong merge: {p['names']} -> {sorted(a & b)}")
    return split, len(groups), merges, len(pairs), notes


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pdf_times(reference: ReferenceData, nlp_on: bool) -> tuple[int, float, float]:
    from tests.plans import documents

    out = Path(tempfile.mkdtemp(prefix="bench_entities_pdf_"))
    path = documents.build_long(out / "pacte_long.pdf")
    c0 = cpu()
    parsed = parse_document(path, gazetteer=TerritoryLinker(reference.territories).is_place)
    parse = cpu() - c0
    mentions = 0.0
    if nlp_on:
        nlp = shared_nlp()
        c0 = cpu()
        annotate(parsed, mention_gazetteer(reference, nlp), nlp)
        mentions = cpu() - c0
    return parsed.document.page_count or 0, parse, mentions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    parser.add_argument("--set", choices=sorted(SETS), default="dev", help="which expectations")
    parser.add_argument("--expected", help="an expectations file (default: the one of --set)")
    parser.add_argument("--pdf", action="store_true", help="also time the generated 120-page PDF")
    parser.add_argument("--no-nlp", action="store_true", help="without the mentions pass")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"--corpus {corpus}: not a directory (valid: the folder of the corpus .txt files)")
    args.expected = args.expected or str(SETS[args.set])
    with open(args.expected, "rb") as fh:
        expected = tomllib.load(fh)
    nlp_on = not args.no_nlp
    reference = ReferenceData()
    work = Path(tempfile.mkdtemp(prefix="bench_entities_"))
    for d in expected.get("document", []):
        (work / d["name"]).write_text(d["text"], encoding="utf-8")
    load = gaz = 0.0
    if nlp_on:
        t0 = time.perf_counter()
        nlp = shared_nlp()
        nlp.nlp  # noqa: B018 - the model load, timed apart
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        mention_gazetteer(reference, nlp).match(nlp.tokenize("Caen"))
        gaz = time.perf_counter() - t0
    store = Store(work / "store.db")
    times = ingest(sorted(corpus.glob("*.txt")), store, reference, nlp_on)
    own = sorted(p for p in work.iterdir() if p.suffix in (".txt", ".csv", ".md"))  # the benchmark's plans
    bench_times = ingest(own, store, reference, nlp_on)
    t0 = time.perf_counter()
    graph = GraphBuilder(store, reference, enrichers=enrichers(reference)).build().graph
    build = time.perf_counter() - t0
    counts, misses = score(graph, expected["case"])
    split, groups, merges, pairs, notes = splits_and_merges(graph, expected)
    right, wrong = codes(graph, expected["case"])
    notes.insert(0, f"codes right: {right} of {right + wrong} perimeter places named like an expected one")
    pdf = pdf_times(reference, nlp_on) if args.pdf else None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report(
        args,
        counts,
        misses,
        (split, groups, merges, pairs, notes),
        times,
        bench_times,
        (load, gaz, build),
        pdf,
        rss,
        len(expected["case"]),
    )


def report(args, counts, misses, actors, times, bench_times, setup, pdf, rss, n_cases) -> None:
    load, gaz, build = setup
    print(
        f"## Who and where ({platform.machine()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}){' — without the mentions pass' if args.no_nlp else ''}\n"
    )
    print(f"{n_cases} hand-checked actions ({os.path.relpath(args.expected, REPO)})\n")
    print("| category | TP | FP | FN | precision | recall | F1 |\n|---|---|---|---|---|---|---|")
    for cat, (tp, fp, fn) in counts.items():
        p, r, f = prf(tp, fp, fn)
        print(f"| {cat} | {tp} | {fp} | {fn} | {p:.2f} | {r:.2f} | {f:.2f} |")
    split, groups, merges, pairs, notes = actors
    print(
        f"\nactors split over several nodes: {split} of {groups} ({split / max(1, groups):.0%}); "
        f"wrong merges: {merges} of {pairs} pairs\n"
    )
    for line in notes + misses:
        print(f"- {line}")
    print("\n| step | wall s | CPU s |\n|---|---|---|")
    print(f"| spaCy model load (once per process) | {load:.2f} | |")
    print(f"| gazetteer build (once per reference data) | {gaz:.2f} | |")
    print(f"| parse of the corpus (5 documents) | {times['parse']:.2f} | {times['parse_cpu']:.2f} |")
    print(f"| mentions pass over the corpus | {times['mentions']:.2f} | {times['mentions_cpu']:.2f} |")
    print(f"| mentions pass over the benchmark's own plans | {bench_times['mentions']:.2f} | |")
    print(f"| knowledge graph build (with enrichers) | {build:.2f} | |")
    if pdf:
        pages, parse, mentions = pdf
        ratio = (parse + mentions) / parse if parse else 0
        print(f"| {pages}-page PDF: ingest without the pass | | {parse:.2f} |")
        print(
            f"| {pages}-page PDF: mentions pass | | {mentions:.2f} (ingest with it: {ratio:.2f}× without) |"
        )
    print(f"\npeak RSS of the run: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
