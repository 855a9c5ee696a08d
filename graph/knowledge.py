"""The knowledge base derived from the store: graph, queries and RDF, built once and rebuilt after an
ingest."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
from rdflib import Graph

from graph.build import BuiltGraph, Enricher, GraphBuilder
from graph.knowledge_disk import SavedGraph, build_key
from graph.queries import Queries
from graph.rdf import to_rdf
from graph.reference import ReferenceData
from graph.store import Store
from graph.territories import Referential

log = logging.getLogger(__name__)


@dataclass
class KnowledgeBase:
    built: BuiltGraph
    reference: ReferenceData
    generation: int = 0  # the store's generation it was built from
    built_at: float = field(default_factory=time.time)

    @property
    def graph(self) -> nx.MultiDiGraph:
        return self.built.graph

    @property
    def referential(self) -> Referential:
        return self.reference.territories

    @cached_property
    def queries(self) -> Queries:
        return Queries(self.graph, self.reference)

    @cached_property
    def rdf(self) -> Graph:
        started = time.perf_counter()
        rdf = to_rdf(self.graph, self.reference.ontology)
        log.debug("RDF: %d triples in %.2f s", len(rdf), time.perf_counter() - started)
        return rdf


class KnowledgeCache:
    """Builds the knowledge base on first use and again after the store changed (thread-safe).

    Two ways a change is seen: :meth:`invalidate` (this process wrote: the next :meth:`get` builds anew and
    waits for it), and the store's generation, read on every :meth:`get` (one indexed read), which another
    process's write moves. Then the current knowledge base keeps serving while a new one is built in a
    background thread — on its own store connection, with ``prepare`` (the service builds its search indexes
    there) — and swapped in whole: a query sees the old one or the new one, never a half-built one, and
    never waits.

    ``on_built`` runs after each build, inside the lock: the serving edge uses it to move the new long-lived
    objects out of the garbage collector's reach.

    ``saved``: where the built graph is kept between processes (`graph.knowledge_disk`): a build first loads
    it when it was saved under the same key (store id and generation, code, reference files, enrichers,
    date), else builds and saves it."""

    def __init__(
        self,
        store: Store,
        reference: ReferenceData,
        enrichers: list[Enricher] | None = None,
        on_built: Callable[[], None] | None = None,
        prepare: Callable[[KnowledgeBase], None] | None = None,
        saved: SavedGraph | None = None,
    ):
        self.store = store
        self.reference = reference
        self.enrichers = enrichers or []
        self.on_built = on_built
        self.prepare = prepare
        self.saved = saved
        self._kb: KnowledgeBase | None = None
        self._lock = threading.Lock()
        self._refreshing: threading.Thread | None = None
        self._failed: int | None = None  # a generation whose background build failed (not retried)

    @property
    def current(self) -> KnowledgeBase | None:
        """The knowledge base being served, None before the first build (never builds)."""
        return self._kb

    def invalidate(self) -> None:
        with self._lock:
            self._kb = None

    def get(self) -> KnowledgeBase:
        kb = self._kb
        if kb is not None:
            generation = self.store.generation()
            if generation != kb.generation and generation != self._failed:
                self._refresh_later()
            return kb
        with self._lock:
            if self._kb is None:
                self._kb = self._build(self.store)
                if self.on_built is not None:
                    self.on_built()
            return self._kb

    def _build(self, store: Store) -> KnowledgeBase:
        started = time.perf_counter()
        generation = store.generation()  # before reading: a write during the build is seen next time
        today = dt.date.today()  # one date for the key and the build (a plan whose period ended is past)
        built, key = None, None
        if self.saved is not None:
            key = build_key(store.store_id(), generation, self.reference, self.enrichers, today)
            built = self.saved.load(key, self.reference)
        if built is None:
            built = GraphBuilder(store, self.reference, enrichers=self.enrichers, today=today).build()
            log.debug(
                "knowledge graph built in %.2f s (generation %d)", time.perf_counter() - started, generation
            )
            if self.saved is not None and key is not None:
                self.saved.save(key, built, self.reference)
        return KnowledgeBase(built, self.reference, generation=generation)

    def _refresh_later(self) -> None:
        with self._lock:
            if self._refreshing is not None and self._refreshing.is_alive():
                return
            self._refreshing = threading.Thread(target=self._refresh, name="qfq-refresh", daemon=True)
            self._refreshing.start()

    def _refresh(self) -> None:
        store = Store(self.store.path)
        try:
            kb = self._build(store)
            if self.prepare is not None:
                self.prepare(kb)
        except Exception:  # the boundary of a background thread: the old knowledge base keeps serving
            log.exception(
                "the knowledge base could not be rebuilt after the store changed; the previous one serves"
            )
            self._failed = store.generation()
            return
        finally:
            store.close()
        with self._lock:
            if self._kb is not None and self._kb.generation < kb.generation:  # None: a build is due
                self._kb = kb
                self._failed = None
                if self.on_built is not None:
                    self.on_built()
        log.info("knowledge base refreshed: store generation %d", kb.generation)

    def wait_refreshed(self, timeout: float | None = None) -> None:
        """Wait for a background rebuild (tests, benchmarks)."""
        thread = self._refreshing
        if thread is not None:
            thread.join(timeout)
