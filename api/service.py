"""The service facade: what the CLI and the HTTP routes call, one method per command or route. No business
logic lives in either of them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import cached_property
from typing import Any

from api.answers import AnswerCache
from api.facade.actions import ActionFacade
from api.facade.exports import ExportFacade
from api.facade.ingesting import IngestFacade, Progress
from api.facade.match import MatchFacade
from api.facade.reference import ReferenceFacade
from api.facade.search import SearchFacade
from api.facade.who import WhoFacade
from api.memory import settle_memory
from api.settings import Settings
from graph.enrich import enrichers
from graph.knowledge import KnowledgeBase, KnowledgeCache
from graph.knowledge_disk import FILE_NAME, SavedGraph
from graph.reference import ReferenceData
from graph.store import Store
from graph.territories import Referential

log = logging.getLogger(__name__)

__all__ = ["Progress", "Service"]


class Service(
    SearchFacade, IngestFacade, ExportFacade, ActionFacade, WhoFacade, MatchFacade, ReferenceFacade
):
    """One object per process (the app, a CLI command): its state lives here, its methods in the facades."""

    def __init__(self, settings: Settings, *, reference: ReferenceData | None = None):
        """``reference``: reference data to share with other services of the process (tests do); by default
        the service loads its own from the settings."""
        self.settings = settings
        if reference is not None:
            self.__dict__["reference"] = reference
        self._search_lock = threading.Lock()
        self._sparql_slots = threading.BoundedSemaphore(settings.sparql_concurrency)
        self.answers = AnswerCache(settings.answer_cache_size)
        # nice value added to the threads that encode queries and documents (a server sets it before any use)
        self.query_nice = 0

    def _answer(self, name: str, compute: Callable[[], dict[str, Any]], *key: Any) -> dict[str, Any]:
        """Answers of the read queries, kept for the current knowledge base (an ingest starts a new one).

        The same object is handed to every caller: answers are read-only (the routes serialise them, once per
        answer, the CLI prints them)."""
        return self.answers.get(self.knowledge, (name, repr(key)), compute)

    @cached_property
    def store(self) -> Store:
        return Store(self.settings.store_path)

    @cached_property
    def reference(self) -> ReferenceData:
        return ReferenceData(self.settings.reference_dir)

    @cached_property
    def answers_fingerprint(self) -> str:
        """`Settings.answers_fingerprint` of the reference files as this service loaded them: computed once,
        right after loading them (the files are not read again while the service runs, so neither are their
        names, sizes and times — /health recomputed them on every change of the store)."""
        self.reference  # noqa: B018 -- loaded first: the digest describes what this service answers with
        return self.settings.answers_fingerprint()

    @property
    def referential(self) -> Referential:
        return self.reference.territories

    @cached_property
    def knowledge_cache(self) -> KnowledgeCache:
        return KnowledgeCache(
            self.store,
            self.reference,
            enrichers=enrichers(self.reference),
            on_built=settle_memory,
            prepare=self._prepare,
            saved=SavedGraph(self.settings.data / FILE_NAME),
        )

    def _prepare(self, kb: KnowledgeBase) -> None:
        """Before a knowledge base rebuilt in the background is swapped in: build its search engine too, if
        this process searches (so that the first search after the swap does not wait for it)."""
        if "_engine" in self.__dict__:
            self.engine_for(kb)

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.knowledge_cache.get()

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
        if "vector_cache" in self.__dict__:
            self.vector_cache.close()

    def health(self) -> dict[str, Any]:
        current = self.knowledge_cache.current if "knowledge_cache" in self.__dict__ else None
        return {
            "status": "ok",
            "documents": len(self.store.documents()),
            "actions": self.store.count_actions(),
            "store": self.store.store_id(),
            "generation": current.generation if current is not None else None,
            "store_generation": self.store.generation(),
            "answers": self.answers_fingerprint,
        }
